import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists citext`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);

  await sql`
    create table regions (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
      name text not null check (length(name) between 1 and 200),
      settings jsonb not null default '{}'::jsonb,
      version integer not null default 1,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table subregions (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      name text not null check (length(name) between 1 and 200),
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      unique (region_id, name)
    )`.execute(db);

  await sql`
    create table users (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      email citext not null unique,
      name text not null check (length(name) between 1 and 200),
      role text not null check (role in ('admin', 'penvoerder', 'accounthouder', 'partner')),
      organisation_id uuid,
      password_hash text,
      locale text not null default 'nl' check (locale in ('nl', 'en')),
      active boolean not null default true,
      deactivated_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index users_region_idx on users (region_id, name)`.execute(db);

  await sql`
    create table sessions (
      id text primary key,
      user_id uuid not null references users(id) on delete cascade,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      ip text,
      user_agent text
    )`.execute(db);
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);

  // Single-use links sent by email: invitations and password resets. Only a hash is stored.
  await sql`
    create table user_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      purpose text not null check (purpose in ('invitation', 'password_reset')),
      token_hash text not null unique,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index user_tokens_user_idx on user_tokens (user_id, purpose)`.execute(db);

  await sql`
    create table api_tokens (
      id uuid primary key default gen_random_uuid(),
      user_id uuid not null references users(id) on delete cascade,
      name text not null,
      token_hash text not null unique,
      token_prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index api_tokens_user_idx on api_tokens (user_id)`.execute(db);

  await sql`
    create table sign_in_attempts (
      id bigint generated always as identity primary key,
      email citext not null,
      ip text not null,
      succeeded boolean not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index sign_in_attempts_email_idx on sign_in_attempts (email, created_at)`.execute(db);
  await sql`create index sign_in_attempts_ip_idx on sign_in_attempts (ip, created_at)`.execute(db);

  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      region_id uuid references regions(id),
      actor_id uuid references users(id),
      action text not null,
      entity_type text not null,
      entity_id text not null,
      before jsonb,
      after jsonb,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index audit_log_entity_idx on audit_log (entity_type, entity_id, created_at)`.execute(db);
  await sql`create index audit_log_region_idx on audit_log (region_id, created_at)`.execute(db);

  await sql`
    create table email_outbox (
      id uuid primary key default gen_random_uuid(),
      region_id uuid references regions(id),
      template text not null,
      to_address text not null,
      to_name text,
      subject text not null,
      html text not null,
      text text not null,
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null default now(),
      last_error text,
      created_at timestamptz not null default now(),
      sent_at timestamptz
    )`.execute(db);
  await sql`create index email_outbox_due_idx on email_outbox (next_attempt_at) where status = 'pending'`.execute(db);
  await sql`create index email_outbox_region_idx on email_outbox (region_id, created_at)`.execute(db);

  // Deployment-wide values such as the hash of the one-time setup token.
  await sql`
    create table instance_settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "instance_settings", "email_outbox", "audit_log", "sign_in_attempts", "api_tokens",
    "user_tokens", "sessions", "users", "subregions", "regions",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
