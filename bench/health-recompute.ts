/**
 * Benchmark: a full relationship-health recompute of a national data set (issue 4: 40,000
 * organisations and 1.5 million contact moments in under 2 seconds), and the one-organisation
 * recompute that follows every change. Run with `npm run bench:health` (SCALE=0.1 for a tenth).
 * Uses its own embedded PostgreSQL in a temporary folder; the data are generated set-based in SQL
 * from a fixed seed, so every run measures the same data.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { createDatabase } from "../server/db/database";
import { startEmbeddedPostgres } from "../server/db/embedded-postgres";
import { migrateToLatest } from "../server/db/migrate";
import { recomputeHealth } from "../server/domains/health/health.service";
import { createRegion } from "../server/domains/regions/regions.service";

const SCALE = Number(process.env.SCALE ?? 1);
const REGIONS = 78;
const ORGANISATIONS = Math.round(40_000 * SCALE);
const PEOPLE = Math.round(120_000 * SCALE);
const INTERACTIONS = Math.round(1_500_000 * SCALE);
const HOLDERS_PER_REGION = 10;
const NOW = new Date("2026-11-23T03:00:00Z");

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "schakel-bench-health-"));
await fs.chmod(dataDir, 0o755);
const server = await startEmbeddedPostgres(dataDir);
const db = createDatabase(server.url);
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);

try {
  await migrateToLatest(db);
  let started = performance.now();
  for (let i = 1; i <= REGIONS; i++) {
    await createRegion(db, { name: `STO Regio ${i}`, slug: `regio-${i}`, subregions: ["Noord", "Oost", "Zuid", "West"] }, { actorId: null, now: NOW });
  }
  await sql`select setseed(0.42)`.execute(db);
  // Account holders: ten per region, one in twenty deactivated (their organisations turn cold).
  await sql`
    insert into users (region_id, email, name, role, active, deactivated_at)
    select r.id, 'holder-' || r.slug || '-' || n || '@bench.nl', 'Accounthouder ' || r.slug || ' ' || n, 'accounthouder',
      (n % 20) <> 0, case when (n % 20) = 0 then timestamptz '2026-10-01' end
    from regions r, generate_series(1, ${HOLDERS_PER_REGION * 2}) n
    where n <= ${HOLDERS_PER_REGION} or (n = 20)`.execute(db);
  await sql`
    with numbered as (select id, row_number() over (order by slug) - 1 as idx from regions),
    holders as (select id, region_id, row_number() over (partition by region_id order by email) - 1 as idx, count(*) over (partition by region_id) as n from users where role = 'accounthouder')
    insert into organisations (region_id, kind, name, tier, status, account_holder_id, created_at, updated_at)
    select r.id,
      (array['company','company','company','company','trade_school','mbo','vmbo','partner'])[1 + i % 8],
      'Organisatie ' || lpad(i::text, 6, '0'),
      (array['strategic','regular','regular','occasional','occasional'])[1 + i % 5],
      case when i % 25 = 0 then 'ended' when i % 31 = 0 then 'prospect' else 'active' end,
      h.id, timestamptz '2021-08-01' + (i % 365) * interval '1 day', ${NOW}
    from generate_series(0, ${ORGANISATIONS - 1}) i
    join numbered r on r.idx = i % ${REGIONS}
    join holders h on h.region_id = r.id and h.idx = (i / ${REGIONS}) % h.n`.execute(db);
  // Ownership history: every organisation's current owner since a random day, and for one in
  // eight an earlier owner before that (so "new owner, no contact" has something to find).
  await sql`
    insert into account_holder_periods (region_id, organisation_id, user_id, started_at, ended_at)
    select o.region_id, o.id, o.account_holder_id, o.created_at + (random() * 1500) * interval '1 day', null
    from organisations o`.execute(db);
  await sql`
    insert into account_holder_periods (region_id, organisation_id, user_id, started_at, ended_at)
    select p.region_id, p.organisation_id, p.user_id, o.created_at, p.started_at
    from account_holder_periods p join organisations o on o.id = p.organisation_id
    where hashtext(o.id::text) % 8 = 0`.execute(db);
  console.log(`regions, users, ${ORGANISATIONS} organisations and ownership: ${seconds(started)} s`);

  started = performance.now();
  await sql`
    insert into people (region_id, name, created_at, updated_at)
    select (select id from regions order by slug offset (i % ${REGIONS}) limit 1), 'Persoon ' || i, ${NOW}, ${NOW}
    from generate_series(0, ${PEOPLE - 1}) i`.execute(db);
  // Three people per organisation on average; about a quarter of the jobs ended in the last five
  // years, the first job of each organisation is its primary contact.
  await sql`
    with org as (select id, region_id, (row_number() over (order by id) - 1)::int as idx from organisations),
    person as (select id, region_id, (row_number() over (order by id) - 1)::int as idx from people)
    insert into affiliations (region_id, person_id, organisation_id, role, is_primary, start_date, end_date, end_reason)
    select o.region_id, p.id, o.id, 'Contactpersoon', j.ended = false and (p.idx / ${ORGANISATIONS}) = 0,
      date '2021-08-01' + (p.idx % 900), case when j.ended then date '2021-08-01' + (p.idx % 900) + 30 + (p.idx % 1900) end,
      case when j.ended then 'left_organisation' end
    from person p
    join org o on o.idx = p.idx % ${ORGANISATIONS}
    cross join lateral (select (hashtext(p.id::text) % 4 = 0) as ended) j`.execute(db);
  await sql`
    update affiliations set end_date = least(end_date, date '2026-11-20') where end_date > date '2026-11-20'`.execute(db);
  console.log(`${PEOPLE} people and their jobs: ${seconds(started)} s`);

  started = performance.now();
  // Contact moments over five school years, more recent ones more likely; some organisations
  // get none for a long time, so every state occurs.
  await sql`
    with org as (select id, region_id, account_holder_id, (row_number() over (order by id) - 1)::int as idx from organisations)
    insert into interactions (region_id, organisation_id, kind, date, user_id, summary, created_at)
    select o.region_id, o.id, (array['meeting','call','email','visit','event'])[1 + i % 5],
      date '2026-11-22' - (power(random(), 2) * 1900)::int, o.account_holder_id, 'Contactmoment ' || i, ${NOW}
    from generate_series(0, ${INTERACTIONS - 1}) i
    join org o on o.idx = (hashtext(i::text) & 2147483647) % ${ORGANISATIONS}`.execute(db);
  await sql`vacuum analyze`.execute(db);
  // Let the bulk load settle (its checkpoint would otherwise land on the first timed run).
  await sql`checkpoint`.execute(db);
  console.log(`${INTERACTIONS} contact moments: ${seconds(started)} s`);

  const counts = await sql<{ organisations: number; interactions: number; affiliations: number }>`
    select (select count(*) from organisations)::int as organisations, (select count(*) from interactions)::int as interactions,
      (select count(*) from affiliations)::int as affiliations`.execute(db);
  console.log(JSON.stringify(counts.rows[0]));

  const time = async (label: string, now: Date) => {
    const t0 = performance.now();
    const result = await recomputeHealth(db, { all: true }, now);
    const ms = performance.now() - t0;
    console.log(`${label}: ${ms.toFixed(0)} ms — ${result.organisations} watched, ${result.changed} changed state, ${result.tasksCreated} follow-ups`);
    return ms;
  };
  if (process.env.EXPLAIN) {
    // EXPLAIN=1: the plan of every statement of one recompute, through auto_explain, on one connection.
    const { Kysely } = await import("kysely");
    const { PostgresJSDialect } = await import("kysely-postgres-js");
    const postgres = (await import("postgres")).default;
    const client = postgres(server.url, { max: 1, onnotice: (notice) => console.log(notice.message), types: { date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v } } });
    const traced = new Kysely<never>({ dialect: new PostgresJSDialect({ postgres: client }) }) as unknown as typeof db;
    await sql`load 'auto_explain'`.execute(traced);
    await sql`set auto_explain.log_min_duration = 20`.execute(traced);
    await sql`set auto_explain.log_analyze = on`.execute(traced);
    await sql`set auto_explain.log_buffers = on`.execute(traced);
    await sql`set auto_explain.log_level = notice`.execute(traced);
    await recomputeHealth(traced, { all: true }, NOW);
    await recomputeHealth(traced, { all: true }, NOW);
    await traced.destroy();
  }
  const first = await time("full recompute, first run (every row inserted)", NOW);
  const again = await time("full recompute, nightly with nothing changed", NOW);
  const week = await time("full recompute, a week later", new Date(NOW.getTime() + 7 * 86_400_000));
  const repeats = [];
  for (let i = 0; i < 3; i++) repeats.push(await time(`full recompute, nightly again (${i + 1})`, new Date(NOW.getTime() + 7 * 86_400_000)));

  const sample = await sql<{ id: string }>`select id from organisations where status = 'active' order by id limit 200`.execute(db);
  const t0 = performance.now();
  for (const { id } of sample.rows) await recomputeHealth(db, { organisationIds: [id] }, NOW);
  const single = (performance.now() - t0) / sample.rows.length;
  console.log(`one organisation after a change: ${single.toFixed(1)} ms on average over ${sample.rows.length}`);

  const states = await sql<{ state: string; n: number }>`select state, count(*)::int as n from organisation_health group by state order by state`.execute(db);
  console.log(`states: ${states.rows.map((r) => `${r.state} ${r.n}`).join(", ")}`);
  console.log(JSON.stringify({ firstMs: Math.round(first), unchangedMs: Math.round(again), weekLaterMs: Math.round(week), steadyMs: repeats.map(Math.round), singleMs: Number(single.toFixed(1)) }));
} finally {
  await db.destroy();
  await server.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
