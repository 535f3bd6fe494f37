import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("a penvoerder with partners of his own", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let email: string;
  let ownId: string;
  let otherId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const penvoerder = await makeUser(server.db, { regionId: region.id, role: "penvoerder", name: "Pieter Penvoerder" });
    const holder = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    email = penvoerder.email;
    const scope = { regionId: region.id, userId: holder.id, role: holder.role, organisationId: null };
    const make = (name: string, accountHolderId: string) =>
      server.db.transaction().execute((trx) =>
        createOrganisation(trx, scope, { kind: "company", name, tier: "regular", status: "active", tags: [], sector: null, street: null, city: null, accountHolderId }, { actor: null, now: TEST_NOW }));
    ownId = (await make("Sjöberg Techniek", penvoerder.id)).id;
    otherId = (await make("Hulshof Installatietechniek", holder.id)).id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    await signIn(page, email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Pieter Penvoerder" }).waitFor();
  });
  afterEach(async () => {
    await context?.close();
  });

  it("logs a contact moment with his own partner, and may change its details and plan an activity with it", async () => {
    await page.goto(`/organisations/${ownId}`);
    await page.getByRole("heading", { name: "Contactmoment vastleggen" }).waitFor();
    await page.getByLabel("Samenvatting").fill("Cofinanciering voor volgend jaar besproken");
    await page.getByRole("button", { name: "Vastleggen", exact: true }).click();
    await page.getByText("Het contactmoment is vastgelegd.").waitFor();
    await page.getByRole("link", { name: "Gegevens wijzigen" }).waitFor();
    expect(await page.getByRole("link", { name: "Activiteit toevoegen" }).count()).toBeGreaterThan(0);
    expect(await page.getByText("Deze organisatie wordt onderhouden door").count()).toBe(0);
  });

  it("logs a contact moment with another's partner and is told who keeps its details", async () => {
    await page.goto(`/organisations/${otherId}`);
    await page.getByRole("heading", { name: "Contactmoment vastleggen" }).waitFor();
    await page.getByText("Deze organisatie wordt onderhouden door Fatima El Amrani.").waitFor();
    expect(await page.getByRole("link", { name: "Gegevens wijzigen" }).count()).toBe(0);
  });
});
