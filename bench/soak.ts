/**
 * `npm run soak` (issue 8, item 5): SOAK_MINUTES (default 10) at SOAK_USERS (default 20) concurrent
 * virtual users on the national data set, against the real server as a child process.
 *
 * 1. The national set in BENCH_DATA_DIR (default .bench-data) must be there already: `npm run bench`
 *    generates it; this script never does (it only adds a few partner users and its own writes).
 * 2. The virtual users (bench/lib/soak.ts): account holders and penvoerders of several regions in the
 *    pages, account holders through the API (bearer token), partner users in the portal. Each signs
 *    in through the sign-in form and loops over its role's mix with a short think time
 *    (SOAK_THINK_MS, default 500).
 * 3. Measured: requests, errors and latency p50/p95/p99 per kind of request; throughput; the server's
 *    RSS and the machine's load average every second; memory growth as the slope of RSS after the
 *    first minute and as the first minute's average against the last one's.
 * 4. Every write (a contact moment's summary, an offer's title) carries the run's marker and a
 *    sequence number; afterwards the rows with the marker are counted against the writes the server
 *    acknowledged: all there, none twice, none unacknowledged.
 *
 * Verdict (docs/decisions/085-soak-verdict.md): zero errors, zero server error lines, every write
 * accounted for, and RSS growth after the first minute under MAX_GROWTH_MB_PER_MIN.
 * Results: bench/results/soak-latest.json and soak-latest.md. Exit code 1 when the verdict fails.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { DEMO_PASSWORD } from "../db/seed/demo";
import { nationalSlug } from "../db/seed/national";
import { seededRandom } from "../db/seed/random";
import { readConfig } from "../server/config";
import { connectDatabaseServer } from "../server/db/connect";
import { createDatabase } from "../server/db/database";
import { migrateToLatest } from "../server/db/migrate";
import { checkWrites, newRunMarker, prepareSoakUsers, runSoakUser, slope, SOAK_MIX, SoakStats, type WriteCheck } from "./lib/soak";
import { freePort, NATIONAL_NOW, readRssMb, startServerProcess, stopServerProcess } from "./lib/server-process";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const USERS = Number(process.env.SOAK_USERS ?? 20);
const THINK_MS = Number(process.env.SOAK_THINK_MS ?? 500);
/** Users are spread over the first REGIONS national regions (nl-01 …). */
const REGIONS = Number(process.env.SOAK_REGIONS ?? 5);
/** Each user's choices come from a seeded random (SOAK_SEED), so two runs ask for the same things. */
const SEED = Number(process.env.SOAK_SEED ?? 20_261_123);
const MAX_GROWTH_MB_PER_MIN = 1;
/**
 * SOAK_TRACE_GC=0 turns it off: the server runs with --trace-gc (it only prints a line per
 * collection), and the V8 heap left after each full collection (Mark-Compact) is read from those
 * lines. That is the live JavaScript memory; RSS also holds garbage not yet collected.
 */
