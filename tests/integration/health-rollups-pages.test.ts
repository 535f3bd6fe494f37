import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

/**
 * "Relatiegezondheid per groep" (/health/rollups, decision 138): the table whose every number opens
 * its relationships on the organisations list, and the chart of one group; for the penvoerder and
 * the admin only. Today is 23 November 2026.
 */
describe("the health roll-up page", () => {
  let t: TestDatabase;
  let web: TestApp;
  const jars = { penvoerder: new CookieJar(), admin: new CookieJar(), accounthouder: new CookieJar(), partner: new CookieJar() };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-11-23T10:00:00Z" });
    const region = await makeRegion(t.db);
    const organisation = async (name: string, kind: "vmbo" | "company") =>
      (await t.db.insertInto("organisations").values({ region_id: region.id, kind, name, tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).returning("id").executeTakeFirstOrThrow()).id;
    ids.school = await organisation("Het Stedelijk", "vmbo");
    ids.hulshof = await organisation("Hulshof Installatietechniek", "company");
    ids.sjoberg = await organisation("Sjöberg Techniek", "company");
    ids.los = await organisation("Los Bedrijf", "company");
    const { id: activityId } = await t.db.insertInto("activities").values({ region_id: region.id, type: "company_visit", title: "Bedrijfsbezoek", start_date: "2026-10-01", end_date: "2026-10-01", status: "planned", profiles: [], learning_paths: [], details: sql`'{}'::jsonb`, shared_with_region_ids: [] }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("activity_organisations").values([
      { activity_id: activityId, organisation_id: ids.school, role: "school" },
      { activity_id: activityId, organisation_id: ids.hulshof, role: "partner" },
      { activity_id: activityId, organisation_id: ids.sjoberg, role: "partner" },
    ]).execute();
    for (const [id, state] of [[ids.hulshof, "cold"], [ids.sjoberg, "healthy"], [ids.los, "cold"]] as const) {
      await t.db.insertInto("organisation_health").values({ organisation_id: id, region_id: region.id, state, reasons: sql`'[]'::jsonb`, state_since: "2026-09-01", last_contact_date: null, computed_at: new Date() }).execute();
      await t.db.insertInto("health_history").values({ region_id: region.id, organisation_id: id, state, previous_state: null, reason_codes: [], changed_on: "2026-09-01" }).execute();
    }
    for (const role of ["penvoerder", "admin", "accounthouder"] as const) {
      const user = await makeUser(t.db, { regionId: region.id, role });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: jars[role] });
    }
    const partner = await makeUser(t.db, { regionId: region.id, role: "partner", organisationId: ids.hulshof });
    await web.postForm("/sign-in", { email: partner.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: jars.partner });
  });
  afterAll(() => t?.drop());

  it("shows the penvoerder each school's relationships by health, each number a link to those relationships, and the chart with its table", async () => {
    const response = await web.get("/health/rollups", { jar: jars.penvoerder });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("Relatiegezondheid per groep");
    expect(page).toContain("Het Stedelijk");
    const cold = `/organisations?schoolId=${ids.school}&amp;schoolYear=2026-2027&amp;health=cold`;
    expect(page).toContain(`href="${cold}"`);
    expect(page).toContain("1 relatie koud bij Het Stedelijk");
    expect(page).toContain("Verloop dit schooljaar: Het Stedelijk");
    // The chart's figures for a screen reader, month by month.
    expect(page).toContain("Aantal relaties per signaal, de laatst bekende stand van elke maand");
    // Los Bedrijf shares nothing with the school.
    expect(page).not.toContain("Los Bedrijf");
  });

  it("the number opens the organisations list with exactly those relationships", async () => {
    const list = await (await web.get(`/organisations?schoolId=${ids.school}&schoolYear=2026-2027&health=cold`, { jar: jars.penvoerder })).text();
    expect(list).toContain("Hulshof Installatietechniek");
    expect(list).toContain("De relaties waar Het Stedelijk in schooljaar 2026-2027 van afhangt");
    // Filtering further keeps the school.
    expect(list).toContain(`<input type="hidden" name="schoolId" value="${ids.school}"/>`);
    expect(list).not.toContain("Sjöberg Techniek");
    expect(list).not.toContain("Los Bedrijf");
  });

  it("the list refuses a school without its school year, naming it", async () => {
    expect((await web.get(`/organisations?schoolId=${ids.school}`, { jar: jars.penvoerder })).status).toBe(400);
  });

  it("groups by subregion for the admin, the relationships without one together", async () => {
    const page = await (await web.get("/health/rollups?by=subregion", { jar: jars.admin })).text();
    expect(page).toContain("Geen subregio");
    expect(page).toMatch(/aria-current="page"[^>]*>Per subregio|>Per subregio</);
  });

  it("refuses an account holder and a partner", async () => {
    expect((await web.get("/health/rollups", { jar: jars.accounthouder })).status).toBe(403);
    expect((await web.get("/health/rollups", { jar: jars.partner })).status).toBe(403);
  });

  it("shows the menu entry to the penvoerder, not to an account holder", async () => {
    expect(await (await web.get("/", { jar: jars.penvoerder })).text()).toContain(`href="/health/rollups"`);
    expect(await (await web.get("/", { jar: jars.accounthouder })).text()).not.toContain(`href="/health/rollups"`);
  });
});
