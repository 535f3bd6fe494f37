/**
 * Benchmark: import 10,000 organisations, each with a contact person, through the API as CSV and
 * as XLSX, timing the whole request (upload, parse, validate, match, write in one transaction).
 * Then the same CSV again, which updates all 10,000. Run with `npm run bench:import` (ROWS=… to
 * change the size). Uses its own embedded PostgreSQL in a temporary folder.
 *
 * Each import's line gives the CPU seconds of this process and of that PostgreSQL next to the
 * wall-clock time (on a shared machine they vary less with the load). To see where the time goes:
 * BENCH_PG_LOG_MS=0 sums the statements PostgreSQL logged by kind, BENCH_PG_EXPLAIN_MS=1000 keeps
 * the plans (actual rows, times, triggers) of the slower ones, BENCH_ONLY=csv runs the CSV import alone.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { sql } from "kysely";
import { createApiToken } from "../server/auth/api-tokens";
import { createDatabase } from "../server/db/database";
import { startEmbeddedPostgres } from "../server/db/embedded-postgres";
import { migrateToLatest } from "../server/db/migrate";
import { createRegion } from "../server/domains/regions/regions.service";
import { createUser } from "../server/domains/users/users.service";
import { createTestApp } from "../tests/support/app";
import { IMPORT_HEADER as HEADER, importCsv, importRow as row } from "./lib/import-file";

const ROWS = Number(process.env.ROWS ?? 10_000);
/** BENCH_PG_LOG_MS=150: PostgreSQL logs every statement slower than that; the bench sums them by kind per import. */
const LOG_MS = process.env.BENCH_PG_LOG_MS ? Number(process.env.BENCH_PG_LOG_MS) : null;
/** BENCH_ONLY=csv: only the CSV import (all new), for timing it alone. */
const ONLY = process.env.BENCH_ONLY ?? null;
/** BENCH_PG_EXPLAIN_MS=1000: and the plan of every statement slower than that, with its actual rows and times (auto_explain). */
const EXPLAIN_MS = process.env.BENCH_PG_EXPLAIN_MS ? Number(process.env.BENCH_PG_EXPLAIN_MS) : null;
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "schakel-bench-"));
await fs.chmod(dataDir, 0o755);
const server = await startEmbeddedPostgres(dataDir);
const logFile = path.join(dataDir, "postgres.log");
if (LOG_MS !== null || EXPLAIN_MS !== null) {
  // Set for the server before the bench's connections open, so each of them starts with it.
  const setup = createDatabase(server.url);
  if (LOG_MS !== null) await sql.raw(`alter system set log_min_duration_statement = ${Math.trunc(LOG_MS)}`).execute(setup);
  if (EXPLAIN_MS !== null) {
    await sql.raw("alter system set session_preload_libraries = 'auto_explain'").execute(setup);
    await sql.raw(`alter system set auto_explain.log_min_duration = ${Math.trunc(EXPLAIN_MS)}`).execute(setup);
    await sql.raw("alter system set auto_explain.log_analyze = on").execute(setup);
    await sql.raw("alter system set auto_explain.log_nested_statements = on").execute(setup);
    await sql.raw("alter system set auto_explain.log_triggers = on").execute(setup);
  }
  await sql`select pg_reload_conf()`.execute(setup);
  await setup.destroy();
}
const db = createDatabase(server.url);
try {
  await migrateToLatest(db);
  const now = new Date();
  const region = await createRegion(db, { name: "STO Bench", slug: "bench", subregions: ["Noord", "Zuid"] }, { actorId: null, now });
  const user = await db.transaction().execute((trx) => createUser(trx, { regionId: region.id, email: "bench@example.nl", name: "Bench", role: "admin", password: "bench-password-1" }, { actor: null, now, appUrl: "http://bench" }));
  const { token } = await createApiToken(db, { userId: user.id, name: "bench", now });
  const { request } = createTestApp(db);

  const csv = importCsv(ROWS);
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Partners");
  sheet.addRow(HEADER);
  for (let i = 0; i < ROWS; i++) sheet.addRow(row(i, 50_000_000));
  const xlsx = Buffer.from(await workbook.xlsx.writeBuffer()) as Buffer<ArrayBuffer>;

  // CPU seconds of this process and of the bench's own PostgreSQL (its postmaster and every child):
  // on a shared machine they vary far less with the load than the wall-clock time does.
  const postmaster = Number((await fs.readFile(path.join(dataDir, "postgres", "postmaster.pid"), "utf8")).split("\n")[0]);
  if (process.env.BENCH_SAY_PID) console.error(`postmaster ${postmaster}`); // for perf record -p
  /** CPU seconds per kind of PostgreSQL process (backend, autovacuum worker, walwriter, checkpointer, …), and their total. */
  const postgresCpu = async () => {
    const byKind = new Map<string, number>();
    for (const entry of await fs.readdir("/proc")) {
      if (!/^[0-9]+$/.test(entry)) continue;
      const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(entry) !== postmaster && Number(fields[1]) !== postmaster) continue;
      const title = (await fs.readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).replace(/\0/g, " ");
      const kind = /postgres: (?:[^ ]+ ){2}[^ ]+ /.test(title) && !/postgres: (autovacuum|walwriter|checkpointer|background|logical|io worker|walsummarizer)/.test(title) ? "backends" : (/postgres: ([a-z ]+?)(?: worker)?(?: \d+)?(?: |$)/.exec(title)?.[1] ?? "postmaster");
      byKind.set(kind, (byKind.get(kind) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
    }
    return byKind;
  };
  const cpuDelta = (before: Map<string, number>, after: Map<string, number>) => {
    const parts = [...after].map(([kind, seconds]) => [kind, seconds - (before.get(kind) ?? 0)] as const).filter(([, seconds]) => seconds >= 0.05);
    const total = parts.reduce((sum, [, seconds]) => sum + seconds, 0);
    return `${total.toFixed(2)} s (${parts.sort((a, b) => b[1] - a[1]).map(([kind, seconds]) => `${kind} ${seconds.toFixed(2)}`).join(", ")})`;
  };
  const results: string[] = [];
  const run = async (label: string, body: string | Buffer<ArrayBuffer>, contentType: string, query = "") => {
    const logFrom = (await fs.stat(logFile)).size;
    const cpuBefore = { node: process.cpuUsage(), postgres: await postgresCpu() };
    const started = performance.now();
    const response = await request(`/api/v1/imports/organisations${query}`, { method: "POST", token, body, headers: { "content-type": contentType } });
    const answer = (await response.json()) as { counts?: Record<string, number>; error?: { message: string } };
    const seconds = (performance.now() - started) / 1000;
    if (!response.ok) throw new Error(`${label}: ${response.status} ${answer.error?.message}`);
    const nodeCpu = process.cpuUsage(cpuBefore.node);
    const cpu = `CPU: Node ${((nodeCpu.user + nodeCpu.system) / 1e6).toFixed(2)} s, PostgreSQL ${cpuDelta(cpuBefore.postgres, await postgresCpu())}`;
    results.push(`${label}: ${ROWS} rows, ${(Buffer.byteLength(body) / 1e6).toFixed(1)} MB, ${seconds.toFixed(2)} s (${cpu}), ${JSON.stringify(answer.counts)}`);
    if (EXPLAIN_MS !== null) {
      const plans = path.join(os.tmpdir(), `schakel-bench-import-plans-${results.length}.log`);
      await fs.writeFile(plans, (await fs.readFile(logFile, "utf8")).slice(logFrom));
      results.push(`  plans of the statements over ${EXPLAIN_MS} ms: ${plans}`);
    }
    if (LOG_MS !== null) {
      const text = (await fs.readFile(logFile, "utf8")).slice(logFrom);
      // An entry runs on over the following lines until the next one's timestamp.
      let total = 0;
      let count = 0;
      // The logged statements summed by their first words (each 1,000-row batch is one statement).
      const byKind = new Map<string, { ms: number; count: number }>();
      // Parse and bind are logged on their own (a custom plan is made in bind), named by their phase.
      for (const match of text.matchAll(/duration: ([0-9.]+) ms {2}(statement|execute|parse|bind)[^:]*: ([\s\S]*?)(?=\n\d{4}-\d\d-\d\d |$)/g)) {
        const ms = Number(match[1]);
        const statement = match[3]!.replace(/\s+/g, " ").trim();
        total += ms;
        if (match[2] === "statement" || match[2] === "execute") count += 1;
        const kind = `${match[2] === "parse" || match[2] === "bind" ? `(${match[2]}) ` : ""}${statement.split(" ").slice(0, 3).join(" ").slice(0, 60)}`;
        const sum = byKind.get(kind) ?? { ms: 0, count: 0 };
        byKind.set(kind, { ms: sum.ms + ms, count: sum.count + 1 });
      }
      for (const [kind, sum] of [...byKind].sort((a, b) => b[1].ms - a[1].ms)) {
        if (sum.ms >= 20) results.push(`  ${(sum.ms / 1000).toFixed(2)} s  ${sum.count} × ${kind}`);
      }
      results.push(`  ${(total / 1000).toFixed(2)} s in ${count} logged statements`);
    }
  };
  if (ONLY === "csv") await run("CSV import (all new, with contact people)", csv, "text/csv");
  else {
    await run("CSV dry run (parse, validate, match; staged)", csv, "text/csv", "?dryRun=true");
    await run("CSV import (all new, with contact people)", csv, "text/csv");
    await run("CSV import again (all updates)", csv, "text/csv");
    await run("XLSX import (all new, with contact people)", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }
  console.log(results.join("\n"));
} finally {
  await db.destroy();
  await server.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
