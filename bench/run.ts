/**
 * `npm run bench` (issue 7): the performance budgets of DESIGN.md, measured on the national data set.
 *
 * 1. An embedded PostgreSQL in .bench-data/ (BENCH_DATA_DIR) holds the national set; it is generated
 *    with `loadNational` (db/seed/national.ts) when missing, which takes a few minutes once.
 * 2. The real server (`node --import tsx server/cli.ts start`, the production Remix build) runs as a
 *    child process against it, with the data set's clock (SCHAKEL_NOW), so its memory is its own.
 * 3. Every target below is loaded with autocannon at 1 and at 20 connections (DURATION seconds each,
 *    after a one-second warm-up), as a signed-in account holder or with an API token. Latencies are
 *    taken per response (p50/p95/p99); the server's RSS is read from /proc every 100 ms.
 * 4. "SQL alone": the same page is requested once in this process through an app whose Kysely
 *    logs every statement with its parameters; those statements are then replayed, one after the
 *    other, straight on postgres.js (the driver the app uses), and timed. page p50 / SQL p50 is
 *    what the app adds on top of its database work. Each statement is also EXPLAINed, and a
 *    sequential scan over a large table is reported.
 * 5. A full health recompute; then a 10,000-row CSV import and 100,000-row CSV and XLSX exports
 *    through a second server process over a database of their own (recreated each run, so the
 *    national set stays as generated), with the server's peak RSS.
 *
 * Results: bench/results/latest.json and latest.md, with a pass/fail per budget.
 */
import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Kysely, sql } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import type { DB } from "../db/schema";
import { loadNational, nationalEmail, nationalSlug, scaledNationalSize } from "../db/seed/national";
import { createApiToken } from "../server/auth/api-tokens";
import { createSessions, SESSION_COOKIE } from "../server/auth/sessions";
import { createClock } from "../server/clock";
import { readConfig } from "../server/config";
import { connectDatabaseServer } from "../server/db/connect";
import { createDatabase, type Database, splitSocket, withDatabaseName } from "../server/db/database";
import { migrateToLatest } from "../server/db/migrate";
import { recomputeHealth } from "../server/domains/health/health.service";
import { createRegion, findRegionBySlug } from "../server/domains/regions/regions.service";
import { createUser } from "../server/domains/users/users.service";
import { schoolYearOf } from "../calendar/school-year";
import { createTestApp } from "../tests/support/app";
import { importCsv } from "./lib/import-file";
import { freePort, sampleRss, startServerProcess, stopServerProcess } from "./lib/server-process";

/**
 * What is measured. `path` may hold placeholders filled from the data set: {organisationId} (the
 * region's organisation with the most contact moments), {deepCursor} (the cursor of the deepest
 * page of the active organisations by city), {schoolYear} (the current one), {regionSlug}.
 * `as` is who asks: the region's account holder (default), its penvoerder, or an API token
 * (paths under /api are always asked with the account holder's token). Add a page in one line.
 */
export type Target = {
  name: string; path: string; as?: "accounthouder" | "penvoerder";
  /** Issue 19's budgets at 20 connections; a target without maxP95Ms has the default (BUDGET.p95Ms). */
  minRps?: number; maxP95Ms?: number; maxStatements?: number;
};

export const TARGETS: Target[] = [
  { name: "Organisation list (active, by city), page 1", path: "/organisations?status=active&sort=city", minRps: 150, maxP95Ms: 200 },
  { name: "Organisation list (active, by city), deep page", path: "/organisations?status=active&sort=city&cursor={deepCursor}" },
  { name: "Organisation page", path: "/organisations/{organisationId}", minRps: 100, maxP95Ms: 250, maxStatements: 6 },
  { name: "Search as you type", path: "/search?q=bouw" },
  { name: "Aandacht nodig", path: "/attention" },
  { name: "API organisations (active, by city), page 1", path: "/api/v1/organisations?status=active&sort=city", minRps: 400, maxP95Ms: 100 },
  { name: "API organisations, deep page", path: "/api/v1/organisations?status=active&sort=city&cursor={deepCursor}" },
  { name: "API organisation", path: "/api/v1/organisations/{organisationId}" },
  { name: "API search", path: "/api/v1/search?q=bouw" },
  { name: "API health, cold", path: "/api/v1/health?state=cold" },
  { name: "Penvoerder's page (co-financing, this school year)", path: "/cofinancing/{schoolYear}", as: "penvoerder" },
  { name: "API co-financing, this school year", path: "/api/v1/cofinancing/{schoolYear}", as: "penvoerder" },
  { name: "Region's figures for the school year", path: "/reports/{schoolYear}", as: "penvoerder" },
  { name: "API region's figures for the school year", path: "/api/v1/reports/school-years/{schoolYear}", as: "penvoerder" },
];

