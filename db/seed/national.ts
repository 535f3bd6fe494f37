import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "kysely";
import postgres from "postgres";
import { type Database, splitSocket } from "../../server/db/database";
import { hashPassword } from "../../server/auth/passwords";
import { toLocalDate } from "../../server/clock";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { createRegion, listSubregions } from "../../server/domains/regions/regions.service";
import { schoolYearOf, schoolYearStart } from "../../calendar/school-year";
import { DEMO_PASSWORD } from "./demo";
import {
  FAMILY_NAMES, FIRST_NAMES, LEARNING_PATHS, NEXT_STEPS, OTHER_SURNAMES, ROLES, STREETS, SUMMARIES, SUMMARIES_WITHOUT_PERSON, TRADES, VMBO_PROFILES,
} from "./demo-words";
import { ACTIVITY_TITLES, REGION_TOWNS } from "./national-words";
import { seededRandom } from "./random";

/**
 * The national data set of the performance bars (DESIGN.md, issue 7): 78 STO regions with about
 * 40,000 organisations, 120,000 people who change jobs, 1.5 million contact moments over five
 * school years, 300,000 activities and 50,000 co-financing commitments. Rows are made in
 * JavaScript from a fixed seed and streamed into PostgreSQL with COPY, a few thousand at a time, so
 * memory stays small and the load takes minutes, not hours. The triggers stay on: they are
 * statement-level (one firing per COPY batch), so organisation_last_contact is kept right by the
 * same code as in production. Health is computed afterwards by the app's own recompute.
 */
export const NATIONAL_SEED = 20_261_123;

export type NationalSize = {
  regions: number;
  organisations: number;
  people: number;
  interactions: number;
  activities: number;
  commitments: number;
};

export const NATIONAL_SIZE: NationalSize = {
  regions: 78, organisations: 40_000, people: 120_000, interactions: 1_500_000, activities: 300_000, commitments: 50_000,
};

/** The national size times `scale` (a tenth, a fiftieth) for quicker runs; at least two regions. */
export function scaledNationalSize(scale: number): NationalSize {
  const of = (n: number) => Math.round(n * scale);
  return {
    regions: Math.max(2, of(NATIONAL_SIZE.regions)), organisations: of(NATIONAL_SIZE.organisations), people: of(NATIONAL_SIZE.people),
    interactions: of(NATIONAL_SIZE.interactions), activities: of(NATIONAL_SIZE.activities), commitments: of(NATIONAL_SIZE.commitments),
  };
}

/** Region slugs are nl-01 … nl-78; the first is the one the sign-in lines and the benchmark use. */
export const nationalSlug = (index: number) => `nl-${String(index + 1).padStart(2, "0")}`;
export const nationalEmail = (slug: string, local: string) => `${local}@${slug}.schakel.demo`;

const ROWS_PER_CHUNK = 2_000;
const INTERACTIONS_PER_COPY = 100_000;
const ACTIVITIES_PER_COPY = 50_000;
const DAY = 86_400_000;

type Log = (line: string) => void;

type Holder = { id: string; departedDay: number | null };
type RegionRows = { id: string; slug: string; town: string; subregionIds: string[]; adminId: string; penvoerderId: string; holders: Holder[] };
type Job = { personId: string; name: string; startDay: number; endDay: number | null };
type Org = {
  id: string; regionIndex: number; kind: string; name: string; city: string; tier: string; status: string; createdDay: number;
  holderId: string; previousHolderId: string | null; switchDay: number; quietDays: number; weight: number; jobs: Job[];
};

export type NationalResult = {
  alreadyLoaded: boolean;
  counts: Record<string, number>;
  seconds: Record<string, number>;
  accounts: Array<{ role: string; email: string }>;
  password: string;
};

/**
 * Loads the national set into the database at `url` (the same one `db` talks to). Refuses nothing
 * and writes nothing when it is already there; when an earlier run stopped half-way it picks up at
 * the step that did not finish (the bulk rows are one transaction, so they are there or not).
 */
