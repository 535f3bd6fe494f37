import { sql } from "kysely";
import { dateFormat } from "../../i18n/intl";
import { renderTwoFactorLockoutEmail } from "../../emails/render";
import type { Database } from "../db/database";
import { findAccountEmailRecipient, queueEmail } from "../domains/email/outbox.service";

/**
 * Wrong two-factor codes are counted per account across challenges (decision 099): a challenge
 * takes five, but a right password makes a new one, so counting per challenge let a guesser with
 * the password go on for ever. `failuresBeforeLockout` wrong codes within the window lock the
 * account's code step; each lockout lasts twice as long as the one before, and the owner is told
 * by email each time. A right code starts the count again.
 */
export const SECOND_FACTOR_LIMITS = {
  failuresBeforeLockout: 10,
  windowMinutes: 60,
  firstLockoutMinutes: 15,
  maxLockoutMinutes: 24 * 60,
} as const;

export function lockoutMinutes(previousLockouts: number): number {
  return Math.min(SECOND_FACTOR_LIMITS.firstLockoutMinutes * 2 ** previousLockouts, SECOND_FACTOR_LIMITS.maxLockoutMinutes);
}

/**
 * Until when the account's code step is locked, or null when codes may be tried. Called in the
 * transaction that checks the code: it locks the account's row (creating it if need be), so codes
 * sent at once for one account are judged one after another and none slips past the count (today
 * an account has one challenge at a time; this holds whatever the challenges do).
 */
export async function secondFactorLockedUntil(db: Database, userId: string, now: Date): Promise<Date | null> {
  const { rows } = await sql<{ locked_until: Date | null }>`
    insert into second_factor_failures as f (user_id, failed_count, window_started_at)
    values (${userId}, 0, ${now}::timestamptz)
    on conflict (user_id) do update set user_id = f.user_id
    returning locked_until`.execute(db);
  const lockedUntil = rows[0]?.locked_until;
  return lockedUntil && new Date(lockedUntil) > now ? new Date(lockedUntil) : null;
}

/**
 * Counts one wrong code. When it is the one too many, the code step locks and the owner's email is
 * queued in the caller's transaction (the caller nudges delivery after commit). Returns the end of
 * the lockout it started, if it started one.
 */
export async function recordSecondFactorFailure(db: Database, userId: string, now: Date): Promise<{ lockedUntil: Date | null }> {
  const windowStart = new Date(now.getTime() - SECOND_FACTOR_LIMITS.windowMinutes * 60_000);
  const counted = await sql<{ failed_count: number; lockouts: number }>`
    insert into second_factor_failures as f (user_id, failed_count, window_started_at)
    values (${userId}, 1, ${now}::timestamptz)
    on conflict (user_id) do update set
      failed_count = case when f.window_started_at <= ${windowStart}::timestamptz then 1 else f.failed_count + 1 end,
      window_started_at = case when f.window_started_at <= ${windowStart}::timestamptz then excluded.window_started_at else f.window_started_at end
    returning failed_count, lockouts`.execute(db);
  const { failed_count: failed, lockouts } = counted.rows[0]!;
  if (failed < SECOND_FACTOR_LIMITS.failuresBeforeLockout) return { lockedUntil: null };

  const lockedUntil = new Date(now.getTime() + lockoutMinutes(lockouts) * 60_000);
  await db
    .updateTable("second_factor_failures")
    .set({ locked_until: lockedUntil, lockouts: lockouts + 1, failed_count: 0, window_started_at: now })
    .where("user_id", "=", userId)
    .execute();
  await tellOwner(db, userId, failed, lockedUntil, now);
  return { lockedUntil };
}

/** A right code: the count of wrong ones starts again, and so does the growth of lockouts. */
export async function clearSecondFactorFailures(db: Database, userId: string): Promise<void> {
  await db.deleteFrom("second_factor_failures").where("user_id", "=", userId).execute();
}

async function tellOwner(db: Database, userId: string, failedCodes: number, lockedUntil: Date, now: Date) {
  const user = await findAccountEmailRecipient(db, userId);
  const until = dateFormat(user.locale === "en" ? "en-GB" : "nl-NL", {
    timeZone: "Europe/Amsterdam", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
  }).format(lockedUntil);
  const message = await renderTwoFactorLockoutEmail({ locale: user.locale, name: user.name, regionName: user.regionName, failedCodes, lockedUntil: until });
  await queueEmail(db, { regionId: user.regionId, template: "two_factor_lockout", to: user.email, toName: user.name, message, now });
}
