import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Decision 152: one row that proves which SCHAKEL_SECRET_KEY this database's secrets are encrypted
// with — a known text sealed with it by the first start. An instance started with another key
// cannot open it and refuses to start, instead of failing every two-factor sign-in later.
// No region data (no region_id): row-level security does not apply.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table secret_key_check (
      id boolean primary key default true check (id),
      verifier text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists secret_key_check`.execute(db);
}