export async function loadNational(
  db: Database,
  url: string,
  options: { now: Date; size?: NationalSize; seed?: number; log?: Log; health?: boolean },
): Promise<NationalResult> {
  const size = options.size ?? NATIONAL_SIZE;
  const seed = options.seed ?? NATIONAL_SEED;
  const log = options.log ?? (() => {});
  const today = toLocalDate(options.now);
  const seconds: Record<string, number> = {};
  const timed = async <T>(label: string, work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    seconds[label] = Number(((performance.now() - started) / 1000).toFixed(1));
    log(`${label}: ${seconds[label]} s`);
    return result;
  };
  const firstSlug = nationalSlug(0);
  const accounts = [
    { role: "admin", email: nationalEmail(firstSlug, "beheer") },
    { role: "penvoerder", email: nationalEmail(firstSlug, "penvoerder") },
    { role: "accounthouder", email: nationalEmail(firstSlug, "accounthouder-01") },
  ];

  const existing = await db.selectFrom("regions").select("id").where("slug", "like", "nl-__").execute();
  const loadedOrganisations = existing.length
    ? await db.selectFrom("organisations").select("id").where("region_id", "in", existing.map((r) => r.id)).limit(1).execute()
    : [];
  const healthDone = loadedOrganisations.length
    ? (await db.selectFrom("organisation_health").select("organisation_id").where("region_id", "=", existing[0]!.id).limit(1).execute()).length > 0
    : false;
  // Without health (the health benchmark times the first recompute itself) "loaded" is the bulk rows.
  const complete = options.health === false ? loadedOrganisations.length > 0 : healthDone;
  if (complete) return { alreadyLoaded: true, counts: await countRows(db), seconds, accounts, password: DEMO_PASSWORD };
  if (existing.length && existing.length !== size.regions) {
    throw new Error(`Found ${existing.length} national regions where ${size.regions} were expected; load the national set into an empty database (a fresh DATA_DIR)`);
  }

  const random = seededRandom(seed);
  const ids = uuidSource(seededRandom(seed ^ 0x5eed));
  const regions = await timed("regions and users", () => loadRegions(db, size, random, ids, options.now, today));
  if (!loadedOrganisations.length) {
    const { url: address, ...socket } = splitSocket(url);
    const client = postgres(address, { ...socket, max: 1, onnotice: () => {}, connection: { application_name: "schakel-national" } });
    try {
      await client.begin(async (tx) => {
        // Bulk rows in one transaction: a failed load leaves the regions and users only, and the next
        // run starts again here.
        const copy = (table: string, columns: string[], rows: Iterable<string>) =>
          copyRows(tx as unknown as postgres.Sql, table, columns, rows);
        const orgs = await timed("organisations, people and jobs", () => loadOrganisations(copy, regions, size, random, ids, today));
        await timed("contact moments", () => loadInteractions(copy, regions, orgs, size, random, ids, today));
        // The activity_organisations triggers recount last contact per organisation with correlated
        // lookups, fine for a form's few rows but quadratic for 600,000 rows on tables without
        // statistics yet. They are off for this transaction's COPY only, and the table they keep is
        // rebuilt set-based below from the same definition (recount_last_contact), as is the table of
        // activity years (recount_activity_years, decision 148).
        await tx`alter table activity_organisations disable trigger user`;
        await timed("activities", () => loadActivities(copy, regions, orgs, size, random, ids, today));
        await tx`alter table activity_organisations enable trigger user`;
        await timed("commitments and budgets", () => loadCommitments(copy, regions, orgs, size, random, ids, today));
        await timed("last contact (set-based rebuild)", () => rebuildLastContact(tx as unknown as postgres.Sql));
        await timed("activity years (set-based rebuild)", () => rebuildActivityYears(tx as unknown as postgres.Sql));
      });
    } finally {
      await client.end();
    }
  }
  await timed("statistics (analyze)", () => sql`analyze`.execute(db));
  if (options.health !== false) await timed("relationship health", () => recomputeHealth(db, { all: true }, options.now));
  return { alreadyLoaded: false, counts: await countRows(db), seconds, accounts, password: DEMO_PASSWORD };
}

/** Rows of the national regions (nl-01 … nl-NN) per table; other regions in the same database are left out. */
export async function countRows(db: Database) {
  const regions = sql`(select id from regions where slug like 'nl-%')`;
  const counts = {
    regions: sql`select count(*) from regions where slug like 'nl-%'`,
    users: sql`select count(*) from users where region_id in ${regions}`,
    organisations: sql`select count(*) from organisations where region_id in ${regions}`,
    people: sql`select count(*) from people where region_id in ${regions}`,
    affiliations: sql`select count(*) from affiliations where region_id in ${regions}`,
    account_holder_periods: sql`select count(*) from account_holder_periods where region_id in ${regions}`,
    interactions: sql`select count(*) from interactions where region_id in ${regions}`,
    interaction_people: sql`select count(*) from interaction_people ip join interactions i on i.id = ip.interaction_id where i.region_id in ${regions}`,
    activities: sql`select count(*) from activities where region_id in ${regions}`,
    activity_organisations: sql`select count(*) from activity_organisations ao join activities a on a.id = ao.activity_id where a.region_id in ${regions}`,
    commitments: sql`select count(*) from commitments where region_id in ${regions}`,
    commitment_realisations: sql`select count(*) from commitment_realisations where region_id in ${regions}`,
    school_year_budgets: sql`select count(*) from school_year_budgets where region_id in ${regions}`,
    organisation_health: sql`select count(*) from organisation_health where region_id in ${regions}`,
    organisation_last_contact: sql`select count(*) from organisation_last_contact c join organisations o on o.id = c.organisation_id where o.region_id in ${regions}`,
  };
  const row = await sql<Record<string, number>>`select ${sql.join(Object.entries(counts).map(([name, query]) => sql`(${query})::int as ${sql.ref(name)}`))}`.execute(db);
  return row.rows[0]!;
}

// ---------------------------------------------------------------------------------------------
// Regions and users: few rows, through the app's own createRegion (subregions, health settings,
// the default school holidays, an audit entry), so a national region is set up like any other.

