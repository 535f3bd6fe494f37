import type { Page, Response } from "playwright-core";

/**
 * Fills in the sign-in page as a person does and returns the answer to the form's POST (a plain
 * POST before hydration, Remix's fetch after it), so a test can read its status.
 */
export async function signIn(page: Page, email: string, password: string): Promise<Response> {
  if (new URL(page.url(), "http://x").pathname !== "/sign-in") await page.goto("/sign-in");
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord").fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/sign-in"),
    page.getByRole("button", { name: "Inloggen", exact: true }).click(),
  ]);
  return response;
}

/** The main navigation of the signed-in pages (app/components/app-shell.tsx). */
export function navigation(page: Page) {
  return page.getByRole("navigation", { name: "Menu" });
}
