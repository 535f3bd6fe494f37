import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDemo } from "../../db/seed/demo";
import { restoreIntoEmptyDatabase } from "../../server/domains/backup/backup.service";
import { addRealisation, createCommitment } from "../../server/domains/commitments/commitments.service";
import type { Database } from "../../server/db/database";
import { TEST_APP_URL } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeUser, TEST_NOW } from "../support/factories";

const BIN = path.resolve("bin/schakel.js");
// A tiny but real PDF as evidence: bytes must come back bit for bit.
const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n\u0000\u00ff binary tail");

type Run = { code: number; stdout: string; stderr: string };

function schakel(url: string, ...args: string[]) {
  return new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: path.resolve("."), env: { ...process.env, DATABASE_URL: url, APP_URL: TEST_APP_URL, SCHAKEL_NOW: TEST_NOW.toISOString(), LOG_LEVEL: "silent" }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Every application table with a fingerprint of all its rows, to compare two databases exactly. */
async function fingerprint(db: Database) {
  const { rows: tables } = await sql<{ name: string }>`
    select relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and relname not like 'kysely_%' order by relname`.execute(db);
  const result: Record<string, { rows: number; md5: string }> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ rows: string; md5: string }>`
      select count(*) as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5 from ${sql.table(name)} t`.execute(db);
    result[name] = { rows: Number(rows[0]!.rows), md5: rows[0]!.md5 };
  }
  return result;
}

// Each test starts command-line processes (backup, restore), which on a loaded machine take many seconds each.
describe("backing up and restoring Schakel", { timeout: 120_000 }, () => {
  let source: TestDatabase;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    source = await createTestDatabase();
    await source.db.transaction().execute((trx) => loadDemo(trx, { now: TEST_NOW, appUrl: TEST_APP_URL }));
    // Financial evidence (bytea) and a realisation on top of the demo data.
    const region = await source.db.selectFrom("regions").select("id").where("slug", "=", "twente").executeTakeFirstOrThrow();
    const penvoerder = await makeUser(source.db, { regionId: region.id, role: "penvoerder" });
    const partner = await source.db.selectFrom("organisations").select("id").where("region_id", "=", region.id).where("kind", "=", "company").limit(1).executeTakeFirstOrThrow();
    const scope = { regionId: region.id, userId: penvoerder.id, role: penvoerder.role, organisationId: null };
    const meta = { actor: { id: penvoerder.id, name: penvoerder.name }, now: TEST_NOW };
    const commitment = await source.db.transaction().execute((trx) => createCommitment(trx, scope, { organisationId: partner.id, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 250000 } as never, meta));
    await source.db.transaction().execute((trx) => addRealisation(trx, scope, commitment.id, { date: "2026-03-01", amountCents: 250000, description: "Factuur 2026-014", evidence: null }, { fileName: "factuur.pdf", bytes: new Uint8Array(PDF) }, meta));
    dir = await mkdtemp(path.join(tmpdir(), "schakel-backup-"));
    file = path.join(dir, "schakel.backup.gz");
  });
  afterAll(async () => {
    await source?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes a backup with `schakel backup FILE` and restores it into an empty database with every record, bit for bit", async () => {
    const backup = await schakel(source.url, "backup", file);
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up \d+ tables, \d+ rows, at migration \S+, to /);

    const target = await createTestDatabase();
    try {
      const restore = await schakel(target.url, "restore", file);
      expect(restore.stderr).toBe("");
      expect(restore.code).toBe(0);
      expect(restore.stdout).toMatch(/^Restored \d+ tables, \d+ rows from /);

      const [before, after] = await Promise.all([fingerprint(source.db), fingerprint(target.db)]);
      expect(after).toEqual(before);
      expect(after.organisations!.rows).toBeGreaterThan(300);
      expect(after.interactions!.rows).toBeGreaterThan(1000);
      const evidence = await target.db.selectFrom("documents").select("content").executeTakeFirstOrThrow();
      expect(Buffer.compare(Buffer.from(evidence.content), PDF)).toBe(0);

      // The restored Schakel keeps working: new audit entries continue after the restored ids.
      const { max } = await target.db.selectFrom("audit_log").select((eb) => eb.fn.max("id").as("max")).executeTakeFirstOrThrow();
      const inserted = await sql<{ id: string }>`insert into audit_log (action, entity_type, entity_id, created_at) values ('test.after_restore', 'test', 'x', now()) returning id`.execute(target.db);
      expect(BigInt(inserted.rows[0]!.id)).toBeGreaterThan(BigInt(String(max)));
    } finally {
      await target.drop();
    }
  });

  it("refuses to restore over a database that holds data, and changes nothing there", async () => {
    const before = await fingerprint(source.db);
    await expect(restoreIntoEmptyDatabase(source.url, file)).rejects.toThrow(/already holds regions or users/);
    expect(await fingerprint(source.db)).toEqual(before);
  });

  it("restores nothing from a damaged or cut-off file: the empty database stays empty", async () => {
    const whole = gunzipSync(await readFile(file)).toString("utf8");
    const cut = path.join(dir, "cut.backup.gz");
    // Cut in the middle of the interactions: an interrupted copy of a backup.
    await writeFile(cut, gzipSync(whole.slice(0, whole.indexOf("@table {\"name\":\"interactions\"") + 2000)));
    const notGzip = path.join(dir, "plain.txt");
    await writeFile(notGzip, "name,city\nHulshof,Hengelo\n");

    const target = await createTestDatabase();
    try {
      await expect(restoreIntoEmptyDatabase(target.url, cut)).rejects.toThrow(/damaged/);
      await expect(restoreIntoEmptyDatabase(target.url, notGzip)).rejects.toThrow(/not a Schakel backup|damaged/);
      const counts = await fingerprint(target.db);
      expect(Object.values(counts).every((table) => table.rows === 0)).toBe(true);
    } finally {
      await target.drop();
    }
  });
});
