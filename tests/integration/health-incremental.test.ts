import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNational } from "../../db/seed/national";
import { addDays } from "../../calendar/days";
import { scopeOf, type CurrentUser } from "../../server/auth/current-user";
import type { Database } from "../../server/db/database";
import { addHoliday, getOrganisationHealth, recomputeDueHealth, recomputeHealth } from "../../server/domains/health/health.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson, endAffiliation } from "../../server/domains/people/people.service";
import { parseInput } from "../../server/validation";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser } from "../support/factories";

/**
 * The nightly run recomputes only the organisations due by their recheck day (decision 141). Proven
 * by moving the clock: each step passes its own "now", as SCHAKEL_NOW does for the app.
 */
const at = (day: string) => new Date(`${day}T01:30:00Z`);
const asUser = (user: { id: string; regionId: string; email: string; name: string; role: CurrentUser["role"]; organisationId: string | null }): CurrentUser => ({ ...user, locale: "nl" });

/** Everything the recompute keeps, to compare the nightly run's result with a full run's. */
async function snapshot(db: Database, day: string) {
  const rows = await sql<{ fingerprint: string; rows: number }>`
    select md5(string_agg(x, '|' order by x)) as fingerprint, count(*)::int as rows from (
      select h.organisation_id::text || h.state || h.reasons::text || h.state_since::text || coalesce(h.last_contact_date::text, '-')
        || coalesce(h.silence_from::text, '-') || coalesce(h.silence_paused_until::text, '-')
        || h.computed_at::text || coalesce(h.recheck_on::text, '-') as x from organisation_health h
      union all select hh.organisation_id::text || hh.state || coalesce(hh.previous_state, '-') || hh.reason_codes::text || hh.changed_on::text from health_history hh
      union all select c.region_id::text || c.day::text || c.healthy || '/' || c.watch || '/' || c.cooling || '/' || c.cold from health_daily_counts c where c.day = ${day}::date
      union all select t.organisation_id::text || t.title || t.due_date::text from tasks t where t.source = 'health'
    ) t`.execute(db);
  return rows.rows[0]!;
}

