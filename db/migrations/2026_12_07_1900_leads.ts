import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// A lead ("Kans", decision 129): a known contact who left a job and now works at an organisation that
// is not a partner of the region — one not in Schakel yet (its name only) or one that is known but not
// active. It stays open until it is turned into a partner or put away, each with who and when.
// A task source for the owner of a partner that gained a known contact.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table leads (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      person_id uuid not null references people(id),
      from_organisation_id uuid references organisations(id),
      from_end_date date,
      to_organisation_id uuid references organisations(id),
      to_organisation_name text not null check (length(to_organisation_name) between 1 and 200),
      since date not null,
      created_by uuid references users(id),
      created_at timestamptz not null,
      closed_at timestamptz,
      closed_by uuid references users(id),
      close_reason text check (close_reason in ('converted', 'dismissed')),
      converted_organisation_id uuid references organisations(id),
      version integer not null default 1,
      check ((closed_at is null) = (close_reason is null))
    )`.execute(db);
  await sql`create index leads_open_by_region on leads (region_id, since desc) where closed_at is null`.execute(db);
  await sql`create index leads_by_person on leads (person_id)`.execute(db);
  await sql`select enable_region_row_security('leads'::regclass)`.execute(db);
  await sql`alter table tasks drop constraint tasks_source_check`.execute(db);
  await sql`alter table tasks add constraint tasks_source_check check (source in ('manual', 'handover', 'health', 'contact_joined'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from tasks where source = 'contact_joined'`.execute(db);
  await sql`alter table tasks drop constraint tasks_source_check`.execute(db);
  await sql`alter table tasks add constraint tasks_source_check check (source in ('manual', 'handover', 'health'))`.execute(db);
  await sql`drop table leads`.execute(db);
}
