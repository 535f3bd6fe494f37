import type { Role } from "../../db/schema";
import type { Database } from "../db/database";
import { schoolAccountOnly } from "./oidc-settings";
import { STAFF_ROLES } from "./permissions";
import { verifyPassword } from "./passwords";
import { recordSignInAttempt, signInWaitSeconds } from "./rate-limit";
import type { Sessions } from "./sessions";
import { createChallenge } from "./two-factor";

export type SignInResult =
  | { status: "signed_in"; userId: string; setCookie: string }
  /** The password was right and the user has two-factor sign-in: a code must follow (`challenge` goes in a cookie). */
  | { status: "two_factor"; userId: string; challenge: string }
  | { status: "invalid" }
  /** The password was right, but the region lets its staff in with the school account only (decision 127). */
  | { status: "school_account_only" }
  /** Too many failures: this address must wait before trying this account again (decision 098). */
  | { status: "locked"; retryAfterSeconds: number };

/**
 * Checks the password and starts a new session, or, for a user with two-factor sign-in, a challenge
 * for the code (the session starts once the code is right: see completeChallenge). An address that
 * must wait is refused before the password is looked at, so guessing on does not help; every
 * failure is counted.
 */
export async function signIn(
  db: Database,
  sessions: Sessions,
  input: { email: string; password: string; ip: string; userAgent: string | null; secure: boolean; now: Date },
): Promise<SignInResult> {
  const wait = await signInWaitSeconds(db, input.email, input.ip, input.now);
  if (wait > 0) return { status: "locked", retryAfterSeconds: wait };
  const user = await db
    .selectFrom("users")
    .select(["id", "password_hash", "totp_enabled_at", "region_id", "role"])
    .where("email", "=", input.email)
    .where("active", "=", true)
    .executeTakeFirst();
  const valid = await verifyPassword(user?.password_hash ?? null, input.password);
  await recordSignInAttempt(db, { email: input.email, ip: input.ip, succeeded: valid, now: input.now });
  if (!user || !valid) return { status: "invalid" };
  // Asked after the password, so the answer tells nothing to someone who does not know it.
  if ((STAFF_ROLES as readonly Role[]).includes(user.role) && (await schoolAccountOnly(db, user.region_id))) return { status: "school_account_only" };
  if (user.totp_enabled_at) return { status: "two_factor", userId: user.id, challenge: await createChallenge(db, user.id, input.now) };
  const setCookie = await sessions.create(user.id, { ip: input.ip, userAgent: input.userAgent, secure: input.secure });
  return { status: "signed_in", userId: user.id, setCookie };
}
