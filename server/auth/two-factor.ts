import { randomInt } from "node:crypto";
import { CHALLENGE_MINUTES } from "./two-factor-challenge";
import { sql } from "kysely";
import type { Role } from "../../db/schema";
import type { Database } from "../db/database";
import { AppError } from "../errors";
import { validationFailed } from "../validation";
import { recordAudit } from "../domains/audit/audit";
import { verifyPassword } from "./passwords";
import { isEncrypted, type SecretBox, SecretUnreadableError } from "./secret-key";
import { clearSecondFactorFailures, recordSecondFactorFailure, secondFactorLockedUntil } from "./second-factor-lockout";
import { generateSecret, hashSecret } from "./secrets";

/**
 * Two-factor sign-in (issue 8, item 3): a TOTP app (RFC 6238, the codes of any authenticator app)
 * with single-use recovery codes, via otplib. Every check takes the injected clock, so tests move
 * time instead of waiting for it.
 */

const ISSUER = "Schakel";
/** One 30-second step either way: phones whose clocks drift a little still sign in. */
const TOLERANCE_SECONDS = 30;
export const MAX_FAILED_CODES = 5;
const RECOVERY_CODE_COUNT = 10;
/** No 0/o, 1/l/i: recovery codes are typed from paper. */
const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
/** The roles a region can oblige to use a second factor. */
export const TWO_FACTOR_ROLES: readonly Role[] = ["admin", "penvoerder"];

const epochOf = (now: Date) => Math.floor(now.getTime() / 1000);

/**
 * The TOTP secret is stored encrypted (decision 097), bound to its user's row: a ciphertext copied
 * onto another account does not open there.
 */
export const totpSecretContext = (userId: string) => `users.totp_secret:${userId}`;
const sealSecret = (box: SecretBox, userId: string, secret: string) => box.encrypt(secret, totpSecretContext(userId));
const openSecret = (box: SecretBox, userId: string, stored: string) => box.decrypt(stored, totpSecretContext(userId));

/**
 * Encrypts TOTP secrets still stored in plaintext (from before decision 097, or restored from an
 * older backup). Runs at start-up, after the migrations, which cannot know the key. Returns how many.
 */
export async function encryptPlaintextTotpSecrets(db: Database, box: SecretBox): Promise<number> {
  const rows = await db.selectFrom("users").select(["id", "totp_secret"]).where("totp_secret", "is not", null).where("totp_secret", "not like", "v1:%").execute();
  for (const row of rows) {
    if (!row.totp_secret || isEncrypted(row.totp_secret)) continue;
    await db.updateTable("users").set({ totp_secret: sealSecret(box, row.id, row.totp_secret) }).where("id", "=", row.id).where("totp_secret", "=", row.totp_secret).execute();
  }
  return rows.length;
}

export type TwoFactorStatus = { enabled: boolean; enabledAt: string | null; recoveryCodesLeft: number; required: boolean };

