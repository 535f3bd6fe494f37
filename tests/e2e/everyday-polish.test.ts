import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

/** Dates, plurals and names as a Dutch reader expects them, on 7 December 2026. */
describe("everyday texts", () => {
  const now = new Date("2026-12-07T10:00:00Z");
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let holder: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: now.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    holder = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    admin = await makeUser(server.db, { regionId: region.id, role: "admin", name: "Marieke Nijhuis" });
    await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Joris Kamphuis" });
    const scope = scopeOf({ ...holder, locale: "nl" });
    const then = { actor: { id: holder.id, name: holder.name }, now: new Date("2025-09-01T10:00:00Z") };
    const base = { kind: "company" as const, status: "active" as const, tags: [], sector: null, street: null, city: "Almelo", tier: "occasional" as const, accountHolderId: holder.id };
    const quiet = await server.db.transaction().execute((trx) => createOrganisation(trx, scope, { ...base, name: "Bakkerij Jansen Oldenzaal" }, then));
    await server.db.transaction().execute((trx) => logInteraction(trx, scope, { organisationId: quiet.id, kind: "visit", summary: "Kennismaking", date: "2025-09-01", personIds: [], nextStep: null, nextStepDate: null }, then));
    await recomputeHealth(server.db, { regionId: region.id }, now);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  it("says until when a relationship is snoozed as a day, not as 2027-01-04", async () => {
    await signIn(page, holder.email, TEST_PASSWORD);
    await page.goto("/attention");
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Bakkerij Jansen Oldenzaal" }) });
    await card.getByText("Uitstellen", { exact: true }).first().click();
    await card.getByLabel("Aantal weken").fill("4");
    await card.getByLabel("Reden").fill("Eigenaar op vakantie");
    await card.getByRole("button", { name: "Uitstellen" }).click();
    await page.getByText("Uitgesteld tot 4 jan 2027.").waitFor();
    expect(await page.getByText("2027-01-04").count()).toBe(0);
  });

  it("names tier and relationship health the same everywhere, and counts organisations in real plurals", async () => {
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.goto(`/admin/users/${holder.id}/handover`);
    await page.getByRole("columnheader", { name: "Contactfrequentie" }).waitFor();
    await page.getByRole("columnheader", { name: "Relatiegezondheid" }).waitFor();
    await page.getByLabel("Alles naar").selectOption({ label: "Joris Kamphuis" });
    await page.getByRole("button", { name: "Overdragen" }).click();
    await page.getByText("1 organisatie overgedragen. 1 nieuwe accounthouder krijgt een samenvatting per e-mail.").waitFor();

    await page.goto("/organisations");
    await page.getByRole("columnheader", { name: "Relatiegezondheid" }).waitFor();
    await page.getByLabel("Relatiegezondheid").waitFor();
  });
});
