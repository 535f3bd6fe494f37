/**
 * Benchmark: import 10,000 organisations, each with a contact person, through the API as CSV and
 * as XLSX, timing the whole request (upload, parse, validate, match, write in one transaction).
 * Then the same CSV again, which updates all 10,000. Run with `npm run bench:import` (ROWS=… to
 * change the size). Uses its own embedded PostgreSQL in a temporary folder.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { createApiToken } from "../server/auth/api-tokens";
import { createDatabase } from "../server/db/database";
import { startEmbeddedPostgres } from "../server/db/embedded-postgres";
import { migrateToLatest } from "../server/db/migrate";
import { createRegion } from "../server/domains/regions/regions.service";
import { createUser } from "../server/domains/users/users.service";
import { createTestApp } from "../tests/support/app";
import { IMPORT_HEADER as HEADER, importCsv, importRow as row } from "./lib/import-file";

const ROWS = Number(process.env.ROWS ?? 10_000);
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "schakel-bench-"));
await fs.chmod(dataDir, 0o755);
const server = await startEmbeddedPostgres(dataDir);
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

  const results: string[] = [];
  const run = async (label: string, body: string | Buffer<ArrayBuffer>, contentType: string, query = "") => {
    const started = performance.now();
    const response = await request(`/api/v1/imports/organisations${query}`, { method: "POST", token, body, headers: { "content-type": contentType } });
    const answer = (await response.json()) as { counts?: Record<string, number>; error?: { message: string } };
    const seconds = (performance.now() - started) / 1000;
    if (!response.ok) throw new Error(`${label}: ${response.status} ${answer.error?.message}`);
    results.push(`${label}: ${ROWS} rows, ${(Buffer.byteLength(body) / 1e6).toFixed(1)} MB, ${seconds.toFixed(2)} s, ${JSON.stringify(answer.counts)}`);
  };
  await run("CSV dry run (parse, validate, match; staged)", csv, "text/csv", "?dryRun=true");
  await run("CSV import (all new, with contact people)", csv, "text/csv");
  await run("CSV import again (all updates)", csv, "text/csv");
  await run("XLSX import (all new, with contact people)", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  console.log(results.join("\n"));
} finally {
  await db.destroy();
  await server.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
