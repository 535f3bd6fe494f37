import { execFile } from "node:child_process";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT_HOLDERS, DEMO_PASSWORD, loadDemo } from "../../db/seed/demo";
import { buildDemoCofinancing } from "../../db/seed/demo-cofinancing";
import { forecastOf } from "../../server/domains/cofinancing/cofinancing.service";
import { buildDemoRegion, type DemoContext, dayOf, historyStart, lastSpring } from "../../db/seed/demo-region";
import { verifyPassword } from "../../server/auth/passwords";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import type { Database } from "../../server/db/database";
import { cofinancingOverview } from "../../server/domains/cofinancing/cofinancing.service";
import { computeHealth } from "../../server/domains/health/health.compute";
import { listOrganisations } from "../../server/domains/organisations/organisations.service";
import { createRegion } from "../../server/domains/regions/regions.service";
import { searchEverything } from "../../server/domains/search/search.service";
import { TEST_APP_URL } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_NOW } from "../support/factories";

const TODAY = toLocalDate(TEST_NOW);
const TABLES = ["regions", "subregions", "users", "organisations", "people", "affiliations", "account_holder_periods", "interactions", "interaction_people", "tasks", "audit_log"] as const;

async function countRows(db: Database) {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

async function rows<T>(db: Database, query: ReturnType<typeof sql<T>>) {
  return (await query.execute(db)).rows;
}

async function organisationNames(db: Database) {
  return (await db.selectFrom("organisations").select("name").orderBy("name").execute()).map((o) => o.name);
}

describe("npx schakel demo", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it("adds the demo accounts to an existing STO Twente, then changes nothing the second time", async () => {
    // A region set up by hand with the same slug: the demo must still give working sign-ins.
    await createRegion(t.db, { name: "STO Twente", slug: "twente", subregions: [] }, { actorId: null, now: TEST_NOW });
    const first = await loadDemo(t.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
    expect(first.alreadyLoaded).toBe(false);
    expect(first.accounts.map((a) => a.role)).toEqual(["admin", "penvoerder", "accounthouder", "partner", "partner"]);

    const users = await t.db.selectFrom("users").select(["email", "role", "password_hash"]).orderBy("email").execute();
    expect(users).toHaveLength(5 + DEMO_ACCOUNT_HOLDERS.length);
    for (const user of users) expect(await verifyPassword(user.password_hash, DEMO_PASSWORD)).toBe(true);
    const before = await countRows(t.db);
    expect(before.organisations).toBeGreaterThan(350);

    const second = await loadDemo(t.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
    expect(second.alreadyLoaded).toBe(true);
    expect(await countRows(t.db)).toEqual(before);
  });

  describe("in an empty database", () => {
    let fresh: TestDatabase;
    // How long the load takes is not asserted here (a loaded machine makes any bound flaky): speed is
    // measured by the benches, not by timed tests.
    beforeAll(async () => {
      fresh = await createTestDatabase();
      await loadDemo(fresh.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
    });
    afterAll(() => fresh.drop());

    it("gives STO Twente its five subregions, its partner organisations with their contacts, and links the partner account to its company", async () => {
      const subregions = await fresh.db.selectFrom("subregions").select("name").orderBy("name").execute();
      expect(subregions.map((s) => s.name)).toHaveLength(5);
      const names = await organisationNames(fresh.db);
      for (const name of ["Hulshof Installatietechniek", "Bouwbedrijf Te Lintelo", "Twentse Metaalunie", "ROC van Twente", "Het Erasmus", "Pius X College", "Technolab Twente"]) {
        expect(names).toContain(name);
      }
      const partner = await fresh.db
        .selectFrom("users")
        .innerJoin("organisations", "organisations.id", "users.organisation_id")
        .select("organisations.name")
        .where("users.email", "=", "partner@sto-twente.demo")
        .executeTakeFirstOrThrow();
      expect(partner.name).toBe("Hulshof Installatietechniek");
      const henk = await rows<{ name: string; is_primary: boolean }>(fresh.db, sql`
        select o.name, a.is_primary from people p join affiliations a on a.person_id = p.id join organisations o on o.id = a.organisation_id
        where p.name = 'Henk Wessels'`);
      expect(henk).toEqual([{ name: "Hulshof Installatietechniek", is_primary: true }]);
    });

    it("has about 400 organisations, 1,200 people and 5,000 contact moments, spread over subregions and tiers", async () => {
      const counts = await countRows(fresh.db);
      expect(counts.organisations).toBeGreaterThanOrEqual(380);
      expect(counts.organisations).toBeLessThanOrEqual(420);
      expect(counts.people).toBeGreaterThanOrEqual(1100);
      expect(counts.people).toBeLessThanOrEqual(1300);
      expect(counts.interactions).toBeGreaterThanOrEqual(4500);
      expect(counts.interactions).toBeLessThanOrEqual(5500);

      const kinds = Object.fromEntries(
        (await rows<{ kind: string; n: number }>(fresh.db, sql`select kind, count(*)::int as n from organisations group by kind`)).map((r) => [r.kind, r.n]),
      );
      expect(kinds).toMatchObject({ trade_school: 15, mbo: 3, vmbo: 19 });
      expect(kinds.primary).toBeGreaterThanOrEqual(3);
      expect(kinds.partner).toBeGreaterThanOrEqual(5);
      expect(kinds.company).toBeGreaterThan(300);

      const tiers = Object.fromEntries(
        (await rows<{ tier: string; share: number }>(fresh.db, sql`select tier, count(*)::float / sum(count(*)) over () as share from organisations group by tier`)).map((r) => [r.tier, r.share]),
      );
      expect(tiers.strategic).toBeGreaterThan(0.1);
      expect(tiers.strategic).toBeLessThan(0.22);
      expect(tiers.regular).toBeGreaterThan(0.35);
      expect(tiers.occasional).toBeGreaterThan(0.3);

      const perSubregion = await rows<{ n: number }>(fresh.db, sql`select count(*)::int as n from organisations where subregion_id is not null group by subregion_id`);
      expect(perSubregion).toHaveLength(5);
      for (const { n } of perSubregion) expect(n).toBeGreaterThan(30);
    });

    it("gives every company a valid KvK number of its own and every school a valid BRIN code", async () => {
      const companies = await fresh.db.selectFrom("organisations").select(["name", "kvk_number"]).where("kind", "=", "company").execute();
      for (const company of companies) expect(company.kvk_number, company.name).toMatch(/^[0-9]{8}$/);
      expect(new Set(companies.map((c) => c.kvk_number)).size).toBe(companies.length);
      const schools = await fresh.db.selectFrom("organisations").select(["name", "brin_code"]).where("kind", "in", ["vmbo", "mbo", "primary"]).execute();
      for (const school of schools) expect(school.brin_code, school.name).toMatch(/^[0-9]{2}[A-Z]{2}([0-9]{2})?$/);
      expect(new Set(schools.map((s) => s.brin_code)).size).toBe(schools.length);
      const tagged = await rows<{ n: number }>(fresh.db, sql`select count(*)::int as n from organisations where tags @> array['erkend leerbedrijf']`);
      expect(tagged[0]!.n).toBeGreaterThan(100);
    });

    it("keeps jobs consistent: at most one active primary per organisation, no job ending before it starts, a reason for every end", async () => {
      const doublePrimaries = await rows(fresh.db, sql`select organisation_id from affiliations where is_primary and end_date is null group by organisation_id having count(*) > 1`);
      expect(doublePrimaries).toEqual([]);
      const backwards = await rows(fresh.db, sql`select id from affiliations where end_date < start_date or (end_date is null) <> (end_reason is null)`);
      expect(backwards).toEqual([]);
      const inFuture = await rows(fresh.db, sql`select id from affiliations where start_date > ${TODAY}::date or end_date > ${TODAY}::date`);
      expect(inFuture).toEqual([]);
      // Organisations with contacts but no primary are only those whose primary left last spring.
      const spring = lastSpring(TODAY);
      const withoutPrimary = await rows<{ id: string; left_primary: boolean }>(fresh.db, sql`
        select o.id, exists (select 1 from affiliations l where l.organisation_id = o.id and l.is_primary and l.end_date between ${spring.from}::date and ${spring.to}::date) as left_primary
        from organisations o
        where exists (select 1 from affiliations a where a.organisation_id = o.id and a.end_date is null)
          and not exists (select 1 from affiliations a where a.organisation_id = o.id and a.end_date is null and a.is_primary)`);
      for (const organisation of withoutPrimary) expect(organisation.left_primary).toBe(true);
    });

    it("has people who left, retired, changed role, or moved from one company to another", async () => {
      const reasons = Object.fromEntries(
        (await rows<{ end_reason: string; n: number }>(fresh.db, sql`select end_reason, count(*)::int as n from affiliations where end_date is not null group by end_reason`)).map((r) => [r.end_reason, r.n]),
      );
      expect(reasons.left_organisation).toBeGreaterThan(50);
      expect(reasons.retired).toBeGreaterThan(10);
      expect(reasons.other_role).toBeGreaterThan(10);
      const moved = await rows(fresh.db, sql`
        select a.person_id from affiliations a join affiliations b on b.person_id = a.person_id and b.organisation_id <> a.organisation_id
        where a.end_reason = 'left_organisation' and b.start_date >= a.end_date`);
      expect(moved.length).toBeGreaterThan(30);
      const accented = await rows(fresh.db, sql`select name from people where name ~ '[öşçéëüı]'`);
      expect(accented.length).toBeGreaterThan(20);
    });

    it("has contact moments of every kind over three school years, by the account holders, with the people who took part", async () => {
      const range = await rows<{ first: string; last: string; kinds: number; users: number }>(fresh.db, sql`
        select min(date)::text as first, max(date)::text as last, count(distinct kind)::int as kinds, count(distinct user_id)::int as users from interactions`);
      expect(range[0]!.first >= historyStart(TODAY)).toBe(true);
      expect(range[0]!.first < "2023-09-01").toBe(true);
      expect(range[0]!.last <= TODAY).toBe(true);
      expect(range[0]!.kinds).toBe(5);
      expect(range[0]!.users).toBeGreaterThanOrEqual(8);
      // Everyone named in a contact moment worked at that organisation on that day.
      const strangers = await rows(fresh.db, sql`
        select ip.interaction_id from interaction_people ip join interactions i on i.id = ip.interaction_id
        where not exists (select 1 from affiliations a where a.person_id = ip.person_id and a.organisation_id = i.organisation_id
                          and a.start_date <= i.date and (a.end_date is null or a.end_date >= i.date))`);
      expect(strangers).toEqual([]);
      const withPeople = await rows<{ n: number }>(fresh.db, sql`select count(distinct interaction_id)::int as n from interaction_people`);
      expect(withPeople[0]!.n).toBeGreaterThan(3500);
    });

    it("turns next steps into tasks for the account holders, some open and overdue, none open for the one who left", async () => {
      const tasks = await rows<{ open: number; overdue: number; done: number; orphan: number }>(fresh.db, sql`
        select count(*) filter (where status = 'open')::int as open,
               count(*) filter (where status = 'open' and due_date < ${TODAY}::date)::int as overdue,
               count(*) filter (where status = 'done' and completed_at is not null)::int as done,
               count(*) filter (where interaction_id is null)::int as orphan
        from tasks`);
      expect(tasks[0]!.open).toBeGreaterThan(20);
      expect(tasks[0]!.overdue).toBeGreaterThan(5);
      expect(tasks[0]!.overdue).toBeLessThan(tasks[0]!.open);
      expect(tasks[0]!.done).toBeGreaterThan(500);
      expect(tasks[0]!.orphan).toBe(0);
      const departedOpen = await rows(fresh.db, sql`select t.id from tasks t join users u on u.id = t.assignee_id where not u.active and t.status = 'open'`);
      expect(departedOpen).toEqual([]);
    });

    it("records who owned each relationship when, with some changes of owner", async () => {
      const mismatched = await rows(fresh.db, sql`
        select o.id from organisations o left join account_holder_periods p on p.organisation_id = o.id and p.ended_at is null
        where o.account_holder_id is distinct from p.user_id`);
      expect(mismatched).toEqual([]);
      const changed = await rows(fresh.db, sql`select organisation_id from account_holder_periods group by organisation_id having count(*) > 1`);
      expect(changed.length).toBeGreaterThan(40);
      const owners = await rows<{ n: number }>(fresh.db, sql`select count(*)::int as n from organisations where account_holder_id is not null group by account_holder_id`);
      expect(owners.length).toBeGreaterThanOrEqual(9);
    });

    it("has an account holder who left a few weeks ago and still owns twelve organisations", async () => {
      const departed = await fresh.db.selectFrom("users").select(["id", "role", "deactivated_at"]).where("active", "=", false).execute();
      expect(departed).toHaveLength(1);
      expect(departed[0]!.role).toBe("accounthouder");
      const weeksAgo = (TEST_NOW.getTime() - departed[0]!.deactivated_at!.getTime()) / (7 * 86_400_000);
      expect(weeksAgo).toBeGreaterThan(2);
      expect(weeksAgo).toBeLessThan(6);
      const owned = await fresh.db.selectFrom("organisations").select("id").where("account_holder_id", "=", departed[0]!.id).execute();
      expect(owned).toHaveLength(12);
      const contactSinceLeaving = await rows(fresh.db, sql`
        select i.id from interactions i join organisations o on o.id = i.organisation_id
        where o.account_holder_id = ${departed[0]!.id} and i.date >= ${toLocalDate(departed[0]!.deactivated_at!)}::date`);
      expect(contactSinceLeaving).toEqual([]);
    });

    it("has a dozen partners whose contact left last spring with no contact since, some the primary or the only contact", async () => {
      const spring = lastSpring(TODAY);
      const left = await rows<{ organisation_id: string; is_primary: boolean; still_active: number }>(fresh.db, sql`
        select a.organisation_id, a.is_primary,
               (select count(*)::int from affiliations s where s.organisation_id = a.organisation_id and s.end_date is null) as still_active
        from affiliations a
        where a.end_date between ${spring.from}::date and ${spring.to}::date
          and not exists (select 1 from interactions i where i.organisation_id = a.organisation_id and i.date >= a.end_date)`);
      expect(new Set(left.map((l) => l.organisation_id)).size).toBe(12);
      expect(left.filter((l) => l.is_primary).length).toBeGreaterThanOrEqual(4);
      expect(left.filter((l) => l.still_active === 0).length).toBeGreaterThanOrEqual(3);
    });

    it("has partners gone quiet beyond their tier's cadence, some beyond twice it", async () => {
      const quiet = await rows<{ beyond: number; twice: number }>(fresh.db, sql`
        with last as (
          select o.id, o.tier, ${TODAY}::date - max(i.date) as days
          from organisations o join interactions i on i.organisation_id = o.id group by o.id, o.tier
        ), cadence as (
          select id, days, case tier when 'strategic' then 60 when 'regular' then 120 else 240 end as cadence from last
        )
        select count(*) filter (where days > cadence)::int as beyond, count(*) filter (where days > 2 * cadence)::int as twice from cadence`);
      expect(quiet[0]!.beyond).toBeGreaterThanOrEqual(40);
      expect(quiet[0]!.twice).toBeGreaterThanOrEqual(12);
    });

    it("has a new owner who took over more than 30 days ago without contact since", async () => {
      const untouched = await rows<{ user_id: string }>(fresh.db, sql`
        select p.user_id from account_holder_periods p
        where p.ended_at is null and p.started_at < ${new Date(TEST_NOW.getTime() - 30 * 86_400_000)}
          and exists (select 1 from account_holder_periods e where e.organisation_id = p.organisation_id and e.ended_at is not null)
          and not exists (select 1 from interactions i where i.organisation_id = p.organisation_id and i.date >= p.started_at::date)`);
      expect(untouched.length).toBeGreaterThanOrEqual(8);
      const koen = await fresh.db.selectFrom("users").select("id").where("email", "=", "koen.vos@sto-twente.demo").executeTakeFirstOrThrow();
      expect(untouched.filter((u) => u.user_id === koen.id).length).toBeGreaterThanOrEqual(8);
    });

    it("has clearly healthy relationships: recent contact and several active contacts", async () => {
      const healthy = await rows(fresh.db, sql`
        select o.id from organisations o
        where (select max(date) from interactions i where i.organisation_id = o.id) >= ${TODAY}::date - 30
          and (select count(*) from affiliations a where a.organisation_id = o.id and a.end_date is null) >= 3`);
      expect(healthy.length).toBeGreaterThanOrEqual(40);
    });

    it("shows every health story once health is computed", async () => {
      const region = await fresh.db.selectFrom("regions").select("id").where("slug", "=", "twente").executeTakeFirstOrThrow();
      await computeHealth(fresh.db, { regionId: region.id }, TODAY, TEST_NOW);
      const reasons = Object.fromEntries(
        (await rows<{ reason: string; n: number }>(fresh.db, sql`
          select (r->>'code') || ':' || (r->>'state') as reason, count(*)::int as n
          from organisation_health, jsonb_array_elements(reasons) r group by 1`)).map((r) => [r.reason, r.n]),
      );
      expect(reasons["account_holder_left:cold"]).toBe(12);
      expect((reasons["contact_left:cold"] ?? 0) + (reasons["contact_left:cooling"] ?? 0)).toBe(12);
      expect(reasons["contact_left:cold"]).toBeGreaterThanOrEqual(6);
      expect(reasons["new_owner_no_contact:cooling"]).toBeGreaterThanOrEqual(8);
      expect(reasons["no_recent_contact:cooling"]).toBeGreaterThanOrEqual(20);
      expect(reasons["no_recent_contact:cold"]).toBeGreaterThanOrEqual(10);
      const healthy = await fresh.db.selectFrom("organisation_health").select("organisation_id").where("state", "=", "healthy").execute();
      expect(healthy.length).toBeGreaterThan(200);
    });

    it("has three school years of activities of every common kind, done ones with their pupils and planned ones ahead", async () => {
      const byYear = await rows<{ year: string; n: number; done: number; planned: number }>(fresh.db, sql`
        select extract(year from start_date - interval '7 months')::int::text as year, count(*)::int as n,
          count(*) filter (where status = 'done')::int as done, count(*) filter (where status = 'planned')::int as planned
        from activities group by 1 order by 1`);
      expect(byYear.map((row) => row.year)).toEqual(["2024", "2025", "2026"]);
      for (const row of byYear) expect(row.n).toBeGreaterThan(100);
      expect(byYear[2]!.planned).toBeGreaterThan(20);
      const types = await rows<{ type: string }>(fresh.db, sql`select distinct type from activities order by type`);
      expect(types.map((row) => row.type)).toEqual(expect.arrayContaining(["company_visit", "guest_lesson", "internship", "technolab", "workshop"]));
      const inconsistent = await rows<{ n: number }>(fresh.db, sql`
        select count(*)::int as n from activities
        where (status = 'done' and (end_date > ${TODAY}::date or pupils_reached is null)) or (status = 'planned' and start_date <= ${TODAY}::date)`);
      expect(inconsistent[0]!.n).toBe(0);
      const withSchool = await rows<{ n: number }>(fresh.db, sql`
        select count(*)::int as n from activities a where not exists (select 1 from activity_organisations ao where ao.activity_id = a.id and ao.role = 'school')`);
      expect(withSchool[0]!.n).toBe(0);
    });

    it("has three school years of co-financing: two years ago behind, last year on track, this year behind at its pace", async () => {
      const penvoerder = await fresh.db.selectFrom("users").selectAll().where("email", "=", "penvoerder@sto-twente.demo").executeTakeFirstOrThrow();
      const scope = scopeOf({ id: penvoerder.id, regionId: penvoerder.region_id, email: penvoerder.email, name: penvoerder.name, role: penvoerder.role, organisationId: null, locale: penvoerder.locale });
      const [behind, onTrack, current] = await Promise.all(["2024-2025", "2025-2026", "2026-2027"].map((year) => cofinancingOverview(fresh.db, scope, year, TEST_NOW)));
      expect(behind!.budget?.targetBasisPoints).toBe(750);
      expect(behind!.forecast).toMatchObject({ status: "finished", onTrack: false });
      expect(behind!.totals.realisedCents).toBeLessThan(behind!.totals.targetCents!);
      expect(onTrack!.budget?.targetBasisPoints).toBe(1000);
      expect(onTrack!.forecast).toMatchObject({ status: "finished", onTrack: true });
      expect(onTrack!.totals.realisedCents).toBeGreaterThanOrEqual(onTrack!.totals.targetCents!);
      expect(current!.forecast).toMatchObject({ status: "projected", onTrack: false });
      expect(Math.round(current!.forecast.share! * 1000)).toBe(84);
      for (const year of [behind!, onTrack!, current!]) {
        expect(year.totals.commitments).toBeGreaterThan(35);
        expect(year.totals.pledgedCents).toBeGreaterThan(year.totals.targetCents!);
        expect(year.byKind.map((row) => row.kind)).toEqual(expect.arrayContaining(["company", "trade_school"]));
        expect(year.bySubregion.length).toBeGreaterThanOrEqual(5);
      }
      const realisedAfterToday = await rows(fresh.db, sql`select id from commitment_realisations where date > ${TODAY}::date`);
      expect(realisedAfterToday).toEqual([]);
      const statuses = await rows<{ status: string; kind: string }>(fresh.db, sql`select distinct status, kind from commitments`);
      expect(new Set(statuses.map((row) => row.status))).toEqual(new Set(["pledged", "agreed", "realised", "accounted", "lapsed"]));
      const hoursRate = await rows(fresh.db, sql`select id from commitments where valuation = 'hours_rate'`);
      expect(hoursRate.length).toBeGreaterThan(10);
      const hulshof = await rows(fresh.db, sql`select c.id from commitments c join organisations o on o.id = c.organisation_id where o.name = 'Hulshof Installatietechniek'`);
      expect(hulshof).toHaveLength(6);
    });

    it("is found by the list and the accent-blind search", async () => {
      const admin = await fresh.db.selectFrom("users").selectAll().where("email", "=", "beheer@sto-twente.demo").executeTakeFirstOrThrow();
      const scope = scopeOf({ id: admin.id, regionId: admin.region_id, email: admin.email, name: admin.name, role: admin.role, organisationId: null, locale: admin.locale });
      const page = await listOrganisations(fresh.db, scope, { limit: 50 });
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).not.toBeNull();
      const found = await searchEverything(fresh.db, scope, "hulshof");
      expect(found.organisations.map((o) => o.name)).toContain("Hulshof Installatietechniek");
      const accented = await rows<{ name: string }>(fresh.db, sql`select name from people where name like '%Çelik%' limit 1`);
      const withoutAccent = accented[0]!.name.replace("Ç", "C");
      const people = await searchEverything(fresh.db, scope, withoutAccent, { limit: 20 });
      expect(people.people.map((p) => p.name)).toContain(accented[0]!.name);
    });

    it("gives the same organisations for the same seed, in another database too", async () => {
      const other = await createTestDatabase();
      try {
        await loadDemo(other.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
        expect(await organisationNames(other.db)).toEqual(await organisationNames(fresh.db));
        const people = (db: Database) => db.selectFrom("people").select("name").orderBy("name").execute();
        expect(await people(other.db)).toEqual(await people(fresh.db));
        const interactions = (db: Database) => db.selectFrom("interactions").select(["date", "kind", "summary"]).orderBy("date").orderBy("summary").orderBy("kind").execute();
        expect(await interactions(other.db)).toEqual(await interactions(fresh.db));
      } finally {
        await other.drop();
      }
    });
  });

  it("builds other organisations from another seed", () => {
    let counter = 0;
    const context = (seed: number): DemoContext => ({
      today: TODAY, regionId: "region", subregionIds: [], seed, newId: () => `id-${++counter}`, named: [], takenKvk: [], takenBrin: [], takenPersonNames: [],
      users: { admin: "a", penvoerder: "p", holders: ["h1", "h2"], newcomer: { id: "n", joinedDay: 20_300 }, departed: { id: "d", deactivatedDay: 20_390 } },
    });
    const names = (seed: number) => buildDemoRegion(context(seed)).organisations.map((o) => o.name);
    expect(names(1)).toEqual(names(1));
    expect(names(2)).not.toEqual(names(1));
  });

  it("keeps its stories and its consistency whatever day the clock says", () => {
    for (const today of ["2027-03-10", "2027-05-20", "2027-08-01"]) {
      const t = dayOf(today);
      const rows = buildDemoRegion({
        today, regionId: "region", subregionIds: [], named: [], takenKvk: [], takenBrin: [], takenPersonNames: [],
        users: { admin: "a", penvoerder: "p", holders: ["h1", "h2", "h3"], newcomer: { id: "n", joinedDay: t - 110 }, departed: { id: "d", deactivatedDay: t - 23 } },
      });
      const pairs = rows.interactionPeople.map((p) => `${p.interaction_id} ${p.person_id}`);
      expect(new Set(pairs).size, today).toBe(pairs.length);
      const spring = lastSpring(today);
      const lastContact = new Map<string, string>();
      for (const i of rows.interactions) if ((lastContact.get(i.organisation_id) ?? "") < String(i.date)) lastContact.set(i.organisation_id, String(i.date));
      const left = rows.affiliations.filter((a) => a.end_date && a.end_date >= spring.from && a.end_date <= spring.to && (lastContact.get(a.organisation_id) ?? "") < a.end_date);
      expect(new Set(left.map((a) => a.organisation_id)).size, today).toBe(12);
      expect(rows.interactions.filter((i) => String(i.date) > today), today).toEqual([]);
      expect(rows.affiliations.filter((a) => a.end_date && a.end_date < a.start_date), today).toEqual([]);
      expect(rows.organisations.filter((o) => o.account_holder_id === "d"), today).toHaveLength(12);
    }
  });

  it("keeps its co-financing stories whatever day the clock says", () => {
    const partners = Array.from({ length: 60 }, (_, i) => ({ id: `org-${i}`, name: i === 0 ? "Hulshof Installatietechniek" : `Partner ${i}` }));
    for (const today of ["2027-08-01", "2027-08-20", "2028-01-10", "2028-07-25"]) {
      let n = 0;
      const rows = buildDemoCofinancing({ today, regionId: "r", seed: 20230801, penvoerderId: "p", partners, newId: () => `id-${++n}` });
      expect(rows.realisations.filter((r) => String(r.date) > today), today).toEqual([]);
      expect(rows.commitments.filter((c) => (c.created_at as Date).toISOString().slice(0, 10) > today), today).toEqual([]);
      const outcome = rows.budgets.map((budget) => {
        const year = String(budget.school_year);
        const ids = new Set(rows.commitments.filter((c) => c.school_year === year).map((c) => c.id));
        const realised = rows.realisations.filter((r) => ids.has(r.commitment_id)).reduce((sum, r) => sum + Number(r.amount_cents), 0);
        const start = Number(year.slice(0, 4));
        const budgetCents = Number(budget.budget_cents);
        const targetCents = Math.round((budgetCents * Number(budget.target_basis_points)) / 10000);
        return forecastOf({ from: `${start}-08-01`, to: `${start + 1}-07-31`, today, realisedCents: realised, realisedToDateCents: realised, budget: { schoolYear: year, budgetCents, targetBasisPoints: Number(budget.target_basis_points), targetCents, notes: null, version: 1, updatedAt: "" } });
      });
      expect(outcome.map((f) => f.onTrack), today).toEqual([false, true, false]);
      expect(Math.abs(outcome[2]!.share! - 0.084), today).toBeLessThan(0.0005);
    }
  });

  it("the command loads the region and names the sign-ins, and refuses an unknown scale with one line", async () => {
    const target = await createTestDatabase();
    const schakel = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.resolve("bin/schakel.js"), ...args],
          // A safety net against a hung process, not a speed check (the demo load takes 20–40 s on a busy two-core machine).
          { env: { ...process.env, DATABASE_URL: target.url, APP_URL: TEST_APP_URL, SCHAKEL_NOW: TEST_NOW.toISOString(), LOG_LEVEL: "silent" }, timeout: 90_000 },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
        );
      });
    try {
      const unknown = await schakel("demo", "--scale", "planet");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim().split("\n")).toEqual(['schakel: Unknown scale "planet"; use --scale region or --scale national']);
      expect(await target.db.selectFrom("regions").select("id").execute()).toEqual([]);

      const first = await schakel("demo");
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("Loaded STO Twente. Sign in with:");
      expect(first.stdout).toContain(`accounthouder@sto-twente.demo  ${DEMO_PASSWORD}`);
      expect(first.stdout).toContain("koen.vos@sto-twente.demo");
      expect(first.stdout).not.toContain("ingrid.haverkate");
      expect((await countRows(target.db)).organisations).toBeGreaterThan(350);
      // A visitor sees the point at once: relationships cold through turnover, each with a
      // follow-up for whoever must pick it up, and a trend over the school year for the chart.
      const states = await target.db.selectFrom("organisation_health").select(["state", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("state").execute();
      expect(Number(states.find((row) => row.state === "cold")?.n)).toBeGreaterThan(10);
      const followUps = await target.db.selectFrom("tasks").select("id").where("source", "=", "health").where("status", "=", "open").execute();
      expect(followUps.length).toBeGreaterThanOrEqual(12);
      const days = await target.db.selectFrom("health_daily_counts").select("day").where("day", ">=", "2026-08-01").execute();
      expect(days.length).toBeGreaterThan(5);
    } finally {
      await target.drop();
    }
  }, 180_000);
});