async function loadRegions(db: Database, size: NationalSize, random: Random, ids: () => string, now: Date, today: string): Promise<RegionRows[]> {
  const todayDay = dayOf(today);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return db.transaction().execute(async (trx) => {
    const regions: RegionRows[] = [];
    for (let r = 0; r < size.regions; r++) {
      const slug = nationalSlug(r);
      const town = REGION_TOWNS[r % REGION_TOWNS.length]!;
      let region = await trx.selectFrom("regions").select("id").where("slug", "=", slug).executeTakeFirst();
      region ??= await createRegion(trx, { name: `STO ${town}`, slug, subregions: ["Noord", "Oost", "Zuid", "West"] }, { actorId: null, now });
      const subregionIds = (await listSubregions(trx, region.id)).map((s) => s.id);
      // Account holders come and go: a dozen per region, two of whom left (one long ago, one three weeks ago).
      const holderCount = 8 + random.int(0, 6);
      const users: Array<{ id: string; email: string; name: string; role: string; departedDay: number | null; joinedDay: number }> = [
        { id: ids(), email: nationalEmail(slug, "beheer"), name: personName(random), role: "admin", departedDay: null, joinedDay: todayDay - 2000 },
        { id: ids(), email: nationalEmail(slug, "penvoerder"), name: personName(random), role: "penvoerder", departedDay: null, joinedDay: todayDay - 2000 },
      ];
      for (let h = 0; h < holderCount; h++) {
        const departedDay = h === holderCount - 1 ? todayDay - 21 : h === holderCount - 2 ? todayDay - 700 : null;
        users.push({
          id: ids(), email: nationalEmail(slug, `accounthouder-${String(h + 1).padStart(2, "0")}`), name: personName(random), role: "accounthouder",
          departedDay, joinedDay: h < holderCount - 3 ? todayDay - 2400 + random.int(0, 900) : todayDay - random.int(60, 400),
        });
      }
      const known = await trx.selectFrom("users").select(["id", "email"]).where("email", "in", users.map((u) => u.email)).execute();
      const missing = users.filter((u) => !known.some((k) => k.email === u.email));
      if (missing.length) {
        await trx
          .insertInto("users")
          .values(missing.map((u) => ({
            id: u.id, region_id: region.id, email: u.email, name: u.name, role: u.role as "admin", password_hash: passwordHash,
            active: u.departedDay === null, deactivated_at: u.departedDay === null ? null : new Date(moment(u.departedDay, 17)),
            created_at: new Date(moment(u.joinedDay, 9)), updated_at: new Date(moment(u.departedDay ?? u.joinedDay, 9)),
          })))
          .execute();
      }
      for (const k of known) {
        const u = users.find((candidate) => candidate.email === k.email)!;
        u.id = k.id;
      }
      regions.push({
        id: region.id, slug, town, subregionIds,
        adminId: users[0]!.id, penvoerderId: users[1]!.id,
        holders: users.slice(2).map((u) => ({ id: u.id, departedDay: u.departedDay })),
      });
    }
    return regions;
  });
}

// ---------------------------------------------------------------------------------------------
// Organisations, people, jobs (with turnover) and who held each relationship when.

type Copy = (table: string, columns: string[], rows: Iterable<string>) => Promise<void>;

const KINDS: Array<[string, number]> = [["company", 70], ["vmbo", 9], ["partner", 8], ["trade_school", 5], ["primary", 4], ["mbo", 4]];
const TIERS: Array<[string, number]> = [["strategic", 15], ["regular", 50], ["occasional", 35]];
const STATUSES: Array<[string, number]> = [["active", 86], ["prospect", 6], ["paused", 4], ["ended", 4]];
const END_REASONS: Array<[string, number]> = [["left_organisation", 60], ["other_role", 20], ["retired", 12], ["other", 8]];