const TRACE_GC = process.env.SOAK_TRACE_GC !== "0";
const GC_LINE = /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: Mark-(?:Compact|Sweep)\b[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/;
const DATA_DIR = path.resolve(process.env.BENCH_DATA_DIR ?? ".bench-data");
const RESULTS_DIR = path.resolve("bench/results");
const say = (line: string) => process.stdout.write(`${line}\n`);

type Sample = { t: number; rssMb: number; load1: number };
type HeapSample = { t: number; isolate: string; liveMb: number; committedMb: number };

const config = readConfig({ ...process.env, DATA_DIR, LOG_LEVEL: "silent" });
const database = await connectDatabaseServer(config, say);
const db = createDatabase(database.url);
let child: ChildProcess | undefined;
try {
  await migrateToLatest(db);
  const present = await db.selectFrom("regions").innerJoin("organisations", "organisations.region_id", "regions.id")
    .select("regions.id").where("regions.slug", "=", nationalSlug(0)).limit(1).executeTakeFirst();
  if (!present) throw new Error(`No national data set in ${DATA_DIR}: generate it once with \`npm run bench\` (BENCH_DATA_DIR=${DATA_DIR})`);
  await sql`analyze`.execute(db);

  const roles = Array.from({ length: USERS }, (_, i) => SOAK_MIX[i % SOAK_MIX.length]!);
  const users = await prepareSoakUsers(db, { regionSlugs: Array.from({ length: REGIONS }, (_, i) => nationalSlug(i)), roles, password: DEMO_PASSWORD, now: new Date(NATIONAL_NOW) });
  say(`Users: ${users.map((u) => `${u.role} ${u.email}`).join(", ")}`);

  const stats = new SoakStats();
  const port = await freePort();
  const heap: HeapSample[] = [];
  let t0 = Date.now();
  child = await startServerProcess(database.url, port, {
    nodeFlags: TRACE_GC ? ["--trace-gc"] : [],
    onStderr: (line) => stats.serverErrors.push(line),
    onStdout: (line) => {
      const gc = GC_LINE.exec(line);
      if (gc) heap.push({ t: (Date.now() - t0) / 1000, isolate: gc[1]!, liveMb: Number(gc[2]), committedMb: Number(gc[3]) });
      else if (!/ ms: (Scavenge|Mark-)/.test(line)) say(line);
    },
  });
  const pid = child.pid!;
  const baseUrl = `http://127.0.0.1:${port}`;
  const cpuStart = cpuSeconds(pid);
  const marker = newRunMarker();
  say(`Server: ${baseUrl} (pid ${pid}); marker ${marker}; ${USERS} users for ${MINUTES} min, think time ${THINK_MS} ms`);

  const samples: Sample[] = [];
  t0 = Date.now();
  const sampler = setInterval(() => {
    samples.push({ t: (Date.now() - t0) / 1000, rssMb: readRssMb(pid), load1: os.loadavg()[0]! });
    const last = samples.at(-1)!;
    if (samples.length % 60 === 0) say(`  ${Math.round(last.t / 60)} min: ${stats.requests} requests, ${stats.errors} errors, RSS ${last.rssMb} MB, load ${last.load1.toFixed(1)}`);
  }, 1000);
  const end = t0 + MINUTES * 60_000;
  await Promise.all(users.map((user) => runSoakUser(user, { baseUrl, marker, today: NATIONAL_NOW.slice(0, 10), password: DEMO_PASSWORD, stats, thinkMs: THINK_MS, until: () => Date.now() >= end, random: seededRandom(SEED + user.index).next })));
  const seconds = (Date.now() - t0) / 1000;
  clearInterval(sampler);
  const cpu = cpuSeconds(pid) - cpuStart;

  const writes = await checkWrites(db, stats, marker);
  await stopServerProcess(child);
  child = undefined;

  const report = buildReport({ users: users.map((u) => ({ role: u.role, email: u.email })), stats, samples, heap: mainIsolate(heap), seconds, writes, marker, cpuSeconds: cpu });
  await fs.mkdir(RESULTS_DIR, { recursive: true });
  await fs.writeFile(path.join(RESULTS_DIR, "soak-latest.json"), `${JSON.stringify(report.json, null, 2)}\n`);
  await fs.writeFile(path.join(RESULTS_DIR, "soak-latest.md"), report.markdown);
  say(`\n${report.markdown}`);
  say("Written: bench/results/soak-latest.json and soak-latest.md");
  if (report.json.verdict.checks.some((c) => c.pass === false)) process.exitCode = 1;
} finally {
  if (child) await stopServerProcess(child);
  await db.destroy();
  await database.stop();
}

/** The server's CPU time (user + system) from /proc, in seconds. */
function cpuSeconds(pid: number) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    // After the command name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The server's own isolate: the one that collects most (tsx's loader thread has one too). */
function mainIsolate(heap: HeapSample[]) {
  const counts = new Map<string, number>();
  for (const h of heap) counts.set(h.isolate, (counts.get(h.isolate) ?? 0) + 1);
  const main = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return heap.filter((h) => h.isolate === main && h.t >= 0);
}

function buildReport(input: { users: Array<{ role: string; email: string }>; stats: SoakStats; samples: Sample[]; heap: HeapSample[]; seconds: number; writes: WriteCheck[]; marker: string; cpuSeconds: number }) {
  const { stats, samples, heap, seconds, writes } = input;
  const kinds = stats.summary();
  const avg = (values: number[]) => (values.length ? Number((values.reduce((s, v) => s + v, 0) / values.length).toFixed(1)) : null);
  const firstMinute = avg(samples.filter((s) => s.t <= 60).map((s) => s.rssMb));
  const lastMinute = avg(samples.filter((s) => s.t > seconds - 60).map((s) => s.rssMb));
  const afterFirst = samples.filter((s) => s.t > 60);
  const perSecond = slope(afterFirst.map((s) => [s.t, s.rssMb]));
  const growthMbPerMin = perSecond === null ? null : Number((perSecond * 60).toFixed(2));
  const loads = samples.map((s) => s.load1);
  const heapSlope = slope(heap.filter((h) => h.t > 60).map((h) => [h.t, h.liveMb]));
  const v8 = TRACE_GC ? {
    fullCollections: heap.length,
    liveAfterFullGcMb: { first: heap[0]?.liveMb ?? null, min: heap.length ? Math.min(...heap.map((h) => h.liveMb)) : null, max: heap.length ? Math.max(...heap.map((h) => h.liveMb)) : null, last: heap.at(-1)?.liveMb ?? null },
    firstMinuteAvgMb: avg(heap.filter((h) => h.t <= 60).map((h) => h.liveMb)), lastMinuteAvgMb: avg(heap.filter((h) => h.t > seconds - 60).map((h) => h.liveMb)),
    growthMbPerMinAfterFirstMinute: heapSlope === null ? null : Number((heapSlope * 60).toFixed(2)),
    committedMaxMb: heap.length ? Math.max(...heap.map((h) => h.committedMb)) : null,
  } : null;
  const memory = {
    startMb: samples[0]?.rssMb ?? null, peakMb: Math.max(0, ...samples.map((s) => s.rssMb)), endMb: samples.at(-1)?.rssMb ?? null,
    firstMinuteAvgMb: firstMinute, lastMinuteAvgMb: lastMinute, growthMbPerMinAfterFirstMinute: growthMbPerMin,
  };
  const checks = [
    { check: "no unexpected answer, 5xx or network error", measured: `${stats.errors} of ${stats.requests}`, pass: stats.errors === 0 && stats.requests > 0 },
    { check: "no error logged by the server", measured: `${stats.serverErrors.length} lines`, pass: stats.serverErrors.length === 0 },
    ...writes.map((w) => ({
      check: `every acknowledged write in ${w.table}, once`,
      measured: `${w.acknowledged} acknowledged, ${w.stored} rows (${w.distinct} distinct)${w.missing.length ? `, ${w.missing.length} missing` : ""}${w.duplicates.length ? `, ${w.duplicates.length} twice` : ""}${w.unacknowledged.length ? `, ${w.unacknowledged.length} unacknowledged` : ""}`,
      pass: w.pass,
    })),
    {
      check: `RSS growth after the first minute < ${MAX_GROWTH_MB_PER_MIN} MB/min`,
      measured: growthMbPerMin === null ? "not measured (run shorter than two minutes)" : `${growthMbPerMin} MB/min`,
      // A run too short to measure growth has no verdict on memory (null): it is a development run.
      pass: growthMbPerMin === null ? null : growthMbPerMin < MAX_GROWTH_MB_PER_MIN,
    },
  ];
  const verdict = { pass: checks.every((c) => c.pass === true), checks };
  const verdictText = checks.some((c) => c.pass === false) ? "FAIL" : verdict.pass ? "pass" : "none (too short to measure memory growth: run at least two minutes)";
  const json = {
    date: new Date().toISOString(), machine: machine(), minutes: MINUTES, users: input.users, thinkMs: THINK_MS, marker: input.marker,
    seconds: Number(seconds.toFixed(1)), requests: stats.requests, errors: stats.errors, throughputRps: Number((stats.requests / seconds).toFixed(1)),
    serverCpuSeconds: Number(input.cpuSeconds.toFixed(1)),
    loadAverage: { min: Number(Math.min(...loads).toFixed(2)), mean: avg(loads), max: Number(Math.max(...loads).toFixed(2)) },
    kinds, memory, v8Heap: v8, writes, serverErrors: stats.serverErrors.slice(0, 20), verdict,
    rssSamples: samples.map((s) => [Number(s.t.toFixed(0)), s.rssMb]),
    heapAfterFullGc: heap.map((h) => [Number(h.t.toFixed(0)), h.liveMb, h.committedMb]),
  };
  const roles = Object.entries(input.users.reduce<Record<string, number>>((acc, u) => ({ ...acc, [u.role]: (acc[u.role] ?? 0) + 1 }), {})).map(([r, n]) => `${n} ${r}`).join(", ");
  const lines = [
    `# Soak results (${json.date.slice(0, 10)})`,
    "",
    `Machine: ${json.machine} (shared with other work: load average during the run ${json.loadAverage.min}–${json.loadAverage.max}, mean ${json.loadAverage.mean}).`,
    `${USERS} virtual users (${roles}) for ${json.seconds} s, think time ${THINK_MS} ms (±50%), national data set; marker \`${input.marker}\`.`,
    `${json.requests} requests, ${json.errors} errors, ${json.throughputRps} req/s; server CPU ${json.serverCpuSeconds} s (${(input.cpuSeconds / seconds * 100).toFixed(0)}% of one core).`,
    "",
    "| kind | requests | errors | p50 | p95 | p99 | max |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...kinds.map((k) => `| ${k.kind} | ${k.requests} | ${k.errors} | ${k.p50} | ${k.p95} | ${k.p99} | ${k.max} |`),
    "",
    "Latencies in ms, per request, as the virtual user saw them.",
    "",
    `Server RSS: start ${memory.startMb} MB, peak ${memory.peakMb} MB, end ${memory.endMb} MB; first minute's average ${memory.firstMinuteAvgMb} MB, last minute's ${memory.lastMinuteAvgMb} MB; slope after the first minute ${growthMbPerMin ?? "n/a"} MB/min.`,
    ...(v8 ? [
      "",
      `V8 heap left after each full collection (--trace-gc, ${v8.fullCollections} collections): first ${v8.liveAfterFullGcMb.first} MB, min ${v8.liveAfterFullGcMb.min}, max ${v8.liveAfterFullGcMb.max}, last ${v8.liveAfterFullGcMb.last} MB; first minute's average ${v8.firstMinuteAvgMb ?? "n/a"} MB, last minute's ${v8.lastMinuteAvgMb ?? "n/a"} MB; slope after the first minute ${v8.growthMbPerMinAfterFirstMinute ?? "n/a"} MB/min; heap committed up to ${v8.committedMaxMb} MB.`,
    ] : []),
    "",
    "| check | measured | |",
    "|---|---|---|",
    ...checks.map((c) => `| ${c.check} | ${c.measured} | ${c.pass === null ? "n/a" : c.pass ? "pass" : "**FAIL**"} |`),
    "",
    `Verdict: **${verdictText}**.`,
    ...(stats.errors ? ["", "Examples of errors:", "", ...kinds.flatMap((k) => k.examples.map((e) => `- ${k.kind}: ${e.replace(/\|/g, "\\|")}`))] : []),
    ...(stats.serverErrors.length ? ["", "Server error lines (first 5):", "", ...stats.serverErrors.slice(0, 5).map((l) => `- \`${l.slice(0, 300).replace(/`/g, "'")}\``)] : []),
    "",
  ];
  return { json, markdown: lines.join("\n") };
}

function machine() {
  return `${os.type()} ${os.release()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
