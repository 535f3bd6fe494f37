import { sql } from "kysely";
import { translator } from "../../../i18n";
import type { Locale, Role } from "../../../db/schema";
import { renderInvitationEmail, renderPasswordResetEmail } from "../../../emails/render";
import { revokeAllApiTokens } from "../../auth/api-tokens";
import { hashPassword, verifyPassword } from "../../auth/passwords";
import { limitPasswordResetRequest } from "../../auth/rate-limit";
import { endOtherSessions } from "../../auth/sessions";
import { generateSecret, hashSecret } from "../../auth/secrets";
import type { ChangeMeta } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { queueEmail } from "../email/outbox.service";
import { getRegion } from "../regions/regions.service";
import { recomputeOrganisations } from "../health/health.service";
import { assertStillCurrent } from "../../db/versioned";
import { provideLoggingAddress } from "../mail-capture/mail-capture.addresses";

const INVITATION_VALID_DAYS = 7;
const PASSWORD_RESET_VALID_MINUTES = 60;


export type UserSummary = {
  id: string;
  email: string;
  name: string;
  role: Role;
  regionId: string;
  organisationId: string | null;
  active: boolean;
  invited: boolean;
  locale: Locale;
  version: number;
  createdAt: Date;
};

const summaryColumns = [
  "id", "email", "name", "role", "region_id as regionId", "organisation_id as organisationId", "active",
  "locale", "version", "created_at as createdAt",
  // A partner who got in without a password (decision 126) has joined: joined_at is set.
  sql<boolean>`password_hash is null and joined_at is null and active`.as("invited"),
] as const;

/**
 * Creates a user in a region. With a password the account is ready; without one an invitation
 * email with a single-use link is queued in the same transaction.
 */
export async function createUser(
  trx: Tx,
  input: { regionId: string; email: string; name: string; role: Role; organisationId?: string | null; password?: string | undefined },
  meta: ChangeMeta,
): Promise<UserSummary> {
  const existing = await trx.selectFrom("users").select("id").where("email", "=", input.email).executeTakeFirst();
  if (existing) throw validationFailed({ email: "validation.emailTaken" });
  // A partner user sees what its organisation sees: that must be a live organisation of the same
  // region, or an admin could bind an account to another region's company (found by the authorization matrix).
  if (input.organisationId) {
    const organisation = await trx.selectFrom("organisations").select("id")
      .where("id", "=", input.organisationId).where("region_id", "=", input.regionId).where("archived_at", "is", null).executeTakeFirst();
    if (!organisation) throw validationFailed({ organisationId: "commitments.validation.unknownOrganisation" });
  }
  const user = await trx
    .insertInto("users")
    .values({
      region_id: input.regionId,
      email: input.email,
      name: input.name,
      role: input.role,
      organisation_id: input.organisationId ?? null,
      password_hash: input.password ? await hashPassword(input.password) : null,
      created_at: meta.now,
      updated_at: meta.now,
    })
    .returning(summaryColumns)
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      // An address is unique across all regions, but inside a request the check above sees only
      // the caller's region (row-level security, decision 073): the constraint has the last word.
      const { code, constraint_name: constraint } = error as { code?: string; constraint_name?: string };
      throw code === "23505" && constraint === "users_email_key" ? validationFailed({ email: "validation.emailTaken" }) : error;
    });
  await recordAudit(trx, {
    regionId: input.regionId, actorId: meta.actor?.id ?? null, action: input.password ? "user.create" : "user.invite",
    entityType: "user", entityId: user.id, after: { email: user.email, name: user.name, role: user.role, organisationId: user.organisationId }, now: meta.now,
  });
  await provideLoggingAddress(trx, { id: user.id, regionId: input.regionId, role: user.role }, meta.now);
  if (!input.password) await sendInvitation(trx, user, meta);
  return user;
}

async function sendInvitation(trx: Tx, user: UserSummary, meta: ChangeMeta) {
  const token = await createUserToken(trx, user.id, "invitation", new Date(meta.now.getTime() + INVITATION_VALID_DAYS * 86_400_000), meta.now);
  const region = await getRegion(trx, user.regionId);
  const message = await renderInvitationEmail({
    locale: user.locale,
    name: user.name,
    inviterName: meta.actor?.name ?? region.name,
    regionName: region.name,
    roleLabel: translator(user.locale)(`roles.${user.role}`),
    url: `${meta.appUrl}/invitation/${token}`,
  });
  await queueEmail(trx, { regionId: user.regionId, template: "invitation", to: user.email, toName: user.name, message, now: meta.now });
}