async function loadOrganisations(copy: Copy, regions: RegionRows[], size: NationalSize, random: Random, ids: () => string, today: string) {
  const todayDay = dayOf(today);
  const historyStartDay = dayOf(schoolYearStart(today, -4));
  // Regions differ in size: weights between 0.5 and 1.5.
  const regionWeights = regions.map(() => 0.5 + random.next());
  const totalWeight = regionWeights.reduce((a, b) => a + b, 0);
  const orgs: Org[] = [];
  let kvk = 10_000_000;
  for (const [r, region] of regions.entries()) {
    const count = r === regions.length - 1 ? size.organisations - orgs.length : Math.round((size.organisations * regionWeights[r]!) / totalWeight);
    const active = region.holders.filter((h) => h.departedDay === null);
    const recentlyDeparted = region.holders.find((h) => h.departedDay !== null && todayDay - h.departedDay < 60);
    for (let i = 0; i < count; i++) {
      const kind = weighted(random, KINDS);
      const tier = kind === "vmbo" || kind === "mbo" ? weighted(random, [["strategic", 60], ["regular", 40]]) : weighted(random, TIERS);
      // Most organisations were in the region's books before the five years; a steady trickle joined since.
      const createdDay = random.next() < 0.7 ? historyStartDay - random.int(30, 2000) : historyStartDay + random.int(0, todayDay - historyStartDay - 30);
      let holderId = random.pick(active).id;
      let previousHolderId: string | null = null;
      let switchDay = createdDay;
      if (random.next() < 0.3) {
        // Turnover among account holders: a third of the relationships changed hands at least once.
        const previous = random.pick(region.holders);
        if (previous.id !== holderId) {
          previousHolderId = previous.id;
          switchDay = previous.departedDay !== null ? Math.min(todayDay - 1, previous.departedDay + random.int(1, 30)) : random.int(createdDay + 1, todayDay - 1);
        }
      }
      // The handover story: some relationships are still with the holder who left three weeks ago.
      if (recentlyDeparted && random.next() < 0.02) {
        holderId = recentlyDeparted.id;
        previousHolderId = null;
        switchDay = createdDay;
      }
      const city = random.next() < 0.6 ? region.town : REGION_TOWNS[(r + random.int(1, 3)) % REGION_TOWNS.length]!;
      orgs.push({
        id: ids(), regionIndex: r, kind, name: organisationName(random, kind, city), city, tier,
        status: weighted(random, STATUSES), createdDay, holderId, previousHolderId, switchDay,
        // One in seven has gone quiet for a while (cooling and cold relationships exist everywhere).
        quietDays: random.next() < 0.15 ? random.int(60, 700) : 0,
        weight: tier === "strategic" ? 3 : tier === "regular" ? 1.5 : 0.6,
        jobs: [],
      });
    }
  }

  await copy(
    "organisations",
    ["id", "region_id", "kind", "name", "kvk_number", "brin_code", "sector", "street", "postal_code", "city", "website", "subregion_id", "tier", "status", "tags",
      "vmbo_profiles", "learning_paths", "sbb_recognised", "crebo_numbers", "account_holder_id", "created_at", "updated_at"],
    (function* () {
      for (const [i, o] of orgs.entries()) {
        const region = regions[o.regionIndex]!;
        const trade = random.pick(TRADES);
        const isCompany = o.kind === "company" || o.kind === "trade_school";
        const isSchool = o.kind === "vmbo" || o.kind === "mbo";
        const brin = isSchool ? `${String(10 + (i % 90))}${letters(i)}${o.kind === "vmbo" ? String(i % 100).padStart(2, "0") : ""}` : null;
        yield row([
          o.id, region.id, o.kind, o.name, isCompany ? String(kvk++) : null, brin, isCompany ? trade.sector : null,
          `${random.pick(STREETS)} ${random.int(1, 250)}`, `${random.int(1000, 9999)} ${letters(i + 7)}`, o.city,
          random.next() < 0.7 ? `https://www.${slugOf(o.name)}.nl` : null, random.next() < 0.9 ? random.pick(region.subregionIds) : null,
          o.tier, o.status, array(isCompany ? [trade.tag] : []),
          array(isSchool || isCompany ? pickSome(random, VMBO_PROFILES, 2) : []), array(o.kind === "vmbo" ? pickSome(random, LEARNING_PATHS, 2) : []),
          isCompany && random.next() < 0.5 ? "t" : "f", array(isCompany ? trade.crebo : []), o.holderId, moment(o.createdDay, 10), moment(Math.max(o.createdDay, todayDay - random.int(0, 400)), 10),
        ]);
      }
    })(),
  );

  await copy(
    "account_holder_periods",
    ["id", "region_id", "organisation_id", "user_id", "started_at", "ended_at", "assigned_by"],
    (function* () {
      for (const o of orgs) {
        const region = regions[o.regionIndex]!;
        if (o.previousHolderId) {
          yield row([ids(), region.id, o.id, o.previousHolderId, moment(o.createdDay, 10), moment(o.switchDay, 11), region.adminId]);
        }
        yield row([ids(), region.id, o.id, o.holderId, moment(o.switchDay, 11), null, region.adminId]);
      }
    })(),
  );

  // People: about three per organisation, more at strategic ones. A quarter of the jobs ended in the
  // five years (people leave, retire, change role); four in ten of the leavers turn up at another
  // organisation of the same region, which is how a relationship survives a job change.
  const cumulative = cumulativeWeights(orgs.map((o) => o.weight));
  const byRegion = regions.map(() => [] as number[]);
  for (const [index, o] of orgs.entries()) byRegion[o.regionIndex]!.push(index);
  type PersonRow = { id: string; regionIndex: number; name: string; email: string | null; createdDay: number };
  const people: PersonRow[] = [];
  const jobs: Array<{ id: string; org: Org; job: Job; role: string; endReason: string | null; primary: boolean; successor: string | null }> = [];
  for (let p = 0; p < size.people; p++) {
    // Every organisation gets one person first, then the rest by weight.
    const first = orgs[p < orgs.length ? p : pickWeighted(random, cumulative)]!;
    const name = personName(random);
    const startDay = Math.max(first.createdDay - random.int(0, 1500), first.createdDay - 3000);
    const ends = random.next() < 0.25;
    const endDay = ends ? Math.min(todayDay - 1, Math.max(startDay + 30, historyStartDay + random.int(0, todayDay - historyStartDay))) : null;
    const person = { id: ids(), regionIndex: first.regionIndex, name, email: random.next() < 0.8 ? emailOf(name, first.name, p) : null, createdDay: Math.min(startDay, todayDay) };
    people.push(person);
    const job = { personId: person.id, name, startDay, endDay };
    first.jobs.push(job);
    const endReason = ends ? weighted(random, END_REASONS) : null;
    jobs.push({ id: ids(), org: first, job, role: random.pick(ROLES[first.kind] ?? ["Contactpersoon"]), endReason, primary: false, successor: null });
    if (ends && endReason === "left_organisation" && random.next() < 0.4 && endDay! < todayDay - 2) {
      const candidates = byRegion[first.regionIndex]!;
      const next = orgs[candidates[random.int(0, candidates.length - 1)]!]!;
      if (next !== first) {
        const nextJob = { personId: person.id, name, startDay: endDay! + 1, endDay: null };
        next.jobs.push(nextJob);
        jobs.push({ id: ids(), org: next, job: nextJob, role: random.pick(ROLES[next.kind] ?? ["Contactpersoon"]), endReason: null, primary: false, successor: null });
      }
    }
  }
  // The first current job of each organisation is its primary contact; half of the ended jobs name
  // the colleague who took over.
  const primaryTaken = new Set<string>();
  for (const j of jobs) {
    if (j.job.endDay === null && !primaryTaken.has(j.org.id)) {
      j.primary = true;
      primaryTaken.add(j.org.id);
    }
  }
  for (const j of jobs) {
    if (j.job.endDay !== null && random.next() < 0.5) {
      const successor = j.org.jobs.find((other) => other.endDay === null && other.personId !== j.job.personId);
      if (successor) j.successor = successor.personId;
    }
  }

  await copy(
    "people",
    ["id", "region_id", "name", "email", "phone", "lawful_basis", "source", "review_date", "created_at", "updated_at"],
    (function* () {
      for (const p of people) {
        yield row([
          p.id, regions[p.regionIndex]!.id, p.name, p.email, random.next() < 0.6 ? `06 ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)} ${random.int(10, 99)}` : null,
          random.next() < 0.9 ? "legitimate_interest" : "consent", "national demo", random.next() < 0.3 ? dateOf(todayDay + random.int(30, 700)) : null,
          moment(p.createdDay, 9), moment(p.createdDay, 9),
        ]);
      }
    })(),
  );
  await copy(
    "affiliations",
    ["id", "region_id", "person_id", "organisation_id", "role", "is_primary", "start_date", "end_date", "end_reason", "created_at", "ended_at", "successor_person_id"],
    (function* () {
      for (const j of jobs) {
        yield row([
          j.id, regions[j.org.regionIndex]!.id, j.job.personId, j.org.id, j.role, j.primary ? "t" : "f", dateOf(j.job.startDay),
          j.job.endDay === null ? null : dateOf(j.job.endDay), j.endReason, moment(Math.min(j.job.startDay, todayDay), 9),
          j.job.endDay === null ? null : moment(j.job.endDay, 17), j.successor,
        ]);
      }
    })(),
  );
  return orgs;
}

