/**
 * `npm run bench:cpu` — what one page costs the server in CPU, independent of how busy the machine is.
 *
 * Latencies on a shared machine move with everyone else's work; the server's own CPU time per
 * request (user + system, from /proc/<pid>/stat) and the bytes of its answer do not, so they are
 * the figures to compare before and after a change. The server is the real one (`server/cli.ts
 * start`, production build) over the national data set of `npm run bench` (BENCH_DATA_DIR), asked
 * REQUESTS times (default 200, after 20 warm-ups) at CONCURRENCY (default 4) for each PATH:
 *
 *   PATHS="/organisations?status=active&sort=city,/attention" npm run bench:cpu
 *
 * AS=penvoerder asks as the region's penvoerder. PROFILE=1 starts the server with --cpu-prof
 * (profiles in bench/results/cpu-profiles/, open them in Chrome's DevTools or summarise the self
 * time by function). DUMP=<folder> keeps the last answer of each path there. SERVER_NODE_OPTIONS adds node flags for the server, as for `npm run bench`.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import { nationalEmail, nationalSlug } from "../db/seed/national";
import { createSessions } from "../server/auth/sessions";
import { createClock } from "../server/clock";
import { readConfig } from "../server/config";
import { connectDatabaseServer } from "../server/db/connect";
import { createDatabase } from "../server/db/database";
import { findRegionBySlug } from "../server/domains/regions/regions.service";
import { schoolYearOf } from "../calendar/school-year";
import { freePort, processTree, readRssMb, startServerProcess, stopServerProcess } from "./lib/server-process";

const NOW = "2026-11-23T09:00:00.000Z";
/** Issue 19's budgets for the server's CPU per request. */
const CPU_BUDGETS = [
  { path: /^\/organisations\?/, ms: 8 },
  { path: /^\/organisations\/[0-9a-f-]{36}$/, ms: 12 },
];
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const AS = process.env.AS === "penvoerder" ? "penvoerder" : "accounthouder-01";
const PROFILE_DIR = path.resolve("bench/results/cpu-profiles");
const DATA_DIR = path.resolve(process.env.BENCH_DATA_DIR ?? ".bench-data");

const config = readConfig({ ...process.env, DATA_DIR, LOG_LEVEL: "silent" });
const database = await connectDatabaseServer(config, () => {});
const db = createDatabase(database.url);
let child: ChildProcess | undefined;
try {
  const slug = nationalSlug(0);
  const region = await findRegionBySlug(db, slug);
  if (!region) throw new Error(`No national data set in ${DATA_DIR}: run npm run bench once first`);
  const user = await db.selectFrom("users").select("id").where("email", "=", nationalEmail(slug, AS)).executeTakeFirstOrThrow();
  const cookie = (await createSessions(db, createClock(NOW)).create(user.id, { ip: "127.0.0.1", userAgent: "schakel-bench-cpu", secure: false })).split(";")[0]!;
  const busiest = await sql<{ id: string }>`
    select organisation_id as id from interactions where region_id = ${region.id} group by organisation_id order by count(*) desc, organisation_id limit 1`.execute(db);
  const fill = (p: string) => p.replace("{organisationId}", busiest.rows[0]!.id).replace("{schoolYear}", schoolYearOf(NOW.slice(0, 10)));
  const paths = (process.env.PATHS ?? "/organisations?status=active&sort=city,/organisations/{organisationId}").split(",").map(fill);

  const profileFlags = process.env.PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  if (profileFlags.length) await fs.mkdir(PROFILE_DIR, { recursive: true });
  const port = await freePort();
  const server = await startServerProcess(database.url, port, { now: NOW, nodeFlags: profileFlags });
  child = server;
  const base = `http://127.0.0.1:${port}`;
  const pid = server.pid!;
  const cpuMs = () => {
    // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux);
    // with WEB_CONCURRENCY > 1 the web processes' too.
    let ticks = 0;
    for (const one of processTree(pid)) {
      try {
        const fields = readFileSync(`/proc/${one}/stat`, "utf8").split(") ")[1]!.split(" ");
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // gone meanwhile
      }
    }
    return ticks * 10;
  };
  const rssMb = () => readRssMb(pid);
  say(`Server pid ${pid}, RSS at rest ${rssMb().toFixed(0)} MB; ${REQUESTS} requests at ${CONCURRENCY} concurrent per path, as ${AS}`);
  for (const urlPath of paths) {
    let bytes = 0;
    const ask = async () => {
      const response = await fetch(base + urlPath, { headers: { cookie }, redirect: "manual" });
      const body = await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${urlPath} answered ${response.status}`);
      bytes = body.byteLength;
      if (process.env.DUMP) await fs.writeFile(path.join(process.env.DUMP, `${urlPath.replace(/[^a-z0-9]+/gi, "_")}.html`), Buffer.from(body));
    };
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < count) await ask();
      }));
    };
    await run(20);
    const cpu0 = cpuMs();
    const t0 = performance.now();
    await run(REQUESTS);
    const wall = performance.now() - t0;
    const cpu = cpuMs() - cpu0;
    const perRequest = cpu / REQUESTS;
    const budget = CPU_BUDGETS.find((b) => b.path.test(urlPath));
    const verdict = budget ? `; budget ≤ ${budget.ms} ms: ${perRequest <= budget.ms ? "met" : "NOT MET"}` : "";
    say(`${urlPath}: ${perRequest.toFixed(2)} ms CPU a request, ${(bytes / 1024).toFixed(1)} KB, ${(REQUESTS / (wall / 1000)).toFixed(0)} req/s here, RSS ${rssMb().toFixed(0)} MB${verdict}`);
  }
} finally {
  if (child) await stopServerProcess(child);
  await db.destroy();
  await database.stop();
}

function say(line: string) {
  process.stdout.write(`${line}\n`);
}
