import { sql } from "kysely";
import type { Database } from "./database";
import { runOutsideRegionScope } from "./region-scope";

/**
 * Runs `fn` as the login role, without row-level security, also inside a request's transaction.
 * Only for set-based SQL that names its own region or organisation explicitly and that the
 * planner cannot plan well under the policies: their quals make PostgreSQL hold back every
 * non-leakproof condition (lower(), LIKE, pg_trgm's operators, most joins' expressions) until the
 * policy has filtered, so indexes go unused. Measured on the national set (docs/performance.md):
 * a region's health recompute after a 10,000-row import took 12.8 s under the policies and about
 * 1 s without; search lost its trigram index. Decision 073 lists the callers.
 */
export async function withoutRowSecurity<T>(db: Database, fn: (db: Database) => Promise<T>): Promise<T> {
  if (!db.isTransaction) return runOutsideRegionScope(() => fn(db));
  // In a transaction the connection is already the request's: switch its role for these statements
  // only (transaction-local), and back to what it was, so the rest of the transaction is limited again.
  const { role } = (await sql<{ role: string }>`select current_setting('role') as role`.execute(db)).rows[0]!;
  if (role === "none") return fn(db);
  await sql`select set_config('role', 'none', true)`.execute(db);
  const result = await fn(db);
  await sql`select set_config('role', ${role}, true)`.execute(db);
  return result;
}
