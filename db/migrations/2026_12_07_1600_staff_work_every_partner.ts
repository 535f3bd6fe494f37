import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// A region decides whether every staff member (the penvoerder too) may work every partner, or only
// account holders, admins and whoever owns the organisation. Off by default: the narrower rule.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table regions add column staff_work_every_partner boolean not null default false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table regions drop column staff_work_every_partner`.execute(db);
}
