import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// "Mogelijk van baan gewisseld" (decision 142): a known contact appeared in captured mail with an
// address at a company domain other than their organisation's. Kept: who, the new address and its
// domain, the mail's day and whose mail it was — nothing of the mail itself. Staff confirm (a new
// job) or dismiss it; either way the same person and address never suggest again.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table job_change_suggestions (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid not null references users(id),
      person_id uuid not null references people(id) on delete cascade,
      email citext not null check (length(email) between 3 and 254),
      domain text not null check (length(domain) between 3 and 253),
      seen_on date not null,
      created_at timestamptz not null,
      decided_at timestamptz,
      decided_by uuid references users(id),
      decision text check (decision in ('confirmed', 'dismissed')),
      version integer not null default 1,
      check ((decided_at is null) = (decision is null)),
      unique (region_id, person_id, email)
    )`.execute(db);
  await sql`create index job_change_suggestions_open_by_user on job_change_suggestions (user_id, created_at desc) where decided_at is null`.execute(db);
  await sql`create index job_change_suggestions_by_person on job_change_suggestions (person_id)`.execute(db);
  await sql`select enable_region_row_security('job_change_suggestions'::regclass)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table job_change_suggestions`.execute(db);
}
