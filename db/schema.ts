import type { ColumnType, Generated, Insertable, RawBuilder, Selectable, Updateable } from "kysely";

/**
 * The Kysely view of the database, written by hand next to the migrations in db/migrations.
 * A column with a default is `Generated`; timestamps read as Date; `date` columns read as
 * 'YYYY-MM-DD' strings (see server/db/database.ts).
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** jsonb: written only through `jsonb(value)` from server/db/json.ts, read as parsed JSON. */
type Json = ColumnType<unknown, RawBuilder<unknown>, RawBuilder<unknown>>;

export const ROLES = ["admin", "penvoerder", "accounthouder", "partner"] as const;
export type Role = (typeof ROLES)[number];
export const LOCALES = ["nl", "en"] as const;
export type Locale = (typeof LOCALES)[number];

export interface RegionsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  settings: ColumnType<Record<string, unknown>, RawBuilder<unknown> | undefined, RawBuilder<unknown>>;
  version: Generated<number>;
  created_at: Generated<Date>;
}

export interface SubregionsTable {
  id: Generated<string>;
  region_id: string;
  name: string;
  archived_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  region_id: string;
  email: string;
  name: string;
  role: Role;
  organisation_id: string | null;
  password_hash: string | null;
  locale: Generated<Locale>;
  active: Generated<boolean>;
  deactivated_at: Timestamp | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  expires_at: Timestamp;
  created_at: Generated<Date>;
  ip: string | null;
  user_agent: string | null;
}

export type UserTokenPurpose = "invitation" | "password_reset";
export interface UserTokensTable {
  id: Generated<string>;
  user_id: string;
  purpose: UserTokenPurpose;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: Generated<Date>;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: Generated<Date>;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SignInAttemptsTable {
  id: Generated<string>;
  email: string;
  ip: string;
  succeeded: boolean;
  created_at: Generated<Date>;
}

export interface AuditLogTable {
  id: Generated<string>;
  region_id: string | null;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json | null;
  after: Json | null;
  created_at: Generated<Date>;
}

export type EmailStatus = "pending" | "sent" | "failed";
export interface EmailOutboxTable {
  id: Generated<string>;
  region_id: string | null;
  template: string;
  to_address: string;
  to_name: string | null;
  subject: string;
  html: string;
  text: string;
  status: Generated<EmailStatus>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Timestamp | null;
}

export interface InstanceSettingsTable {
  key: string;
  value: Json;
  updated_at: Generated<Date>;
}

export interface DB {
  regions: RegionsTable;
  subregions: SubregionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  user_tokens: UserTokensTable;
  api_tokens: ApiTokensTable;
  sign_in_attempts: SignInAttemptsTable;
  audit_log: AuditLogTable;
  email_outbox: EmailOutboxTable;
  instance_settings: InstanceSettingsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Region = Selectable<RegionsTable>;
export type EmailOutboxRow = Selectable<EmailOutboxTable>;
