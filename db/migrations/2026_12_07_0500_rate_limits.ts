import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 14, items 4 and 8 (decisions 098, 099): limits that every app process shares live here.
// - rate_limit_buckets: one token bucket per key ("api:token:…", "reset:email:…", …); one upsert
//   per request refills it by the time elapsed and takes a token. UNLOGGED: written on every API
//   request, it skips the WAL and its flush at commit; after a crash PostgreSQL empties it, which
//   only gives every caller a full bucket again (decision 098).
// - second_factor_failures: wrong two-factor codes per account across challenges, and the lockout
//   they lead to (its length doubles with each lockout).
// - password_reset_requests: "forgot password" requests, queued so the request does the same work
//   whether or not the address has an account; the email job looks them up and sends the links.
// None of them holds region data (no region_id): row-level security does not apply.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create unlogged table rate_limit_buckets (
      key text primary key,
      tokens double precision not null,
      allowed boolean not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index rate_limit_buckets_updated_at_idx on rate_limit_buckets (updated_at)`.execute(db);

  await sql`
    create table second_factor_failures (
      user_id uuid primary key references users(id) on delete cascade,
      failed_count integer not null default 0,
      window_started_at timestamptz not null,
      locked_until timestamptz,
      lockouts integer not null default 0
    )`.execute(db);

  await sql`
    create table password_reset_requests (
      id bigint generated always as identity primary key,
      email citext not null,
      created_at timestamptz not null
    )`.execute(db);

  // The per-address checks of signing in look for a success of this account from this address.
  await sql`create index sign_in_attempts_email_ip_idx on sign_in_attempts (email, ip, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists sign_in_attempts_email_ip_idx`.execute(db);
  await sql`drop table if exists password_reset_requests`.execute(db);
  await sql`drop table if exists second_factor_failures`.execute(db);
  await sql`drop table if exists rate_limit_buckets`.execute(db);
}
