import type { Database } from "../db/database";
import type { CurrentUser } from "./current-user";
import { generateSecret, hashSecret } from "./secrets";

const TOKEN_PREFIX = "skl_";

/** Makes a token for a user; the plain token is returned once and only its hash is kept. */
export async function createApiToken(db: Database, input: { userId: string; name: string; now: Date }) {
  const token = `${TOKEN_PREFIX}${generateSecret(30)}`;
  const row = await db
    .insertInto("api_tokens")
    .values({ user_id: input.userId, name: input.name, token_hash: hashSecret(token), token_prefix: token.slice(0, 10), created_at: input.now })
    .returning(["id", "name", "token_prefix", "created_at"])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, prefix: row.token_prefix, createdAt: row.created_at, token };
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

/** The active user behind a bearer token, or null for an unknown, revoked or deactivated one. */
export async function authenticateApiToken(db: Database, token: string, now: Date): Promise<CurrentUser | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id as tokenId", "api_tokens.last_used_at", "users.id", "users.region_id", "users.email", "users.name",
      "users.role", "users.organisation_id", "users.locale",
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
    id: row.id, regionId: row.region_id, email: row.email, name: row.name, role: row.role,
    organisationId: row.organisation_id, locale: row.locale,
  };
}
