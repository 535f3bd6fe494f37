import { sql } from "kysely";
import type { Database } from "../db/database";
import { AppError } from "../errors";

/**
 * Every limit on guessing a secret or flooding the app, kept in PostgreSQL so every app process
 * sees the same counts (decisions 002, 098). tests/integration/rate-limits.test.ts requires every
 * handler that checks a password, a code or a link's token to call one of this module's exports.
 */

// --- Signing in ------------------------------------------------------------------------------------

/**
 * Failed sign-ins (decision 098): slow an account down, never lock it out.
 * - per account and address: `perAccountAndAddress` failures in the window stop that address
 *   guessing that account;
 * - per address: `perAddress` failures in the window stop that address altogether;
 * - per account: from `accountDelayAfter` failures since its last success, each further try waits
 *   twice as long after the last failure, up to `accountDelayMaxSeconds`. An address the account
 *   signed in from lately is exempt, so its owner is not kept out by someone guessing elsewhere.
 */
export const SIGN_IN_LIMITS = {
  windowMinutes: 15,
  perAccountAndAddress: 5,
  perAddress: 30,
  accountDelayAfter: 5,
  accountWindowMinutes: 60,
  accountDelayMaxSeconds: 300,
  knownAddressDays: 30,
} as const;

/** The delay the account imposes after `failures` failures since its last success. */
export function accountDelaySeconds(failures: number): number {
  if (failures < SIGN_IN_LIMITS.accountDelayAfter) return 0;
  return Math.min(2 ** (failures - SIGN_IN_LIMITS.accountDelayAfter + 1), SIGN_IN_LIMITS.accountDelayMaxSeconds);
}

/**
 * How many seconds this address must wait before it may try a password for this account; 0 when
 * it may try now. Asked before the password is looked at, so a refused try tells nothing and is not counted.
 */
export async function signInWaitSeconds(db: Database, email: string, ip: string, now: Date): Promise<number> {
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMinutes * 60_000);
  const accountSince = new Date(now.getTime() - SIGN_IN_LIMITS.accountWindowMinutes * 60_000);
  const knownSince = new Date(now.getTime() - SIGN_IN_LIMITS.knownAddressDays * 86_400_000);
  const lastSuccess = (byAddress: boolean) =>
    db.selectFrom("sign_in_attempts as s").select(sql<Date>`max(s.created_at)`.as("at"))
      .where("s.email", "=", email).where("s.succeeded", "=", true).where("s.created_at", "<=", now)
      .$if(byAddress, (q) => q.where("s.ip", "=", ip));
  /** The moment of the n-th most recent failure in the window (null when there are fewer). */
  const nthFailure = (n: number, byAccount: boolean) =>
    db.selectFrom("sign_in_attempts as a").select("a.created_at")
      .where("a.succeeded", "=", false).where("a.created_at", ">", since).where("a.created_at", "<=", now)
      .where("a.ip", "=", ip)
      .$if(byAccount, (q) => q.where("a.email", "=", email).where((eb) => eb(eb.ref("a.created_at"), ">", eb.fn.coalesce(lastSuccess(true), sql<Date>`'-infinity'::timestamptz`))))
      .orderBy("a.created_at", "desc").offset(n - 1).limit(1);
  const row = await db
    .selectNoFrom((eb) => [
      nthFailure(SIGN_IN_LIMITS.perAccountAndAddress, true).as("pairLockedFrom"),
      nthFailure(SIGN_IN_LIMITS.perAddress, false).as("addressLockedFrom"),
      eb.selectFrom("sign_in_attempts as a")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("a.email", "=", email).where("a.succeeded", "=", false)
        .where("a.created_at", ">", accountSince).where("a.created_at", "<=", now)
        .where((w) => w(w.ref("a.created_at"), ">", w.fn.coalesce(lastSuccess(false), sql<Date>`'-infinity'::timestamptz`)))
        .as("accountFailures"),
      eb.selectFrom("sign_in_attempts as a").select(sql<Date>`max(a.created_at)`.as("at"))
        .where("a.email", "=", email).where("a.succeeded", "=", false).where("a.created_at", ">", accountSince).where("a.created_at", "<=", now)
        .as("lastAccountFailure"),
      eb.exists(
        eb.selectFrom("sign_in_attempts as k").select("k.id")
          .where("k.email", "=", email).where("k.ip", "=", ip).where("k.succeeded", "=", true)
          .where("k.created_at", ">", knownSince).where("k.created_at", "<=", now),
      ).as("knownAddress"),
    ])
    .executeTakeFirstOrThrow();
  const until = (from: Date | string | null, seconds: number) => (from ? new Date(from).getTime() + seconds * 1000 : 0);
  const waits = [
    until(row.pairLockedFrom, SIGN_IN_LIMITS.windowMinutes * 60),
    until(row.addressLockedFrom, SIGN_IN_LIMITS.windowMinutes * 60),
    row.knownAddress ? 0 : until(row.lastAccountFailure, accountDelaySeconds(Number(row.accountFailures))),
  ];
  return Math.max(0, Math.ceil((Math.max(...waits) - now.getTime()) / 1000));
}

