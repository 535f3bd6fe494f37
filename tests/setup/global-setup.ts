import path from "node:path";
import { sql } from "kysely";
import type { TestProject } from "vitest/node";
import { createDatabase, withDatabaseName } from "../../server/db/database";
import { startEmbeddedPostgres } from "../../server/db/embedded-postgres";
import { migrateToLatest } from "../../server/db/migrate";

/**
 * One embedded PostgreSQL for the whole run (its cluster kept in tests/.tmp between runs, so only
 * the first run pays for initdb). The migrations build one template database; each test file
 * copies it (tests/support/database.ts), which takes milliseconds.
 */
export const TEMPLATE_DATABASE = "schakel_template";

/**
 * Vitest calls this once for each project of the run (vitest.config.ts has two), in one process: the
 * first call starts PostgreSQL and builds the template, every call shares it, the last teardown stops it.
 */
type Shared = { ready: Promise<{ url: string; stop(): Promise<void> }>; users: number };
const SHARED = Symbol.for("schakel.test-postgres");

export default async function setup(project: TestProject) {
  const global = globalThis as { [SHARED]?: Shared };
  const shared = (global[SHARED] ??= { ready: startAndPrepare(), users: 0 });
  shared.users += 1;
  const server = await shared.ready;
  project.provide("databaseServerUrl", server.url);
  return async () => {
    shared.users -= 1;
    if (shared.users === 0) {
      delete global[SHARED];
      await server.stop();
    }
  };
}

async function startAndPrepare() {
  const dataDir = path.resolve("tests/.tmp/postgres");
  const server = await startEmbeddedPostgres(dataDir);
  const adminUrl = withDatabaseName(server.url, "postgres");
  const admin = createDatabase(adminUrl, { max: 1 });
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname like 'test_%' or datname = ${TEMPLATE_DATABASE}`.execute(admin);
  const leftovers = await sql<{ datname: string }>`select datname from pg_database where datname like 'test_%'`.execute(admin);
  for (const { datname } of leftovers.rows) await sql.raw(`drop database if exists "${datname}"`).execute(admin);
  await sql.raw(`drop database if exists ${TEMPLATE_DATABASE}`).execute(admin);
  await sql.raw(`create database ${TEMPLATE_DATABASE}`).execute(admin);
  const template = createDatabase(withDatabaseName(server.url, TEMPLATE_DATABASE), { max: 1 });
  await migrateToLatest(template);
  await template.destroy();
  await admin.destroy();
  return server;
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseServerUrl: string;
  }
}