async function createUserToken(trx: Tx, userId: string, purpose: "invitation" | "password_reset", expiresAt: Date, now: Date) {
  const token = generateSecret();
  // A new link replaces any earlier unused one of the same kind.
  await trx.updateTable("user_tokens").set({ used_at: now }).where("user_id", "=", userId).where("purpose", "=", purpose).where("used_at", "is", null).execute();
  await trx.insertInto("user_tokens").values({ user_id: userId, purpose, token_hash: hashSecret(token), expires_at: expiresAt, created_at: now }).execute();
  return token;
}

/** The user a single-use link belongs to, if the link is unused, unexpired and the account active. */
export async function findUserByToken(db: Database, token: string, purpose: "invitation" | "password_reset", now: Date) {
  if (!token || token.length > 200) return undefined;
  return db
    .selectFrom("user_tokens")
    .innerJoin("users", "users.id", "user_tokens.user_id")
    .select(["user_tokens.id as tokenId", "users.id", "users.name", "users.email", "users.role", "users.password_hash as passwordHash", "users.joined_at as joinedAt"])
    .where("user_tokens.token_hash", "=", hashSecret(token))
    .where("user_tokens.purpose", "=", purpose)
    .where("user_tokens.used_at", "is", null)
    .where("user_tokens.expires_at", ">", now)
    .where("users.active", "=", true)
    .executeTakeFirst();
}

/** Whether an invitation may be accepted without choosing a password: partners sign in by link (decision 126). */
export const mayJoinWithoutPassword = (role: Role) => role === "partner";

/**
 * Sets the password through a single-use link (an invitation or a reset). The link is spent, and
 * every existing session of the account ends, so a reset locks out whoever knew the old password.
 * A partner's invitation may be accepted without a password (`password` undefined): the account is
 * then joined, and signs in with emailed links.
 */
export async function setPasswordWithToken(
  trx: Tx,
  input: { token: string; purpose: "invitation" | "password_reset"; password: string | undefined },
  now: Date,
  appUrl: string,
): Promise<{ userId: string; apiTokensRevoked: number }> {
  const found = await findUserByToken(trx, input.token, input.purpose, now);
  if (!found || (input.purpose === "invitation" && (found.passwordHash || found.joinedAt))) {
    throw new AppError("RULE_VIOLATION", "This link has expired or was already used", { userMessageKey: input.purpose === "invitation" ? "invitation.invalidLink" : "resetPassword.invalidLink" });
  }
  if (input.password === undefined && !(input.purpose === "invitation" && mayJoinWithoutPassword(found.role))) {
    throw validationFailed({ password: "validation.required" });
  }
  const spent = await trx
    .updateTable("user_tokens")
    .set({ used_at: now })
    .where("id", "=", found.tokenId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  // Two submissions of one link race here: only the one that spent it may continue.
  if (Number(spent.numUpdatedRows) !== 1) throw new AppError("RULE_VIOLATION", "This link was already used", { userMessageKey: "resetPassword.invalidLink" });
  await trx
    .updateTable("users")
    .set({
      ...(input.password !== undefined && { password_hash: await hashPassword(input.password) }),
      ...(input.purpose === "invitation" && { joined_at: now }),
      updated_at: now,
      version: sql`version + 1`,
    })
    .where("id", "=", found.id)
    .execute();
  await trx.deleteFrom("sessions").where("user_id", "=", found.id).execute();
  // A reset is how an account is taken back: tokens made by whoever had it stop too.
  const apiTokensRevoked = input.purpose === "password_reset" ? await revokeAllApiTokens(trx, found.id, { reason: "password_reset", now, appUrl }) : 0;
  const region = await trx.selectFrom("users").select("region_id").where("id", "=", found.id).executeTakeFirstOrThrow();
  await recordAudit(trx, { regionId: region.region_id, actorId: found.id, action: input.purpose === "invitation" ? "user.accept_invitation" : "user.reset_password", entityType: "user", entityId: found.id, now });
  return { userId: found.id, apiTokensRevoked };
}

/**
 * A signed-in user changes their own password after giving the current one (the caller takes the
 * current-password rate limit first, outside its transaction). Every other session of the account
 * ends and every API token is revoked (whoever knew the old password is out); `keepSessionId`, the
 * browser doing the change, stays signed in.
 */
export async function changePassword(
  trx: Tx,
  userId: string,
  input: { currentPassword: string; password: string },
  meta: { keepSessionId: string | null; now: Date; appUrl: string },
) {
  const user = await trx.selectFrom("users").select(["password_hash", "region_id"]).where("id", "=", userId).executeTakeFirstOrThrow();
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) throw validationFailed({ currentPassword: "changePassword.wrongCurrent" });
  await trx.updateTable("users").set({ password_hash: await hashPassword(input.password), updated_at: meta.now, version: sql`version + 1` }).where("id", "=", userId).execute();
  const otherSessionsEnded = await endOtherSessions(trx, userId, meta.keepSessionId);
  const apiTokensRevoked = await revokeAllApiTokens(trx, userId, { reason: "password_changed", now: meta.now, appUrl: meta.appUrl });
  await recordAudit(trx, { regionId: user.region_id, actorId: userId, action: "user.change_password", entityType: "user", entityId: userId, now: meta.now });
  return { otherSessionsEnded, apiTokensRevoked };
}