export async function recordSignInAttempt(db: Database, attempt: { email: string; ip: string; succeeded: boolean; now: Date }) {
  await db
    .insertInto("sign_in_attempts")
    .values({ email: attempt.email, ip: attempt.ip, succeeded: attempt.succeeded, created_at: attempt.now })
    .execute();
}

// --- Token buckets -----------------------------------------------------------------------------------

/** A token bucket: `capacity` tries at once, refilled at `capacity` per `perSeconds`. */
export type BucketLimit = { capacity: number; perSeconds: number };

export type BucketOutcome = { allowed: boolean; retryAfterSeconds: number; remaining: number };

/**
 * Takes one token from the bucket `key`, in one statement: an upsert that refills the bucket by
 * the time since its last use and takes a token when there is one. A refused try takes nothing,
 * so hammering a full bucket does not keep it empty for longer.
 */
export async function takeToken(db: Database, key: string, limit: BucketLimit, now: Date): Promise<BucketOutcome> {
  // A wrong guess throws, and inside a transaction its rollback would give the token back: the limit would never bite.
  if (db.isTransaction) throw new Error(`Rate limit ${key.split(":")[0]} taken inside a transaction; take it before the transaction starts`);
  const rate = limit.capacity / limit.perSeconds;
  const refilled = sql<number>`least(${limit.capacity}::float8, b.tokens + greatest(0, extract(epoch from (${now}::timestamptz - b.updated_at))) * ${rate}::float8)`;
  const row = await sql<{ tokens: number; allowed: boolean }>`
    insert into rate_limit_buckets as b (key, tokens, allowed, updated_at)
    values (${key}, ${limit.capacity - 1}::float8, true, ${now}::timestamptz)
    on conflict (key) do update set
      tokens = case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end,
      allowed = ${refilled} >= 1,
      updated_at = greatest(b.updated_at, excluded.updated_at)
    returning tokens, allowed`.execute(db);
  const { tokens, allowed } = row.rows[0]!;
  return {
    allowed,
    remaining: Math.max(0, Math.floor(tokens)),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / rate)),
  };
}

type Refusal = { message: string; userMessageKey?: string };

/** Takes a token or throws RATE_LIMITED (429) with the wait, which pages show and send as Retry-After. */
export async function requireToken(db: Database, key: string, limit: BucketLimit, now: Date, refusal: Refusal) {
  const outcome = await takeToken(db, key, limit, now);
  if (!outcome.allowed) throw rateLimited(outcome.retryAfterSeconds, refusal);
  return outcome;
}

export function rateLimited(retryAfterSeconds: number, refusal: Refusal) {
  return new AppError("RATE_LIMITED", refusal.message, { userMessageKey: refusal.userMessageKey ?? "rateLimit.tooMany", details: { retryAfterSeconds } });
}

/**
 * The limits of the other secrets. The current password (item 10: profile, two-factor, tokens) and
 * the enrolment code are per account; reset requests per typed address and per client address;
 * the single-use links of resets and invitations per client address.
 */
export const SECRET_LIMITS = {
  currentPassword: { capacity: 5, perSeconds: 15 * 60 },
  enrolmentCode: { capacity: 10, perSeconds: 15 * 60 },
  resetPerEmail: { capacity: 3, perSeconds: 60 * 60 },
  resetPerAddress: { capacity: 20, perSeconds: 60 * 60 },
  linkPerAddress: { capacity: 30, perSeconds: 10 * 60 },
  confirmationMailPerUser: { capacity: 5, perSeconds: 60 * 60 },
  signInLinkSpacingPerEmail: { capacity: 1, perSeconds: 60 },
  signInLinkPerEmail: { capacity: 5, perSeconds: 60 * 60 },
  signInLinkPerAddress: { capacity: 20, perSeconds: 60 * 60 },
} as const satisfies Record<string, BucketLimit>;

