import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDatabase, type Database, withDatabaseName } from "../../server/db/database";
import { knownMigrations, migrateToLatest } from "../../server/db/migrate";
import { runInRegionScope } from "../../server/db/region-scope";
import { startJobs } from "../../server/jobs/jobs";
import { makeRegion } from "../support/factories";

/**
 * An external PostgreSQL as docs/production.md describes it (decision 139): Schakel logs in as an
 * ordinary role that owns its database — no superuser, no CREATEROLE — and the operator has made
 * `schakel_request` and granted it to that role. The migrations (extensions included) then run, a
 * request's queries switch to `schakel_request` under row-level security, and pg-boss sets itself up.
 */
describe("a login role that is neither superuser nor allowed to create roles", () => {
  const serverUrl = inject("databaseServerUrl");
  const admin = createDatabase(withDatabaseName(serverUrl, "postgres"), { max: 1 });
  const name = `test_role_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  let db: Database | undefined;

  afterAll(async () => {
    await db?.destroy();
    await sql.raw(`drop database if exists ${name} with (force)`).execute(admin);
    await sql.raw(`drop role if exists ${name}`).execute(admin);
    await admin.destroy();
  });

  it("migrates its own database and serves a region's rows through schakel_request", async () => {
    await sql.raw(`create role ${name} login password '${password}' nosuperuser nocreaterole nocreatedb`).execute(admin);
    await sql.raw(`create database ${name} owner ${name}`).execute(admin);
    // What the operator does once (docs/production.md): the role Schakel switches to for requests.
    await sql.raw(`grant schakel_request to ${name}`).execute(admin);

    const url = new URL(serverUrl);
    url.username = name;
    url.password = password;
    url.pathname = `/${name}`;
    db = createDatabase(url.toString(), { max: 2 });
    expect(await migrateToLatest(db)).toEqual(await knownMigrations());

    const region = await makeRegion(db);
    const other = await makeRegion(db);
    const seen = await runInRegionScope(region.id, async () => ({
      role: (await sql<{ role: string }>`select current_user as role`.execute(db!)).rows[0]!.role,
      regions: (await db!.selectFrom("subregions").select("region_id").distinct().execute()).map((row) => row.region_id),
    }));
    expect(seen).toEqual({ role: "schakel_request", regions: [region.id] });
    expect(other.id).not.toBe(region.id);

    // pg-boss makes its schema and queues as the same role.
    const jobs = await startJobs({ connectionString: url.toString(), db, mailFrom: "Schakel <noreply@schakel.test>", now: () => new Date(), log: () => {}, appUrl: "http://schakel.test" });
    await jobs.stop();
    const { rows: queues } = await sql<{ name: string }>`select name from pgboss.queue where name = 'health-recompute'`.execute(db);
    expect(queues).toHaveLength(1);
  }, 120_000);
});
