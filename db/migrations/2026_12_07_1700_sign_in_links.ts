import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
// Partners sign in with an emailed single-use link (decision 126):
// - user_tokens gains the purpose sign_in_link (only the token's hash is stored, as for the others);
// - sign_in_link_requests: "send me a link" requests, queued so the request does the same work
//   whether or not the address belongs to a partner; the email job looks them up and sends the links
//   (as password_reset_requests does). No region data: row-level security does not apply;
// - users.joined_at: when the user first got in without choosing a password (accepting the
//   invitation, or a sign-in link), so such a partner no longer counts as invited.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table user_tokens drop constraint user_tokens_purpose_check`.execute(db);
  await sql`alter table user_tokens add constraint user_tokens_purpose_check check (purpose in ('invitation', 'password_reset', 'sign_in_link'))`.execute(db);
  await sql`
    create table sign_in_link_requests (
      id bigint generated always as identity primary key,
      email citext not null,
      created_at timestamptz not null
    )`.execute(db);
  await sql`alter table users add column joined_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column joined_at`.execute(db);
  await sql`drop table if exists sign_in_link_requests`.execute(db);
  await sql`delete from user_tokens where purpose = 'sign_in_link'`.execute(db);
  await sql`alter table user_tokens drop constraint user_tokens_purpose_check`.execute(db);
  await sql`alter table user_tokens add constraint user_tokens_purpose_check check (purpose in ('invitation', 'password_reset'))`.execute(db);
}