// ---------------------------------------------------------------------------------------------
// Contact moments over five school years, with the people who took part.

async function loadInteractions(copy: Copy, regions: RegionRows[], orgs: Org[], size: NationalSize, random: Random, ids: () => string, today: string) {
  const todayDay = dayOf(today);
  const historyStartDay = dayOf(schoolYearStart(today, -4));
  const cumulative = cumulativeWeights(orgs.map((o) => (o.status === "ended" ? 0.2 : o.status === "prospect" ? 0.4 : o.weight)));
  const kinds: Array<[keyof typeof SUMMARIES, number]> = [["email", 35], ["call", 25], ["meeting", 20], ["visit", 12], ["event", 8]];
  for (let done = 0; done < size.interactions; done += INTERACTIONS_PER_COPY) {
    const batch = Math.min(INTERACTIONS_PER_COPY, size.interactions - done);
    const links: string[] = [];
    await copy(
      "interactions",
      ["id", "region_id", "organisation_id", "kind", "date", "user_id", "summary", "next_step", "created_at", "archived_at"],
      (function* () {
        for (let i = 0; i < batch; i++) {
          const o = orgs[pickWeighted(random, cumulative)]!;
          const from = Math.max(historyStartDay, o.createdDay);
          const latest = todayDay - o.quietDays;
          // More contact recently than long ago: the square pulls dates towards today.
          const day = latest <= from ? from : latest - Math.floor(random.next() ** 1.6 * (latest - from));
          const kind = weighted(random, kinds);
          const present = o.jobs.filter((j) => j.startDay <= day && (j.endDay === null || j.endDay >= day));
          const person = present.length && random.next() < 0.85 ? random.pick(present) : null;
          const template = person ? random.pick(SUMMARIES[kind]) : random.pick(SUMMARIES_WITHOUT_PERSON);
          const summary = template
            .replace("{person}", person?.name ?? "")
            .replace("{org}", o.name)
            .replace("{city}", o.city)
            .replace("{profile}", random.pick(VMBO_PROFILES))
            .replace("{n}", String(random.int(2, 24)));
          const id = ids();
          if (person) links.push(row([id, person.personId]));
          const holder = o.previousHolderId && day < o.switchDay ? o.previousHolderId : o.holderId;
          yield row([
            id, regions[o.regionIndex]!.id, o.id, kind, dateOf(day), holder, summary, random.next() < 0.3 ? random.pick(NEXT_STEPS) : null,
            moment(Math.min(day + random.int(0, 2), todayDay), 8 + random.int(0, 9)), random.next() < 0.01 ? moment(Math.min(day + 30, todayDay), 12) : null,
          ]);
        }
      })(),
    );
    await copy("interaction_people", ["interaction_id", "person_id"], links);
  }
}

