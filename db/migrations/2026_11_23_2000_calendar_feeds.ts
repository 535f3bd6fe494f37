import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Private iCalendar feed addresses (issue 5): one per user and one for the region's shared calendar.
// Only a hash of the secret in the address is kept; a new address revokes the old one. Also the
// index behind activities shared with other regions, which calendars and feeds read.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table calendar_feeds (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid references users(id),
      token_hash text not null unique,
      created_by uuid references users(id),
      created_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create unique index calendar_feeds_one_per_user on calendar_feeds (user_id) where user_id is not null and revoked_at is null`.execute(db);
  await sql`create unique index calendar_feeds_one_per_region on calendar_feeds (region_id) where user_id is null and revoked_at is null`.execute(db);
  // Calendars and feeds ask "what did other regions open to mine?".
  await sql`create index activities_shared_idx on activities using gin (shared_with_region_ids) where archived_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists activities_shared_idx`.execute(db);
  await db.schema.dropTable("calendar_feeds").ifExists().execute();
}
