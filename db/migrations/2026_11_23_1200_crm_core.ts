import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// The CRM core of issue 3: organisations, people and their jobs over time, account holders over time,
// contact moments and tasks. Region-scoped tables carry region_id so every query can filter on it.
export async function up(db: Kysely<any>): Promise<void> {
  // unaccent() is only STABLE; an index needs an IMMUTABLE function, so we pin the dictionary.
  await sql`
    create function immutable_unaccent(text) returns text
    language sql immutable parallel safe strict
    as $$ select public.unaccent('public.unaccent'::regdictionary, $1) $$`.execute(db);

  await sql`
    create table organisations (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      kind text not null check (kind in ('company', 'trade_school', 'mbo', 'vmbo', 'primary', 'partner')),
      name text not null check (length(name) between 1 and 200),
      kvk_number text check (kvk_number ~ '^[0-9]{8}$'),
      kvk_branch_number text check (kvk_branch_number ~ '^[0-9]{12}$'),
      brin_code text check (brin_code ~ '^[0-9]{2}[A-Z]{2}([0-9]{2})?$'),
      sector text,
      street text,
      postal_code text,
      city text,
      website text,
      subregion_id uuid references subregions(id),
      tier text not null default 'regular' check (tier in ('strategic', 'regular', 'occasional')),
      status text not null default 'active' check (status in ('prospect', 'active', 'paused', 'ended')),
      tags text[] not null default '{}',
      vmbo_profiles text[] not null default '{}',
      learning_paths text[] not null default '{}',
      sbb_recognised boolean not null default false,
      crebo_numbers text[] not null default '{}',
      account_holder_id uuid references users(id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      archived_at timestamptz
    )`.execute(db);
  await sql`create unique index organisations_kvk_unique on organisations (region_id, kvk_number) where kvk_number is not null and archived_at is null`.execute(db);
  await sql`create index organisations_region_name_idx on organisations (region_id, lower(name), id)`.execute(db);
  await sql`create index organisations_account_holder_idx on organisations (account_holder_id) where archived_at is null`.execute(db);
  await sql`create index organisations_name_trgm_idx on organisations using gin (immutable_unaccent(lower(name)) gin_trgm_ops)`.execute(db);
  await sql`create index organisations_tags_idx on organisations using gin (tags)`.execute(db);

  await sql`
    create table people (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      name text not null check (length(name) between 1 and 200),
      email citext,
      phone text,
      lawful_basis text not null default 'legitimate_interest'
        check (lawful_basis in ('legitimate_interest', 'consent', 'contract', 'public_task')),
      source text,
      opt_out boolean not null default false,
      review_date date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      archived_at timestamptz,
      anonymised_at timestamptz
    )`.execute(db);
  await sql`create index people_region_name_idx on people (region_id, lower(name), id)`.execute(db);
  await sql`create index people_name_trgm_idx on people using gin (immutable_unaccent(lower(name)) gin_trgm_ops)`.execute(db);
  await sql`create index people_email_idx on people (region_id, email) where email is not null`.execute(db);

  // A job: kept for ever. Leaving ends it with a date and a reason; it is never deleted.
  await sql`
    create table affiliations (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      person_id uuid not null references people(id),
      organisation_id uuid not null references organisations(id),
      role text,
      is_primary boolean not null default false,
      start_date date not null,
      end_date date,
      end_reason text check (end_reason in ('left_organisation', 'other_role', 'retired', 'other')),
      created_at timestamptz not null default now(),
      ended_at timestamptz,
      check (end_date is null or end_date >= start_date),
      check ((end_date is null) = (end_reason is null))
    )`.execute(db);
  await sql`create unique index affiliations_one_primary on affiliations (organisation_id) where is_primary and end_date is null`.execute(db);
  await sql`create index affiliations_organisation_idx on affiliations (organisation_id, end_date)`.execute(db);
  await sql`create index affiliations_person_idx on affiliations (person_id)`.execute(db);

  // Who owned the relationship when: one open period per organisation.
  await sql`
    create table account_holder_periods (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      organisation_id uuid not null references organisations(id),
      user_id uuid not null references users(id),
      started_at timestamptz not null,
      ended_at timestamptz,
      assigned_by uuid references users(id)
    )`.execute(db);
  await sql`create unique index account_holder_periods_open on account_holder_periods (organisation_id) where ended_at is null`.execute(db);
  await sql`create index account_holder_periods_org_idx on account_holder_periods (organisation_id, started_at)`.execute(db);

  await sql`
    create table interactions (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      organisation_id uuid not null references organisations(id),
      kind text not null check (kind in ('meeting', 'call', 'email', 'visit', 'event')),
      date date not null,
      user_id uuid references users(id),
      summary text not null check (length(summary) between 1 and 5000),
      next_step text,
      created_at timestamptz not null default now(),
      archived_at timestamptz
    )`.execute(db);
  await sql`create index interactions_organisation_date_idx on interactions (organisation_id, date desc)`.execute(db);
  await sql`create index interactions_region_date_idx on interactions (region_id, date desc)`.execute(db);

  await sql`
    create table interaction_people (
      interaction_id uuid not null references interactions(id),
      person_id uuid not null references people(id),
      primary key (interaction_id, person_id)
    )`.execute(db);
  await sql`create index interaction_people_person_idx on interaction_people (person_id)`.execute(db);

  await sql`
    create table tasks (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      organisation_id uuid references organisations(id),
      assignee_id uuid not null references users(id),
      title text not null check (length(title) between 1 and 500),
      due_date date not null,
      status text not null default 'open' check (status in ('open', 'done')),
      source text not null default 'manual' check (source in ('manual', 'handover', 'health')),
      interaction_id uuid references interactions(id),
      created_by uuid references users(id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      completed_at timestamptz
    )`.execute(db);
  await sql`create index tasks_assignee_open_idx on tasks (assignee_id, due_date) where status = 'open'`.execute(db);
  await sql`create index tasks_organisation_idx on tasks (organisation_id)`.execute(db);

  // A partner user belongs to an organisation (the foundation left this column without a key).
  await sql`alter table users add constraint users_organisation_fk foreign key (organisation_id) references organisations(id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop constraint if exists users_organisation_fk`.execute(db);
  for (const table of ["tasks", "interaction_people", "interactions", "account_holder_periods", "affiliations", "people", "organisations"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists immutable_unaccent(text)`.execute(db);
}
