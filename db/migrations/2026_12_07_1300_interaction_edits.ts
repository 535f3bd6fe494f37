import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// A contact moment can be corrected after it was logged: the version detects two people saving the
// same moment at once, and `updated_at` says when it was last changed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table interactions add column version integer not null default 1`.execute(db);
  await sql`alter table interactions add column updated_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table interactions drop column if exists updated_at`.execute(db);
  await sql`alter table interactions drop column if exists version`.execute(db);
}
