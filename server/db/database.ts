import { Kysely } from "kysely";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import type { DB } from "../../db/schema";

export type Database = Kysely<DB>;

/**
 * One pool per process. `date` columns stay 'YYYY-MM-DD' strings: a calendar day has no time zone,
 * and turning it into a JavaScript Date would shift it.
 */
export function createDatabase(url: string, options: { max?: number } = {}): Database {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: "schakel" },
    types: {
      date: { to: 1082, from: [1082], serialize: (value: string) => value, parse: (value: string) => value },
    },
  });
  return new Kysely<DB>({ dialect: new PostgresJSDialect({ postgres: client }) });
}
