import { sql } from "kysely";
import type { Database } from "./database";
import { runOutsideRegionScope } from "./region-scope";

/**
 * Runs `fn` as the login role, without row-level security, also inside a request's transaction.
 * Only for statements that name their own region or organisation explicitly and that cannot work
 * as the request role: ANALYZE (only the tables' owner may; the request role is skipped with a
 * warning, and the import's health recompute then ran on stale statistics: 12.8 s instead of ~1 s),
 * and search, whose trigram indexes PostgreSQL will not use under the policies (pg_trgm's operators
 * are not leakproof). Decision 073 lists the callers.
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