/**
 * A "forgot password" request (decision 098): throttled per typed address and per client address,
 * then queued. The request path does exactly this for every address, known or not, so neither the
 * answer nor its timing says whether an account exists; the email job looks the address up and
 * sends the link (sendRequestedPasswordResets).
 */
export async function requestPasswordReset(db: Database, input: { email: string; ip: string; now: Date }): Promise<void> {
  await limitPasswordResetRequest(db, input);
  await db.insertInto("password_reset_requests").values({ email: input.email, created_at: input.now }).execute();
}

const RESET_BATCH_SIZE = 50;

/**
 * Off the request path: takes queued reset requests and, for those whose address belongs to an
 * active account, queues an email with a single-use link built from the configured address. One
 * link per address per batch. Safe to run in several processes at once (skip locked).
 */
export async function sendRequestedPasswordResets(db: Database, meta: { now: Date; appUrl: string }): Promise<{ sent: number }> {
  let sent = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const taken = await trx
        .deleteFrom("password_reset_requests")
        .where("id", "in", (eb) => eb.selectFrom("password_reset_requests").select("id").orderBy("id").limit(RESET_BATCH_SIZE).forUpdate().skipLocked())
        .returning("email")
        .execute();
      for (const email of new Set(taken.map((request) => request.email.toLowerCase()))) {
        if (await sendPasswordReset(trx, email, meta)) sent++;
      }
      return taken.length;
    });
    if (batch < RESET_BATCH_SIZE) return { sent };
  }
}

async function sendPasswordReset(trx: Tx, email: string, meta: { now: Date; appUrl: string }): Promise<boolean> {
  const user = await trx
    .selectFrom("users")
    .select(["id", "name", "email", "region_id", "locale"])
    .where("email", "=", email)
    .where("active", "=", true)
    .executeTakeFirst();
  if (!user) return false;
  const token = await createUserToken(trx, user.id, "password_reset", new Date(meta.now.getTime() + PASSWORD_RESET_VALID_MINUTES * 60_000), meta.now);
  const region = await getRegion(trx, user.region_id);
  const message = await renderPasswordResetEmail({ locale: user.locale, name: user.name, regionName: region.name, url: `${meta.appUrl}/reset-password/${token}` });
  await queueEmail(trx, { regionId: user.region_id, template: "password_reset", to: user.email, toName: user.name, message, now: meta.now });
  return true;
}

export async function listUsers(db: Database, regionId: string, options: { limit: number; cursor?: string | undefined }) {
  const after = options.cursor ? decodeCursor(options.cursor, ["text", "uuid"]) : undefined;
  let query = db
    .selectFrom("users")
    .select(summaryColumns)
    .where("region_id", "=", regionId)
    .orderBy("name")
    .orderBy("id")
    .limit(options.limit + 1);
  if (after) query = query.where((eb) => eb(eb.refTuple("name", "id"), ">", eb.tuple(String(after[0]), String(after[1]))));
  const rows = await query.execute();
  const { rows: items, nextCursor } = keysetPage(rows, options.limit, (last) => [last.name, last.id]);
  return { items, nextCursor };
}

