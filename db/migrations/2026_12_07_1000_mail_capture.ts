import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 16 (email capture, decisions 110–114): contact moments logged by BCC or forward.
// - interactions.source: where a contact moment came from ('manual', 'email', 'calendar').
// - mail_logging_addresses: a staff user's personal logging address (`log-` + 20 base32 characters).
//   Kept in plain text: it is shown on the profile page at any time and is not a credential on its
//   own (the sender must also be the owner). A new one revokes the old one; a revoked token stays
//   in the table, so it is never handed out again and mail to it keeps being refused.
// - mail_sender_addresses: further addresses a user sends from, usable once confirmed by a link
//   mailed to them (only a hash of the link's token is kept).
// - mail_capture_settings: per region, how much of a logged mail's text is kept, and the hash of
//   the inbound HTTP secret a mail provider relays with.
// - mail_never_log: addresses and whole domains never logged, for the region (user_id null) or one
//   user, each with the number of messages dropped because of it.
// - inbound_messages: what arrived and what became of it; (region_id, dedupe_key) is unique, so the
//   same message (Message-ID, forwarded original, calendar UID + sequence) never counts twice, also
//   when two copies arrive at once. inbound_message_interactions: the contact moments it produced.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table interactions add column source text not null default 'manual' check (source in ('manual', 'email', 'calendar'))`.execute(db);

  await sql`
    create table mail_logging_addresses (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid not null references users(id),
      token text not null unique check (token ~ '^log-[a-z2-7]{20}$'),
      created_at timestamptz not null,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create unique index mail_logging_addresses_one_per_user on mail_logging_addresses (user_id) where revoked_at is null`.execute(db);

  await sql`
    create table mail_sender_addresses (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid not null references users(id),
      email citext not null check (length(email) between 3 and 254),
      confirmation_hash text unique constraint mail_sender_addresses_confirmation_hash_is_sha256 check (confirmation_hash ~ '^[0-9a-f]{64}$'),
      confirmation_expires_at timestamptz,
      confirmed_at timestamptz,
      created_at timestamptz not null,
      unique (user_id, email)
    )`.execute(db);

  await sql`
    create table mail_capture_settings (
      region_id uuid primary key references regions(id),
      retention text not null default 'excerpt' check (retention in ('subject', 'excerpt', 'full')),
      inbound_secret_hash text unique constraint mail_capture_settings_inbound_secret_hash_is_sha256 check (inbound_secret_hash ~ '^[0-9a-f]{64}$'),
      inbound_secret_created_at timestamptz,
      updated_at timestamptz not null
    )`.execute(db);

  await sql`
    create table mail_never_log (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid references users(id),
      pattern citext not null check (pattern ~ '^([^@\\s]+@)?[^@\\s]+\\.[^@\\s]+$'),
      dropped_count integer not null default 0,
      created_by uuid references users(id),
      created_at timestamptz not null
    )`.execute(db);
  await sql`create unique index mail_never_log_unique on mail_never_log (region_id, coalesce(user_id, '00000000-0000-0000-0000-000000000000'::uuid), pattern)`.execute(db);

  await sql`
    create table inbound_messages (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid not null references users(id),
      dedupe_key text not null,
      status text not null check (status in ('logged', 'unmatched', 'discarded')),
      kind text not null check (kind in ('sent', 'forward', 'invitation', 'cancellation')),
      via text not null check (via in ('smtp', 'http')),
      message_id text,
      calendar_uid text,
      subject text,
      body text,
      attachment_names text[] not null default '{}',
      from_address text,
      from_name text,
      participants text[] not null default '{}',
      sent_at timestamptz not null,
      date date not null,
      reason text,
      created_at timestamptz not null,
      decided_at timestamptz,
      unique (region_id, dedupe_key)
    )`.execute(db);
  // The "Te koppelen" list of one user, newest first; the prune job's age scan.
  await sql`create index inbound_messages_user_status_idx on inbound_messages (user_id, status, created_at desc)`.execute(db);
  await sql`create index inbound_messages_status_created_idx on inbound_messages (status, created_at)`.execute(db);
  await sql`create index inbound_messages_calendar_uid_idx on inbound_messages (region_id, calendar_uid) where calendar_uid is not null`.execute(db);

  await sql`
    create table inbound_message_interactions (
      region_id uuid not null references regions(id),
      inbound_message_id uuid not null references inbound_messages(id) on delete cascade,
      interaction_id uuid not null references interactions(id),
      primary key (inbound_message_id, interaction_id)
    )`.execute(db);
  await sql`create index inbound_message_interactions_interaction_idx on inbound_message_interactions (interaction_id)`.execute(db);

  for (const table of ["mail_logging_addresses", "mail_sender_addresses", "mail_capture_settings", "mail_never_log", "inbound_messages", "inbound_message_interactions"]) {
    await sql`select enable_region_row_security(${table}::regclass)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ["inbound_message_interactions", "inbound_messages", "mail_never_log", "mail_capture_settings", "mail_sender_addresses", "mail_logging_addresses"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`alter table interactions drop column if exists source`.execute(db);
}
