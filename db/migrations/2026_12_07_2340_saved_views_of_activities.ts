import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// The activities list sorts like the organisation and people lists, so its filters and sort can be
// kept as a saved view too.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table saved_views drop constraint saved_views_list_check`.execute(db);
  await sql`alter table saved_views add constraint saved_views_list_check check (list in ('organisations', 'people', 'activities'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Going back loses the activities views: the older check cannot hold them.
  await sql`delete from saved_views where list = 'activities'`.execute(db);
  await sql`alter table saved_views drop constraint saved_views_list_check`.execute(db);
  await sql`alter table saved_views add constraint saved_views_list_check check (list in ('organisations', 'people'))`.execute(db);
}
