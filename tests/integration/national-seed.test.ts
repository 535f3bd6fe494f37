import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNational, nationalEmail, type NationalResult } from "../../db/seed/national";
import { scopeOf } from "../../server/auth/current-user";
import { verifyPassword } from "../../server/auth/passwords";
import type { Database } from "../../server/db/database";
import { listOrganisations } from "../../server/domains/organisations/organisations.service";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_NOW } from "../support/factories";

// The national generator at a tiny size (the national run itself is `npm run bench`, not a test).
const SIZE = { regions: 2, organisations: 120, people: 360, interactions: 2_500, activities: 400, commitments: 150 };

/** Everything but the ids and timestamps the database makes itself, to compare two loads. */
async function fingerprint(db: Database) {
  const rows = await sql<{ fingerprint: string }>`
    select md5(string_agg(x, '|' order by x)) as fingerprint from (
      select o.id::text || o.name || o.kind || o.tier || o.status || coalesce(o.city, '') as x from organisations o
      union all select i.id::text || i.organisation_id::text || i.date::text || i.summary from interactions i
      union all select a.id::text || a.person_id::text || a.organisation_id::text || a.start_date::text || coalesce(a.end_date::text, '') from affiliations a
      union all select c.id::text || c.amount_cents::text || c.status from commitments c
      union all select a.id::text || a.title || a.status from activities a
    ) t`.execute(db);
  return rows.rows[0]!.fingerprint;
}

describe("the national data generator (tiny size)", () => {
  let database: TestDatabase;
  let result: NationalResult;

  beforeAll(async () => {
    database = await createTestDatabase();
    result = await loadNational(database.db, database.url, { now: TEST_NOW, size: SIZE });
  }, 120_000);
  afterAll(() => database.drop());

  it("fills every table with the asked numbers of rows", () => {
    const c = result.counts;
    expect(result.alreadyLoaded).toBe(false);
    expect(c.regions).toBe(2);
    expect(c.organisations).toBe(SIZE.organisations);
    expect(c.people).toBe(SIZE.people);
    expect(c.interactions).toBe(SIZE.interactions);
    expect(c.activities).toBe(SIZE.activities);
    expect(c.activity_organisations).toBe(SIZE.activities * 2);
    expect(c.commitments).toBe(SIZE.commitments);
    expect(c.commitment_realisations).toBeGreaterThan(0);
    expect(c.school_year_budgets).toBe(2 * 5);
    expect(c.interaction_people).toBeGreaterThan(SIZE.interactions / 2);
    expect(c.account_holder_periods).toBeGreaterThan(SIZE.organisations);
    expect(c.organisation_health).toBeGreaterThan(0);
  });

  it("has turnover: ended jobs, people who moved on, departed account holders and handed-over relationships", async () => {
    const db = database.db;
    const jobs = await sql<{ ended: number; moved: number; successors: number }>`
      select count(*) filter (where end_date is not null)::int as ended,
        (select count(*)::int from (select person_id from affiliations group by person_id having count(*) > 1) m) as moved,
        count(*) filter (where successor_person_id is not null)::int as successors
      from affiliations`.execute(db);
    expect(jobs.rows[0]!.ended).toBeGreaterThan(SIZE.people * 0.15);
    expect(jobs.rows[0]!.moved).toBeGreaterThan(0);
    expect(jobs.rows[0]!.successors).toBeGreaterThan(0);
    const holders = await db.selectFrom("users").select(["active"]).where("role", "=", "accounthouder").execute();
    expect(holders.filter((h) => !h.active).length).toBe(4);
    const handedOver = await db.selectFrom("account_holder_periods").select("id").where("ended_at", "is not", null).execute();
    expect(handedOver.length).toBeGreaterThan(0);
  });

  it("spreads contact moments over five school years and keeps last contact as the triggers define it", async () => {
    const db = database.db;
    const span = await sql<{ first: string; last: string }>`select min(date)::text as first, max(date)::text as last from interactions`.execute(db);
    expect(span.rows[0]!.first >= "2022-08-01").toBe(true);
    expect(span.rows[0]!.last <= "2026-11-23").toBe(true);
    expect(span.rows[0]!.first < "2023-08-01").toBe(true);
    const mismatches = await sql<{ n: number }>`
      select count(*)::int as n from organisations o
      left join organisation_last_contact c on c.organisation_id = o.id
      where c.last_date is distinct from greatest(
        (select max(i.date) from interactions i where i.organisation_id = o.id and i.archived_at is null),
        (select max(a.end_date) from activity_organisations ao join activities a on a.id = ao.activity_id
          where ao.organisation_id = o.id and a.status = 'done' and a.archived_at is null))`.execute(db);
    expect(mismatches.rows[0]!.n).toBe(0);
    // And the activity years (decision 148), rebuilt after the COPY, as the triggers define them.
    const years = await sql<{ n: number; rows: number }>`
      with scratch as (
        select ao.organisation_id, school_year_start(a.start_date) as school_year,
          (count(distinct a.id) filter (where a.status = 'done'))::int as done, (count(distinct a.id) filter (where a.status = 'planned'))::int as planned
        from activity_organisations ao join activities a on a.id = ao.activity_id
        where a.archived_at is null and a.status in ('done', 'planned') group by 1, 2
      )
      select (select count(*) from scratch s full join organisation_activity_years y using (organisation_id, school_year)
        where (s.done, s.planned) is distinct from (y.done, y.planned))::int as n, (select count(*) from organisation_activity_years)::int as rows`.execute(db);
    expect(years.rows[0]).toMatchObject({ n: 0 });
    expect(years.rows[0]!.rows).toBeGreaterThan(0);
    const triggers = await sql<{ n: number }>`select count(*)::int as n from pg_trigger where tgrelid = 'activity_organisations'::regclass and not tgisinternal and tgenabled = 'D'`.execute(db);
    expect(triggers.rows[0]!.n).toBe(0);
  });

  it("signs in the region's staff with the demo password and shows them their organisations", async () => {
    const db = database.db;
    const user = await db.selectFrom("users").selectAll().where("email", "=", nationalEmail("nl-01", "accounthouder-01")).executeTakeFirstOrThrow();
    expect(await verifyPassword(user.password_hash!, result.password)).toBe(true);
    const page = await listOrganisations(db, scopeOf({ id: user.id, regionId: user.region_id, email: user.email, name: user.name, role: user.role, organisationId: null, locale: "nl" }), { limit: 10 });
    expect(page.items.length).toBe(10);
    const inRegion = await db.selectFrom("organisations").select("id").where("region_id", "=", user.region_id).where("id", "in", page.items.map((o) => o.id)).execute();
    expect(inRegion.length).toBe(10);
  });

  it("loads nothing twice, and the same seed gives the same data", async () => {
    const again = await loadNational(database.db, database.url, { now: TEST_NOW, size: SIZE });
    expect(again.alreadyLoaded).toBe(true);
    expect(again.counts.interactions).toBe(SIZE.interactions);

    const other = await createTestDatabase();
    try {
      await loadNational(other.db, other.url, { now: TEST_NOW, size: SIZE });
      expect(await fingerprint(other.db)).toBe(await fingerprint(database.db));
    } finally {
      await other.drop();
    }
  }, 120_000);
});
