import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// A relationship silent beyond its cadence stores when its silence began, not how long it lasts
// (decision 144): `silence_from` is the day the silent days count from (the last contact, moved on
// by the school holidays begun since), `silence_paused_until` the last day of the holiday the day
// falls in (the count stands still until then). Empty for a relationship within its cadence in
// calendar days. The rows' recheck days are cleared, so the next nightly run is a full one and
// rewrites every reason in the new shape. The table keeps its region row-level security.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table organisation_health add column silence_from date, add column silence_paused_until date`.execute(db);
  await sql`update organisation_health set recheck_on = null`.execute(db);
  // The full recompute's activity signal reads two school years of done and planned activities
  // (about 120,000 nationally): from this index alone, not from the activities' wide rows.
  await sql`create index activities_health_year_idx on activities (start_date, id) include (status)
    where archived_at is null and status in ('done', 'planned')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists activities_health_year_idx`.execute(db);
  await sql`alter table organisation_health drop column if exists silence_from, drop column if exists silence_paused_until`.execute(db);
  await sql`update organisation_health set recheck_on = null`.execute(db);
}
