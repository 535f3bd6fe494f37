import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

const PHONE = { width: 390, height: 844 };

describe("an account holder with fifty quiet relationships, on a phone", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const scope = scopeOf({ ...user, locale: "nl" });
    const then = { actor: { id: user.id, name: user.name }, now: new Date("2025-09-01T10:00:00Z") };
    const base = { kind: "company" as const, status: "active" as const, tags: [], sector: null, street: null, city: "Almelo", tier: "occasional" as const, accountHolderId: user.id };
    for (let n = 1; n <= 50; n++) {
      await server.db.transaction().execute(async (trx) => {
        const organisation = await createOrganisation(trx, scope, { ...base, name: `Installatiebedrijf ${String(n).padStart(2, "0")}` }, then);
        const person = await createPerson(trx, region.id, { name: `Contactpersoon ${n}`, lawfulBasis: "legitimate_interest", optOut: false }, then);
        await addAffiliation(trx, region.id, person.id, { organisationId: organisation.id, role: "Eigenaar", isPrimary: true, startDate: "2025-09-01" }, then);
        await logInteraction(trx, scope, { organisationId: organisation.id, kind: "visit", summary: "Kennismaking", date: "2025-09-01", personIds: [], nextStep: null, nextStepDate: null }, then);
      });
    }
    await recomputeHealth(server.db, { regionId: region.id }, TEST_NOW);
    context = await browser.newContext({ baseURL: server.url, viewport: PHONE });
    page = await context.newPage();
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  const size = (target: Page) => target.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));

  it("sees Aandacht nodig as a short list of cards, twenty at a time, and the page never scrolls sideways", async () => {
    await page.goto("/attention");
    await page.getByRole("heading", { name: "Aandacht nodig", level: 1 }).waitFor();
    const cards = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 2 }) });
    expect(await cards.count()).toBe(20);
    const { width, height } = await size(page);
    expect(width).toBeLessThanOrEqual(PHONE.width);
    // Fifty cards of some 450 px made a page of metres; twenty take at most a dozen screens.
    expect(height).toBeLessThan(12 * PHONE.height);
    const first = await cards.allTextContents();
    await page.getByRole("link", { name: "Meer relaties" }).click();
    await page.waitForURL((url) => url.searchParams.has("cursor"));
    // The address changes before React has rendered the next page (the navigation is a transition):
    // wait for the cards to change, not only the address.
    await expect.poll(async () => await cards.first().textContent(), { timeout: 10_000 }).not.toBe(first[0]);
    expect(await cards.count()).toBe(20);
    expect((await cards.allTextContents()).filter((text) => first.includes(text))).toEqual([]);
  });

  it("sees the dashboard, its chart and the table behind it within the width of the phone", async () => {
    await page.goto("/");
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
    expect((await size(page)).width).toBeLessThanOrEqual(PHONE.width);
  });
});
