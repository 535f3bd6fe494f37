import { sql } from "kysely";
import { renderSignInLinkEmail } from "../../emails/render";
import type { Database, Tx } from "../db/database";
import { AppError } from "../errors";
import { recordAudit } from "../domains/audit/audit";
import { queueEmail } from "../domains/email/outbox.service";
import { getRegion } from "../domains/regions/regions.service";
import { limitSignInLinkRequest, recordSignInAttempt } from "./rate-limit";
import { generateSecret, hashSecret } from "./secrets";
import type { Sessions } from "./sessions";
import type { SignInResult } from "./sign-in";
import { createChallenge } from "./two-factor";

/**
 * Partners sign in with an emailed single-use link (decision 126). Staff never get one: their way
 * in is the school's account or the password with its second factor, which a link would bypass.
 */
export const SIGN_IN_LINK_VALID_MINUTES = 15;
const REQUEST_BATCH_SIZE = 50;

/**
 * "Send me a sign-in link": throttled per typed address and per client address, then queued. The
 * request does exactly this for every address — a partner's, a staff member's, nobody's — so neither
 * the answer nor its timing says whether or whose account exists; the email job looks the address up
 * (sendRequestedSignInLinks). Not in a transaction: a refused request must still use up the limit.
 */
export async function requestSignInLink(db: Database, input: { email: string; ip: string; now: Date }): Promise<void> {
  await limitSignInLinkRequest(db, input);
  await db.insertInto("sign_in_link_requests").values({ email: input.email, created_at: input.now }).execute();
}

/**
 * Off the request path: takes queued requests and, for an address of an active partner user,
 * queues an email with a single-use link built from the configured address only. A new link leaves
 * earlier ones valid (mail may arrive out of order); using one spends them all. Safe to run in
 * several processes at once (skip locked).
 */
export async function sendRequestedSignInLinks(db: Database, meta: { now: Date; appUrl: string }): Promise<{ sent: number }> {
  let sent = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const taken = await trx
        .deleteFrom("sign_in_link_requests")
        .where("id", "in", (eb) => eb.selectFrom("sign_in_link_requests").select("id").orderBy("id").limit(REQUEST_BATCH_SIZE).forUpdate().skipLocked())
        .returning("email")
        .execute();
      for (const email of new Set(taken.map((request) => request.email.toLowerCase()))) {
        if (await sendSignInLink(trx, email, meta)) sent++;
      }
      return taken.length;
    });
    if (batch < REQUEST_BATCH_SIZE) return { sent };
  }
}

async function sendSignInLink(trx: Tx, email: string, meta: { now: Date; appUrl: string }): Promise<boolean> {
  const user = await trx
    .selectFrom("users")
    .select(["id", "name", "email", "region_id", "locale"])
    .where("email", "=", email)
    .where("active", "=", true)
    .where("role", "=", "partner")
    .executeTakeFirst();
  if (!user) return false;
  const token = generateSecret();
  await trx
    .insertInto("user_tokens")
    .values({ user_id: user.id, purpose: "sign_in_link", token_hash: hashSecret(token), expires_at: new Date(meta.now.getTime() + SIGN_IN_LINK_VALID_MINUTES * 60_000), created_at: meta.now })
    .execute();
  const region = await getRegion(trx, user.region_id);
  const message = await renderSignInLinkEmail({ locale: user.locale, name: user.name, regionName: region.name, url: `${meta.appUrl}/sign-in/link/${token}`, validMinutes: SIGN_IN_LINK_VALID_MINUTES });
  await queueEmail(trx, { regionId: user.region_id, template: "sign_in_link", to: user.email, toName: user.name, message, now: meta.now });
  return true;
}

/** A well-formed token is one generateSecret made: its shape is checked before any lookup. */
const isTokenShaped = (token: string) => token.length > 0 && token.length <= 200;

/**
 * Whether a link would sign someone in now (unused, unexpired, an active partner's), for the page
 * that asks to confirm. Reads only: a mail scanner opening the link spends nothing. The caller takes
 * the link rate limit first.
 */
export async function findSignInLink(db: Database, token: string, now: Date): Promise<boolean> {
  if (!isTokenShaped(token)) return false;
  const row = await db
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .select("user_tokens.id")
    .where("user_tokens.token_hash", "=", hashSecret(token))
    .where("user_tokens.purpose", "=", "sign_in_link")
    .where("user_tokens.used_at", "is", null)
    .where("user_tokens.expires_at", ">", now)
    .where("users.active", "=", true)
    .where("users.role", "=", "partner")
    .executeTakeFirst();
  return Boolean(row);
}

/**
 * Spends a link, in one statement: two presses of the button race here and only one gets a row
 * back. Every other outstanding link of the user is spent with it. Refused (one message for every
 * reason) when the link is unknown, used, expired, or its user is no longer an active partner.
 */
export async function spendSignInLink(trx: Tx, token: string, now: Date): Promise<{ userId: string; email: string; regionId: string; twoFactor: boolean }> {
  const spent = isTokenShaped(token)
    ? await trx
        .updateTable("user_tokens")
        .set({ used_at: now })
        .where("token_hash", "=", hashSecret(token))
        .where("purpose", "=", "sign_in_link")
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .where("user_id", "in", (eb) => eb.selectFrom("users").select("id").where("active", "=", true).where("role", "=", "partner"))
        .returning("user_id")
        .executeTakeFirst()
    : undefined;
  if (!spent) throw new AppError("RULE_VIOLATION", "This sign-in link has expired or was already used", { userMessageKey: "signInLink.invalidLink" });
  await trx.updateTable("user_tokens").set({ used_at: now }).where("user_id", "=", spent.user_id).where("purpose", "=", "sign_in_link").where("used_at", "is", null).execute();
  // Getting in by link is joining: a partner invited without a password no longer counts as invited.
  const user = await trx
    .updateTable("users")
    .set({ joined_at: sql`coalesce(joined_at, ${now}::timestamptz)` })
    .where("id", "=", spent.user_id)
    .returning(["id", "email", "region_id", "totp_enabled_at"])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, { regionId: user.region_id, actorId: user.id, action: "user.sign_in_link", entityType: "user", entityId: user.id, now });
  return { userId: user.id, email: user.email, regionId: user.region_id, twoFactor: user.totp_enabled_at !== null };
}

/**
 * Signs in with a link, as signIn does with a password: the link is spent, the sign-in is counted
 * as a successful attempt, and a new session starts — or, for a partner with two-factor sign-in,
 * the code step (the link replaces the password, never the second factor).
 */
export async function signInWithLink(
  db: Database,
  sessions: Sessions,
  input: { token: string; ip: string; userAgent: string | null; secure: boolean; now: Date },
): Promise<Exclude<SignInResult, { status: "invalid" } | { status: "locked" } | { status: "school_account_only" }>> {
  const user = await db.transaction().execute((trx) => spendSignInLink(trx, input.token, input.now));
  await recordSignInAttempt(db, { email: user.email, ip: input.ip, succeeded: true, now: input.now });
  if (user.twoFactor) return { status: "two_factor", userId: user.userId, challenge: await createChallenge(db, user.userId, input.now) };
  const setCookie = await sessions.create(user.userId, { ip: input.ip, userAgent: input.userAgent, secure: input.secure });
  return { status: "signed_in", userId: user.userId, setCookie };
}