describe("the nightly health run is incremental", () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.drop());

  it("an organisation that crosses its cadence on day D is recomputed by the nightly run on D, not before", async () => {
    const region = await makeRegion(t.db);
    const holder = asUser(await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" }));
    const scope = scopeOf(holder);
    const meta = (day: string) => ({ actor: holder, now: at(day), appUrl: "http://schakel.test" });
    // Strategic, with a 45-day cadence in this region. Two contacts, so it is not single-threaded;
    // no school holiday between 23 February and 10 April.
    await t.db.updateTable("region_health_settings").set({ cadence_strategic_days: 45 }).where("region_id", "=", region.id).execute();
    const org = await t.db.transaction().execute((trx) =>
      createOrganisation(trx, scope, parseInput(CreateOrganisationInput, { kind: "company", name: "Hengelo Techniek", tier: "strategic", accountHolderId: holder.id }), meta("2026-02-23")));
    for (const name of ["Anouk Smit", "Ruud Bosch"]) {
      const person = await t.db.transaction().execute((trx) => createPerson(trx, region.id, { name, lawfulBasis: "legitimate_interest", optOut: false }, meta("2026-02-23")));
      await t.db.transaction().execute((trx) => addAffiliation(trx, region.id, person.id, { organisationId: org.id, role: "Inkoper", isPrimary: false, startDate: "2026-02-23" }, meta("2026-02-23")));
    }
    await t.db.transaction().execute((trx) =>
      logInteraction(trx, scope, { organisationId: org.id, kind: "visit", summary: "Kennismaking", date: "2026-02-23", personIds: [], nextStep: null, nextStepDate: null }, meta("2026-02-23")));

    // Contact on 23 February: silent for more than 45 days from 10 April.
    const row = () => t.db.selectFrom("organisation_health").select(["state", "recheck_on", "computed_at"]).where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    expect((await row()).recheck_on).toBe("2026-04-10");
    const before = await row();
    await recomputeDueHealth(t.db, at("2026-04-09"));
    expect(await row()).toEqual(before);

    await recomputeDueHealth(t.db, at("2026-04-10"));
    const after = await row();
    expect(after.state).toBe("cooling");
    expect(after.computed_at).toEqual(at("2026-04-10"));
    // Its reason stores when the silence began, not how long it is (decision 144): it is not due
    // again until the May holiday begins on 25 April (which pauses the count), before it turns cold.
    expect(after.recheck_on).toBe("2026-04-25");
    const health = await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-04-10" });
    expect(health.reasons.map((reason) => reason.code)).toEqual(["no_recent_contact"]);
    expect(health.reasons[0]!.message).toMatch(/^Al 46 dagen geen contact, sinds 23 februari 2026/);
    await recomputeDueHealth(t.db, at("2026-04-11"));
    expect(await row()).toEqual(after);
    // The days are counted when shown.
    const later = await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-04-20" });
    expect(later.reasons[0]!.message).toMatch(/^Al 56 dagen geen contact/);

    // A contact moment recomputes it at once; its next day is then 3 May, when the school year's
    // last 90 days begin (pledges at risk) and every organisation is looked at, before its cadence.
    await t.db.transaction().execute((trx) =>
      logInteraction(trx, scope, { organisationId: org.id, kind: "call", summary: "Weer gesproken", date: "2026-04-12", personIds: [], nextStep: null, nextStepDate: null }, meta("2026-04-12")));
    expect(await row()).toMatchObject({ state: "healthy", recheck_on: "2026-05-03" });
  });

  it("the nightly run and a full run agree every day for 230 days of a seeded country, holidays, school-year turns and writes included", async () => {
    const start = "2026-09-24";
    const country = await createTestDatabase();
    try {
      const db = country.db;
      await loadNational(db, country.url, { now: at(start), size: { regions: 2, organisations: 160, people: 480, interactions: 2_500, activities: 400, commitments: 200 } });
      const admin = asUser(await db.selectFrom("users").select(["id", "region_id as regionId", "email", "name", "role", "organisation_id as organisationId"])
        .where("role", "=", "admin").where("active", "=", true).orderBy("email").limit(1).executeTakeFirstOrThrow());
      const scope = scopeOf(admin);
      const meta = (day: string) => ({ actor: admin, now: at(day), appUrl: "http://schakel.test" });
      const organisations = (await db.selectFrom("organisations").select("id").where("region_id", "=", admin.regionId).where("status", "=", "active").orderBy("id").execute()).map((o) => o.id);
      const jobs = (await db.selectFrom("affiliations").select("id").where("region_id", "=", admin.regionId).where("end_date", "is", null).orderBy("id").execute()).map((a) => a.id);

      let due = 0;
      let watched = 0;
      let changes = 0;
      for (let i = 1; i <= 230; i++) {
        const day = addDays(start, i);
        // Daytime writes, each recomputing its organisations in its own transaction as in the app:
        // a contact moment, a contact who leaves in ten days, a study day added to the holidays.
        if (i % 6 === 0) {
          await db.transaction().execute((trx) => logInteraction(trx, scope, {
            organisationId: organisations[(i * 7) % organisations.length]!, kind: "call", summary: "Even bijgepraat", date: day, personIds: [], nextStep: null, nextStepDate: null,
          }, meta(day)));
        }
        if (i % 13 === 0 && jobs.length) {
          const job = jobs.splice((i * 5) % jobs.length, 1)[0]!;
          await db.transaction().execute((trx) => endAffiliation(trx, admin.regionId, job, { endDate: addDays(day, 10), endReason: "left_organisation", successorPersonId: null, successorName: null }, meta(day)));
        }
        if (i === 40) {
          await db.transaction().execute((trx) => addHoliday(trx, scope, { name: "Studiedag", startDate: addDays(day, 20), endDate: addDays(day, 22) }, meta(day)));
        }

        const nightly = await recomputeDueHealth(db, at(day));
        due += nightly.organisations;
        changes += nightly.changed;
        const afterNightly = await snapshot(db, day);
        const full = await recomputeHealth(db, { all: true }, at(day));
        watched += full.organisations;
        expect({ day, changed: full.changed, tasks: full.tasksCreated }).toEqual({ day, changed: 0, tasks: 0 });
        expect({ day, ...(await snapshot(db, day)) }).toEqual({ day, ...afterNightly });
      }
      // It did change states over the months, and looked at part of the country each night: in this
      // data about half the relationships are silent beyond their cadence, and those are due daily.
      const silent = await sql<{ n: number }>`select count(*)::int as n from organisation_health where state in ('cooling', 'cold')`.execute(db);
      console.log(`230 nights: ${due} organisations recomputed by the nightly runs, ${watched} by the full runs; ${changes} state changes; cooling or cold at the end: ${silent.rows[0]!.n}`);
      expect(changes).toBeGreaterThan(20);
      expect(due).toBeLessThan(watched * 0.75);
    } finally {
      await country.drop();
    }
  }, 600_000);
});
