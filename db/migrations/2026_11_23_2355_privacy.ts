import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 8, item 7 (AVG): the region's retention period for departed contacts, after which the
// nightly job anonymises them. Null switches the job off for the region.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table regions add column retention_months integer default 24 check (retention_months is null or retention_months between 1 and 240)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table regions drop column if exists retention_months`.execute(db);
}
