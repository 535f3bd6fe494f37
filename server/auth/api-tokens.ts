import { renderApiTokensRevokedEmail } from "../../emails/render";
import type { ApiTokensRevokedReason } from "../../emails/api-tokens-revoked";
import type { Database } from "../db/database";
import { findAccountEmailRecipient, queueEmail } from "../domains/email/outbox.service";
import { validationFailed } from "../validation";
import type { CurrentUser } from "./current-user";
import { verifyPassword } from "./passwords";
import type { SecretBox } from "./secret-key";
import { generateSecret, hashSecret } from "./secrets";
import { checkSecondFactor, TWO_FACTOR_ROLES } from "./two-factor";

const TOKEN_PREFIX = "skl_";

/**
 * Makes a token for a user; the plain token is returned once and only its hash is kept. People mint
 * through `mintApiToken` (password and code again); only the operator's command line calls this directly.
 */
export async function createApiToken(db: Database, input: { userId: string; name: string; now: Date }) {
  const token = `${TOKEN_PREFIX}${generateSecret(30)}`;
  const row = await db
    .insertInto("api_tokens")
    .values({ user_id: input.userId, name: input.name, token_hash: hashSecret(token), token_prefix: token.slice(0, 10), created_at: input.now })
    .returning(["id", "name", "token_prefix", "created_at"])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, prefix: row.token_prefix, createdAt: row.created_at, token };
}

/**
 * A token signs in without password or second factor, so a stolen session must not be able to
 * make one: the profile page asks for the password again, and the code when two-factor sign-in is
 * on (issue 14, item 7). A wrong answer is a field error and nothing is made.
 */
export async function mintApiToken(
  db: Database,
  box: SecretBox,
  input: { userId: string; name: string; password: string; code: string; now: Date },
) {
  const user = await db.selectFrom("users").select(["password_hash", "totp_enabled_at"]).where("id", "=", input.userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.password))) throw validationFailed({ password: "profile.tokenWrongPassword" });
  if (user.totp_enabled_at) {
    if (!input.code.trim()) throw validationFailed({ code: "profile.tokenCodeNeeded" });
    if (!(await checkSecondFactor(db, box, input.userId, input.code, input.now))) throw validationFailed({ code: "profile.tokenWrongCode" });
  }
  return createApiToken(db, { userId: input.userId, name: input.name, now: input.now });
}

/**
 * Revokes every live token of the user, as a recovery of the account does (a changed or reset
 * password, signing out everywhere): whoever took over the account may have made one. The owner is
 * told by email, so a script that stops has an explanation. Returns how many were revoked.
 */
export async function revokeAllApiTokens(db: Database, userId: string, meta: { reason: ApiTokensRevokedReason; now: Date; appUrl: string }): Promise<number> {
  const revoked = await db
    .updateTable("api_tokens")
    .set({ revoked_at: meta.now })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const count = Number(revoked.numUpdatedRows);
  if (count === 0) return 0;
  const user = await findAccountEmailRecipient(db, userId);
  const message = await renderApiTokensRevokedEmail({
    locale: user.locale, name: user.name, regionName: user.regionName, count, reason: meta.reason, url: `${meta.appUrl}/profile#tokens`,
  });
  await queueEmail(db, { regionId: user.regionId, template: "api_tokens_revoked", to: user.email, toName: user.name, message, now: meta.now });
  return count;
}

export async function listApiTokens(db: Database, userId: string) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "name", "token_prefix as prefix", "created_at as createdAt", "last_used_at as lastUsedAt"])
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .execute();
}

export async function revokeApiToken(db: Database, input: { userId: string; tokenId: string; now: Date }): Promise<boolean> {
  const result = await db
    .updateTable("api_tokens")
    .set({ revoked_at: input.now })
    .where("id", "=", input.tokenId)
    .where("user_id", "=", input.userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * The active user behind a bearer token, or null for an unknown, revoked or deactivated one.
 * `mustSetUpTwoFactor`: the region requires a second factor of the user's role and they have none,
 * so the token is refused as a session would be (it must not be a way around the requirement).
 */
export async function authenticateApiToken(db: Database, token: string, now: Date): Promise<{ user: CurrentUser; mustSetUpTwoFactor: boolean } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .innerJoin("regions", "regions.id", "users.region_id")
    .select([
      "api_tokens.id as tokenId", "api_tokens.last_used_at", "users.id", "users.region_id", "users.email", "users.name",
      "users.role", "users.organisation_id", "users.locale", "users.totp_enabled_at", "regions.require_two_factor",
    ])
    .where("api_tokens.token_hash", "=", hashSecret(token))
    .where("api_tokens.revoked_at", "is", null)
    .where("users.active", "=", true)
    .executeTakeFirst();
  if (!row) return null;
  // Record use at most once a minute, so a busy script does not write on every request.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", row.tokenId).execute();
  }
  return {
    user: { id: row.id, regionId: row.region_id, email: row.email, name: row.name, role: row.role, organisationId: row.organisation_id, locale: row.locale },
    mustSetUpTwoFactor: row.require_two_factor && TWO_FACTOR_ROLES.includes(row.role) && row.totp_enabled_at === null,
  };
}
