import { type MigrationProvider, Migrator, NO_MIGRATIONS } from "kysely";
import type { Database } from "./database";
import { loadMigrationModules } from "./migration-modules";

/** db/migrations/*.ts; their names sort by the timestamp they start with. */
const provider: MigrationProvider = { getMigrations: loadMigrationModules };

/** Applies pending migrations; returns the names applied. Concurrent callers are serialised by Kysely's lock. */
export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** The migrations this code knows, in order. */
export async function knownMigrations(): Promise<string[]> {
  return Object.keys(await provider.getMigrations());
}

/**
 * Moves the database to exactly `name` (up or down; `null` for none). A restore uses it to give a
 * backup's rows the schema they were taken from before migrating on.
 */
export async function migrateTo(db: Database, name: string | null): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateTo(name ?? NO_MIGRATIONS);
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`Migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
}