// ---------------------------------------------------------------------------------------------
// Activities: a partner and a school of the same region each; done in the past, planned ahead.

const ACTIVITY_TYPES: Array<[string, number]> = [
  ["guest_lesson", 25], ["company_visit", 20], ["internship", 20], ["workshop", 10], ["event", 7], ["elective", 5], ["teacher_placement", 5], ["training", 4], ["technolab", 4],
];

async function loadActivities(copy: Copy, regions: RegionRows[], orgs: Org[], size: NationalSize, random: Random, ids: () => string, today: string) {
  const todayDay = dayOf(today);
  const historyStartDay = dayOf(schoolYearStart(today, -4));
  const partners = regions.map(() => [] as Org[]);
  const schools = regions.map(() => [] as Org[]);
  for (const o of orgs) {
    if (o.kind === "vmbo") schools[o.regionIndex]!.push(o);
    else if (o.kind !== "primary" && o.kind !== "mbo") partners[o.regionIndex]!.push(o);
  }
  const partnerWeights = regions.map((_, r) => cumulativeWeights(partners[r]!.map((o) => o.weight)));
  const regionOf = cumulativeWeights(regions.map((_, r) => partners[r]!.length * (schools[r]!.length ? 1 : 0)));
  for (let done = 0; done < size.activities; done += ACTIVITIES_PER_COPY) {
    const batch = Math.min(ACTIVITIES_PER_COPY, size.activities - done);
    // Link rows are written after their activities (foreign keys), one batch at a time.
    const links: string[] = [];
    await copy(
      "activities",
      ["id", "region_id", "type", "title", "start_date", "end_date", "status", "profiles", "learning_paths", "hours", "pupils_reached", "teachers_involved",
        "places_offered", "places_filled", "person_id", "created_by", "created_at", "updated_at"],
      (function* () {
        for (let i = 0; i < batch; i++) {
          const r = pickWeighted(random, regionOf);
          const region = regions[r]!;
          const partner = partners[r]![pickWeighted(random, partnerWeights[r]!)]!;
          const school = random.pick(schools[r]!);
          const type = weighted(random, ACTIVITY_TYPES);
          // Up to three months ahead, the rest over the five school years.
          const start = random.next() < 0.08 ? todayDay + random.int(1, 90) : historyStartDay + Math.floor((1 - random.next() ** 1.3) * (todayDay - historyStartDay));
          const length = type === "internship" || type === "elective" || type === "teacher_placement" ? random.int(5, 60) : type === "training" ? random.int(0, 2) : 0;
          const end = start + length;
          const past = end < todayDay;
          const status = past ? weighted(random, [["done", 85], ["cancelled", 10], ["planned", 5]]) : weighted(random, [["planned", 80], ["offered", 20]]);
          const profile = random.pick(VMBO_PROFILES);
          const title = random.pick(ACTIVITY_TITLES[type]!).replace("{org}", partner.name).replace("{school}", school.name).replace("{profile}", profile).slice(0, 200);
          const offered = type === "internship" ? random.int(1, 6) : null;
          const speaker = partner.jobs.length && random.next() < 0.6 ? random.pick(partner.jobs).personId : null;
          const id = ids();
          links.push(row([id, partner.id, "partner"]), row([id, school.id, "school"]));
          yield row([
            id, region.id, type, title, dateOf(start), dateOf(end), status, array([profile]), array(pickSome(random, LEARNING_PATHS, 2)),
            (random.int(2, 80) / 2).toFixed(2), status === "done" ? String(random.int(4, 60)) : null, status === "done" ? String(random.int(1, 4)) : null,
            offered === null ? null : String(offered), offered === null ? null : String(random.int(0, offered)), speaker,
            partner.holderId, moment(Math.min(start - random.int(7, 60), todayDay), 10), moment(Math.min(end + 1, todayDay), 16),
          ]);
        }
      })(),
    );
    await copy("activity_organisations", ["activity_id", "organisation_id", "role"], links);
  }
}

// ---------------------------------------------------------------------------------------------
// Co-financing: pledges per partner and school year, realisations against them, and the budgets.

const IN_KIND: Array<[string, number]> = [["hours", 30], ["internship_supervision", 20], ["guest_lessons", 15], ["materials", 15], ["equipment", 8], ["premises", 7], ["other", 5]];

