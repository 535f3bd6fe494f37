import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("an account holder setting up her mail program to log email", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let userId = "";

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    userId = user.id;
    context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    // The browser lets the page write (and the test read) the clipboard, as a person's browser does after a tap.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    page = await context.newPage();
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it("opens her profile, sees her logging address with what it is for, and copies it", async () => {
    await page.goto("/profile");
    await page.getByRole("heading", { name: "E-mail registreren" }).waitFor();
    await page.getByText("Zet dit adres in de BCC of stuur een mail door").waitFor();
    const field = page.getByLabel("Uw logadres");
    const address = await field.inputValue();
    const stored = await server.db.selectFrom("mail_logging_addresses").select("token").where("user_id", "=", userId).where("revoked_at", "is", null).executeTakeFirstOrThrow();
    expect(address).toMatch(new RegExp(`^${stored.token}@`));
    expect(await field.getAttribute("readonly")).not.toBeNull();

    await page.getByRole("button", { name: "Kopieer" }).tap();
    await page.getByRole("status").filter({ hasText: "Gekopieerd." }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(address);
    // The page fits the phone: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