/**
 * Issue 19's budgets: every target's p95 at 20 connections under 300 ms unless it names its own;
 * all server processes together under 500 MB (at WEB_CONCURRENCY=2; with one process the earlier
 * 250 MB); the health recompute under 2 s; the import and exports as issue 7 set them.
 */
const WEB_PROCESSES = Number(process.env.WEB_CONCURRENCY ?? 1);
const BUDGET = { p95Ms: 300, rssMb: WEB_PROCESSES > 1 ? 500 : 250, ratio: 3, healthMs: 2000, importS: 10, exportGrowthMb: 50 };
const NOW = "2026-11-23T09:00:00.000Z";
const DURATION = Number(process.env.DURATION ?? 5);
const CONCURRENCY = [1, 20];
const SCALE = Number(process.env.SCALE ?? 1);
const ONLY = process.env.ONLY ? new RegExp(process.env.ONLY, "i") : null;
/** PARTS=targets,health,import,export (the default: all) runs a part of the benchmark, e.g. while fixing one thing. */
const PARTS = new Set((process.env.PARTS ?? "targets,health,import,export").split(","));
const EXPORT_ROWS = Number(process.env.EXPORT_ROWS ?? 100_000);
const IMPORT_ROWS = Number(process.env.IMPORT_ROWS ?? 10_000);
const DATA_DIR = path.resolve(process.env.BENCH_DATA_DIR ?? (SCALE === 1 ? ".bench-data" : `.bench-data-${SCALE}`));
const RESULTS_DIR = path.resolve("bench/results");

const size = scaledNationalSize(SCALE);
const say = (line: string) => process.stdout.write(`${line}\n`);
const ms = (n: number) => Number(n.toFixed(1));

type Latencies = { p50: number; p95: number; p99: number; rps: number; requests: number; failed: number; rssPeakMb: number };
type TargetResult = {
  name: string; path: string; runs: Record<string, Latencies>; sqlMs: number; statements: number; ratio: number;
  slowest: { ms: number; sql: string }; seqScans: string[];
};