export async function twoFactorStatus(db: Database, userId: string): Promise<TwoFactorStatus> {
  const row = await db
    .selectFrom("users")
    .innerJoin("regions", "regions.id", "users.region_id")
    .select(["users.totp_enabled_at", "users.role", "regions.require_two_factor"])
    .where("users.id", "=", userId)
    .executeTakeFirstOrThrow();
  const { left } = await db
    .selectFrom("user_recovery_codes")
    .select((eb) => eb.fn.countAll<string>().as("left"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return {
    enabled: row.totp_enabled_at !== null,
    enabledAt: row.totp_enabled_at?.toISOString() ?? null,
    recoveryCodesLeft: Number(left),
    required: row.require_two_factor && TWO_FACTOR_ROLES.includes(row.role),
  };
}

/**
 * The secret to scan while enrolling: the pending one when there is one (a reload shows the same
 * code), else a new one. Refused when two-factor sign-in is on already.
 */
export async function enrollmentSecret(db: Database, box: SecretBox, user: { id: string; email: string }) {
  const row = await db.selectFrom("users").select(["totp_secret", "totp_enabled_at"]).where("id", "=", user.id).executeTakeFirstOrThrow();
  if (row.totp_enabled_at) throw new AppError("RULE_VIOLATION", "Two-factor sign-in is already on", { userMessageKey: "twoFactor.alreadyOn" });
  let secret: string | null = null;
  if (row.totp_secret) {
    try {
      secret = openSecret(box, user.id, row.totp_secret);
    } catch (error) {
      // A pending secret under another key (a restored backup) is simply replaced: nothing uses it yet.
      if (!(error instanceof SecretUnreadableError)) throw error;
    }
  }
  if (!secret) {
    secret = (await otp()).generateSecret();
    await db.updateTable("users").set({ totp_secret: sealSecret(box, user.id, secret) }).where("id", "=", user.id).where("totp_enabled_at", "is", null).execute();
  }
  const uri = (await otp()).generateURI({ issuer: ISSUER, label: user.email, secret });
  // A data: image is allowed by our CSP (img-src 'self' data:); an SVG would need inline styles.
  const { default: QRCode } = await import("qrcode");
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 1, width: 220 });
  return { secret, uri, qrDataUrl };
}

function newRecoveryCode() {
  let code = "";
  for (let i = 0; i < 10; i++) code += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Recovery codes as people type them: case, spaces and dashes do not matter. */
function normaliseRecoveryCode(code: string) {
  return code.toLowerCase().replace(/[\s-]/g, "");
}

async function replaceRecoveryCodes(db: Database, userId: string, now: Date): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.deleteFrom("user_recovery_codes").where("user_id", "=", userId).execute();
  await db
    .insertInto("user_recovery_codes")
    .values(codes.map((code) => ({ user_id: userId, code_hash: hashSecret(normaliseRecoveryCode(code)), created_at: now })))
    .execute();
  return codes;
}

async function auditOf(db: Database, userId: string, action: string, now: Date, actorId = userId) {
  const { region_id: regionId } = await db.selectFrom("users").select("region_id").where("id", "=", userId).executeTakeFirstOrThrow();
  await recordAudit(db, { regionId, actorId, action, entityType: "user", entityId: userId, now });
}

/**
 * Turns two-factor sign-in on once the user proves their app shows the right code; returns the
 * recovery codes, shown this once and stored only as hashes.
 */
export async function confirmEnrollment(db: Database, box: SecretBox, userId: string, code: string, now: Date): Promise<{ recoveryCodes: string[] }> {
  const row = await db.selectFrom("users").select(["totp_secret", "totp_enabled_at"]).where("id", "=", userId).forUpdate().executeTakeFirstOrThrow();
  if (row.totp_enabled_at) throw new AppError("RULE_VIOLATION", "Two-factor sign-in is already on", { userMessageKey: "twoFactor.alreadyOn" });
  if (!row.totp_secret) throw new AppError("RULE_VIOLATION", "Start setting up two-factor sign-in first", { userMessageKey: "twoFactor.notStarted" });
  let secret: string;
  try {
    secret = openSecret(box, userId, row.totp_secret);
  } catch (error) {
    if (error instanceof SecretUnreadableError) throw new AppError("RULE_VIOLATION", "Start setting up two-factor sign-in again", { userMessageKey: "twoFactor.notStarted" });
    throw error;
  }
  const step = await totpStep(secret, code, now, null);
  if (step === null) throw validationFailed({ code: "twoFactor.invalidCode" });
  await db.updateTable("users").set({ totp_enabled_at: now, totp_last_step: step, updated_at: now, version: sql`version + 1` }).where("id", "=", userId).execute();
  const recoveryCodes = await replaceRecoveryCodes(db, userId, now);
  await auditOf(db, userId, "user.two_factor_enable", now);
  return { recoveryCodes };
}

