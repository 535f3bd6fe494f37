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
import { openMenuEntry, signIn } from "./journeys";

describe("an account holder picking up a relationship that went quiet", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // The app's clock is pinned to TEST_NOW, as SCHAKEL_NOW pins it in a demonstration.
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const scope = scopeOf({ ...user, locale: "nl" });
    const then = { actor: { id: user.id, name: user.name }, now: new Date("2025-09-01T10:00:00Z") };
    const base = { kind: "company" as const, status: "active" as const, tags: [], sector: null, street: null, city: "Almelo", tier: "occasional" as const, accountHolderId: user.id };
    const quiet = await server.db.transaction().execute((trx) => createOrganisation(trx, scope, { ...base, name: "Bakkerij Jansen Oldenzaal" }, then));
    const mieke = await server.db.transaction().execute((trx) => createPerson(trx, region.id, { name: "Mieke Jansen", lawfulBasis: "legitimate_interest", optOut: false }, then));
    await server.db.transaction().execute((trx) => addAffiliation(trx, region.id, mieke.id, { organisationId: quiet.id, role: "Eigenaar", isPrimary: true, startDate: "2025-09-01" }, then));
    await server.db.transaction().execute((trx) => logInteraction(trx, scope, { organisationId: quiet.id, kind: "visit", summary: "Kennismaking in de bakkerij", date: "2025-09-01", personIds: [], nextStep: null, nextStepDate: null }, then));
    await recomputeHealth(server.db, { regionId: region.id }, TEST_NOW);

    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it("sees why it needs attention, logs a contact moment from the list, and the relationship leaves it", async () => {
    await page.getByRole("link", { name: /Naar Aandacht nodig \(1 koud of afkoelend\)/ }).waitFor();
    await openMenuEntry(page, "Aandacht nodig");
    await page.getByRole("heading", { name: "Aandacht nodig", level: 1 }).waitFor();
    const card = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Bakkerij Jansen Oldenzaal" }) });
    await card.getByText(/geen contact, sinds 1 september 2025 \(richttijd 240 dagen/).waitFor();
    expect(await card.getByText("Volgende stap: Bel of bezoek de organisatie en leg het contactmoment vast.").count()).toBe(1);

    await card.getByText("Contactmoment vastleggen").click();
    await card.getByLabel("Samenvatting").fill("Gebeld met Mieke: gastles brood en banket in het voorjaar");
    await card.getByRole("button", { name: "Vastleggen" }).click();
    await page.getByText("Het contactmoment is vastgelegd. De relatie staat niet meer op deze lijst.").waitFor();
    expect(await page.getByRole("heading", { name: "Bakkerij Jansen Oldenzaal" }).count()).toBe(0);
    // Her own relationships: the list opens on those when she holds any.
    await page.getByText("Geen van uw relaties is koud of afkoelend.").waitFor();
  });
});
