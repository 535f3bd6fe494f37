import { sql } from "kysely";
import type { Database } from "../db/database";

/**
 * Failed sign-ins are counted in PostgreSQL, so every app process sees the same count
 * (docs/decisions/002-sign-in-rate-limit-in-postgres.md). An account is locked for the window after
 * `perAccount` failures since its last success; an address after `perAddress` failures.
 */
export const SIGN_IN_LIMITS = { windowMinutes: 15, perAccount: 5, perAddress: 30 } as const;

export async function isSignInLocked(db: Database, email: string, ip: string, now: Date): Promise<boolean> {
  const since = new Date(now.getTime() - SIGN_IN_LIMITS.windowMinutes * 60_000);
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom("sign_in_attempts as a")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("a.email", "=", email)
        .where("a.succeeded", "=", false)
        .where("a.created_at", ">", since)
        .where("a.created_at", "<=", now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("sign_in_attempts as s")
                .select("s.id")
                .where("s.email", "=", email)
                .where("s.succeeded", "=", true)
                .whereRef("s.created_at", ">", "a.created_at")
                .where("s.created_at", "<=", now),
            ),
          ),
        )
        .as("byAccount"),
      eb
        .selectFrom("sign_in_attempts")
        .select(sql<number>`count(*)::int`.as("n"))
        .where("ip", "=", ip)
        .where("succeeded", "=", false)
        .where("created_at", ">", since)
        .where("created_at", "<=", now)
        .as("byAddress"),
    ])
    .executeTakeFirstOrThrow();
  return Number(row.byAccount) >= SIGN_IN_LIMITS.perAccount || Number(row.byAddress) >= SIGN_IN_LIMITS.perAddress;
}

export async function recordSignInAttempt(db: Database, attempt: { email: string; ip: string; succeeded: boolean; now: Date }) {
  await db
    .insertInto("sign_in_attempts")
    .values({ email: attempt.email, ip: attempt.ip, succeeded: attempt.succeeded, created_at: attempt.now })
    .execute();
}
