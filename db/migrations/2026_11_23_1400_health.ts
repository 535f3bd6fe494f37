import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Relationship health (issue 4): the region's cadences and school holidays, each organisation's
// current state with its reasons, every state change, the region's daily counts for the chart,
// snoozes on the "Aandacht nodig" page, and who takes over when a contact leaves.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table region_health_settings (
      region_id uuid primary key references regions(id),
      cadence_strategic_days integer not null default 60 check (cadence_strategic_days between 1 and 3650),
      cadence_regular_days integer not null default 120 check (cadence_regular_days between 1 and 3650),
      cadence_occasional_days integer not null default 240 check (cadence_occasional_days between 1 and 3650),
      coordinator_user_id uuid references users(id),
      version integer not null default 1,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`insert into region_health_settings (region_id) select id from regions`.execute(db);

  // Holidays do not count as silent days. Rows, not a setting blob, so the SQL can join them.
  await sql`
    create table school_holidays (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      name text not null check (length(name) between 1 and 100),
      start_date date not null,
      end_date date not null,
      created_at timestamptz not null default now(),
      check (end_date >= start_date)
    )`.execute(db);
  await sql`create index school_holidays_region_idx on school_holidays (region_id, start_date)`.execute(db);

  await sql`
    create table organisation_health (
      organisation_id uuid primary key references organisations(id),
      region_id uuid not null references regions(id),
      state text not null check (state in ('healthy', 'watch', 'cooling', 'cold')),
      reasons jsonb not null default '[]'::jsonb,
      state_since date not null,
      last_contact_date date,
      computed_at timestamptz not null
    )`.execute(db);
  await sql`create index organisation_health_region_state_idx on organisation_health (region_id, state)`.execute(db);

  await sql`
    create table health_history (
      id bigint generated always as identity primary key,
      region_id uuid not null references regions(id),
      organisation_id uuid not null references organisations(id),
      state text not null,
      previous_state text,
      reason_codes text[] not null default '{}',
      changed_on date not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index health_history_organisation_idx on health_history (organisation_id, changed_on)`.execute(db);

  // One row per region and day: the counts behind the chart over the school year.
  await sql`
    create table health_daily_counts (
      region_id uuid not null references regions(id),
      day date not null,
      healthy integer not null,
      watch integer not null,
      cooling integer not null,
      cold integer not null,
      primary key (region_id, day)
    )`.execute(db);

  await sql`
    create table health_snoozes (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      organisation_id uuid not null references organisations(id),
      until date not null,
      reason text not null check (length(reason) between 1 and 1000),
      created_by uuid references users(id),
      created_at timestamptz not null,
      ended_at timestamptz
    )`.execute(db);
  await sql`create index health_snoozes_organisation_idx on health_snoozes (organisation_id, until) where ended_at is null`.execute(db);

  // Who takes over when a contact leaves; null is "not known yet".
  await sql`alter table affiliations add column successor_person_id uuid references people(id)`.execute(db);

  // The health computation looks up each organisation's latest live contact moment.
  await sql`create index interactions_live_organisation_date_idx on interactions (organisation_id, date desc) where archived_at is null`.execute(db);
  await sql`create index tasks_open_health_idx on tasks (organisation_id) where status = 'open' and source = 'health'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tasks_open_health_idx`.execute(db);
  await sql`drop index if exists interactions_live_organisation_date_idx`.execute(db);
  await sql`alter table affiliations drop column if exists successor_person_id`.execute(db);
  for (const table of ["health_snoozes", "health_daily_counts", "health_history", "organisation_health", "school_holidays", "region_health_settings"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
