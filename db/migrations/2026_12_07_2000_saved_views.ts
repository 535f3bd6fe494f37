import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// A saved view is a list's filters and sort under a name: its creator's own, or shared with the
// region. `query` is the list's query string as the list's schema normalised it (never SQL); the
// version detects two people renaming the same view at once; archiving is how a view is removed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table saved_views (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      list text not null check (list in ('organisations', 'people')),
      name text not null check (char_length(name) between 1 and 80),
      query text not null check (char_length(query) <= 2000),
      created_by uuid not null references users(id),
      shared boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      archived_at timestamptz
    )`.execute(db);
  await sql`create index saved_views_of_list on saved_views (region_id, list) where archived_at is null`.execute(db);
  await sql`select enable_region_row_security('saved_views'::regclass)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists saved_views`.execute(db);
}