export async function getUser(db: Database, regionId: string, userId: string): Promise<UserSummary> {
  const user = await db.selectFrom("users").select(summaryColumns).where("id", "=", userId).where("region_id", "=", regionId).executeTakeFirst();
  if (!user) throw notFound("User");
  return user;
}

async function assertAnotherActiveAdmin(db: Database, regionId: string, userId: string) {
  const other = await db
    .selectFrom("users")
    .select("id")
    .where("region_id", "=", regionId)
    .where("role", "=", "admin")
    .where("active", "=", true)
    .where("id", "<>", userId)
    .executeTakeFirst();
  if (!other) throw new AppError("RULE_VIOLATION", "The region must keep at least one active administrator", { userMessageKey: "users.lastAdmin" });
}

/** Changes a user's role; a stale `version` is a conflict, and the last active admin keeps the role. */
export async function changeUserRole(trx: Tx, regionId: string, input: { userId: string; role: Role; version: number }, meta: ChangeMeta) {
  const before = await getUser(trx, regionId, input.userId);
  assertStillCurrent(before.version === input.version, "user");
  if (before.role === "admin" && input.role !== "admin") await assertAnotherActiveAdmin(trx, regionId, input.userId);
  const after = await trx
    .updateTable("users")
    .set({ role: input.role, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", input.userId)
    .where("region_id", "=", regionId)
    .where("version", "=", input.version)
    .returning(summaryColumns)
    .executeTakeFirst();
  assertStillCurrent(after, "user");
  await provideLoggingAddress(trx, { id: after.id, regionId, role: after.role }, meta.now);
  await recordAudit(trx, { regionId, actorId: meta.actor?.id ?? null, action: "user.change_role", entityType: "user", entityId: input.userId, before: { role: before.role }, after: { role: after.role }, now: meta.now });
  return after;
}

/** Deactivates an account: it can no longer sign in, and its sessions and API tokens stop working. */
export async function deactivateUser(trx: Tx, regionId: string, userId: string, meta: ChangeMeta) {
  if (meta.actor?.id === userId) throw new AppError("RULE_VIOLATION", "You cannot deactivate your own account", { userMessageKey: "users.cannotDeactivateSelf" });
  const before = await getUser(trx, regionId, userId);
  if (!before.active) return before;
  if (before.role === "admin") await assertAnotherActiveAdmin(trx, regionId, userId);
  const after = await trx
    .updateTable("users")
    .set({ active: false, deactivated_at: meta.now, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", userId)
    .where("region_id", "=", regionId)
    .returning(summaryColumns)
    .executeTakeFirstOrThrow();
  await trx.deleteFrom("sessions").where("user_id", "=", userId).execute();
  await recordAudit(trx, { regionId, actorId: meta.actor?.id ?? null, action: "user.deactivate", entityType: "user", entityId: userId, before: { active: true }, after: { active: false }, now: meta.now });
  // Their relationships now have no one: each turns cold with account_holder_left until handed over.
  const owned = await trx.selectFrom("organisations").select("id").where("account_holder_id", "=", userId).where("archived_at", "is", null).execute();
  await recomputeOrganisations(trx, owned.map((o) => o.id), meta.now);
  return after;
}

export async function setUserLocale(trx: Tx, userId: string, locale: Locale, now: Date) {
  await trx.updateTable("users").set({ locale, updated_at: now }).where("id", "=", userId).execute();
}

/** Colleagues who can own relationships: active staff of the region (not partner users). */
export async function listAssignableUsers(db: Database, regionId: string) {
  return assignableUsersQuery(db, regionId).execute();
}

/** The query of listAssignableUsers, also read inside a page's statement. */
export function assignableUsersQuery(db: Database, regionId: string) {
  return db
    .selectFrom("users")
    .select(["id", "name"])
    .where("region_id", "=", regionId)
    .where("active", "=", true)
    .where("role", "<>", "partner")
    .orderBy("name");
}
