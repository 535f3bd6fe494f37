import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database";

describe("the test database", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it("has every migration applied, with the search extensions", async () => {
    const tables = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public'`.execute(t.db);
    expect(tables.rows.map((r) => r.tablename)).toEqual(
      expect.arrayContaining(["regions", "subregions", "users", "sessions", "api_tokens", "audit_log", "email_outbox"]),
    );
    const extensions = await sql<{ extname: string }>`select extname from pg_extension`.execute(t.db);
    expect(extensions.rows.map((r) => r.extname)).toEqual(expect.arrayContaining(["pg_trgm", "unaccent", "citext"]));
  });

  it("reads date columns as calendar days, not moments", async () => {
    const row = await sql<{ d: string }>`select date '2026-03-01' as d`.execute(t.db);
    expect(row.rows[0]?.d).toBe("2026-03-01");
  });
});
