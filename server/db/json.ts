import { type RawBuilder, sql } from "kysely";

/**
 * A value for a jsonb column. The text cast keeps the encoding in our hands: postgres.js would
 * otherwise JSON-encode a parameter it sees typed as jsonb a second time, and send arrays as
 * PostgreSQL arrays.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value)}::text::jsonb`;
}

/**
 * A timestamp read either as a column (postgres.js makes it a Date) or from inside a JSON aggregate
 * (PostgreSQL writes it as ISO text): a Date either way, so a query's rows look the same whether it
 * ran on its own or as part of a page's one statement (jsonArrayFrom).
 */
export function timestampOf(value: Date | string): Date;
export function timestampOf(value: Date | string | null): Date | null;
export function timestampOf(value: Date | string | null): Date | null {
  return value === null ? null : value instanceof Date ? value : new Date(value);
}