async function loadCommitments(copy: Copy, regions: RegionRows[], orgs: Org[], size: NationalSize, random: Random, ids: () => string, today: string) {
  const todayDay = dayOf(today);
  const years = [-4, -3, -2, -1, 0].map((offset) => schoolYearStart(today, offset));
  const givers = orgs.filter((o) => (o.kind === "company" || o.kind === "partner" || o.kind === "trade_school") && o.status !== "prospect");
  const cumulative = cumulativeWeights(givers.map((o) => o.weight));
  type Realisation = { commitmentId: string; regionId: string; day: number; cents: number; by: string };
  const realisations: Realisation[] = [];
  await copy(
    "commitments",
    ["id", "region_id", "organisation_id", "school_year", "kind", "category", "amount_cents", "hours", "hourly_rate_cents", "valuation", "status",
      "agreement_reference", "notes", "confirmed_at", "created_by", "created_at", "updated_at"],
    (function* () {
      for (let i = 0; i < size.commitments; i++) {
        const o = givers[pickWeighted(random, cumulative)]!;
        const region = regions[o.regionIndex]!;
        const yearIndex = Math.min(4, Math.floor(random.next() ** 0.7 * 5));
        const yearStart = dayOf(years[yearIndex]!);
        const yearEnd = Math.min(yearStart + 364, todayDay);
        const cash = random.next() < 0.4;
        const category = cash ? "cash" : weighted(random, IN_KIND);
        let hours: string | null = null;
        let rate: number | null = null;
        let amount: number;
        let valuation: string | null = null;
        if (cash) amount = random.int(5, 200) * 10_000;
        else if (category === "hours" || category === "internship_supervision" || category === "guest_lessons") {
          valuation = "hours_rate";
          const h = random.int(4, 400) / 2;
          rate = random.int(45, 95) * 100;
          hours = h.toFixed(2);
          amount = Math.round(h * rate);
        } else {
          valuation = random.next() < 0.5 ? "invoice" : "fair_value";
          amount = random.int(2, 150) * 10_000;
        }
        const current = yearIndex === 4;
        const status = current ? weighted(random, [["pledged", 40], ["agreed", 35], ["realised", 25]]) : weighted(random, [["accounted", 55], ["realised", 30], ["lapsed", 15]]);
        const createdDay = Math.min(yearStart + random.int(0, 120), todayDay - 1);
        const id = ids();
        if (status === "realised" || status === "accounted" || (status === "agreed" && random.next() < 0.5)) {
          const parts = random.int(1, 3);
          const share = status === "agreed" ? 0.5 : 1;
          let left = Math.max(parts, Math.round(amount * share));
          for (let p = 0; p < parts && left > 0; p++) {
            const cents = p === parts - 1 ? left : Math.max(1, Math.floor(left / (parts - p)));
            left -= cents;
            realisations.push({ commitmentId: id, regionId: region.id, day: random.int(createdDay, Math.max(createdDay, yearEnd)), cents, by: o.holderId });
          }
        }
        yield row([
          id, region.id, o.id, schoolYearOf(dateOf(yearStart)), cash ? "cash" : "in_kind", category, String(amount), hours, rate === null ? null : String(rate), valuation, status,
          random.next() < 0.4 ? `OVK-${yearStart}-${i}` : null, null, status !== "pledged" && random.next() < 0.6 ? moment(createdDay + 10, 14) : null,
          o.holderId, moment(createdDay, 11), moment(createdDay, 11),
        ]);
      }
    })(),
  );
  await copy(
    "commitment_realisations",
    ["id", "commitment_id", "region_id", "date", "amount_cents", "description", "evidence_reference", "created_by", "created_at"],
    (function* () {
      for (const r of realisations) {
        yield row([ids(), r.commitmentId, r.regionId, dateOf(Math.min(r.day, todayDay)), String(r.cents), "Gerealiseerd volgens afspraak", random.next() < 0.5 ? `factuur ${random.int(1000, 9999)}` : null, r.by, moment(Math.min(r.day, todayDay), 15)]);
      }
    })(),
  );
  await copy(
    "school_year_budgets",
    ["region_id", "school_year", "budget_cents", "target_basis_points", "updated_by", "created_at", "updated_at"],
    (function* () {
      for (const region of regions) {
        for (const year of years) {
          yield row([region.id, schoolYearOf(year), String(random.int(300, 1200) * 100_000), "1000", region.penvoerderId, moment(dayOf(year), 9), moment(dayOf(year), 9)]);
        }
      }
    })(),
  );
}

/**
 * organisation_last_contact as recount_last_contact (2026_11_23_1900) defines it — the later of the
 * last live contact moment and the end of the last done, live activity — for every organisation in
 * two grouped passes instead of one lookup per organisation.
 */
async function rebuildLastContact(tx: postgres.Sql) {
  await tx`
    with moments as (
      select organisation_id, max(date) as last_date from interactions where archived_at is null group by organisation_id
    ),
    done as (
      select ao.organisation_id, max(a.end_date) as last_date
      from activity_organisations ao join activities a on a.id = ao.activity_id
      where a.status = 'done' and a.archived_at is null
      group by ao.organisation_id
    )
    insert into organisation_last_contact (organisation_id, last_date)
    select coalesce(m.organisation_id, d.organisation_id), greatest(m.last_date, d.last_date)
    from moments m full join done d on d.organisation_id = m.organisation_id
    on conflict (organisation_id) do update set last_date = excluded.last_date`;
}

/**
 * organisation_activity_years as recount_activity_years (2026_12_08_0400) defines it — per
 * organisation and school year, its live done and planned activities — in one grouped pass.
 */
