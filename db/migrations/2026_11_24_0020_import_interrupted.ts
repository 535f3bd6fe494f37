import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// An import whose commit was cut off (the process was killed, the machine stopped) goes back to
// 'staged' when it is next read; this records when that happened, so the import page can tell the
// person that nothing of it was stored and that they can commit it again.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table imports add column interrupted_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table imports drop column if exists interrupted_at`.execute(db);
}
