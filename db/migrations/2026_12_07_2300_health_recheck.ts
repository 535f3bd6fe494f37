import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// The first day an organisation's health can change by time alone (a cadence crossed, a job that
// ends, a new owner's 30 days, the school year): the nightly run recomputes only the organisations
// due by it (decision 141). Empty means "not yet known": due at the next run, so the first nightly
// run after this migration is a full one. The table keeps its region row-level security.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table organisation_health add column recheck_on date`.execute(db);
  await sql`create index organisation_health_recheck_idx on organisation_health (recheck_on)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists organisation_health_recheck_idx`.execute(db);
  await sql`alter table organisation_health drop column if exists recheck_on`.execute(db);
}