/** New recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(db: Database, userId: string, now: Date): Promise<string[]> {
  const row = await db.selectFrom("users").select("totp_enabled_at").where("id", "=", userId).executeTakeFirstOrThrow();
  if (!row.totp_enabled_at) throw new AppError("RULE_VIOLATION", "Two-factor sign-in is off", { userMessageKey: "twoFactor.notOn" });
  const codes = await replaceRecoveryCodes(db, userId, now);
  await auditOf(db, userId, "user.two_factor_recovery_codes", now);
  return codes;
}

/**
 * Turns two-factor sign-in off after the password is given again (someone at an unlocked screen
 * cannot do it). Refused where the region requires it of the user's role.
 */
export async function disableTwoFactor(db: Database, userId: string, password: string, now: Date): Promise<void> {
  const user = await db.selectFrom("users").select(["password_hash"]).where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, password))) throw validationFailed({ password: "twoFactor.wrongPassword" });
  if ((await twoFactorStatus(db, userId)).required) {
    throw new AppError("RULE_VIOLATION", "Your region requires two-factor sign-in for your role", { userMessageKey: "twoFactor.requiredByRegion" });
  }
  await db.updateTable("users").set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: now, version: sql`version + 1` }).where("id", "=", userId).execute();
  await db.deleteFrom("user_recovery_codes").where("user_id", "=", userId).execute();
  await auditOf(db, userId, "user.two_factor_disable", now);
}

/** otplib and qrcode (about 20 MB together) are loaded when two-factor sign-in is first used (decision 081). */
const otp = () => import("otplib");

/** The time step of a valid code newer than `afterStep`, or null. */
async function totpStep(secret: string, code: string, now: Date, afterStep: number | null): Promise<number | null> {
  const token = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(token)) return null;
  const result = await (await otp()).verify({ secret, token, epoch: epochOf(now), epochTolerance: TOLERANCE_SECONDS, ...(afterStep !== null && { afterTimeStep: afterStep }) });
  return result.valid && "timeStep" in result && typeof result.timeStep === "number" ? result.timeStep : null;
}

/**
 * The second factor at sign-in: a current code from the app (each code once: the step is recorded,
 * and a second use of it, even racing, is refused) or an unused recovery code (spent by using it).
 */
export async function checkSecondFactor(db: Database, box: SecretBox, userId: string, code: string, now: Date): Promise<"totp" | "recovery" | null> {
  const user = await db.selectFrom("users").select(["totp_secret", "totp_enabled_at", "totp_last_step"]).where("id", "=", userId).executeTakeFirstOrThrow();
  if (!user.totp_enabled_at || !user.totp_secret) return null;
  const lastStep = user.totp_last_step === null ? null : Number(user.totp_last_step);
  // A secret this key cannot open (a backup restored under another key) leaves the recovery codes,
  // which are hashed and keep working, so the owner can get in and set up their app again.
  let secret: string | null = null;
  try {
    secret = openSecret(box, userId, user.totp_secret);
  } catch (error) {
    if (!(error instanceof SecretUnreadableError)) throw error;
  }
  const step = secret === null ? null : await totpStep(secret, code, now, lastStep);
  if (step !== null) {
    const moved = await db
      .updateTable("users")
      .set({ totp_last_step: step })
      .where("id", "=", userId)
      .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", String(step))]))
      .executeTakeFirst();
    return Number(moved.numUpdatedRows) === 1 ? "totp" : null;
  }
  const normalised = normaliseRecoveryCode(code);
  if (!/^[a-z0-9]{10}$/.test(normalised)) return null;
  const spent = await db
    .updateTable("user_recovery_codes")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hashSecret(normalised))
    .where("used_at", "is", null)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) return null;
  await auditOf(db, userId, "user.recovery_code_used", now);
  return "recovery";
}

