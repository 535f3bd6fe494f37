import type { Locator, Page, Response } from "playwright-core";

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

/**
 * The menu as a list of its top-level entries, a group as "Beheer: Gebruikers, E-mail, …" and the
 * user's name as "<name>: Profiel, Uitloggen", read from the wide screen's bar whether or not a group is open.
 */
export async function menuOutline(page: Page): Promise<string[]> {
  return navigation(page)
    .locator(".nav-bar > li")
    .evaluateAll((items) =>
      items.map((item) => {
        const text = (element: Element | null) => (element?.textContent ?? "").replace(/\s+/g, " ").trim();
        const summary = item.querySelector(":scope > details > summary");
        if (!summary) return text(item);
        const name = summary.querySelector(".nav-account-name") ?? summary;
        return `${text(name)}: ${[...item.querySelectorAll(":scope > details > ul > li")].map(text).join(", ")}`;
      }),
    );
}

/**
 * Opens a page from the menu as a person does: on a phone the "Menu" button first, on a wide
 * screen the group that holds the entry ("Mijn werk", "Beheer", the user's name), then the entry.
 */
export async function openMenuEntry(page: Page, name: string): Promise<void> {
  const nav = navigation(page);
  const phone = nav.locator("details.nav-phone");
  if (await phone.isVisible()) {
    if (!(await phone.evaluate((details) => (details as HTMLDetailsElement).open))) await phone.locator("> summary").click();
    await entry(nav, name).click();
    return;
  }
  const exactly = new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
  const group = nav.locator(".nav-bar details.nav-dropdown").filter({ has: page.locator("a, button").filter({ hasText: exactly }) });
  if ((await group.count()) && !(await group.evaluate((details) => (details as HTMLDetailsElement).open))) await group.locator("> summary").click();
  await entry(nav, name).click();
}

function entry(nav: ReturnType<typeof navigation>, name: string) {
  return nav.getByRole("link", { name, exact: true }).or(nav.getByRole("button", { name, exact: true }));
}

/**
 * Chooses an organisation or person in a picker (app/components/ui/combobox.tsx) as a person does
 * with the keyboard: types the name and takes the first match with Enter. Right after a client-side
 * navigation the page can be rendered afresh once more (what was typed is then gone), so the name
 * is typed again if its option does not appear.
 */
export async function choose(within: Page | Locator, label: string, name: string): Promise<void> {
  // The text box, not the plain <select> the page shows until it has hydrated (also a combobox).
  const box = within.getByRole("combobox", { name: label, exact: true }).and(within.locator("input"));
  const option = within.getByRole("listbox", { name: label, exact: true }).getByRole("option", { name }).first();
  for (let attempt = 1; ; attempt += 1) {
    await box.fill(name);
    try {
      await option.waitFor({ timeout: attempt === 1 ? 2_000 : 10_000 });
      break;
    } catch (error) {
      if (attempt === 2) throw error;
    }
  }
  await box.press("Enter");
}
