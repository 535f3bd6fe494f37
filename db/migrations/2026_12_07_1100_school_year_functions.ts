import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// School years run from 1 August to 31 July. Queries name the rule through these two functions
// instead of writing `extract(year from day - interval '7 months')` again; being plain SQL and
// immutable, PostgreSQL inlines them, so a query using them plans as if the expression were written
// out. calendar/school-year.ts is the same rule in TypeScript.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function school_year_start(day date) returns date
      language sql immutable strict parallel safe
      return make_date(extract(year from day - interval '7 months')::int, 8, 1)
  `.execute(db);
  await sql`
    create function school_year_of(day date) returns text
      language sql immutable strict parallel safe
      return extract(year from day - interval '7 months')::int || '-' || (extract(year from day - interval '7 months')::int + 1)
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists school_year_of(date)`.execute(db);
  await sql`drop function if exists school_year_start(date)`.execute(db);
}
