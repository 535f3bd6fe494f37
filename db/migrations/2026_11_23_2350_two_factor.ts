import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 8, item 3: two-factor sign-in (TOTP with recovery codes), which a region can require of its
// admins and penvoerders, and the challenge that sits between the password and the code.
export async function up(db: Kysely<any>): Promise<void> {
  // The secret is stored while enrolling (enabled_at null) and kept once confirmed. last_step is the
  // time step of the last accepted code, so a code seen over someone's shoulder cannot be replayed.
  await sql`
    alter table users
      add column totp_secret text,
      add column totp_enabled_at timestamptz,
      add column totp_last_step bigint`.execute(db);
  await sql`alter table users add constraint users_totp_enabled_needs_secret check (totp_enabled_at is null or totp_secret is not null)`.execute(db);
  await sql`alter table regions add column require_two_factor boolean not null default false`.execute(db);

  // Single-use recovery codes, only their hashes.
  await sql`
    create table user_recovery_codes (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      code_hash text not null,
      created_at timestamptz not null,
      used_at timestamptz
    )`.execute(db);
  await sql`create index user_recovery_codes_user_idx on user_recovery_codes (user_id) where used_at is null`.execute(db);

  // "Password right, code still to come": a short-lived challenge, hashed, with a count of wrong codes.
  await sql`
    create table two_factor_challenges (
      token_hash text primary key,
      user_id uuid not null references users(id) on delete cascade,
      expires_at timestamptz not null,
      failed_attempts integer not null default 0,
      created_at timestamptz not null
    )`.execute(db);
  await sql`create index two_factor_challenges_user_idx on two_factor_challenges (user_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("two_factor_challenges").ifExists().execute();
  await db.schema.dropTable("user_recovery_codes").ifExists().execute();
  await sql`alter table regions drop column if exists require_two_factor`.execute(db);
  await sql`alter table users drop constraint if exists users_totp_enabled_needs_secret, drop column if exists totp_secret, drop column if exists totp_enabled_at, drop column if exists totp_last_step`.execute(db);
}
