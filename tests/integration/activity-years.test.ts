import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf, type CurrentUser, type Scope } from "../../server/auth/current-user";
import type { Database } from "../../server/db/database";
import { CreateActivityInput } from "../../server/domains/activities/activities.schemas";
import { archiveActivity, createActivity, updateActivity } from "../../server/domains/activities/activities.service";
import { getOrganisationHealth } from "../../server/domains/health/health.service";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { createOrganisation, mergeOrganisations } from "../../server/domains/organisations/organisations.service";
import { parseInput } from "../../server/validation";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser } from "../support/factories";

/**
 * organisation_activity_years (decision 148) is kept by triggers on activities and
 * activity_organisations. After every kind of write — through the services (create, update of
 * status, date and organisations, archive, a merge) and by hand (several rows in one statement,
 * links removed and an activity deleted) — it must equal the table counted from scratch.
 */
const at = (day: string) => new Date(`${day}T10:00:00Z`);
const asUser = (user: { id: string; regionId: string; email: string; name: string; role: CurrentUser["role"]; organisationId: string | null }): CurrentUser => ({ ...user, locale: "nl" });

type YearRow = { organisation_id: string; school_year: string; done: number; planned: number };

async function kept(db: Database): Promise<YearRow[]> {
  const rows = await sql<YearRow>`
    select organisation_id, school_year::text as school_year, done, planned from organisation_activity_years order by 1, 2`.execute(db);
  return rows.rows;
}

/** The table's definition, counted from every live activity: what the triggers must keep. */
async function fromScratch(db: Database): Promise<YearRow[]> {
  const rows = await sql<YearRow>`
    select ao.organisation_id, school_year_start(a.start_date)::text as school_year,
      (count(distinct a.id) filter (where a.status = 'done'))::int as done,
      (count(distinct a.id) filter (where a.status = 'planned'))::int as planned
    from activity_organisations ao join activities a on a.id = ao.activity_id
    where a.archived_at is null and a.status in ('done', 'planned')
    group by 1, 2 order by 1, 2`.execute(db);
  return rows.rows;
}

