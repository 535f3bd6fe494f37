import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { navigation, signIn } from "./journeys";

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe("the menu, the not-found page and the keyboard", () => {
  let server: TestServer;
  let browser: TestBrowser;
  const accounts = new Map<Role, { email: string; name: string }>();
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const admin = await makeUser(server.db, { regionId: region.id, role: "admin", name: "Bea Beheer" });
    accounts.set("admin", { email: admin.email, name: "Bea Beheer" });
    const company = await server.db.transaction().execute((trx) =>
      createOrganisation(trx, { regionId: region.id, userId: admin.id, role: "admin", organisationId: null }, { kind: "company", name: "Hulshof Installatietechniek", tier: "regular", status: "active", tags: [], sector: null, street: null, city: null }, { actor: null, now: TEST_NOW }),
    );
    for (const [role, name] of [["penvoerder", "Piet Penvoerder"], ["accounthouder", "Fatima El Amrani"], ["partner", "Paula Partner"]] as const) {
      const user = await makeUser(server.db, { regionId: region.id, role, name, ...(role === "partner" ? { organisationId: company.id } : {}) });
      accounts.set(role, { email: user.email, name });
    }
  });
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function pageAs(role: Role | null, options: { viewport?: typeof DESKTOP; javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ baseURL: server.url, viewport: options.viewport ?? DESKTOP, javaScriptEnabled: options.javaScriptEnabled ?? true });
    contexts.push(context);
    const page = await context.newPage();
    if (role) {
      await signIn(page, accounts.get(role)!.email, TEST_PASSWORD);
      await page.waitForURL((url) => url.pathname !== "/sign-in");
    }
    return page;
  }

  /** Every link and button of the menu, wherever it sits (both the bar and the phone's list), by name. */
  async function entriesOf(page: Page): Promise<string[]> {
    const names = await navigation(page).locator("a, button").evaluateAll((elements) => elements.map((element) => (element.textContent ?? "").trim()));
    return [...new Set(names)].sort();
  }

  for (const role of ["admin", "penvoerder", "accounthouder", "partner"] as const) {
    it(`lets the ${role} reach every menu entry at 1280 and at 390 px, with at most seven at the top`, async () => {
      const unreachable: string[] = [];
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await pageAs(role, { viewport });
        const entries = await entriesOf(page);
        expect(entries.length).toBeGreaterThan(2);
        for (const name of entries) {
          await page.reload();
          const target = navigation(page).getByRole("link", { name, exact: true }).or(navigation(page).getByRole("button", { name, exact: true }));
          try {
            const phone = navigation(page).locator("details.nav-phone > summary");
            if (await phone.isVisible()) await phone.click();
            else {
              const group = navigation(page).locator(".nav-bar details").filter({ has: page.locator("a, button").filter({ hasText: name }) });
              if (await group.count()) await group.first().locator("> summary").click();
            }
            await target.waitFor({ timeout: 2_000 });
            const box = await target.boundingBox();
            if (!box || box.x < 0 || box.x + box.width > viewport.width) unreachable.push(`${name} at ${viewport.width} px: outside the screen`);
          } catch {
            unreachable.push(`${name} at ${viewport.width} px: not shown`);
          }
        }
        if (viewport === DESKTOP) {
          const top = await navigation(page).locator(".nav-bar > li:not(.nav-account)").count();
          expect(top, "top-level entries besides the user's name").toBeLessThanOrEqual(7);
        }
      }
      expect(unreachable).toEqual([]);
      // Every entry is tried on a freshly loaded start page, twice over: an admin's 30-odd page loads
      // outlast the default 30 s on a busy two-core machine.
    }, 120_000);
  }

  it("opens Beheer, the user's name and the phone's Menu without JavaScript", async () => {
    const wide = await pageAs("admin", { javaScriptEnabled: false });
    await wide.locator("summary", { hasText: /^Beheer$/ }).click();
    await navigation(wide).getByRole("link", { name: "Gebruikers" }).click();
    await wide.getByRole("heading", { name: "Gebruikers", level: 1 }).waitFor();
    await wide.locator("summary", { hasText: "Bea Beheer" }).click();
    await navigation(wide).getByRole("link", { name: "Profiel" }).click();
    await wide.getByRole("heading", { name: "Profiel", level: 1 }).waitFor();

    const phone = await pageAs("admin", { viewport: PHONE, javaScriptEnabled: false });
    await navigation(phone).locator("summary", { hasText: "Menu" }).click();
    await navigation(phone).getByRole("link", { name: "Relatiesignalen" }).click();
    await phone.getByRole("heading", { name: "Relatiesignalen", level: 1 }).waitFor();
    expect(new URL(phone.url()).pathname).toBe("/admin/health");
  });

  it("opens a group from the keyboard, closes it with Escape back on its button, and closes it after following a link", async () => {
    const page = await pageAs("accounthouder");
    await waitForHydration(page);
    const group = navigation(page).locator(".nav-bar details", { hasText: "Mijn werk" });
    await group.locator("> summary").focus();
    await page.keyboard.press("Enter");
    await navigation(page).getByRole("link", { name: "Mijn acties" }).waitFor();
    await page.keyboard.press("Escape");
    expect(await group.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Mijn werk");

    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Aandacht nodig");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Aandacht nodig", level: 1 }).waitFor();
    expect(await group.evaluate((details) => (details as HTMLDetailsElement).open)).toBe(false);
  });

  it("shows an address that does not exist as the app's own not-found page, with the menu, and it hydrates without a refused script", async () => {
    // A refused script would be a console error, which fails the test (tests/support/browser.ts).
    const page = await pageAs("accounthouder");
    const response = await page.goto("/dit-adres-bestaat-niet");
    expect(response?.status()).toBe(404);
    await page.getByRole("heading", { name: "Niet gevonden", level: 1 }).waitFor();
    await waitForHydration(page);
    // A link followed inside the hydrated app keeps the window: no new document was loaded.
    await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));
    await navigation(page).getByRole("link", { name: "Organisaties" }).click();
    await page.getByRole("heading", { name: "Organisaties", level: 1 }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);

    const signedOut = await pageAs(null);
    expect((await signedOut.goto("/ook/niet/hier"))?.status()).toBe(404);
    await signedOut.getByRole("heading", { name: "Niet gevonden", level: 1 }).waitFor();
    // Signed out there is no menu to mark hydration: Remix's router in the window shows its scripts ran.
    await signedOut.waitForFunction(() => "__remixRouter" in window);
    await signedOut.getByRole("link", { name: "Toegankelijkheid" }).click();
    await signedOut.getByRole("heading", { name: "Toegankelijkheidsverklaring", level: 1 }).waitFor();
  });

  it("signs in, opens an organisation and logs a contact moment with the keyboard alone", async () => {
    const page = await pageAs(null);
    await page.goto("/sign-in");
    await tabTo(page, "E-mailadres");
    await page.keyboard.type(accounts.get("accounthouder")!.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
    await waitForHydration(page);

    await tabTo(page, "Organisaties");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Organisaties", level: 1 }).waitFor();
    await tabTo(page, "Hulshof Installatietechniek");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Hulshof Installatietechniek", level: 1 }).waitFor();

    await tabTo(page, "Samenvatting");
    await page.keyboard.type("Gebeld over twee stageplekken in februari");
    await tabTo(page, "Vastleggen");
    await page.keyboard.press("Enter");
    await page.getByText("Het contactmoment is vastgelegd.").waitFor();
    await page.getByRole("region", { name: "Tijdlijn" }).getByText("Gebeld over twee stageplekken in februari").waitFor();
  });
});

/** The page has hydrated when the menu's script has marked it (app/components/app-shell.tsx). */
async function waitForHydration(page: Page) {
  await page.locator("nav[data-enhanced]").waitFor({ state: "attached" });
}

/** Presses Tab until the focused element is named `name` (its label, text or value), as a keyboard user would. */
async function tabTo(page: Page, name: string, limit = 150) {
  for (let press = 0; press < limit; press++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      if (!element) return "";
      const labels = "labels" in element ? [...((element as HTMLInputElement).labels ?? [])].map((label) => label.textContent ?? "") : [];
      return [element.getAttribute("aria-label") ?? "", ...labels, element.textContent ?? "", (element as HTMLInputElement).value ?? ""].map((text) => text.replace(/\s+/g, " ").trim()).join("|");
    });
    if (focused.split("|").some((text) => text === name || text.startsWith(`${name} `))) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}
