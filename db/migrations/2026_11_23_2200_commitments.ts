import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Co-financing (issue 6, items 1 and 8): what a partner pledges per school year, in cash or in kind,
// the dated realisations against it, and the evidence documents they rest on. Money is integer cents.
export async function up(db: Kysely<any>): Promise<void> {
  // Uploaded evidence, kept with the record so an auditor finds it where the figure is. Region scoped.
  await sql`
    create table documents (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      file_name text not null check (length(file_name) between 1 and 255),
      content_type text not null check (content_type in ('application/pdf', 'image/png', 'image/jpeg')),
      size_bytes integer not null check (size_bytes between 1 and 10485760),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      content bytea not null,
      created_by uuid references users(id),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index documents_region_idx on documents (region_id)`.execute(db);

  await sql`
    create table commitments (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      organisation_id uuid not null references organisations(id),
      school_year text not null check (
        school_year ~ '^[0-9]{4}-[0-9]{4}$'
        and substr(school_year, 6, 4)::int = substr(school_year, 1, 4)::int + 1
      ),
      kind text not null check (kind in ('cash', 'in_kind')),
      category text not null check (category in ('cash', 'hours', 'materials', 'equipment', 'premises', 'internship_supervision', 'guest_lessons', 'other')),
      amount_cents bigint not null check (amount_cents >= 0),
      hours numeric(10, 2) check (hours is null or hours > 0),
      hourly_rate_cents bigint check (hourly_rate_cents is null or hourly_rate_cents >= 0),
      valuation text check (valuation in ('hours_rate', 'invoice', 'fair_value')),
      status text not null default 'pledged' check (status in ('pledged', 'agreed', 'realised', 'accounted', 'lapsed')),
      agreement_reference text check (length(agreement_reference) <= 200),
      notes text check (length(notes) <= 2000),
      confirmed_at timestamptz,
      confirmed_by uuid references users(id),
      version integer not null default 1,
      created_by uuid references users(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      archived_at timestamptz,
      -- Cash is cash; in kind has its own categories and a valuation method.
      constraint commitments_kind_category check ((kind = 'cash') = (category = 'cash')),
      constraint commitments_kind_valuation check ((kind = 'cash') = (valuation is null)),
      -- Hours × rate: the amount is the product, to the cent, never typed in separately.
      constraint commitments_hours_rate check (
        valuation is distinct from 'hours_rate'
        or (hours is not null and hourly_rate_cents is not null and amount_cents = round(hours * hourly_rate_cents))
      )
    )`.execute(db);
  await sql`create index commitments_region_year_idx on commitments (region_id, school_year, created_at, id)`.execute(db);
  await sql`create index commitments_organisation_idx on commitments (organisation_id)`.execute(db);

  await sql`
    create table commitment_realisations (
      id uuid primary key default gen_random_uuid(),
      commitment_id uuid not null references commitments(id),
      region_id uuid not null references regions(id),
      date date not null,
      amount_cents bigint not null check (amount_cents > 0),
      description text check (length(description) <= 2000),
      evidence_reference text check (length(evidence_reference) <= 500),
      evidence_document_id uuid references documents(id),
      created_by uuid references users(id),
      created_at timestamptz not null,
      archived_at timestamptz
    )`.execute(db);
  await sql`create index commitment_realisations_commitment_idx on commitment_realisations (commitment_id) where archived_at is null`.execute(db);
  await sql`create index commitment_realisations_document_idx on commitment_realisations (evidence_document_id) where evidence_document_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("commitment_realisations").ifExists().execute();
  await db.schema.dropTable("commitments").ifExists().execute();
  await db.schema.dropTable("documents").ifExists().execute();
}
