import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Migration } from "kysely";

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../db/migrations");
const MIGRATION_FILE = /^\d{4}_\d{2}_\d{2}_\d{4}_.+\.ts$/;

/**
 * Every migration in db/migrations, by name (the file name without `.ts`), in order. Read from the
 * folder when the server runs its TypeScript (tests, `npm run dev`, the command line); the bundled
 * server of `npm start` has no TypeScript loader, so scripts/build-server.js puts a generated
 * module with a static import of each file in this one's place (decision 087).
 */
export async function loadMigrationModules(): Promise<Record<string, Migration>> {
  const files = (await fs.readdir(MIGRATIONS_DIR)).filter((file) => MIGRATION_FILE.test(file)).sort();
  const migrations: Record<string, Migration> = {};
  for (const file of files) {
    migrations[file.replace(/\.ts$/, "")] = (await import(pathToFileURL(path.join(MIGRATIONS_DIR, file)).href)) as Migration;
  }
  return migrations;
}
