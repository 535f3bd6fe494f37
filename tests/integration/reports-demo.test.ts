import { parse } from "csv-parse/sync";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "../../db/seed/demo";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeUserWithToken, TEST_NOW } from "../support/factories";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const YEAR = "2025-2026";
const FROM = "2025-08-01";
const UNTIL = "2026-07-31";

/**
 * The demo region's last full school year, checked against numbers worked out here with plain SQL
 * of its own (not the report's function), and co-financing planted with known amounts checked to the cent.
 */
describe("the figures of the demo's school year 2025-2026", () => {
  let t: TestDatabase;
  let web: TestApp;
  let token: string;
  let regionId: string;
  const planted = { pledged: 0, realised: 0 };

  const rows = async <T,>(query: ReturnType<typeof sql<T>>) => (await query.execute(t.db)).rows;
  const one = async (query: ReturnType<typeof sql<{ n: string | number | null }>>) => Number((await rows(query))[0]?.n ?? 0);

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadDemo(t.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
    regionId = (await t.db.selectFrom("regions").select("id").where("slug", "=", "twente").executeTakeFirstOrThrow()).id;
    token = (await makeUserWithToken(t.db, { regionId, role: "penvoerder" })).token;
    web = createTestApp(t.db, { now: TEST_NOW });

    // Co-financing with known amounts: two standing pledges, one lapsed after part of it came in, one archived.
    const companies = await t.db.selectFrom("organisations").select("id").where("region_id", "=", regionId).where("kind", "=", "company").orderBy("name").limit(3).execute();
    const at = new Date("2025-09-01T10:00:00Z");
    const commitment = (organisationId: string, amount: number, extra: { status?: "lapsed"; archived?: boolean } = {}) =>
      t.db.insertInto("commitments").values({
        region_id: regionId, organisation_id: organisationId, school_year: YEAR, kind: "cash", category: "cash", amount_cents: amount,
        status: extra.status ?? "pledged", created_at: at, updated_at: at, archived_at: extra.archived ? at : null,
      }).returning("id").executeTakeFirstOrThrow();
    const realise = (commitmentId: string, date: string, amount: number, archived = false) =>
      t.db.insertInto("commitment_realisations").values({ commitment_id: commitmentId, region_id: regionId, date, amount_cents: amount, created_at: at, archived_at: archived ? at : null }).execute();
    const a = await commitment(companies[0]!.id, 250_000);
    const b = await commitment(companies[1]!.id, 123_457);
    const lapsed = await commitment(companies[1]!.id, 99_999, { status: "lapsed" });
    const gone = await commitment(companies[2]!.id, 777_777, { archived: true });
    await realise(a.id, "2025-10-01", 100_001);
    await realise(a.id, "2026-01-15", 49_999);
    await realise(b.id, "2026-07-31", 23_456);
    await realise(b.id, "2026-02-02", 11_111, true);
    await realise(lapsed.id, "2025-12-12", 501);
    await realise(gone.id, "2025-12-12", 3_333);
    planted.pledged = 250_000 + 123_457;
    planted.realised = 100_001 + 49_999 + 23_456 + 501;
  });
  afterAll(() => t.drop());

  it("reports the year's activities, organisations and co-financing exactly as counted independently, to the cent", async () => {
    const response = await web.request(`/api/v1/reports/school-years/${YEAR}`, { token });
    expect(response.status).toBe(200);
    const figures = (await response.json()) as Json;

    const yearActivities = sql`from activities a where a.region_id = ${regionId} and a.archived_at is null and a.start_date >= ${FROM}::date and a.start_date < ${"2026-08-01"}::date`;
    const pupils = await one(sql`select sum(a.pupils_reached) as n ${yearActivities} and a.status = 'done'`);
    const teachers = await one(sql`select sum(a.teachers_involved) as n ${yearActivities} and a.status = 'done'`);
    const doneCount = await one(sql`select count(*) as n ${yearActivities} and a.status = 'done'`);
    const byType = Object.fromEntries((await rows<{ type: string; n: string }>(sql`select a.type, count(*) as n ${yearActivities} and a.status = 'done' group by a.type`)).map((r) => [r.type, Number(r.n)]));
    const byProfile = Object.fromEntries((await rows<{ p: string; n: string }>(sql`select x.p, count(*) as n from (select unnest(a.profiles) as p ${yearActivities} and a.status = 'done') x group by x.p`)).map((r) => [r.p, Number(r.n)]));
    const offered = await one(sql`select sum(a.places_offered) as n ${yearActivities} and a.type = 'internship' and a.status in ('offered', 'planned', 'done')`);
    const filled = await one(sql`select sum(a.places_filled) as n ${yearActivities} and a.type = 'internship' and a.status in ('offered', 'planned', 'done')`);
    const taking = (kind: string) => rows<{ id: string; name: string }>(sql`
      select o.id, o.name from organisations o where o.region_id = ${regionId} and o.kind = ${kind} and o.id in (
        select ao.organisation_id from activity_organisations ao join activities a on a.id = ao.activity_id
         where a.region_id = ${regionId} and a.archived_at is null and a.start_date >= ${FROM}::date and a.start_date <= ${UNTIL}::date and a.status in ('offered', 'planned', 'done')
        union
        select c.organisation_id from commitments c where c.region_id = ${regionId} and c.school_year = ${YEAR} and c.archived_at is null and c.status in ('pledged', 'agreed', 'realised', 'accounted'))
      order by o.name`);
    const pledged = await one(sql`select sum(c.amount_cents) as n from commitments c where c.region_id = ${regionId} and c.school_year = ${YEAR} and c.archived_at is null and c.status <> 'lapsed'`);
    const realised = await one(sql`select sum(r.amount_cents) as n from commitment_realisations r join commitments c on c.id = r.commitment_id
      where c.region_id = ${regionId} and c.school_year = ${YEAR} and c.archived_at is null and r.archived_at is null`);

    // The demo's year is not empty: the comparison means something.
    expect(pupils).toBeGreaterThan(100);
    expect(doneCount).toBeGreaterThan(20);
    expect(figures.pupilsReached).toBe(pupils);
    expect(figures.teachersInvolved).toBe(teachers);
    expect(figures.activitiesDone).toBe(doneCount);
    for (const [type, count] of Object.entries(figures.activitiesByType as Record<string, number>)) expect([type, count]).toEqual([type, byType[type] ?? 0]);
    expect(figures.activitiesByProfile).toEqual(byProfile);
    expect(figures.guestLessonsGiven).toBe(byType.guest_lesson ?? 0);
    expect(figures.internships).toEqual({ offered, filled });
    expect(figures.companiesParticipating).toBe((await taking("company")).length);
    expect(figures.tradeSchools.map((o: Json) => o.id).sort()).toEqual((await taking("trade_school")).map((o) => o.id).sort());
    expect(figures.mboSchools.map((o: Json) => o.id).sort()).toEqual((await taking("mbo")).map((o) => o.id).sort());
    // Co-financing to the cent: what the demo brings (if anything) plus what was planted here.
    expect(pledged).toBeGreaterThanOrEqual(planted.pledged);
    expect(figures.commitments.pledgedCents).toBe(pledged);
    expect(figures.commitments.realisedCents).toBe(realised);
    expect(figures.partners.reduce((sum: number, p: Json) => sum + p.pledgedCents, 0)).toBe(pledged);

    // The penvoerder's co-financing overview counts the same money.
    const overview = (await (await web.request(`/api/v1/cofinancing/${YEAR}`, { token })).json()) as Json;
    expect(overview.totals).toMatchObject({ pledgedCents: pledged, realisedCents: realised });
    expect(overview.byPartner.length).toBe(figures.partners.length);

    // The CSV carries the same totals, in euros with two decimals.
    const csv = parse((await (await web.request(`/api/v1/reports/school-years/${YEAR}`, { token, headers: { Accept: "text/csv" } })).text()).replace(/^\uFEFF/, ""), { delimiter: ";" }) as string[][];
    const euros = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
    expect(csv.find((row) => row[0] === "Cofinanciering" && row[1] === "Toegezegd")?.[3]).toBe(euros(pledged));
    expect(csv.find((row) => row[0] === "Cofinanciering" && row[1] === "Gerealiseerd")?.[3]).toBe(euros(realised));
    expect(csv.find((row) => row[1] === "Leerlingen bereikt")?.[2]).toBe(String(pupils));
  });

  it("narrows the demo's figures to one subregion: activities touching an organisation there, organisations there", async () => {
    const subregion = (await t.db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", regionId).where("name", "=", "Hengelo en Borne").executeTakeFirstOrThrow());
    const figures = (await (await web.request(`/api/v1/reports/school-years/${YEAR}?subregionId=${subregion.id}`, { token })).json()) as Json;
    const pupils = await one(sql`select sum(a.pupils_reached) as n from activities a where a.region_id = ${regionId} and a.archived_at is null and a.status = 'done'
      and a.start_date >= ${FROM}::date and a.start_date <= ${UNTIL}::date
      and a.id in (select ao.activity_id from activity_organisations ao join organisations o on o.id = ao.organisation_id where o.subregion_id = ${subregion.id})`);
    expect(pupils).toBeGreaterThan(0);
    expect(figures.subregion).toEqual(subregion);
    expect(figures.pupilsReached).toBe(pupils);
    expect(figures.commitments.targetCents).toBeNull();
  });
});
