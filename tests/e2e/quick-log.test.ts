import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("an account holder logging a call on her phone, between two lessons", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const scope = scopeOf({ ...user, locale: "nl" });
    const then = { actor: { id: user.id, name: user.name }, now: new Date("2025-09-01T10:00:00Z"), appUrl: server.url };
    await server.db.transaction().execute(async (trx) => {
      const quiet = await createOrganisation(trx, scope, { kind: "company", status: "active", tags: [], sector: null, street: null, city: "Almelo", tier: "occasional", accountHolderId: user.id, name: "Bakkerij Jansen Oldenzaal" }, then);
      const mieke = await createPerson(trx, region.id, { name: "Mieke Jansen", lawfulBasis: "legitimate_interest", optOut: false }, then);
      await addAffiliation(trx, region.id, mieke.id, { organisationId: quiet.id, role: "Eigenaar", isPrimary: true, startDate: "2025-09-01" }, then);
    });
    await recomputeHealth(server.db, { regionId: region.id }, TEST_NOW);

    context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    page = await context.newPage();
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it("picks the quiet relationship, taps Telefoon, writes one sentence, and it is no longer cold", async () => {
    await page.getByRole("link", { name: "Contact vastleggen" }).tap();
    await page.getByRole("heading", { name: "Snel vastleggen", level: 1 }).waitFor();
    await page.getByRole("radio", { name: /Bakkerij Jansen Oldenzaal/ }).tap();
    await page.getByRole("radio", { name: "Telefoon" }).tap();
    await page.getByLabel("Wat is er besproken?").fill("Mieke gebeld: gastles brood en banket in april");
    await page.getByRole("button", { name: "Vastleggen" }).tap();
    await page.getByText("Vastgelegd bij Bakkerij Jansen Oldenzaal.").waitFor();
    // The page fits the phone: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.getByRole("link", { name: "Bekijk de organisatie" }).tap();
    await page.getByText("Mieke gebeld: gastles brood en banket in april").waitFor();
    const health = await server.db.selectFrom("organisation_health").innerJoin("organisations", "organisations.id", "organisation_health.organisation_id").select("organisation_health.state").where("organisations.name", "=", "Bakkerij Jansen Oldenzaal").executeTakeFirstOrThrow();
    expect(health.state).toBe("healthy");
  });
});
