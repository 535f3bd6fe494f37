import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// "Her organisations" is asked of archived ones too: the navigation's count of partners' offers
// waiting (on every page) and her week's activities look for activities of any organisation she
// holds. The index of her organisations covered only the ones not archived, so those questions read
// all 40,000 organisations of the national set (about 35 ms of PostgreSQL's CPU, on every page).
// One index over all of them serves both kinds of question.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists organisations_account_holder_idx`.execute(db);
  await sql`create index organisations_account_holder_idx on organisations (account_holder_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists organisations_account_holder_idx`.execute(db);
  await sql`create index organisations_account_holder_idx on organisations (account_holder_id) where archived_at is null`.execute(db);
}
