import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInRegionScope } from "../../server/db/region-scope";
import { splitSocket, withDatabaseName } from "../../server/db/database";
import { createTestDatabase, type TestDatabase } from "../support/database";

// The embedded PostgreSQL listens on a Unix socket in its own folder as well as on 127.0.0.1
// (decision 146): the app's queries go over the socket, which costs both sides less than loopback TCP.
describe("the embedded PostgreSQL's Unix socket", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("is named in the URL the libpq way, and the app's pool uses it", async () => {
    const { path } = splitSocket(database.url);
    expect(path).toMatch(/\/\.s\.PGSQL\.\d+$/);
    // Over a Unix socket the server has no address for the connection.
    const row = await sql<{ address: string | null; database: string }>`select inet_server_addr()::text as address, current_database() as database`.execute(database.db);
    expect(row.rows[0]).toEqual({ address: null, database: new URL(database.url).pathname.slice(1) });
  });

  it("is used by pg as well, which pg-boss and the backup connect with", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ address: string | null }>("select inet_server_addr()::text as address");
      expect(rows[0]!.address).toBeNull();
    } finally {
      await client.end();
    }
  });

  it("carries the region scope of a read sent in the same round trip as its scope statement", async () => {
    const regionId = "00000000-0000-4000-8000-000000000001";
    const row = await runInRegionScope(regionId, () =>
      database.db.selectNoFrom([sql<string>`current_setting('schakel.region_id')`.as("region"), sql<string>`current_user`.as("role")]).executeTakeFirstOrThrow(),
    );
    expect(row).toEqual({ region: regionId, role: "schakel_request" });
  });

  it("leaves a URL without a socket as it is, and another database keeps the socket", () => {
    expect(splitSocket("postgres://u:p@db.example:5433/schakel")).toEqual({ url: "postgres://u:p@db.example:5433/schakel" });
    const url = "postgres://u:p@127.0.0.1:5433/schakel?host=%2Fdata%2Fpostgres";
    expect(splitSocket(withDatabaseName(url, "other"))).toEqual({ url: "postgres://u:p@127.0.0.1:5433/other", path: "/data/postgres/.s.PGSQL.5433" });
  });
});