async function rebuildActivityYears(tx: postgres.Sql) {
  await tx`
    insert into organisation_activity_years (organisation_id, school_year, done, planned)
    select ao.organisation_id, school_year_start(a.start_date),
      (count(distinct a.id) filter (where a.status = 'done'))::int, (count(distinct a.id) filter (where a.status = 'planned'))::int
    from activity_organisations ao
    join activities a on a.id = ao.activity_id
    where a.archived_at is null and a.status in ('done', 'planned')
    group by 1, 2
    on conflict (organisation_id, school_year) do update set done = excluded.done, planned = excluded.planned`;
}

// ---------------------------------------------------------------------------------------------
// COPY plumbing and small helpers.

/** Streams rows (already in COPY text format) to `copy table (columns) from stdin`, a chunk at a time. */
async function copyRows(client: postgres.Sql, table: string, columns: string[], rows: Iterable<string>) {
  const writable = await client.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
  await pipeline(Readable.from(chunked(rows)), writable);
}

function* chunked(rows: Iterable<string>) {
  let buffer: string[] = [];
  for (const line of rows) {
    buffer.push(line);
    if (buffer.length >= ROWS_PER_CHUNK) {
      yield buffer.join("");
      buffer = [];
    }
  }
  if (buffer.length) yield buffer.join("");
}

/** One line of COPY text format: tab-separated, \N for null, backslash escapes. */
function row(values: Array<string | null>) {
  return `${values.map((v) => (v === null ? "\\N" : v.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n").replace(/\r/g, "\\r"))).join("\t")}\n`;
}

/** A text[] literal, every element quoted. */
function array(items: readonly string[]) {
  return `{${items.map((item) => `"${item.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

type Random = ReturnType<typeof seededRandom>;

/** Version-4 shaped UUIDs from a seeded generator, so a re-run makes the same ids. */
function uuidSource(random: Random) {
  const hex = (n: number) => (Math.floor(n * 4294967296) >>> 0).toString(16).padStart(8, "0");
  return () => {
    const h = hex(random.next()) + hex(random.next()) + hex(random.next()) + hex(random.next());
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

function weighted<T>(random: Random, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let roll = random.next() * total;
  for (const [item, w] of items) {
    roll -= w;
    if (roll < 0) return item;
  }
  return items[items.length - 1]![0];
}

function cumulativeWeights(weights: number[]) {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  for (const [i, w] of weights.entries()) cumulative[i] = sum += w;
  return cumulative;
}

/** An index drawn with the weights behind `cumulative` (binary search). */
function pickWeighted(random: Random, cumulative: Float64Array) {
  const roll = random.next() * cumulative[cumulative.length - 1]!;
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! > roll) high = mid;
    else low = mid + 1;
  }
  return low;
}

function pickSome(random: Random, items: readonly string[], max: number) {
  const count = random.int(1, max);
  const chosen = new Set<string>();
  for (let i = 0; i < count; i++) chosen.add(random.pick(items));
  return [...chosen];
}

function personName(random: Random) {
  return `${random.pick(FIRST_NAMES)} ${random.next() < 0.5 ? random.pick(FAMILY_NAMES) : random.pick(OTHER_SURNAMES)}`;
}

function organisationName(random: Random, kind: string, city: string) {
  const family = random.pick(FAMILY_NAMES);
  const trade = random.pick(TRADES);
  switch (kind) {
    case "company":
      return random.next() < 0.5 ? `${trade.prefix} ${family}` : `${family} ${trade.suffix}`;
    case "trade_school":
      return `Opleidingscentrum ${trade.suffix} ${city}`;
    case "mbo":
      return `${random.pick(["ROC", "Technisch College", "Vakcollege"])} ${city} ${random.pick(["Noord", "Zuid", "Centrum", "Oost", "West"])}`;
    case "vmbo":
      return `${random.pick(["Het", "De", "Sint", "Christelijk"])} ${family} ${random.pick(["College", "Lyceum", "Scholengemeenschap"])} ${city}`;
    case "primary":
      return `Basisschool ${random.pick(["De Wegwijzer", "De Esch", "De Vlinder", "Het Palet", "'t Holt", "De Regenboog"])} ${city}`;
    default:
      return `${random.pick(["Gemeente", "Techniekpact", "Stichting Techniekpromotie", "Bouwend Nederland", "Techniek Nederland"])} ${city}${random.next() < 0.5 ? "" : ` ${family}`}`;
  }
}

function emailOf(name: string, organisation: string, n: number) {
  const local = name.toLowerCase().normalize("NFD").replace(/[^a-z ]/g, "").trim().replace(/\s+/g, ".");
  return `${local || "contact"}${n}@${slugOf(organisation).slice(0, 30) || "organisatie"}.nl`;
}

function slugOf(text: string) {
  return text.toLowerCase().normalize("NFD").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function letters(n: number) {
  const a = "ABCDEFGHJKLMNPRSTVWXZ";
  return a[n % a.length]! + a[Math.floor(n / a.length) % a.length]!;
}

function dayOf(date: string) {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
}

function dateOf(day: number) {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

function moment(day: number, hour: number) {
  return new Date(day * DAY + hour * 3_600_000).toISOString();
}
