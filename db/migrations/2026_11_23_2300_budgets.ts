import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 6, item 4: per school year the region's subsidised budget and its co-financing target.
// The target is a share of the budget in basis points (1000 = 10%, the 2025 scheme's minimum), so
// "10%" stays exact and the target in cents is derived, never typed twice.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table school_year_budgets (
      region_id uuid not null references regions(id),
      school_year text not null check (
        school_year ~ '^[0-9]{4}-[0-9]{4}$'
        and substr(school_year, 6, 4)::int = substr(school_year, 1, 4)::int + 1
      ),
      budget_cents bigint not null check (budget_cents >= 0),
      target_basis_points integer not null default 1000 check (target_basis_points between 0 and 10000),
      notes text check (length(notes) <= 2000),
      version integer not null default 1,
      updated_by uuid references users(id),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (region_id, school_year)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("school_year_budgets").ifExists().execute();
}
