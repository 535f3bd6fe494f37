import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 5, part one: what the collaboration produces. One row per activity; the organisations
// taking part (partners and schools) in a link table, so one activity can have several of each
// and "which activities did this organisation take part in" is one index lookup (health reads it).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table activities (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      type text not null check (type in ('internship', 'guest_lesson', 'company_visit', 'workshop', 'event', 'elective', 'teacher_placement', 'training', 'technolab')),
      title text not null check (length(title) between 1 and 200),
      description text,
      start_date date not null,
      end_date date not null,
      start_time time,
      end_time time,
      status text not null default 'planned' check (status in ('offered', 'planned', 'done', 'cancelled')),
      profiles text[] not null default '{}',
      learning_paths text[] not null default '{}',
      hours numeric(8, 2) check (hours >= 0),
      pupils_reached integer check (pupils_reached >= 0),
      teachers_involved integer check (teachers_involved >= 0),
      places_offered integer check (places_offered >= 0),
      places_filled integer check (places_filled >= 0),
      -- The partner's person: the speaker of a guest lesson, the supervisor of an internship.
      person_id uuid references people(id),
      -- Type-specific extras that no query filters on (class, topic, location), validated by the service.
      details jsonb not null default '{}'::jsonb,
      shared_with_region_ids uuid[] not null default '{}',
      created_by uuid references users(id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      archived_at timestamptz,
      check (end_date >= start_date),
      check (places_filled is null or places_offered is null or places_filled <= places_offered),
      check (status <> 'done' or (pupils_reached is not null and teachers_involved is not null))
    )`.execute(db);
  await sql`create index activities_region_start_idx on activities (region_id, start_date desc, id desc) where archived_at is null`.execute(db);
  await sql`create index activities_profiles_idx on activities using gin (profiles)`.execute(db);
  await sql`create index activities_person_idx on activities (person_id) where person_id is not null`.execute(db);

  await sql`
    create table activity_organisations (
      activity_id uuid not null references activities(id),
      organisation_id uuid not null references organisations(id),
      role text not null check (role in ('partner', 'school')),
      primary key (activity_id, organisation_id, role)
    )`.execute(db);
  await sql`create index activity_organisations_organisation_idx on activity_organisations (organisation_id, activity_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("activity_organisations").ifExists().execute();
  await db.schema.dropTable("activities").ifExists().execute();
}