/** After a right password, for a user with two-factor on: the token of the code step (a cookie). */
export async function createChallenge(db: Database, userId: string, now: Date): Promise<string> {
  const token = generateSecret();
  await db.deleteFrom("two_factor_challenges").where((eb) => eb.or([eb("user_id", "=", userId), eb("expires_at", "<=", now)])).execute();
  await db
    .insertInto("two_factor_challenges")
    .values({ token_hash: hashSecret(token), user_id: userId, expires_at: new Date(now.getTime() + CHALLENGE_MINUTES * 60_000), created_at: now })
    .execute();
  return token;
}

export type ChallengeOutcome =
  | { status: "passed"; userId: string }
  | { status: "wrong_code"; attemptsLeft: number }
  | { status: "expired" }
  /** Too many wrong codes for the account, across challenges (decision 099); `emailed` when this try locked it. */
  | { status: "locked"; lockedUntil: Date; emailed: boolean };

/**
 * The code step of signing in. A challenge lives ten minutes and takes five wrong codes; then the
 * password must be given again (which the sign-in rate limit counts). Wrong codes are also counted
 * per account across challenges, and too many lock the step (second-factor-lockout.ts).
 */
export async function completeChallenge(db: Database, box: SecretBox, token: string | null | undefined, code: string, now: Date): Promise<ChallengeOutcome> {
  if (!token || token.length > 100) return { status: "expired" };
  return db.transaction().execute(async (trx) => {
    const challenge = await trx.selectFrom("two_factor_challenges").selectAll().where("token_hash", "=", hashSecret(token)).forUpdate().executeTakeFirst();
    if (!challenge || challenge.expires_at <= now) {
      if (challenge) await trx.deleteFrom("two_factor_challenges").where("token_hash", "=", challenge.token_hash).execute();
      return { status: "expired" as const };
    }
    const lockedUntil = await secondFactorLockedUntil(trx, challenge.user_id, now);
    if (lockedUntil) return { status: "locked" as const, lockedUntil, emailed: false };
    if (await checkSecondFactor(trx, box, challenge.user_id, code, now)) {
      await trx.deleteFrom("two_factor_challenges").where("token_hash", "=", challenge.token_hash).execute();
      await clearSecondFactorFailures(trx, challenge.user_id);
      return { status: "passed" as const, userId: challenge.user_id };
    }
    const lockout = await recordSecondFactorFailure(trx, challenge.user_id, now);
    if (lockout.lockedUntil) {
      await trx.deleteFrom("two_factor_challenges").where("token_hash", "=", challenge.token_hash).execute();
      return { status: "locked" as const, lockedUntil: lockout.lockedUntil, emailed: true };
    }
    const failed = challenge.failed_attempts + 1;
    if (failed >= MAX_FAILED_CODES) {
      await trx.deleteFrom("two_factor_challenges").where("token_hash", "=", challenge.token_hash).execute();
      return { status: "expired" as const };
    }
    await trx.updateTable("two_factor_challenges").set({ failed_attempts: failed }).where("token_hash", "=", challenge.token_hash).execute();
    return { status: "wrong_code" as const, attemptsLeft: MAX_FAILED_CODES - failed };
  });
}

/** Whether the region obliges its admins and penvoerders to use a second factor (admins set it). */
export async function setRegionTwoFactorRequirement(db: Database, regionId: string, required: boolean, meta: { actorId: string; now: Date }) {
  const before = await db.selectFrom("regions").select("require_two_factor").where("id", "=", regionId).executeTakeFirstOrThrow();
  await db.updateTable("regions").set({ require_two_factor: required }).where("id", "=", regionId).execute();
  await recordAudit(db, {
    regionId, actorId: meta.actorId, action: "region.two_factor_requirement", entityType: "region", entityId: regionId,
    before: { requireTwoFactor: before.require_two_factor }, after: { requireTwoFactor: required }, now: meta.now,
  });
  return { requireTwoFactor: required };
}

export async function regionTwoFactorRequirement(db: Database, regionId: string) {
  const row = await db.selectFrom("regions").select("require_two_factor").where("id", "=", regionId).executeTakeFirstOrThrow();
  return { requireTwoFactor: row.require_two_factor };
}
