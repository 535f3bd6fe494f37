/**
 * Benchmark: export 100,000 organisations as CSV and XLSX through the API and watch the process's
 * memory (live heap sampled after forced collections, and RSS). Run with `npm run bench:export` (ROWS=… to change the size). Uses its own embedded PostgreSQL in a temporary folder.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { createApiToken } from "../server/auth/api-tokens";
import { createDatabase } from "../server/db/database";
import { startEmbeddedPostgres } from "../server/db/embedded-postgres";
import { migrateToLatest } from "../server/db/migrate";
import { createRegion } from "../server/domains/regions/regions.service";
import { createUser } from "../server/domains/users/users.service";
import { createTestApp } from "../tests/support/app";

const ROWS = Number(process.env.ROWS ?? 100_000);
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
  await sql`
    insert into organisations (region_id, kind, name, city, kvk_number, tier, tags)
    select ${region.id}::uuid, (array['company','trade_school','mbo','vmbo','primary','partner'])[1 + i % 6],
           'Organisatie ' || lpad(i::text, 6, '0'), (array['Enschede','Hengelo','Almelo','Oldenzaal'])[1 + i % 4],
           lpad(i::text, 8, '0'), (array['strategic','regular','occasional'])[1 + i % 3], array['tag' || (i % 20)]
    from generate_series(1, ${ROWS}) as i`.execute(db);
  await sql`analyze organisations`.execute(db);

  const { request } = createTestApp(db);
  const results: string[] = [];
  for (const format of ["csv", "xlsx"] as const) {
    // Live memory, not garbage waiting for collection: collect, then read the heap, every 100 ms.
    const live = () => {
      global.gc?.();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.external + usage.arrayBuffers;
    };
    const baseline = live();
    const rssBefore = process.memoryUsage().rss;
    let peak = baseline;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, live());
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const started = performance.now();
    const response = await request(`/api/v1/organisations?format=${format}`, { token });
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    results.push(
      `${format}: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; live memory ${(baseline / 1e6).toFixed(0)} MB before, peak +${((peak - baseline) / 1e6).toFixed(1)} MB; RSS ${(rssBefore / 1e6).toFixed(0)} → ${(peakRss / 1e6).toFixed(0)} MB`,
    );
  }
  console.log(results.join("\n"));
} finally {
  await db.destroy();
  await server.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