const started = Date.now();
const config = readConfig({ ...process.env, DATA_DIR, LOG_LEVEL: "silent" });
const database = await connectDatabaseServer(config, say);
const db = createDatabase(database.url);
let child: ChildProcess | undefined;
try {
  await migrateToLatest(db);
  say(`Data: ${DATA_DIR} (${SCALE === 1 ? "national" : `scale ${SCALE}`})`);
  const generated = await loadNational(db, database.url, { now: new Date(NOW), size, log: (line) => say(`  generate: ${line}`) });
  const counts = generated.counts;
  say(`Data set: ${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(", ")}`);
  await sql`vacuum analyze`.execute(db);

  const context = await prepareContext(db);
  const port = await freePort();
  child = await startServerProcess(database.url, port);
  const base = `http://127.0.0.1:${port}`;
  say(`Server: ${base} (pid ${child.pid})`);

  const targets = TARGETS.filter((t) => PARTS.has("targets") && (!ONLY || ONLY.test(t.name)));
  const results: TargetResult[] = [];
  const capture = createCapturingApp(database.url);
  try {
    for (const target of targets) {
      const urlPath = fill(target.path, context);
      const headers: Record<string, string> = urlPath.startsWith("/api/") ? { authorization: `Bearer ${context.tokens[target.as ?? "accounthouder"]}` } : { cookie: context.cookies[target.as ?? "accounthouder"] };
      const probe = await fetch(base + urlPath, { headers, redirect: "manual" });
      await probe.arrayBuffer();
      if (probe.status !== 200) throw new Error(`${target.name}: ${urlPath} answered ${probe.status}, not 200`);
      const sqlAlone = await measureSql(capture, urlPath, headers);
      const runs: Record<string, Latencies> = {};
      for (const connections of CONCURRENCY) {
        runs[`c${connections}`] = await load(base + urlPath, headers, connections, child.pid!);
      }
      const ratio = runs.c1!.p50 / Math.max(sqlAlone.p50, 0.01);
      results.push({ name: target.name, path: target.path, runs, sqlMs: ms(sqlAlone.p50), statements: sqlAlone.statements, ratio: Number(ratio.toFixed(2)), slowest: sqlAlone.slowest, seqScans: sqlAlone.seqScans });
      say(`${target.name}: c1 p50 ${runs.c1!.p50} ms; c20 p95 ${runs.c20!.p95} ms, ${runs.c20!.rps} req/s, RSS ${runs.c20!.rssPeakMb} MB; SQL ${ms(sqlAlone.p50)} ms (${sqlAlone.statements} statements), ratio ${ratio.toFixed(2)}${sqlAlone.seqScans.length ? `; seq scans: ${sqlAlone.seqScans.join(", ")}` : ""}`);
    }
  } finally {
    await capture.destroy();
  }

  const health: number[] = [];
  if (PARTS.has("health")) say("Full health recompute …");
  for (let i = 0; i < 3 && PARTS.has("health"); i++) {
    const t0 = performance.now();
    await recomputeHealth(db, { all: true }, new Date(NOW));
    health.push(ms(performance.now() - t0));
  }
  say(`  ${health.join(" / ")} ms`);

  // Import and export write: they run against a database of their own on the same PostgreSQL
  // (recreated each run), served by a second server process, so the national set stays as generated
  // and every run imports into the same empty region.
  let importResult: Awaited<ReturnType<typeof measureImport>> | null = null;
  const exports = [];
  if (PARTS.has("import") || PARTS.has("export")) {
    await stopServerProcess(child);
    child = undefined;
    const io = await freshDatabase(db, database.url, "schakel_bench_io");
    try {
      const ioPort = await freePort();
      child = await startServerProcess(io.url, ioPort);
      const ioBase = `http://127.0.0.1:${ioPort}`;
      if (PARTS.has("import")) {
        importResult = await measureImport(io.db, ioBase, child.pid!);
        say(`Import of ${IMPORT_ROWS} rows: ${importResult.seconds} s, ${JSON.stringify(importResult.counts)}, peak RSS ${importResult.rssPeakMb} MB`);
      }
      for (const format of PARTS.has("export") ? (["csv", "xlsx"] as const) : []) {
        const result = await measureExport(io.db, ioBase, child.pid!, format);
        exports.push(result);
        say(`Export ${format}: ${result.rows} rows, ${result.megabytes} MB in ${result.seconds} s; RSS ${result.rssStartMb} → peak ${result.rssPeakMb} MB`);
      }
    } finally {
      if (child) await stopServerProcess(child);
      child = undefined;
      await io.db.destroy();
    }
  }

  const report = buildReport({ counts, generatorSeconds: generated.alreadyLoaded ? null : generated.seconds, results, health, importResult, exports, minutes: (Date.now() - started) / 60_000 });
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  await fs.writeFile(path.join(RESULTS_DIR, "latest.json"), `${JSON.stringify(report.json, null, 2)}\n`);
  await fs.writeFile(path.join(RESULTS_DIR, "latest.md"), report.markdown);
  say(`\n${report.markdown}`);
  say(`Written: bench/results/latest.json and latest.md (${((Date.now() - started) / 60_000).toFixed(1)} min)`);
  if (report.json.budgets.some((b) => !b.pass)) process.exitCode = 1;
} finally {
  if (child) await stopServerProcess(child);
  await db.destroy();
  await database.stop();
}

