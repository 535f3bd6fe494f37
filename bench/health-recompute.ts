/**
 * Benchmark: a full relationship-health recompute of a national data set (issue 4: 40,000
 * organisations and 1.5 million contact moments in under 2 seconds), the nightly incremental run
 * that recomputes only the organisations due (decision 141; issue 19: under 200 ms), and the
 * one-organisation recompute that follows every change. Run with `npm run bench:health` (SCALE=0.1 for a tenth).
 * Uses its own embedded PostgreSQL in a temporary folder; the data are the national set of
 * db/seed/national.ts (fixed seed, bulk-loaded with COPY), so every run measures the same data.
 * With BENCH_DATA_DIR (the folder `npm run bench` generates the national set in) it runs on a copy of
 * that folder instead of generating the set: the source stays untouched, and every run starts from
 * the same rows (they already hold the set's health, so the first run below is not a first one).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { createDatabase, splitSocket } from "../server/db/database";
import { startEmbeddedPostgres } from "../server/db/embedded-postgres";
import { migrateToLatest } from "../server/db/migrate";
import { recomputeDueHealth, recomputeHealth } from "../server/domains/health/health.service";
import { loadNational, scaledNationalSize } from "../db/seed/national";

const SCALE = Number(process.env.SCALE ?? 1);
const NOW = new Date("2026-11-23T03:00:00Z");
const size = scaledNationalSize(SCALE);

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "schakel-bench-health-"));
await fs.chmod(dataDir, 0o755);
const prepared = process.env.BENCH_DATA_DIR;
if (prepared) {
  // cp -a keeps the cluster's owner and modes; the server's own files say where it ran, not the copy.
  await promisify(execFile)("cp", ["-a", path.join(prepared, "postgres"), path.join(prepared, "postgres-credentials.json"), dataDir]);
  await fs.rm(path.join(dataDir, "postgres", "postmaster.pid"), { force: true });
}
const server = await startEmbeddedPostgres(dataDir);
const db = createDatabase(server.url);

try {
  await migrateToLatest(db);
  // The national generator (db/seed/national.ts), without its closing health run: that is what is timed here.
  if (!prepared) await loadNational(db, server.url, { now: NOW, size, health: false, log: (line) => console.log(line) });
  await sql`vacuum analyze`.execute(db);
  // Let the bulk load settle (its checkpoint would otherwise land on the first timed run).
  await sql`checkpoint`.execute(db);

  const counts = await sql<{ organisations: number; interactions: number; affiliations: number }>`
    select (select count(*) from organisations)::int as organisations, (select count(*) from interactions)::int as interactions,
      (select count(*) from affiliations)::int as affiliations`.execute(db);
  console.log(JSON.stringify(counts.rows[0]));

  // PostgreSQL's own CPU time (every process of the server, from /proc): on a machine shared with
  // other work the wall clock says as much about the neighbours as about the run; this moves less.
  const serverCpuMs = async () => {
    try {
      const postmaster = Number((await fs.readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
      let ticks = 0;
      for (const entry of await fs.readdir("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
      }
      return (ticks * 1000) / 100;
    } catch {
      return NaN;
    }
  };
  const cpuMs: number[] = [];
  const time = async (label: string, now: Date) => {
    const c0 = await serverCpuMs();
    const t0 = performance.now();
    const result = await recomputeHealth(db, { all: true }, now);
    const ms = performance.now() - t0;
    const cpu = (await serverCpuMs()) - c0;
    cpuMs.push(Math.round(cpu));
    console.log(`${label}: ${ms.toFixed(0)} ms (PostgreSQL CPU ${cpu.toFixed(0)} ms) — ${result.organisations} watched, ${result.changed} changed state, ${result.tasksCreated} follow-ups`);
    return ms;
  };
  if (process.env.EXPLAIN) {
    // EXPLAIN=1: the plan of every statement of one recompute, through auto_explain, on one connection.
    const { Kysely } = await import("kysely");
    const { PostgresJSDialect } = await import("kysely-postgres-js");
    const postgres = (await import("postgres")).default;
    const { url: address, ...socket } = splitSocket(server.url);
    const client = postgres(address, { ...socket, max: 1, onnotice: (notice) => console.log(notice.message), types: { date: { to: 1082, from: [1082], serialize: (v: string) => v, parse: (v: string) => v } } });
    const traced = new Kysely<never>({ dialect: new PostgresJSDialect({ postgres: client }) }) as unknown as typeof db;
    await sql`load 'auto_explain'`.execute(traced);
    await sql`set auto_explain.log_min_duration = 20`.execute(traced);
    await sql`set auto_explain.log_analyze = on`.execute(traced);
    await sql`set auto_explain.log_buffers = on`.execute(traced);
    await sql`set auto_explain.log_level = notice`.execute(traced);
    await recomputeHealth(traced, { all: true }, NOW);
    await recomputeHealth(traced, { all: true }, NOW);
    // And a nightly run a day later (rolled back), with the threshold lowered to see its small statements.
    await sql`set auto_explain.log_min_duration = ${sql.lit(Number(process.env.EXPLAIN_NIGHTLY_MS ?? 5))}`.execute(traced);
    await traced.transaction().execute(async (trx) => {
      await recomputeDueHealth(trx, new Date(NOW.getTime() + 86_400_000));
      throw new Error("rolled back");
    }).catch(() => {});
    await traced.destroy();
  }
  const first = await time("full recompute, first run (every row inserted)", NOW);
  const again = await time("full recompute, nightly with nothing changed", NOW);
  const week = await time("full recompute, a week later", new Date(NOW.getTime() + 7 * 86_400_000));
  const repeats = [];
  for (let i = 0; i < 3; i++) repeats.push(await time(`full recompute, nightly again (${i + 1})`, new Date(NOW.getTime() + 7 * 86_400_000)));

  // The nightly job: a week of incremental runs after the full ones, each day recomputing only the
  // organisations due; then a full run on the last day, which must find nothing left to change.
  const nightly: Array<{ ms: number; due: number }> = [];
  const fastest: number[] = [];
  class RolledBack extends Error {}
  let lastDay = new Date(NOW.getTime() + 7 * 86_400_000);
  for (let i = 8; i <= 14; i++) {
    lastDay = new Date(NOW.getTime() + i * 86_400_000);
    // On a shared machine one figure says as much about the neighbours as about the run: the same
    // night is first run a few times in a transaction that is rolled back, and the fastest is kept.
    const tries: number[] = [];
    for (let k = 0; k < Number(process.env.NIGHTLY_TRIES ?? 3); k++) {
      await db.transaction().execute(async (trx) => {
        const t = performance.now();
        await recomputeDueHealth(trx, lastDay);
        tries.push(performance.now() - t);
        throw new RolledBack();
      }).catch((error: unknown) => { if (!(error instanceof RolledBack)) throw error; });
    }
    if (tries.length) fastest.push(Math.min(...tries));
    const t1 = performance.now();
    const result = await recomputeDueHealth(db, lastDay);
    const ms = performance.now() - t1;
    nightly.push({ ms, due: result.organisations });
    console.log(`incremental nightly, day ${i}: ${ms.toFixed(0)} ms (fastest of ${tries.length} rolled back: ${tries.length ? Math.min(...tries).toFixed(0) : "-"} ms) — ${result.organisations} due and recomputed, ${result.changed} changed state, ${result.tasksCreated} follow-ups`);
  }
  const check = await recomputeHealth(db, { all: true }, lastDay);
  console.log(`full recompute after the incremental week: ${check.changed} changed state (0: the nightly runs left nothing behind)`);
  const due = await sql<{ on_day: string; n: number }>`
    select coalesce(recheck_on::text, 'unknown') as on_day, count(*)::int as n from organisation_health group by 1 order by 1 limit 8`.execute(db);
  console.log(`due days ahead: ${due.rows.map((r) => `${r.on_day} ${r.n}`).join(", ")}`);

  const sample = await sql<{ id: string }>`select id from organisations where status = 'active' order by id limit 200`.execute(db);
  const t0 = performance.now();
  for (const { id } of sample.rows) await recomputeHealth(db, { organisationIds: [id] }, NOW);
  const single = (performance.now() - t0) / sample.rows.length;
  console.log(`one organisation after a change: ${single.toFixed(1)} ms on average over ${sample.rows.length}`);

  const states = await sql<{ state: string; n: number }>`select state, count(*)::int as n from organisation_health group by state order by state`.execute(db);
  console.log(`states: ${states.rows.map((r) => `${r.state} ${r.n}`).join(", ")}`);
  console.log(JSON.stringify({ firstMs: Math.round(first), unchangedMs: Math.round(again), weekLaterMs: Math.round(week), steadyMs: repeats.map(Math.round), fullCpuMs: cpuMs.slice(0, 6), singleMs: Number(single.toFixed(1)),
    nightlyMs: nightly.map((n) => Math.round(n.ms)), nightlyFastestMs: fastest.map(Math.round), nightlyDue: nightly.map((n) => n.due), fullAfterNightlyChanged: check.changed }));
} finally {
  await db.destroy();
  await server.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
