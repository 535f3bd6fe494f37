import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Issue 14, item 9 (decision 096): a session id in the database signed whoever held it in. Sessions
// now keep only the SHA-256 (hex) of the token in the cookie, like every other token already did.
// Existing sessions are hashed in place, so nobody is signed out by the upgrade: the browser's cookie
// still holds the old id, whose hash is now the stored one.
//
// Every column that holds a token's hash must look like one (64 hex digits), so a raw token can
// never be stored there again by mistake.
//
// TOTP secrets are encrypted with SCHAKEL_SECRET_KEY, which a migration does not have: the server
// encrypts any plaintext ones at start-up, right after migrating (decision 097).
const HASHED = [
  ["sessions", "id"],
  ["user_tokens", "token_hash"],
  ["api_tokens", "token_hash"],
  ["two_factor_challenges", "token_hash"],
  ["calendar_feeds", "token_hash"],
  ["user_recovery_codes", "code_hash"],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`update sessions set id = encode(sha256(convert_to(id, 'UTF8')), 'hex') where id !~ '^[0-9a-f]{64}$'`.execute(db);
  for (const [table, column] of HASHED) {
    await sql`alter table ${sql.table(table)} add constraint ${sql.id(`${table}_${column}_is_sha256`)} check (${sql.ref(column)} ~ '^[0-9a-f]{64}$')`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  // The hashes stay: the tokens they came from are gone, so the older code signs everyone out.
  for (const [table, column] of HASHED) {
    await sql`alter table ${sql.table(table)} drop constraint if exists ${sql.id(`${table}_${column}_is_sha256`)}`.execute(db);
  }
}
