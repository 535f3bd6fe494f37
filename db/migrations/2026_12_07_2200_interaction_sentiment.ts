import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// How a contact moment went, in the account holder's own words: good, neutral or concerned. Optional:
// email-captured moments have none. The table's row-level security covers the new column.
// The partial index serves the health rule that looks up each organisation's latest view.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table interactions add column sentiment text check (sentiment in ('good', 'neutral', 'concerned'))`.execute(db);
  await sql`
    create index interactions_latest_sentiment on interactions (organisation_id, date desc, created_at desc)
    where sentiment is not null and archived_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists interactions_latest_sentiment`.execute(db);
  await sql`alter table interactions drop column if exists sentiment`.execute(db);
}
