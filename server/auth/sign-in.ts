import type { Database } from "../db/database";
import { verifyPassword } from "./passwords";
import { isSignInLocked, recordSignInAttempt, SIGN_IN_LIMITS } from "./rate-limit";
import type { Sessions } from "./sessions";

export type SignInResult =
  | { status: "signed_in"; userId: string; setCookie: string }
  | { status: "invalid" }
  | { status: "locked"; retryAfterMinutes: number };

/**
 * Checks the password and starts a new session. A locked account or address is refused before the
 * password is looked at, so guessing on does not help; every failure is counted.
 */
export async function signIn(
  db: Database,
  sessions: Sessions,
  input: { email: string; password: string; ip: string; userAgent: string | null; secure: boolean; now: Date },
): Promise<SignInResult> {
  if (await isSignInLocked(db, input.email, input.ip, input.now)) {
    return { status: "locked", retryAfterMinutes: SIGN_IN_LIMITS.windowMinutes };
  }
  const user = await db
    .selectFrom("users")
    .select(["id", "password_hash"])
    .where("email", "=", input.email)
    .where("active", "=", true)
    .executeTakeFirst();
  const valid = await verifyPassword(user?.password_hash ?? null, input.password);
  await recordSignInAttempt(db, { email: input.email, ip: input.ip, succeeded: valid, now: input.now });
  if (!user || !valid) return { status: "invalid" };
  const setCookie = await sessions.create(user.id, { ip: input.ip, userAgent: input.userAgent, secure: input.secure });
  return { status: "signed_in", userId: user.id, setCookie };
}
