import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Which reminders were queued, so each is sent once — per activity, kind and date: a guest lesson
// that moves gets a reminder for its new date.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table activity_reminders (
      activity_id uuid not null references activities(id),
      kind text not null check (kind in ('speaker')),
      for_date date not null,
      created_at timestamptz not null,
      primary key (activity_id, kind, for_date)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("activity_reminders").ifExists().execute();
}
