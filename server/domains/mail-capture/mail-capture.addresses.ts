import { randomBytes } from "node:crypto";
import type { Role } from "../../../db/schema";
import { renderSenderAddressConfirmationEmail } from "../../../emails/sender-address-confirmation";
import type { Actor, Scope } from "../../auth/current-user";
import { generateSecret, hashSecret } from "../../auth/secrets";
import type { Database } from "../../db/database";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { queueEmail } from "../email/outbox.service";
import { rolesFor } from "../../auth/permissions";

/**
 * Logging addresses (`log-` + 20 base32 characters @ INBOUND_MAIL_DOMAIN, decision 110) and the
 * further addresses a user may log mail from once confirmed.
 */

const TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
export const LOGGING_TOKEN = /^log-[a-z2-7]{20}$/;
/** Staff log contact moments; a partner user has no logging address. */
const LOGGING_ROLES = rolesFor("interaction.log");
const CONFIRMATION_DAYS = 7;

/** 100 random bits: 32 symbols divide 256, so `byte & 31` is uniform. */
function newToken(): string {
  return `log-${[...randomBytes(20)].map((byte) => TOKEN_ALPHABET[byte & 31]).join("")}`;
}

export function mayLogMail(role: Role): boolean {
  return LOGGING_ROLES.includes(role);
}

/** The local part of an address when it is a logging token, else null. */
export function loggingTokenOf(address: string): string | null {
  const local = address.trim().toLowerCase().replace(/^<|>$/g, "").split("@")[0] ?? "";
  return LOGGING_TOKEN.test(local) ? local : null;
}

/**
 * Gives a staff user a logging address when they have none; nothing for a partner user. Called when
 * a user is created or becomes staff, so showing the address is a read. Two calls at once make one
 * address (the partial unique index on the active one).
 */
export async function provideLoggingAddress(db: Database, user: { id: string; regionId: string; role: Role }, now: Date): Promise<void> {
  if (!mayLogMail(user.role)) return;
  await db
    .insertInto("mail_logging_addresses")
    .values({ region_id: user.regionId, user_id: user.id, token: newToken(), created_at: now })
    .onConflict((oc) => oc.column("user_id").where("revoked_at", "is", null).doNothing())
    .execute();
}

/**
 * The user's logging address; null for a partner user. A staff user without one (loaded by a seed
 * or made before addresses existed) is given one here, once.
 */
export async function loggingAddressOf(db: Database, user: { id: string; regionId: string; role: Role }, options: { domain: string; now: Date }): Promise<string | null> {
  if (!mayLogMail(user.role)) return null;
  const active = () =>
    db.selectFrom("mail_logging_addresses").select("token").where("user_id", "=", user.id).where("region_id", "=", user.regionId).where("revoked_at", "is", null).executeTakeFirst();
  let found = await active();
  if (!found) {
    await provideLoggingAddress(db, user, options.now);
    found = await active();
  }
  return found ? `${found.token}@${options.domain}` : null;
}

/** A new logging address for the signed-in user; the old one is refused from now on (its token is never reused). */
export async function regenerateLoggingAddress(db: Database, scope: Scope, meta: { actor: Actor; now: Date; domain: string }): Promise<string> {
  if (!mayLogMail(scope.role)) throw new AppError("FORBIDDEN", "Only staff have a logging address");
  await db
    .updateTable("mail_logging_addresses")
    .set({ revoked_at: meta.now })
    .where("user_id", "=", scope.userId)
    .where("region_id", "=", scope.regionId)
    .where("revoked_at", "is", null)
    .execute();
  const token = newToken();
  await db.insertInto("mail_logging_addresses").values({ region_id: scope.regionId, user_id: scope.userId, token, created_at: meta.now }).execute();
  await recordAudit(db, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "mail.logging_address.regenerate", entityType: "user", entityId: scope.userId, now: meta.now });
  return `${token}@${meta.domain}`;
}

export type LoggingAddressOwner = { token: string; userId: string; regionId: string; email: string; name: string; role: Role; locale: "nl" | "en" };

/**
 * The active owner of a logging address (any domain: an HTTP relay may use its own), or null when the
 * token is unknown, revoked, or its user deactivated or no longer staff. `regionId` limits the search
 * to one region (the HTTP endpoint's, known from its secret).
 */
export async function findLoggingAddressOwner(db: Database, recipient: string, options: { regionId?: string } = {}): Promise<LoggingAddressOwner | null> {
  const token = loggingTokenOf(recipient);
  if (!token) return null;
  let query = db
    .selectFrom("mail_logging_addresses as a")
    .innerJoin("users as u", "u.id", "a.user_id")
    .select(["a.token", "u.id as userId", "u.region_id as regionId", "u.email", "u.name", "u.role", "u.locale"])
    .where("a.token", "=", token)
    .where("a.revoked_at", "is", null)
    .where("u.active", "=", true)
    .whereRef("u.region_id", "=", "a.region_id");
  if (options.regionId) query = query.where("a.region_id", "=", options.regionId);
  const owner = await query.executeTakeFirst();
  return owner && mayLogMail(owner.role) ? owner : null;
}

/** The addresses the owner may log from: their sign-in address and the further ones they confirmed. */
export async function allowedSendersOf(db: Database, owner: { userId: string; regionId: string; email: string }): Promise<Set<string>> {
  const confirmed = await db
    .selectFrom("mail_sender_addresses")
    .select("email")
    .where("user_id", "=", owner.userId)
    .where("region_id", "=", owner.regionId)
    .where("confirmed_at", "is not", null)
    .execute();
  return new Set([owner.email, ...confirmed.map((row) => row.email)].map((email) => email.toLowerCase()));
}

