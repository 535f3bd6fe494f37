import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Sign-in with the school's own account (OpenID Connect, decision 127):
// - oidc_providers: per region, the identity provider its staff sign in with. The client secret is
//   ciphertext under SCHAKEL_SECRET_KEY ("v1:…"), never plaintext. `provision`: 'invited' lets in
//   only users who exist; 'domain' makes an account with `provision_role` for a verified address in
//   the region's domains. `school_account_only`: the region's staff may not sign in with a password.
// - oidc_domains: the email domains a region's provider answers for. The primary key is the domain,
//   so a domain belongs to one region at most.
// - user_identities: a user's account at an identity provider, by the provider's stable subject id
//   (the address can change at the provider; the subject does not).
// - oidc_sign_in_states: one started sign-in, keyed by the hash of its state (the browser holds the
//   state in a short-lived cookie), with the nonce and PKCE verifier. Deleted when used: single-use.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table oidc_providers (
      region_id uuid primary key references regions(id),
      kind text not null default 'other' check (kind in ('entra', 'google', 'other')),
      issuer text not null check (issuer ~ '^https?://' and length(issuer) <= 500),
      client_id text not null check (length(client_id) between 1 and 300),
      client_secret text not null check (client_secret like 'v1:%'),
      label text not null check (length(label) between 1 and 60),
      provision text not null default 'invited' check (provision in ('invited', 'domain')),
      provision_role text not null default 'accounthouder' check (provision_role in ('penvoerder', 'accounthouder')),
      school_account_only boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);

  await sql`
    create table oidc_domains (
      domain citext primary key check (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
      region_id uuid not null references oidc_providers(region_id) on delete cascade
    )`.execute(db);
  await sql`create index oidc_domains_region_idx on oidc_domains (region_id)`.execute(db);

  await sql`
    create table user_identities (
      id uuid primary key default gen_random_uuid(),
      region_id uuid not null references regions(id),
      user_id uuid not null references users(id),
      issuer text not null,
      subject text not null check (length(subject) between 1 and 255),
      email citext,
      created_at timestamptz not null,
      last_used_at timestamptz,
      unique (issuer, subject),
      unique (user_id, issuer)
    )`.execute(db);

  await sql`
    create table oidc_sign_in_states (
      state_hash text primary key check (state_hash ~ '^[0-9a-f]{64}$'),
      region_id uuid not null references regions(id),
      nonce text not null,
      code_verifier text not null,
      mode text not null check (mode in ('sign_in', 'link')),
      user_id uuid references users(id),
      redirect_to text not null default '/',
      created_at timestamptz not null,
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index oidc_sign_in_states_expires_idx on oidc_sign_in_states (expires_at)`.execute(db);

  // Whether the identity provider did the second factor of this session (its `amr`): then the
  // region's two-factor requirement is met without Schakel's own code.
  await sql`alter table sessions add column second_factor_by_provider boolean not null default false`.execute(db);

  for (const table of ["oidc_providers", "oidc_domains", "user_identities", "oidc_sign_in_states"]) {
    await sql`select enable_region_row_security(${table}::regclass)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table sessions drop column if exists second_factor_by_provider`.execute(db);
  for (const table of ["oidc_sign_in_states", "user_identities", "oidc_domains", "oidc_providers"]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
