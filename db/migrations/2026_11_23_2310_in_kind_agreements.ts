import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 6, items 2 and 3: done activities counted as in-kind realisation (valued at the region's
// hourly rate per activity type), and the agreements commitments rest on, with their expiry reminder.
export async function up(db: Kysely<any>): Promise<void> {
  // The region's hourly rate per activity type; a type without a row uses the built-in default.
  await sql`
    create table in_kind_rates (
      region_id uuid not null references regions(id),
      activity_type text not null check (activity_type in ('internship', 'guest_lesson', 'company_visit', 'workshop', 'event', 'elective', 'teacher_placement', 'training', 'technolab')),
      hourly_rate_cents bigint not null check (hourly_rate_cents >= 0),
      updated_by uuid references users(id),
      updated_at timestamptz not null,
      primary key (region_id, activity_type)
    )`.execute(db);

  // A realisation that came from a done activity says which, and for how many hours.
  await sql`alter table commitment_realisations add column activity_id uuid references activities(id)`.execute(db);
  await sql`alter table commitment_realisations add column hours numeric(10, 2) check (hours is null or hours > 0)`.execute(db);
  await sql`alter table commitment_realisations add constraint commitment_realisations_activity_hours check (activity_id is null or hours is not null)`.execute(db);
  // No amount counted twice: a live realisation per activity, across all commitments.
  await sql`create unique index commitment_realisations_activity_once on commitment_realisations (activity_id) where activity_id is not null and archived_at is null`.execute(db);

  // An activity the penvoerder decided not to count: it is not proposed again until the rejection is undone.
  await sql`
    create table in_kind_rejections (
      activity_id uuid primary key references activities(id),
      region_id uuid not null references regions(id),
      reason text not null check (length(reason) between 1 and 500),
      created_by uuid references users(id),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index in_kind_rejections_region_idx on in_kind_rejections (region_id)`.execute(db);

  await sql`
    create table agreements (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      kind text not null check (kind in ('letter_of_intent', 'cooperation_agreement', 'covenant')),
      title text not null check (length(title) between 1 and 200),
      signed_on date not null,
      expires_on date check (expires_on is null or expires_on >= signed_on),
      document_id uuid references documents(id),
      owner_id uuid references users(id),
      notes text check (length(notes) <= 2000),
      version integer not null default 1,
      created_by uuid references users(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      archived_at timestamptz
    )`.execute(db);
  await sql`create index agreements_region_idx on agreements (region_id, signed_on desc, id)`.execute(db);
  await sql`create index agreements_expiry_idx on agreements (expires_on) where expires_on is not null and archived_at is null`.execute(db);

  await sql`
    create table agreement_parties (
      agreement_id uuid not null references agreements(id),
      organisation_id uuid not null references organisations(id),
      primary key (agreement_id, organisation_id)
    )`.execute(db);
  await sql`create index agreement_parties_organisation_idx on agreement_parties (organisation_id)`.execute(db);

  await sql`alter table commitments add column agreement_id uuid references agreements(id)`.execute(db);

  // Which expiry reminders were queued: once per agreement and expiry date (a renewed agreement gets a new one).
  await sql`
    create table agreement_reminders (
      agreement_id uuid not null references agreements(id),
      for_date date not null,
      created_at timestamptz not null,
      primary key (agreement_id, for_date)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("agreement_reminders").ifExists().execute();
  await sql`alter table commitments drop column if exists agreement_id`.execute(db);
  await db.schema.dropTable("agreement_parties").ifExists().execute();
  await db.schema.dropTable("agreements").ifExists().execute();
  await db.schema.dropTable("in_kind_rejections").ifExists().execute();
  await sql`drop index if exists commitment_realisations_activity_once`.execute(db);
  await sql`alter table commitment_realisations drop constraint if exists commitment_realisations_activity_hours`.execute(db);
  await sql`alter table commitment_realisations drop column if exists hours`.execute(db);
  await sql`alter table commitment_realisations drop column if exists activity_id`.execute(db);
  await db.schema.dropTable("in_kind_rates").ifExists().execute();
}
