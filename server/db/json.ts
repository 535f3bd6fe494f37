import { type RawBuilder, sql } from "kysely";

/**
 * A value for a jsonb column. The text cast keeps the encoding in our hands: postgres.js would
 * otherwise JSON-encode a parameter it sees typed as jsonb a second time, and send arrays as
 * PostgreSQL arrays.
 */
export function jsonb(value: unknown): RawBuilder<unknown> {
  return sql`${JSON.stringify(value)}::text::jsonb`;
}