describe("the activity years kept for relationship health", () => {
  let t: TestDatabase;
  let scope: Scope;
  let admin: CurrentUser;
  const meta = (day: string) => ({ actor: admin, now: at(day), appUrl: "http://schakel.test" });
  const expectKeptRight = async () => {
    const expected = await fromScratch(t.db);
    expect(await kept(t.db)).toEqual(expected);
    return expected;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db);
    admin = asUser(await makeUser(t.db, { regionId: region.id, role: "admin", name: "Marieke Nijhuis" }));
    scope = scopeOf(admin);
  });
  afterAll(async () => t?.drop());

  it("equals a count from scratch after every write path", async () => {
    const organisation = (name: string) =>
      t.db.transaction().execute((trx) => createOrganisation(trx, scope, parseInput(CreateOrganisationInput, { kind: "company", name }), meta("2025-09-01")));
    const school = (name: string) =>
      t.db.transaction().execute((trx) => createOrganisation(trx, scope, parseInput(CreateOrganisationInput, { kind: "vmbo", name }), meta("2025-09-01")));
    const lohuis = await organisation("Installatiebedrijf Lohuis");
    const tijhuis = await organisation("Machinefabriek Tijhuis");
    const duplicate = await organisation("Machinefabriek Tijhuis BV");
    const college = await school("Het Assink Lyceum");
    const create = (input: Record<string, unknown>, day: string) =>
      t.db.transaction().execute((trx) => createActivity(trx, scope, parseInput(CreateActivityInput, { type: "company_visit", title: "Bezoek werkplaats", ...input }), meta(day)));

    // Insert: a done visit last school year with a partner and a school, a planned one this year.
    const visit = await create({ startDate: "2026-03-10", status: "done", organisationIds: [lohuis.id], schoolIds: [college.id], pupilsReached: 20, teachersInvolved: 1 }, "2026-03-11");
    const planned = await create({ startDate: "2027-03-09", status: "planned", organisationIds: [lohuis.id, tijhuis.id] }, "2026-10-05");
    const other = await create({ startDate: "2026-05-12", status: "done", organisationIds: [duplicate.id, tijhuis.id], pupilsReached: 12, teachersInvolved: 1 }, "2026-05-13");
    expect(await expectKeptRight()).toContainEqual({ organisation_id: lohuis.id, school_year: "2025-08-01", done: 1, planned: 0 });

    // Update: the status (planned → cancelled stops counting), the date (into another school year),
    // and the organisations taking part.
    const cancelled = await t.db.transaction().execute((trx) => updateActivity(trx, scope, planned.id, { version: planned.version, status: "cancelled" }, meta("2026-10-06")));
    await expectKeptRight();
    const moved = await t.db.transaction().execute((trx) => updateActivity(trx, scope, visit.id, { version: visit.version, startDate: "2026-09-15", endDate: "2026-09-15" }, meta("2026-10-07")));
    expect(await expectKeptRight()).toContainEqual({ organisation_id: college.id, school_year: "2026-08-01", done: 1, planned: 0 });
    await t.db.transaction().execute((trx) => updateActivity(trx, scope, moved.id, { version: moved.version, organisationIds: [tijhuis.id] }, meta("2026-10-08")));
    await expectKeptRight();
    expect(cancelled.status).toBe("cancelled");

    // A merge moves the duplicate's links to the organisation kept (once where both took part).
    await t.db.transaction().execute((trx) => mergeOrganisations(trx, scope, { keepId: tijhuis.id, duplicateId: duplicate.id }, meta("2026-10-09")));
    const merged = await expectKeptRight();
    expect(merged.filter((row) => row.organisation_id === duplicate.id)).toEqual([]);

    // Archive.
    const current = await t.db.selectFrom("activities").select("version").where("id", "=", other.id).executeTakeFirstOrThrow();
    expect(current.version).toBeGreaterThan(0);
    await t.db.transaction().execute((trx) => archiveActivity(trx, scope, other.id, meta("2026-10-10")));
    await expectKeptRight();

    // By hand: several activities in one statement, links added in one statement, and an activity
    // deleted (its links first: they hold a foreign key to it).
    await sql`update activities set status = 'done', pupils_reached = 10, teachers_involved = 1 where id in (${planned.id}, ${visit.id})`.execute(t.db);
    await expectKeptRight();
    await sql`insert into activity_organisations (activity_id, organisation_id, role) values (${planned.id}, ${college.id}, 'school'), (${visit.id}, ${lohuis.id}, 'partner')`.execute(t.db);
    await expectKeptRight();
    await sql`delete from activity_organisations where activity_id = ${planned.id}`.execute(t.db);
    await sql`delete from activities where id = ${planned.id}`.execute(t.db);
    await expectKeptRight();
    await sql`update activities set archived_at = null where id = ${other.id}`.execute(t.db);
    await expectKeptRight();

    // The request role (row-level security by region) changes an activity: still counted in full.
    await t.db.transaction().execute(async (trx) => {
      await sql`select set_config('schakel.region_id', ${scope.regionId}, true)`.execute(trx);
      await sql`set local role schakel_request`.execute(trx);
      await sql`update activities set start_date = '2027-02-02', end_date = '2027-02-02' where id = ${visit.id}`.execute(trx);
    });
    const final = await expectKeptRight();
    expect(final).toContainEqual({ organisation_id: lohuis.id, school_year: "2026-08-01", done: 1, planned: 0 });
  });

  it("drives the health rule: activities last school year and none this one", async () => {
    const org = await t.db.transaction().execute((trx) =>
      createOrganisation(trx, scope, parseInput(CreateOrganisationInput, { kind: "company", name: "Metaalbewerking Haverkate", tier: "occasional" }), meta("2025-09-01")));
    await t.db.transaction().execute((trx) => createActivity(trx, scope, parseInput(CreateActivityInput, {
      type: "company_visit", title: "Bezoek werkplaats", startDate: "2026-03-10", status: "done", organisationIds: [org.id], pupilsReached: 20, teachersInvolved: 1,
    }), meta("2026-10-05")));
    const health = await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-10-05" });
    expect(health.reasons.map((reason) => reason.code)).toContain("activity_stopped");
  });
});
