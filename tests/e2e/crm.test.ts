import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("an account holder at work", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let email: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    email = user.email;
    const scope = { regionId: region.id, userId: user.id, role: user.role, organisationId: null };
    for (const name of ["Hulshof Installatietechniek", "Café De Zwaan", "Bakkerij Jansen"]) {
      await server.db.transaction().execute((trx) => createOrganisation(trx, scope, { kind: "company", name, tier: "regular", status: "active", tags: [], sector: null, street: null, city: null }, { actor: null, now: TEST_NOW }));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    await signIn(page, email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  });
  afterEach(async () => {
    await context?.close();
  });

  it("sees search results appear while typing, typo and all, without pressing enter", async () => {
    await page.getByRole("link", { name: "Zoeken" }).click();
    await page.getByLabel("Zoek organisaties en personen").pressSequentially("hulshf", { delay: 30 });
    await page.getByRole("link", { name: "Hulshof Installatietechniek" }).waitFor();
    expect(new URL(page.url()).search).toBe("");
  });

  it("logs a contact moment on a phone-sized screen and sees it on the timeline", async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await page.goto("/organisations");
    await page.getByRole("link", { name: "Bakkerij Jansen" }).click();
    await page.getByRole("heading", { name: "Contactmoment vastleggen" }).waitFor();
    await page.getByLabel("Samenvatting").fill("Kennismaking: interesse in een gastles brood en banket");
    await page.getByRole("button", { name: "Vastleggen" }).click();
    await page.getByText("Het contactmoment is vastgelegd.").waitFor();
    const timeline = page.getByRole("region", { name: "Tijdlijn" });
    await timeline.getByText("Kennismaking: interesse in een gastles brood en banket").waitFor();
  });

  it("records that a contact left, names who takes over, and sees the successor as primary contact and the reason on top", async () => {
    await page.goto("/organisations");
    await page.getByRole("link", { name: "Café De Zwaan" }).click();
    const contacts = page.getByRole("region", { name: "Contactpersonen" });
    await contacts.getByText("Contactpersoon toevoegen").click();
    await contacts.getByLabel("Naam").fill("Kees de Zwaan");
    await contacts.getByLabel("Functie").fill("Eigenaar");
    await contacts.getByLabel("Primair contact van deze organisatie").check();
    await contacts.getByRole("button", { name: "Toevoegen" }).click();
    await contacts.getByRole("link", { name: "Kees de Zwaan" }).waitFor();

    await contacts.getByText("Vertrokken?").click();
    await contacts.getByLabel("Reden").selectOption("retired");
    await contacts.getByLabel("Of een nieuwe contactpersoon (naam)").fill("Sanne de Zwaan");
    await contacts.getByRole("button", { name: "Opslaan" }).click();
    await contacts.getByText("Eerdere contactpersonen").waitFor();
    await contacts.getByRole("link", { name: "Sanne de Zwaan" }).waitFor();
    expect(await contacts.getByRole("listitem").filter({ hasText: "Sanne de Zwaan" }).getByText("Primair contact").count()).toBe(1);
    await page.getByRole("region", { name: /Relatie/ }).getByText(/Kees de Zwaan \(primair contact\) is op .* met pensioen gegaan; opvolger Sanne de Zwaan/).waitFor();
  });

  it("sees a record laid out as in other CRMs — key facts at the side, the log form above the timeline — and edits the facts in place", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/organisations");
    await page.getByRole("link", { name: "Hulshof Installatietechniek" }).click();
    const facts = page.getByRole("region", { name: "Overzicht" });
    const log = page.getByRole("heading", { name: "Contactmoment vastleggen" });
    const timeline = page.getByRole("region", { name: "Tijdlijn" });
    const [factsBox, logBox, timelineBox] = await Promise.all([facts.boundingBox(), log.boundingBox(), timeline.boundingBox()]);
    expect(factsBox!.x + factsBox!.width).toBeLessThanOrEqual(logBox!.x);
    expect(logBox!.y).toBeLessThan(timelineBox!.y);
    // The edit form is not in the way until asked for, and takes the place of the facts it edits.
    expect(await page.getByLabel("Plaats").count()).toBe(0);
    await facts.getByRole("link", { name: "Gegevens wijzigen" }).click();
    const form = page.getByRole("region", { name: "Gegevens wijzigen" });
    await form.getByLabel("Plaats").fill("Hengelo");
    await form.getByRole("button", { name: "Opslaan" }).click();
    await page.getByText("De wijzigingen zijn opgeslagen.").waitFor();
    await facts.getByText("Hengelo").waitFor();
    expect(await page.getByLabel("Plaats").count()).toBe(0);
  });

  it("is offered existing organisations with a similar name before creating a new one", async () => {
    await page.goto("/organisations/new");
    await page.getByLabel("Naam", { exact: true }).pressSequentially("Bakkerij Janssen", { delay: 20 });
    const hint = page.getByRole("status").filter({ hasText: "Bestaat deze organisatie al?" });
    await hint.getByRole("link", { name: "Bakkerij Jansen" }).waitFor();
  });
});
