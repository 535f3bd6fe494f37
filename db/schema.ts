import type { ColumnType, Generated, RawBuilder } from "kysely";

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
  /** Admins and penvoerders of the region must sign in with a second factor. */
  require_two_factor: Generated<boolean>;
  /** Months after their last job ended that a departed contact is anonymised; null: never by itself. */
  retention_months: ColumnType<number | null, number | null | undefined, number | null>;
  /** Every staff member may work every partner of the region, not only account holders and the organisation's owner. */
  staff_work_every_partner: Generated<boolean>;
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
  /** The weekly digest: whether it comes, and on which ISO weekday (1 = Monday). */
  digest_enabled: Generated<boolean>;
  digest_weekday: Generated<number>;
  /**
   * Two-factor sign-in: the TOTP secret (while enrolling, enabled_at is null), encrypted with
   * SCHAKEL_SECRET_KEY ("v1:…", server/auth/secret-key.ts), and the last accepted time step.
   */
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  totp_last_step: ColumnType<string | null, number | string | null, number | string | null>;
  /** When the user first got in without choosing a password (invitation accepted, or a sign-in link). */
  joined_at: Timestamp | null;
}

export interface UserRecoveryCodesTable {
  id: Generated<string>;
  user_id: string;
  code_hash: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface TwoFactorChallengesTable {
  token_hash: string;
  user_id: string;
  expires_at: Timestamp;
  failed_attempts: Generated<number>;
  created_at: Timestamp;
}

export interface SessionsTable {
  /** The hex SHA-256 of the token in the cookie; the token itself is never stored. */
  id: string;
  user_id: string;
  expires_at: Timestamp;
  created_at: Generated<Date>;
  ip: string | null;
  user_agent: string | null;
  /** The identity provider did a second factor for this session (its `amr`, decision 127). */
  second_factor_by_provider: Generated<boolean>;
}

export type OidcProviderKind = "entra" | "google" | "other";
export type OidcProvision = "invited" | "domain";
/** A region's identity provider for staff sign-in (decision 127); the secret is "v1:…" ciphertext. */
export interface OidcProvidersTable {
  region_id: string;
  kind: Generated<OidcProviderKind>;
  issuer: string;
  client_id: string;
  client_secret: string;
  label: string;
  provision: Generated<OidcProvision>;
  provision_role: Generated<"penvoerder" | "accounthouder">;
  school_account_only: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** An email domain a region's identity provider answers for; each domain belongs to one region at most. */
export interface OidcDomainsTable {
  domain: string;
  region_id: string;
}

/** A user's account at an identity provider, by its stable subject id. */
export interface UserIdentitiesTable {
  id: Generated<string>;
  region_id: string;
  user_id: string;
  issuer: string;
  subject: string;
  email: string | null;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
}

/** A started OpenID Connect sign-in, keyed by the hash of its state; single-use. */
export interface OidcSignInStatesTable {
  state_hash: string;
  region_id: string;
  nonce: string;
  code_verifier: string;
  mode: "sign_in" | "link";
  user_id: string | null;
  redirect_to: Generated<string>;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type UserTokenPurpose = "invitation" | "password_reset" | "sign_in_link";
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

/** A token bucket of a rate limit (server/auth/rate-limit.ts): one row per key. */
export interface RateLimitBucketsTable {
  key: string;
  tokens: number;
  allowed: boolean;
  updated_at: Timestamp;
}

/** Wrong two-factor codes of an account across challenges, and its lockout (decision 099). */
export interface SecondFactorFailuresTable {
  user_id: string;
  failed_count: Generated<number>;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
  lockouts: Generated<number>;
}

/** "Forgot password" requests waiting for the email job (decision 098). */
export interface PasswordResetRequestsTable {
  id: Generated<string>;
  email: string;
  created_at: Timestamp;
}

/** "Send me a sign-in link" requests, answered by the email job (decision 126). */
export interface SignInLinkRequestsTable {
  id: Generated<string>;
  email: string;
  created_at: Timestamp;
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

export const ORGANISATION_KINDS = ["company", "trade_school", "mbo", "vmbo", "primary", "partner"] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
export const TIERS = ["strategic", "regular", "occasional"] as const;
export type Tier = (typeof TIERS)[number];
export const ORGANISATION_STATUSES = ["prospect", "active", "paused", "ended"] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];
export const END_REASONS = ["left_organisation", "other_role", "retired", "other"] as const;
export type EndReason = (typeof END_REASONS)[number];
export const INTERACTION_KINDS = ["meeting", "call", "email", "visit", "event"] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];
export const LAWFUL_BASES = ["legitimate_interest", "consent", "contract", "public_task"] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];
export const INTERACTION_SOURCES = ["manual", "email", "calendar"] as const;
/** Where a contact moment came from: typed in, or logged from a mail or a meeting invitation (issue 16). */
export type InteractionSource = (typeof INTERACTION_SOURCES)[number];
/** How a contact moment went, as its account holder saw it (goed / neutraal / zorgen); optional. */
export const INTERACTION_SENTIMENTS = ["good", "neutral", "concerned"] as const;
export type InteractionSentiment = (typeof INTERACTION_SENTIMENTS)[number];
export type TaskStatus = "open" | "done";
export type TaskSource = "manual" | "handover" | "health" | "contact_joined" | "plan";
/** A `date` column: a calendar day as 'YYYY-MM-DD'. */
type CalendarDay = string;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface OrganisationsTable {
  id: Generated<string>;
  region_id: string;
  kind: OrganisationKind;
  name: string;
  kvk_number: string | null;
  kvk_branch_number: string | null;
  brin_code: string | null;
  sector: string | null;
  street: string | null;
  postal_code: string | null;
  city: string | null;
  website: string | null;
  subregion_id: string | null;
  tier: Generated<Tier>;
  status: Generated<OrganisationStatus>;
  tags: TextArray;
  vmbo_profiles: TextArray;
  learning_paths: TextArray;
  sbb_recognised: Generated<boolean>;
  crebo_numbers: TextArray;
  account_holder_id: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  archived_at: Timestamp | null;
}

export interface PeopleTable {
  id: Generated<string>;
  region_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  lawful_basis: Generated<LawfulBasis>;
  source: string | null;
  opt_out: Generated<boolean>;
  review_date: CalendarDay | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  archived_at: Timestamp | null;
  anonymised_at: Timestamp | null;
}

export interface AffiliationsTable {
  id: Generated<string>;
  region_id: string;
  person_id: string;
  organisation_id: string;
  role: string | null;
  is_primary: Generated<boolean>;
  start_date: CalendarDay;
  end_date: CalendarDay | null;
  end_reason: EndReason | null;
  created_at: Generated<Date>;
  ended_at: Timestamp | null;
  successor_person_id: string | null;
}

export interface AccountHolderPeriodsTable {
  id: Generated<string>;
  region_id: string;
  organisation_id: string;
  user_id: string;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  assigned_by: string | null;
}

export interface InteractionsTable {
  id: Generated<string>;
  region_id: string;
  organisation_id: string;
  kind: InteractionKind;
  date: CalendarDay;
  user_id: string | null;
  summary: string;
  next_step: string | null;
  created_at: Generated<Date>;
  archived_at: Timestamp | null;
  source: Generated<InteractionSource>;
  version: Generated<number>;
  updated_at: Timestamp | null;
  /** The account holder's own view of how it went; "concerned" is a health signal (decision 137). */
  sentiment: InteractionSentiment | null;
}

export interface InteractionPeopleTable {
  interaction_id: string;
  person_id: string;
}

/** A known contact now working at an organisation that is not a partner yet ("Kansen", decision 129). */
export interface LeadsTable {
  id: Generated<string>;
  region_id: string;
  person_id: string;
  from_organisation_id: string | null;
  from_end_date: CalendarDay | null;
  to_organisation_id: string | null;
  to_organisation_name: string;
  since: CalendarDay;
  created_by: string | null;
  created_at: Timestamp;
  closed_at: Timestamp | null;
  closed_by: string | null;
  close_reason: "converted" | "dismissed" | null;
  converted_organisation_id: string | null;
  version: Generated<number>;
}

/** "Mogelijk van baan gewisseld" (decision 142): a known contact seen in captured mail at a new company domain. */
export interface JobChangeSuggestionsTable {
  id: Generated<string>;
  region_id: string;
  user_id: string;
  person_id: string;
  email: string;
  domain: string;
  seen_on: CalendarDay;
  created_at: Timestamp;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision: "confirmed" | "dismissed" | null;
  version: Generated<number>;
}

export interface TasksTable {
  id: Generated<string>;
  region_id: string;
  organisation_id: string | null;
  assignee_id: string;
  title: string;
  due_date: CalendarDay;
  status: Generated<TaskStatus>;
  source: Generated<TaskSource>;
  interaction_id: string | null;
  created_by: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  completed_at: Timestamp | null;
  /** The plan this task is a step of, its place in it and who the step is for. */
  plan_id: string | null;
  plan_position: number | null;
  plan_role: PlanRole | null;
  closed_reason: "relationship_healthy" | null;
}

export const PLAN_EVENTS = ["contact_left", "new_owner", "new_partner", "relationship_cold"] as const;
export type PlanEvent = (typeof PLAN_EVENTS)[number];
export const PLAN_ROLES = ["owner", "coordinator", "penvoerder"] as const;
export type PlanRole = (typeof PLAN_ROLES)[number];
export const PLAN_STATUSES = ["running", "completed", "recovered"] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

export interface PlanTemplatesTable {
  id: Generated<string>;
  region_id: string;
  event: PlanEvent;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface PlanTemplateStepsTable {
  id: Generated<string>;
  region_id: string;
  template_id: string;
  position: number;
  title: string;
  role: PlanRole;
  due_school_days: number;
}

export interface PlansTable {
  id: Generated<string>;
  region_id: string;
  organisation_id: string;
  event: PlanEvent;
  started_by: string | null;
  start_date: CalendarDay;
  started_at: Timestamp;
  status: Generated<PlanStatus>;
  ended_at: Timestamp | null;
  version: Generated<number>;
}

export type ImportStatus = "staged" | "committing" | "committed";
export interface ImportsTable {
  id: Generated<string>;
  region_id: string;
  user_id: string | null;
  kind: Generated<"organisations">;
  file_name: string;
  status: Generated<ImportStatus>;
  headers: Json;
  rows: Json | null;
  mapping: Json | null;
  mapping_confirmed: Generated<boolean>;
  row_count: number;
  progress_done: Generated<number>;
  progress_total: Generated<number>;
  counts: Json | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  committed_at: Timestamp | null;
  /** When a commit cut off by a dead process was found and the import returned to 'staged'. */
  interrupted_at: Timestamp | null;
}

export const HEALTH_STATES = ["healthy", "watch", "cooling", "cold"] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export interface RegionHealthSettingsTable {
  region_id: string;
  cadence_strategic_days: Generated<number>;
  cadence_regular_days: Generated<number>;
  cadence_occasional_days: Generated<number>;
  coordinator_user_id: string | null;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface SchoolHolidaysTable {
  id: Generated<string>;
  region_id: string;
  name: string;
  start_date: CalendarDay;
  end_date: CalendarDay;
  created_at: Generated<Date>;
}

export interface OrganisationHealthTable {
  organisation_id: string;
  region_id: string;
  state: HealthState;
  reasons: Json;
  state_since: CalendarDay;
  last_contact_date: CalendarDay | null;
  computed_at: Timestamp;
  /** The first day the state can change without new input; empty: due at the next run (decision 141). */
  recheck_on: CalendarDay | null;
  /**
   * A relationship silent beyond its cadence in calendar days: the day its silent days count from
   * (the last contact, moved on by the school holidays begun since), and the last day of the holiday
   * that pauses the count today. Empty otherwise (decision 144).
   */
  silence_from: CalendarDay | null;
  silence_paused_until: CalendarDay | null;
}

export interface HealthHistoryTable {
  id: Generated<string>;
  region_id: string;
  organisation_id: string;
  state: HealthState;
  previous_state: HealthState | null;
  reason_codes: TextArray;
  changed_on: CalendarDay;
  created_at: Generated<Date>;
}

export interface HealthDailyCountsTable {
  region_id: string;
  day: CalendarDay;
  healthy: number;
  watch: number;
  cooling: number;
  cold: number;
}

export interface OrganisationLastContactTable {
  organisation_id: string;
  last_date: CalendarDay;
}

/** Per organisation and school year (its first day), its live done and planned activities; kept by triggers (decision 148). */
export interface OrganisationActivityYearsTable {
  organisation_id: string;
  school_year: CalendarDay;
  done: number;
  planned: number;
}

export interface HealthSnoozesTable {
  id: Generated<string>;
  region_id: string;
  organisation_id: string;
  until: CalendarDay;
  reason: string;
  created_by: string | null;
  created_at: Timestamp;
  ended_at: Timestamp | null;
}

export const ACTIVITY_TYPES = ["internship", "guest_lesson", "company_visit", "workshop", "event", "elective", "teacher_placement", "training", "technolab"] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];
export const ACTIVITY_STATUSES = ["offered", "planned", "done", "cancelled"] as const;
export type ActivityStatus = (typeof ACTIVITY_STATUSES)[number];
export type ActivityOrganisationRole = "partner" | "school";

export interface ActivitiesTable {
  id: Generated<string>;
  region_id: string;
  type: ActivityType;
  title: string;
  description: string | null;
  start_date: CalendarDay;
  end_date: CalendarDay;
  start_time: string | null;
  end_time: string | null;
  status: Generated<ActivityStatus>;
  profiles: TextArray;
  learning_paths: TextArray;
  hours: ColumnType<string | null, number | null | undefined, number | null>;
  pupils_reached: number | null;
  teachers_involved: number | null;
  places_offered: number | null;
  places_filled: number | null;
  person_id: string | null;
  details: Json;
  shared_with_region_ids: TextArray;
  created_by: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  archived_at: Timestamp | null;
}

export interface ActivityOrganisationsTable {
  activity_id: string;
  organisation_id: string;
  role: ActivityOrganisationRole;
}

/** One row per user and ISO week ("2026-W48") whose digest was queued: never a second one that week. */
export interface DigestRunsTable {
  user_id: string;
  iso_week: string;
  email_id: string | null;
  created_at: Timestamp;
}

export const COMMITMENT_KINDS = ["cash", "in_kind"] as const;
export type CommitmentKind = (typeof COMMITMENT_KINDS)[number];
export const IN_KIND_CATEGORIES = ["hours", "materials", "equipment", "premises", "internship_supervision", "guest_lessons", "other"] as const;
export const COMMITMENT_CATEGORIES = ["cash", ...IN_KIND_CATEGORIES] as const;
export type CommitmentCategory = (typeof COMMITMENT_CATEGORIES)[number];
export const COMMITMENT_STATUSES = ["pledged", "agreed", "realised", "accounted", "lapsed"] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];
export const VALUATIONS = ["hours_rate", "invoice", "fair_value"] as const;
export type Valuation = (typeof VALUATIONS)[number];
/** bigint columns read as strings (postgres.js); the services turn them into numbers (exact below 2^53 cents). */
type Cents = ColumnType<string, number | bigint | string, number | bigint | string>;

export interface DocumentsTable {
  id: Generated<string>;
  region_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content: Buffer;
  created_by: string | null;
  created_at: Timestamp;
}

export interface CommitmentsTable {
  id: Generated<string>;
  region_id: string;
  organisation_id: string;
  school_year: string;
  kind: CommitmentKind;
  category: CommitmentCategory;
  amount_cents: Cents;
  /** numeric: read as a string. */
  hours: ColumnType<string | null, number | string | null, number | string | null>;
  hourly_rate_cents: ColumnType<string | null, number | string | null, number | string | null>;
  valuation: Valuation | null;
  status: Generated<CommitmentStatus>;
  agreement_reference: string | null;
  agreement_id: ColumnType<string | null, string | null | undefined, string | null>;
  notes: string | null;
  confirmed_at: Timestamp | null;
  confirmed_by: string | null;
  version: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: Timestamp | null;
}

export interface CommitmentRealisationsTable {
  id: Generated<string>;
  commitment_id: string;
  region_id: string;
  date: CalendarDay;
  amount_cents: Cents;
  description: string | null;
  evidence_reference: string | null;
  evidence_document_id: string | null;
  /** Set when the realisation is a done activity counted in kind (at most one live one per activity). */
  activity_id: ColumnType<string | null, string | null | undefined, string | null>;
  hours: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  created_by: string | null;
  created_at: Timestamp;
  archived_at: Timestamp | null;
}

export interface SchoolYearBudgetsTable {
  region_id: string;
  school_year: string;
  budget_cents: Cents;
  /** The co-financing target as a share of the budget: 1000 = 10%. */
  target_basis_points: Generated<number>;
  notes: string | null;
  version: Generated<number>;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CalendarFeedsTable {
  id: Generated<string>;
  region_id: string;
  user_id: string | null;
  token_hash: string;
  created_by: string | null;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ActivityRemindersTable {
  activity_id: string;
  kind: "speaker";
  for_date: CalendarDay;
  created_at: Timestamp;
}

export interface InKindRatesTable {
  region_id: string;
  activity_type: ActivityType;
  hourly_rate_cents: Cents;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface InKindRejectionsTable {
  activity_id: string;
  region_id: string;
  reason: string;
  created_by: string | null;
  created_at: Timestamp;
}

export const AGREEMENT_KINDS = ["letter_of_intent", "cooperation_agreement", "covenant"] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

export interface AgreementsTable {
  id: Generated<string>;
  region_id: string;
  kind: AgreementKind;
  title: string;
  signed_on: CalendarDay;
  expires_on: CalendarDay | null;
  document_id: string | null;
  owner_id: string | null;
  notes: string | null;
  version: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: Timestamp | null;
}

export interface AgreementPartiesTable {
  agreement_id: string;
  organisation_id: string;
}

export interface AgreementRemindersTable {
  agreement_id: string;
  for_date: CalendarDay;
  created_at: Timestamp;
}

export const MAIL_RETENTIONS = ["subject", "excerpt", "full"] as const;
/** How much of a logged mail's text a region keeps: the subject, the subject and 1,000 characters, or all of it. */
export type MailRetention = (typeof MAIL_RETENTIONS)[number];
export type InboundMessageStatus = "logged" | "unmatched" | "discarded";
export type InboundMessageKind = "sent" | "forward" | "invitation" | "cancellation";

/** A staff user's logging address (`<token>@INBOUND_MAIL_DOMAIN`); revoked ones stay, refused. */
export interface MailLoggingAddressesTable {
  id: Generated<string>;
  region_id: string;
  user_id: string;
  token: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** Further addresses a user sends from; usable once confirmed through a mailed link (its token hashed). */
export interface MailSenderAddressesTable {
  id: Generated<string>;
  region_id: string;
  user_id: string;
  email: string;
  confirmation_hash: string | null;
  confirmation_expires_at: Timestamp | null;
  confirmed_at: Timestamp | null;
  created_at: Timestamp;
}

export interface MailCaptureSettingsTable {
  region_id: string;
  retention: Generated<MailRetention>;
  /** SHA-256 of the region's inbound HTTP secret; the secret itself is shown once. */
  inbound_secret_hash: string | null;
  inbound_secret_created_at: Timestamp | null;
  updated_at: Timestamp;
}

/** An address (`a@b.nl`) or whole domain (`b.nl`) never logged: for the region (user_id null) or one user. */
export interface MailNeverLogTable {
  id: Generated<string>;
  region_id: string;
  user_id: string | null;
  pattern: string;
  dropped_count: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface InboundMessagesTable {
  id: Generated<string>;
  region_id: string;
  user_id: string;
  dedupe_key: string;
  status: InboundMessageStatus;
  kind: InboundMessageKind;
  via: "smtp" | "http";
  message_id: string | null;
  calendar_uid: string | null;
  subject: string | null;
  body: string | null;
  attachment_names: TextArray;
  from_address: string | null;
  from_name: string | null;
  participants: TextArray;
  sent_at: Timestamp;
  date: CalendarDay;
  reason: string | null;
  created_at: Timestamp;
  decided_at: Timestamp | null;
}

export interface InboundMessageInteractionsTable {
  region_id: string;
  inbound_message_id: string;
  interaction_id: string;
}

export const SAVED_VIEW_LISTS = ["organisations", "people", "activities"] as const;
export type SavedViewList = (typeof SAVED_VIEW_LISTS)[number];

export interface SavedViewsTable {
  id: Generated<string>;
  region_id: string;
  list: SavedViewList;
  name: string;
  query: string;
  created_by: string;
  shared: boolean;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  archived_at: Timestamp | null;
}

/** One row: a known text sealed with the SCHAKEL_SECRET_KEY of this database (decision 152). */
export interface SecretKeyCheckTable {
  id: Generated<boolean>;
  verifier: string;
  created_at: Generated<Timestamp>;
}

export interface DB {
  secret_key_check: SecretKeyCheckTable;
  regions: RegionsTable;
  subregions: SubregionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  oidc_providers: OidcProvidersTable;
  oidc_domains: OidcDomainsTable;
  user_identities: UserIdentitiesTable;
  oidc_sign_in_states: OidcSignInStatesTable;
  user_tokens: UserTokensTable;
  api_tokens: ApiTokensTable;
  sign_in_attempts: SignInAttemptsTable;
  rate_limit_buckets: RateLimitBucketsTable;
  second_factor_failures: SecondFactorFailuresTable;
  password_reset_requests: PasswordResetRequestsTable;
  sign_in_link_requests: SignInLinkRequestsTable;
  audit_log: AuditLogTable;
  email_outbox: EmailOutboxTable;
  instance_settings: InstanceSettingsTable;
  organisations: OrganisationsTable;
  people: PeopleTable;
  affiliations: AffiliationsTable;
  account_holder_periods: AccountHolderPeriodsTable;
  interactions: InteractionsTable;
  interaction_people: InteractionPeopleTable;
  tasks: TasksTable;
  calendar_feeds: CalendarFeedsTable;
  activity_reminders: ActivityRemindersTable;
  imports: ImportsTable;
  region_health_settings: RegionHealthSettingsTable;
  school_holidays: SchoolHolidaysTable;
  organisation_health: OrganisationHealthTable;
  health_history: HealthHistoryTable;
  health_daily_counts: HealthDailyCountsTable;
  health_snoozes: HealthSnoozesTable;
  leads: LeadsTable;
  job_change_suggestions: JobChangeSuggestionsTable;
  plan_templates: PlanTemplatesTable;
  plan_template_steps: PlanTemplateStepsTable;
  plans: PlansTable;
  organisation_last_contact: OrganisationLastContactTable;
  organisation_activity_years: OrganisationActivityYearsTable;
  activities: ActivitiesTable;
  activity_organisations: ActivityOrganisationsTable;
  digest_runs: DigestRunsTable;
  documents: DocumentsTable;
  commitments: CommitmentsTable;
  commitment_realisations: CommitmentRealisationsTable;
  school_year_budgets: SchoolYearBudgetsTable;
  in_kind_rates: InKindRatesTable;
  in_kind_rejections: InKindRejectionsTable;
  agreements: AgreementsTable;
  agreement_parties: AgreementPartiesTable;
  agreement_reminders: AgreementRemindersTable;
  user_recovery_codes: UserRecoveryCodesTable;
  two_factor_challenges: TwoFactorChallengesTable;
  mail_logging_addresses: MailLoggingAddressesTable;
  mail_sender_addresses: MailSenderAddressesTable;
  mail_capture_settings: MailCaptureSettingsTable;
  mail_never_log: MailNeverLogTable;
  inbound_messages: InboundMessagesTable;
  inbound_message_interactions: InboundMessageInteractionsTable;
  saved_views: SavedViewsTable;
}