export type SenderAddress = { id: string; email: string; confirmedAt: Date | null; createdAt: Date };

export async function listSenderAddresses(db: Database, scope: Scope): Promise<SenderAddress[]> {
  return db
    .selectFrom("mail_sender_addresses")
    .select(["id", "email", "confirmed_at as confirmedAt", "created_at as createdAt"])
    .where("user_id", "=", scope.userId)
    .where("region_id", "=", scope.regionId)
    .orderBy("email")
    .execute();
}

/**
 * Adds an address the user sends from and mails it a confirmation link (built from `appUrl` only,
 * decision 090), in the caller's transaction. Adding it again sends a new link; a confirmed one stays
 * as it is. The path `/profile/mail-addresses/confirm/<token>` is the page's that calls
 * `confirmSenderAddress`.
 */
export async function addSenderAddress(db: Database, scope: Scope, email: string, meta: { actor: Actor; now: Date; appUrl: string }): Promise<SenderAddress> {
  if (!mayLogMail(scope.role)) throw new AppError("FORBIDDEN", "Only staff log mail");
  const address = email.trim().toLowerCase();
  const user = await db.selectFrom("users").innerJoin("regions", "regions.id", "users.region_id")
    .select(["users.email", "users.name", "users.locale", "regions.name as regionName"])
    .where("users.id", "=", scope.userId).where("users.region_id", "=", scope.regionId).executeTakeFirstOrThrow();
  if (user.email.toLowerCase() === address) throw validationFailed({ email: "mailCapture.senderIsOwnAddress" });
  const otherAccount = await db.selectFrom("users").select("id").where("email", "=", address).executeTakeFirst();
  if (otherAccount) throw validationFailed({ email: "mailCapture.senderOfAnotherAccount" });
  const existing = await db.selectFrom("mail_sender_addresses").select(["id", "confirmed_at"])
    .where("user_id", "=", scope.userId).where("region_id", "=", scope.regionId).where("email", "=", address).executeTakeFirst();
  if (existing?.confirmed_at) return (await listSenderAddresses(db, scope)).find((row) => row.id === existing.id)!;
  const token = generateSecret();
  const expires = new Date(meta.now.getTime() + CONFIRMATION_DAYS * 86_400_000);
  await db
    .insertInto("mail_sender_addresses")
    .values({ region_id: scope.regionId, user_id: scope.userId, email: address, confirmation_hash: hashSecret(token), confirmation_expires_at: expires, created_at: meta.now })
    .onConflict((oc) => oc.columns(["user_id", "email"]).doUpdateSet({ confirmation_hash: hashSecret(token), confirmation_expires_at: expires }))
    .execute();
  const message = await renderSenderAddressConfirmationEmail({
    locale: user.locale, name: user.name, email: address, regionName: user.regionName, url: `${meta.appUrl}/profile/mail-addresses/confirm/${token}`,
  });
  await queueEmail(db, { regionId: scope.regionId, template: "mail_sender_confirmation", to: address, toName: user.name, message, now: meta.now });
  await recordAudit(db, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "mail.sender_address.add", entityType: "user", entityId: scope.userId, now: meta.now });
  return (await listSenderAddresses(db, scope)).find((row) => row.email === address)!;
}

/**
 * What a confirmation link is for, without using it: the address and whether the link has expired,
 * or null for an unknown or used one (a used link's hash is gone). The confirmation page shows it
 * before the owner presses the button, so a mail scanner following the link confirms nothing
 * (decision 115). The page calling it must take a rate limit first, as for confirmSenderAddress.
 */
export async function findSenderAddressConfirmation(db: Database, token: string, now: Date): Promise<{ email: string; expired: boolean } | null> {
  if (!token || token.length > 200) return null;
  const row = await db
    .selectFrom("mail_sender_addresses")
    .select(["email", "confirmation_expires_at"])
    .where("confirmation_hash", "=", hashSecret(token))
    .executeTakeFirst();
  if (!row) return null;
  return { email: row.email, expired: !row.confirmation_expires_at || row.confirmation_expires_at <= now };
}

/**
 * Confirms the address whose emailed link holds `token` (valid for 7 days, once). Returns the
 * confirmed address and its user, or null for an unknown, used or expired link. The page calling it
 * must take a rate limit first (limitLinkTokenCheck), as every link check does.
 */
export async function confirmSenderAddress(db: Database, token: string, now: Date): Promise<{ userId: string; email: string } | null> {
  const confirmed = await db
    .updateTable("mail_sender_addresses")
    .set({ confirmed_at: now, confirmation_hash: null, confirmation_expires_at: null })
    .where("confirmation_hash", "=", hashSecret(token))
    .where("confirmation_expires_at", ">", now)
    .returning(["user_id as userId", "email", "region_id as regionId"])
    .executeTakeFirst();
  if (!confirmed) return null;
  await recordAudit(db, { regionId: confirmed.regionId, actorId: confirmed.userId, action: "mail.sender_address.confirm", entityType: "user", entityId: confirmed.userId, now });
  return { userId: confirmed.userId, email: confirmed.email };
}

export async function removeSenderAddress(db: Database, scope: Scope, id: string, meta: { actor: Actor; now: Date }): Promise<void> {
  const removed = await db.deleteFrom("mail_sender_addresses").where("id", "=", id).where("user_id", "=", scope.userId).where("region_id", "=", scope.regionId).executeTakeFirst();
  if (!removed.numDeletedRows) throw notFound("Sender address");
  await recordAudit(db, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "mail.sender_address.remove", entityType: "user", entityId: scope.userId, now: meta.now });
}
