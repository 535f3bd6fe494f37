import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import type { Tx } from "../../server/db/database";
import { CreateActivityInput } from "../../server/domains/activities/activities.schemas";
import { createActivity } from "../../server/domains/activities/activities.service";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { offerActivity } from "../../server/domains/portal/portal.service";
import { createTask } from "../../server/domains/tasks/tasks.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

/**
 * Monday 7 December 2026: Fatima holds two partners and a school of the region, Joris two other
 * partners. Each has tasks, a partner's offer waits for each, and the activities run from last
 * year to July 2027.
 */
describe("the start page and the lists open on the signed-in user's own work", () => {
  const now = new Date("2026-12-07T10:00:00Z");
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let fatima: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: now.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    fatima = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const joris = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Joris Kamphuis" });
    admin = await makeUser(server.db, { regionId: region.id, role: "admin", name: "Marieke Nijhuis" });
    const run = <T>(work: (trx: Tx) => Promise<T>) => server.db.transaction().execute(work);
    const as = (user: typeof fatima) => ({ scope: scopeOf({ ...user, locale: "nl" }), stamp: { actor: { id: user.id, name: user.name }, now } });
    const then = new Date("2025-09-01T10:00:00Z");
    const base = { status: "active" as const, tags: [], sector: null, street: null, city: "Almelo", tier: "regular" as const };
    const organisation = async (holder: typeof fatima, name: string, kind: "company" | "vmbo" = "company") => {
      const { scope } = as(holder);
      const created = await run((trx) => createOrganisation(trx, scope, { ...base, kind, name, accountHolderId: holder.id }, { actor: { id: holder.id, name: holder.name }, now: then }));
      // Last heard of in September 2025: cold by now.
      await run((trx) => logInteraction(trx, scope, { organisationId: created.id, kind: "visit", summary: "Kennismaking", date: "2025-09-01", personIds: [], nextStep: null, nextStepDate: null }, { actor: { id: holder.id, name: holder.name }, now: then }));
      return created;
    };
    const hulshof = await organisation(fatima, "Hulshof Installatietechniek");
    const school = await organisation(fatima, "Het Stedelijk Lyceum", "vmbo");
    const lintelo = await organisation(joris, "Bouwbedrijf Te Lintelo");
    await recomputeHealth(server.db, { regionId: region.id }, now);

    const { scope, stamp } = as(fatima);
    for (const [title, dueDate] of [["Offerte nabellen", "2026-12-01"], ["Stageplekken bespreken", "2026-12-10"], ["Jaarplan 2027 maken", "2027-01-15"]] as const) {
      await run((trx) => createTask(trx, scope, { title, dueDate, organisationId: hulshof.id }, stamp));
    }
    await run((trx) => createTask(trx, as(joris).scope, { title: "Te Lintelo terugbellen", dueDate: "2026-12-08", organisationId: lintelo.id }, as(joris).stamp));

    const activity = { profiles: [], learningPaths: [], sharedWithRegionIds: [], schoolIds: [school.id] };
    await run((trx) => createActivity(trx, scope, CreateActivityInput.parse({ ...activity, type: "company_visit", title: "Bedrijfsbezoek Hulshof", status: "planned", startDate: "2026-12-09", organisationIds: [hulshof.id] }), stamp));
    await run((trx) => createActivity(trx, scope, CreateActivityInput.parse({ ...activity, type: "event", title: "Techniekdag Twente", status: "planned", startDate: "2027-07-02", organisationIds: [hulshof.id] }), stamp));
    await run((trx) => createActivity(trx, scope, CreateActivityInput.parse({ ...activity, type: "company_visit", title: "Bedrijfsbezoek vorig jaar", status: "done", startDate: "2025-11-10", organisationIds: [hulshof.id], pupilsReached: 30, teachersInvolved: 2 }), stamp));

    const offer = async (organisationId: string, title: string, startDate: string) => {
      const partner = await makeUser(server.db, { regionId: region.id, role: "partner", organisationId });
      const partnerScope = scopeOf({ ...partner, locale: "nl" });
      await run((trx) => offerActivity(trx, partnerScope, CreateActivityInput.parse({ ...activity, schoolIds: [], type: "workshop", title, status: "offered", startDate, organisationIds: [organisationId] }),
        { actor: { id: partner.id, name: partner.name }, now, appUrl: server.url }));
    };
    await offer(hulshof.id, "Workshop warmtepompen", "2027-01-20");
    await offer(lintelo.id, "Rondleiding timmerwerkplaats", "2027-01-21");
  }, 60_000);
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

  it("shows an account holder her own tasks, relationships, waiting offers and week first, and the region's figures below", async () => {
    await signIn(page, fatima.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
    const headings = await page.getByRole("heading", { level: 2 }).allTextContents();
    expect(headings.slice(0, 6)).toEqual(["Mijn acties", "Mijn relaties die aandacht vragen", "Binnenkort koud", "Aanbod dat wacht", "Mijn activiteiten deze week", "De regio"]);

    const tasks = page.getByRole("region", { name: "Mijn acties" });
    await tasks.getByText("1 actie is te laat.").waitFor();
    await tasks.getByText("Offerte nabellen").waitFor();
    await tasks.getByText("te laat, was 1 dec 2026").waitFor();
    await tasks.getByText("Stageplekken bespreken").waitFor();
    expect(await tasks.getByText("Jaarplan 2027 maken").count()).toBe(0);
    expect(await tasks.getByText("Te Lintelo terugbellen").count()).toBe(0);

    const relationships = page.getByRole("region", { name: "Mijn relaties die aandacht vragen" });
    await relationships.getByRole("link", { name: "Hulshof Installatietechniek" }).waitFor();
    expect(await relationships.getByText("Bouwbedrijf Te Lintelo").count()).toBe(0);

    const week = page.getByRole("region", { name: "Mijn activiteiten deze week" });
    await week.getByRole("link", { name: "Bedrijfsbezoek Hulshof" }).waitFor();
    expect(await week.getByText("Techniekdag Twente").count()).toBe(0);

    const offers = page.getByRole("region", { name: "Aanbod dat wacht" });
    expect(await offers.getByText("Rondleiding timmerwerkplaats").count()).toBe(0);
    await offers.getByRole("link", { name: "Workshop warmtepompen" }).click();
    await page.getByRole("heading", { name: "Workshop warmtepompen" }).waitFor();
  });

  it("counts the offers waiting for her next to Activiteiten in the menu", async () => {
    await signIn(page, fatima.email, TEST_PASSWORD);
    const menu = page.getByRole("navigation", { name: "Menu" });
    // The closed "Samenwerking" group shows the count; opened, Activiteiten says what it counts.
    const group = menu.locator(".nav-bar details.nav-dropdown > summary", { hasText: "Samenwerking" });
    expect(await group.locator(".nav-count").textContent()).toBe("1");
    await group.click();
    await menu.getByRole("link", { name: /^Activiteiten\W+1 aanbieding wacht$/ }).first().waitFor();
  });

  it("opens Aandacht nodig on her own relationships, with the whole region one click away", async () => {
    await signIn(page, fatima.email, TEST_PASSWORD);
    await page.goto("/attention");
    await page.getByRole("heading", { name: "Hulshof Installatietechniek" }).waitFor();
    expect(await page.getByRole("heading", { name: "Bouwbedrijf Te Lintelo" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Alleen mijn relaties" }).getAttribute("aria-current")).toBe("page");
    await page.getByRole("link", { name: "Hele regio" }).click();
    await page.getByRole("heading", { name: "Bouwbedrijf Te Lintelo" }).waitFor();
    await page.getByRole("heading", { name: "Hulshof Installatietechniek" }).waitFor();
  });

  it("shows an administrator without relationships of her own the whole region and calm empty sections", async () => {
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Marieke Nijhuis" }).waitFor();
    await page.getByText("Niets te laat en niets dat deze week af moet.").waitFor();
    await page.getByText("U bent van geen enkele organisatie accounthouder.").waitFor();
    await page.getByText("Geen aanbod van uw partners dat op een besluit wacht.").waitFor();
    expect(await page.getByRole("navigation", { name: "Menu" }).getByRole("link", { name: /aanbieding/ }).count()).toBe(0);
    await page.goto("/attention");
    await page.getByRole("heading", { name: "Bouwbedrijf Te Lintelo" }).waitFor();
    expect(await page.getByRole("link", { name: "Hele regio" }).getAttribute("aria-current")).toBe("page");
  });

  it("opens the activity list on what is coming, soonest first, with the past one tab away", async () => {
    await signIn(page, fatima.email, TEST_PASSWORD);
    await page.goto("/activities");
    const firstRow = page.getByRole("row").nth(1);
    await firstRow.getByRole("link", { name: "Bedrijfsbezoek Hulshof" }).waitFor();
    const titles = await page.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(titles).toEqual(["Bedrijfsbezoek Hulshof", "Workshop warmtepompen", "Rondleiding timmerwerkplaats", "Techniekdag Twente"]);
    await page.getByRole("link", { name: "Voorbij" }).click();
    await page.getByRole("link", { name: "Bedrijfsbezoek vorig jaar" }).waitFor();
    expect(await page.getByRole("link", { name: "Techniekdag Twente" }).count()).toBe(0);
  });
});