/** Before the current password of a signed-in account is checked. */
export const limitCurrentPasswordCheck = (db: Database, userId: string, now: Date) =>
  requireToken(db, `current-password:${userId}`, SECRET_LIMITS.currentPassword, now, { message: "Too many password attempts; wait and try again" });

/** Before the code that turns two-factor sign-in on is checked. */
export const limitEnrolmentCodeCheck = (db: Database, userId: string, now: Date) =>
  requireToken(db, `enrolment-code:${userId}`, SECRET_LIMITS.enrolmentCode, now, { message: "Too many codes tried; wait and try again" });

/** Before a reset or invitation link's token is looked up, per client address. */
export const limitLinkTokenCheck = (db: Database, ip: string, now: Date) =>
  requireToken(db, `link:${ip}`, SECRET_LIMITS.linkPerAddress, now, { message: "Too many links tried from this address; wait and try again" });

/**
 * Before a confirmation mail goes to an address a user says is theirs (email capture's sender
 * addresses): a few an hour per user, so Schakel cannot be made to mail strangers at will.
 */
export const limitConfirmationMail = (db: Database, userId: string, now: Date) =>
  requireToken(db, `confirmation-mail:${userId}`, SECRET_LIMITS.confirmationMailPerUser, now, { message: "Too many confirmation mails asked for; wait and try again" });

/**
 * A "forgot password" request: a few per typed address and per client address an hour. Keyed on
 * the address as typed, so the answer is the same whether or not it has an account.
 */
export async function limitPasswordResetRequest(db: Database, input: { email: string; ip: string; now: Date }) {
  const refusal = { message: "Too many reset links were requested; wait and try again", userMessageKey: "rateLimit.resetRequests" };
  await requireToken(db, `reset:address:${input.ip}`, SECRET_LIMITS.resetPerAddress, input.now, refusal);
  await requireToken(db, `reset:email:${input.email.toLowerCase()}`, SECRET_LIMITS.resetPerEmail, input.now, refusal);
}

/**
 * A "send me a sign-in link" request (decision 126): one a minute and five an hour per typed
 * address, twenty an hour per client address. Keyed on the address as typed, so the answer is the
 * same whether or not it belongs to a partner, and nobody can make Schakel flood a mailbox.
 */
export async function limitSignInLinkRequest(db: Database, input: { email: string; ip: string; now: Date }) {
  const refusal = { message: "Too many sign-in links were requested; wait and try again", userMessageKey: "rateLimit.signInLinkRequests" };
  const email = input.email.toLowerCase();
  await requireToken(db, `sign-in-link:address:${input.ip}`, SECRET_LIMITS.signInLinkPerAddress, input.now, refusal);
  await requireToken(db, `sign-in-link:email:${email}`, SECRET_LIMITS.signInLinkSpacingPerEmail, input.now, refusal);
  await requireToken(db, `sign-in-link:email-hour:${email}`, SECRET_LIMITS.signInLinkPerEmail, input.now, refusal);
}

// --- The API -----------------------------------------------------------------------------------------

/**
 * The API's limit per token (or per session for a browser's calls): generous for integrations,
 * configured by API_RATE_LIMIT_PER_MINUTE and API_RATE_LIMIT_BURST.
 */
export function limitApiRequest(db: Database, caller: { kind: "token" | "session"; id: string }, limit: { perMinute: number; burst: number }, now: Date) {
  return takeToken(db, `api:${caller.kind}:${caller.id}`, { capacity: limit.burst, perSeconds: (60 * limit.burst) / limit.perMinute }, now);
}

/** Buckets untouched for a day are full again and can go; the nightly job calls this. */
/**
 * Sign-in attempts hold an address and an IP: kept only as long as a limit reads them. The longest
 * look back is the known-address exemption (`knownAddressDays`); an older success or failure changes
 * no wait (each count has its own window), so it goes. Run nightly with the bucket prune.
 */
export async function pruneSignInAttempts(db: Database, now: Date): Promise<number> {
  const result = await db.deleteFrom("sign_in_attempts").where("created_at", "<", new Date(now.getTime() - SIGN_IN_LIMITS.knownAddressDays * 86_400_000)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function pruneRateLimitBuckets(db: Database, now: Date): Promise<number> {
  const result = await db.deleteFrom("rate_limit_buckets").where("updated_at", "<", new Date(now.getTime() - 86_400_000)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