// ---------------------------------------------------------------------------------------------

type Context = {
  regionSlug: string; organisationId: string; deepCursor: string; schoolYear: string;
  cookies: Record<"accounthouder" | "penvoerder", string>; tokens: Record<"accounthouder" | "penvoerder", string>;
};

async function prepareContext(db: Database): Promise<Context> {
  const slug = nationalSlug(0);
  const region = (await findRegionBySlug(db, slug))!;
  const sessions = createSessions(db, createClock(NOW));
  const cookies = {} as Context["cookies"];
  const tokens = {} as Context["tokens"];
  for (const role of ["accounthouder", "penvoerder"] as const) {
    const email = nationalEmail(slug, role === "accounthouder" ? "accounthouder-01" : "penvoerder");
    const user = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    const setCookie = await sessions.create(user.id, { ip: "127.0.0.1", userAgent: "schakel-bench", secure: false });
    cookies[role] = setCookie.split(";")[0]!;
    if (!cookies[role].startsWith(`${SESSION_COOKIE}=`)) throw new Error(`Unexpected session cookie: ${setCookie}`);
    tokens[role] = (await createApiToken(db, { userId: user.id, name: "bench", now: new Date() })).token;
  }
  const busiest = await sql<{ id: string }>`
    select i.organisation_id as id from interactions i where i.region_id = ${region.id} group by i.organisation_id order by count(*) desc, i.organisation_id limit 1`.execute(db);
  // The deepest page: follow nextCursor through the API until the last page.
  const { request } = createTestApp(db, { now: NOW });
  let cursor = "";
  for (;;) {
    const response = await request(`/api/v1/organisations?status=active&sort=city${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token: tokens.accounthouder });
    const page = (await response.json()) as { nextCursor: string | null };
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { regionSlug: slug, organisationId: busiest.rows[0]!.id, deepCursor: encodeURIComponent(cursor), schoolYear: schoolYearOf(NOW.slice(0, 10)), cookies, tokens };
}

function fill(template: string, context: Context) {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = (context as unknown as Record<string, unknown>)[key];
    if (typeof value !== "string") throw new Error(`Unknown placeholder {${key}} in ${template}`);
    return value;
  });
}

// ---------------------------------------------------------------------------------------------
// Load: autocannon against the child server, the server's RSS sampled meanwhile.

async function load(url: string, headers: Record<string, string>, connections: number, pid: number): Promise<Latencies> {
  await autocannon({ url, connections, duration: 1, headers });
  const latencies: number[] = [];
  let failed = 0;
  const rss = sampleRss(pid);
  const t0 = performance.now();
  const instance = autocannon({ url, connections, duration: DURATION, headers, timeout: 30 });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 200) latencies.push(responseTime);
    else failed += 1;
  });
  const result = await instance;
  const seconds = (performance.now() - t0) / 1000;
  // autocannon stops without waiting for the answers still under way; let the server finish them,
  // so one target's tail does not land in the next one's figures.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const peak = rss.stop();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => ms(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN);
  return {
    p50: at(0.5), p95: at(0.95), p99: at(0.99), rps: Math.round(latencies.length / seconds), requests: latencies.length,
    failed: failed + result.errors + result.timeouts, rssPeakMb: peak,
  };
}

// ---------------------------------------------------------------------------------------------
// SQL alone: capture a page's statements in-process, replay them on the driver.

type Captured = { sql: string; parameters: readonly unknown[] };

function createCapturingApp(url: string) {
  const { url: address, ...socket } = splitSocket(url);
  const client = postgres(address, {
    ...socket,
    max: 10, onnotice: () => {},
    types: { date: { to: 1082, from: [1082], serialize: (value: string) => value, parse: (value: string) => value } },
  });
  let captured: Captured[] | null = null;
  const logged = new Kysely<DB>({
    dialect: new PostgresJSDialect({ postgres: client }),
    log: (event) => {
      if (captured && event.level === "query") captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  const app = createTestApp(logged, { now: NOW, remix: true, appUrl: "http://127.0.0.1" });
  return {
    client,
    async capture(urlPath: string, headers: Record<string, string>) {
      captured = [];
      const response = await app.request(urlPath, { headers });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`capture ${urlPath}: ${response.status}`);
      const statements = captured;
      captured = null;
      return statements;
    },
    destroy: () => logged.destroy(),
  };
}

async function measureSql(capture: ReturnType<typeof createCapturingApp>, urlPath: string, headers: Record<string, string>) {
  const statements = await capture.capture(urlPath, headers);
  // Writes a GET makes on the way (a token's last use) are replayed too, inserts are not: they would grow tables.
  const replayable = statements.filter((s) => !/^\s*insert\b/i.test(s.sql));
  const client = capture.client;
  const perStatement = replayable.map(() => [] as number[]);
  const totals: number[] = [];
  for (let run = 0; run < 23; run++) {
    let total = 0;
    for (const [i, statement] of replayable.entries()) {
      const t0 = performance.now();
      await client.unsafe(statement.sql, statement.parameters as never[]);
      const elapsed = performance.now() - t0;
      total += elapsed;
      if (run >= 3) perStatement[i]!.push(elapsed);
    }
    if (run >= 3) totals.push(total);
  }
  totals.sort((a, b) => a - b);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const medians = perStatement.map(median);
  const worst = medians.indexOf(Math.max(...medians));
  const seqScans = new Set<string>();
  for (const statement of replayable) {
    if (!/^\s*(select|with)\b/i.test(statement.sql)) continue;
    const [plan] = (await client.unsafe(`explain (format json) ${statement.sql}`, statement.parameters as never[])) as Array<{ "QUERY PLAN": unknown }>;
    for (const relation of seqScannedRelations(plan?.["QUERY PLAN"])) seqScans.add(relation);
  }
  const large = seqScans.size ? await largeTables(client, [...seqScans]) : [];
  return {
    p50: totals[Math.floor(totals.length / 2)] ?? 0, statements: statements.length, seqScans: large,
    slowest: { ms: ms(medians[worst] ?? 0), sql: (replayable[worst]?.sql ?? "").replace(/\s+/g, " ").slice(0, 300) },
  };
}

function seqScannedRelations(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(seqScannedRelations);
  if (!node || typeof node !== "object") return [];
  const record = node as Record<string, unknown>;
  const own = record["Node Type"] === "Seq Scan" && typeof record["Relation Name"] === "string" ? [record["Relation Name"]] : [];
  return [...own, ...Object.values(record).flatMap(seqScannedRelations)];
}

/** Of the relations given, those over 10,000 rows (a scan of a few hundred rows is no concern). */
async function largeTables(client: postgres.Sql, relations: string[]) {
  const rows = await client<Array<{ relname: string; reltuples: number }>>`select relname, reltuples::float8 as reltuples from pg_class where relname in ${client(relations)}`;
  return rows.filter((r) => r.reltuples > 10_000).map((r) => `${r.relname} (${Math.round(r.reltuples)} rows)`);
}

// ---------------------------------------------------------------------------------------------
// Import and export through a running server, in a database of their own.

async function freshDatabase(admin: Database, serverUrl: string, name: string) {
  await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
  await sql.raw(`create database ${name}`).execute(admin);
  const url = withDatabaseName(serverUrl, name);
  const db = createDatabase(url);
  await migrateToLatest(db);
  return { url, db };
}

async function benchAdmin(db: Database, slug: string) {
  let region = await findRegionBySlug(db, slug);
  region ??= await createRegion(db, { name: `Bench ${slug}`, slug, subregions: ["Noord", "Zuid"] }, { actorId: null, now: new Date(NOW) });
  const email = `bench@${slug}.schakel.demo`;
  const existing = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst();
  const user = existing ?? (await db.transaction().execute((trx) => createUser(trx, { regionId: region.id, email, name: "Bench", role: "admin", password: "bench-password-1" }, { actor: null, now: new Date(NOW), appUrl: "http://bench" })));
  const { token } = await createApiToken(db, { userId: user.id, name: "bench", now: new Date() });
  return { regionId: region.id, token };
}

async function measureImport(db: Database, base: string, pid: number) {
  // A fresh region each run: the import then creates all rows, as the budget's case describes.
  const { token } = await benchAdmin(db, "bench-import");
  const csv = importCsv(IMPORT_ROWS);
  const rss = sampleRss(pid);
  const t0 = performance.now();
  const response = await fetch(`${base}/api/v1/imports/organisations`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" }, body: csv });
  const answer = (await response.json()) as { counts?: Record<string, number>; error?: { message: string } };
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
  const rssPeakMb = rss.stop();
  if (!response.ok) throw new Error(`import: ${response.status} ${answer.error?.message}`);
  return { rows: IMPORT_ROWS, seconds, counts: answer.counts ?? {}, rssPeakMb };
}

async function measureExport(db: Database, base: string, pid: number, format: "csv" | "xlsx") {
  const { regionId, token } = await benchAdmin(db, "bench-export");
  const present = await db.selectFrom("organisations").select(sql<number>`count(*)::int`.as("n")).where("region_id", "=", regionId).executeTakeFirstOrThrow();
  if (present.n < EXPORT_ROWS) {
    await sql`
      insert into organisations (region_id, kind, name, city, kvk_number, tier, tags)
      select ${regionId}::uuid, (array['company','trade_school','mbo','vmbo','primary','partner'])[1 + i % 6],
             'Organisatie ' || lpad(i::text, 6, '0'), (array['Enschede','Hengelo','Almelo','Oldenzaal'])[1 + i % 4],
             lpad((20000000 + i)::text, 8, '0'), (array['strategic','regular','occasional'])[1 + i % 3], array['tag' || (i % 20)]
      from generate_series(${present.n + 1}::int, ${EXPORT_ROWS}::int) as i`.execute(db);
    await sql`analyze organisations`.execute(db);
  }
  const rss = sampleRss(pid);
  const t0 = performance.now();
  const response = await fetch(`${base}/api/v1/organisations?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || !response.body) throw new Error(`export ${format}: ${response.status}`);
  let bytes = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
  const rssPeakMb = rss.stop();
  return { format, rows: EXPORT_ROWS, megabytes: Number((bytes / 1e6).toFixed(1)), seconds, rssStartMb: rss.start, rssPeakMb };
}

// ---------------------------------------------------------------------------------------------
// The report.

type ReportInput = {
  counts: Record<string, number>;
  generatorSeconds: Record<string, number> | null;
  results: TargetResult[];
  health: number[];
  importResult: Awaited<ReturnType<typeof measureImport>> | null;
  exports: Array<Awaited<ReturnType<typeof measureExport>>>;
  minutes: number;
};

function buildReport(input: ReportInput) {
  const budgets: Array<{ budget: string; measured: string; pass: boolean }> = [];
  for (const r of input.results) {
    const c20 = r.runs.c20!;
    const target = TARGETS.find((t) => t.name === r.name);
    const maxP95 = target?.maxP95Ms ?? BUDGET.p95Ms;
    budgets.push({ budget: `${r.name}: p95 < ${maxP95} ms at 20 connections`, measured: `${c20.p95} ms`, pass: c20.p95 < maxP95 && c20.failed === 0 });
    if (target?.minRps) budgets.push({ budget: `${r.name}: at least ${target.minRps} req/s at 20 connections`, measured: `${c20.rps} req/s`, pass: c20.rps >= target.minRps });
    if (target?.maxStatements) budgets.push({ budget: `${r.name}: at most ${target.maxStatements} SQL statements`, measured: `${r.statements}`, pass: r.statements <= target.maxStatements });
    budgets.push({ budget: `${r.name}: page ≤ ${BUDGET.ratio} × its SQL`, measured: `${r.ratio} ×`, pass: r.ratio <= BUDGET.ratio });
    if (r.seqScans.length) budgets.push({ budget: `${r.name}: no sequential scan of a large table`, measured: r.seqScans.join(", "), pass: false });
  }
  const rssPeak = Math.max(0, ...input.results.map((r) => r.runs.c20!.rssPeakMb));
  budgets.push({ budget: `server RSS (${WEB_PROCESSES > 1 ? `all ${WEB_PROCESSES + 1} processes` : "one process"}) < ${BUDGET.rssMb} MB under load`, measured: `${rssPeak} MB`, pass: rssPeak < BUDGET.rssMb });
  if (input.health.length) {
    const healthWorst = Math.max(...input.health);
    budgets.push({ budget: `full health recompute < ${BUDGET.healthMs} ms`, measured: `${healthWorst} ms`, pass: healthWorst < BUDGET.healthMs });
  }
  if (input.importResult) budgets.push({ budget: `${input.importResult.rows}-row import < ${BUDGET.importS} s`, measured: `${input.importResult.seconds} s`, pass: input.importResult.seconds < BUDGET.importS });
  for (const e of input.exports) {
    const growth = e.rssPeakMb - e.rssStartMb;
    budgets.push({ budget: `${e.rows}-row ${e.format.toUpperCase()} export streams with flat memory (RSS growth < ${BUDGET.exportGrowthMb} MB)`, measured: `+${growth} MB`, pass: growth < BUDGET.exportGrowthMb });
  }
  const json = {
    date: new Date().toISOString(), machine: machine(), durationSeconds: DURATION, concurrency: CONCURRENCY, dataSet: input.counts,
    generatorSeconds: input.generatorSeconds, targets: input.results, health: { fullRecomputeMs: input.health },
    import: input.importResult, exports: input.exports, budgets, minutes: Number(input.minutes.toFixed(1)),
  };
  const lines = [
    `# Benchmark results (${json.date.slice(0, 10)})`,
    "",
    `Machine: ${json.machine}. Data set: ${Object.entries(input.counts).map(([t, n]) => `${t} ${n.toLocaleString("en")}`).join(", ")}.`,
    `Each figure: autocannon for ${DURATION} s after a 1 s warm-up; latencies in ms; RSS is the server process's peak.`,
    "",
    "| target | c1 p50 / p95 / p99 | c1 req/s | c20 p50 / p95 / p99 | c20 req/s | RSS peak | SQL alone (statements) | page / SQL |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...input.results.map((r) => {
      const c1 = r.runs.c1!;
      const c20 = r.runs.c20!;
      return `| ${r.name} | ${c1.p50} / ${c1.p95} / ${c1.p99} | ${c1.rps} | ${c20.p50} / ${c20.p95} / ${c20.p99} | ${c20.rps} | ${c20.rssPeakMb} MB | ${r.sqlMs} ms (${r.statements}) | ${r.ratio} |`;
    }),
    "",
    `Full health recompute: ${input.health.join(" / ") || "not run"} ms. Import of ${input.importResult?.rows ?? 0} rows: ${input.importResult?.seconds ?? "not run"} s.`,
    ...input.exports.map((e) => `Export ${e.format.toUpperCase()} of ${e.rows} rows: ${e.megabytes} MB in ${e.seconds} s, server RSS ${e.rssStartMb} → peak ${e.rssPeakMb} MB.`),
    "",
    "| budget | measured | |",
    "|---|---:|---|",
    ...budgets.map((b) => `| ${b.budget} | ${b.measured} | ${b.pass ? "pass" : "**FAIL**"} |`),
    "",
    "Slowest statement per target (median of 20 replays):",
    "",
    ...input.results.map((r) => `- ${r.name}: ${r.slowest.ms} ms — \`${r.slowest.sql.replace(/`/g, "'")}\``),
    "",
  ];
  return { json, markdown: lines.join("\n") };
}

function machine() {
  return `${os.type()} ${os.release()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${os.loadavg().map((n) => n.toFixed(1)).join(" ")}`;
}
