import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { inject } from "vitest";
import { createDatabase, type Database, withDatabaseName } from "../../server/db/database";

const TEMPLATE_DATABASE = "schakel_template";

export type TestDatabase = { db: Database; url: string; drop(): Promise<void> };

/**
 * A fresh copy of the migrated template database, for one test file; with `empty: true` a database
 * with no tables at all, for a test of what a first start does (tests/integration/two-instances.test.ts).
 */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject("databaseServerUrl");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = createDatabase(withDatabaseName(serverUrl, "postgres"), { max: 1 });
  await sql.raw(opts.empty ? `create database ${name}` : `create database ${name} template ${TEMPLATE_DATABASE}`).execute(admin);
  const url = withDatabaseName(serverUrl, name);
  const db = createDatabase(url, { max: 5 });
  return {
    db,
    url,
    async drop() {
      await db.destroy();
      await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
      await admin.destroy();
    },
  };
}
