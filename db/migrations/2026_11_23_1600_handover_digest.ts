import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 4, turnover and the weekly digest: each user chooses whether and on which day (ISO weekday,
// 1 = Monday) the digest comes, and a run per user and ISO week makes sure it is queued only once,
// however often the job runs or is retried.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column digest_enabled boolean not null default true`.execute(db);
  await sql`alter table users add column digest_weekday smallint not null default 1 check (digest_weekday between 1 and 7)`.execute(db);

  await sql`
    create table digest_runs (
      user_id uuid not null references users(id),
      iso_week text not null check (iso_week ~ '^[0-9]{4}-W[0-9]{2}$'),
      email_id uuid references email_outbox(id),
      created_at timestamptz not null,
      primary key (user_id, iso_week)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("digest_runs").ifExists().execute();
  await sql`alter table users drop column if exists digest_weekday`.execute(db);
  await sql`alter table users drop column if exists digest_enabled`.execute(db);
}
