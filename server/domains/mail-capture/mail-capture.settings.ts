import { sql } from "kysely";
import type { MailRetention } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { generateSecret, hashSecret } from "../../auth/secrets";
import type { Database, Tx } from "../../db/database";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import type { NeverLogInput } from "./mail-capture.schemas";
import { can } from "../../auth/permissions";

/**
 * A region's settings for logged mail: how much text is kept, the inbound HTTP secret, and the
 * never-log lists (the region's and each user's).
 */

type Meta = ChangeStamp;

const INBOUND_SECRET_PREFIX = "inb_";

function assertAdmin(scope: Scope) {
  if (!can(scope, "region.manage")) throw new AppError("FORBIDDEN", "Only an admin of the region changes how mail is logged");
}

export type MailCaptureSettings = { retention: MailRetention; hasInboundSecret: boolean; inboundSecretCreatedAt: Date | null };

export async function getMailCaptureSettings(db: Database, regionId: string): Promise<MailCaptureSettings> {
  const row = await db
    .selectFrom("mail_capture_settings")
    .select(["retention", "inbound_secret_hash", "inbound_secret_created_at"])
    .where("region_id", "=", regionId)
    .executeTakeFirst();
  return { retention: row?.retention ?? "excerpt", hasInboundSecret: Boolean(row?.inbound_secret_hash), inboundSecretCreatedAt: row?.inbound_secret_created_at ?? null };
}

/** What a logged mail keeps from now on (mail logged before keeps what it kept). */
export async function setMailRetention(db: Database, scope: Scope, retention: MailRetention, meta: Meta): Promise<MailCaptureSettings> {
  assertAdmin(scope);
  const before = await getMailCaptureSettings(db, scope.regionId);
  await db
    .insertInto("mail_capture_settings")
    .values({ region_id: scope.regionId, retention, updated_at: meta.now })
    .onConflict((oc) => oc.column("region_id").doUpdateSet({ retention, updated_at: meta.now }))
    .execute();
  await recordAudit(db, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "mail.retention", entityType: "region", entityId: scope.regionId,
    before: { retention: before.retention }, after: { retention }, now: meta.now,
  });
  return getMailCaptureSettings(db, scope.regionId);
}

/**
 * A new inbound HTTP secret for the region (shown once; only its hash is kept); the previous one
 * stops working at once.
 */
export async function rotateInboundSecret(db: Database, scope: Scope, meta: Meta): Promise<{ secret: string }> {
  assertAdmin(scope);
  return issueInboundSecret(db, scope.regionId, meta);
}

/**
 * The same for the command line (`schakel mail secret --region SLUG`), which is trusted as the
 * server's operator and has no user: a new secret for the region, the old one revoked, audited.
 */
export async function issueInboundSecret(db: Database, regionId: string, meta: Meta): Promise<{ secret: string }> {
  const secret = `${INBOUND_SECRET_PREFIX}${generateSecret()}`;
  await db
    .insertInto("mail_capture_settings")
    .values({ region_id: regionId, inbound_secret_hash: hashSecret(secret), inbound_secret_created_at: meta.now, updated_at: meta.now })
    .onConflict((oc) => oc.column("region_id").doUpdateSet({ inbound_secret_hash: hashSecret(secret), inbound_secret_created_at: meta.now, updated_at: meta.now }))
    .execute();
  await recordAudit(db, { regionId, actorId: meta.actor?.id ?? null, action: "mail.inbound_secret.rotate", entityType: "region", entityId: regionId, now: meta.now });
  return { secret };
}

/** The region whose inbound secret this is, or null. */
export async function regionOfInboundSecret(db: Database, secret: string): Promise<string | null> {
  if (!secret.startsWith(INBOUND_SECRET_PREFIX) || secret.length > 200) return null;
  const row = await db.selectFrom("mail_capture_settings").select("region_id").where("inbound_secret_hash", "=", hashSecret(secret)).executeTakeFirst();
  return row?.region_id ?? null;
}

export type NeverLogEntry = { id: string; pattern: string; forRegion: boolean; droppedCount: number; createdAt: Date };

/** The region's never-log list and the user's own. */
export async function listNeverLog(db: Database, scope: Scope): Promise<NeverLogEntry[]> {
  return db
    .selectFrom("mail_never_log")
    .select(["id", "pattern", sql<boolean>`user_id is null`.as("forRegion"), "dropped_count as droppedCount", "created_at as createdAt"])
    .where("region_id", "=", scope.regionId)
    .where((eb) => eb.or([eb("user_id", "is", null), eb("user_id", "=", scope.userId)]))
    .orderBy(sql`user_id is null`, "desc")
    .orderBy("pattern")
    .execute();
}

/** An address (`a@vakbond.nl`) or whole domain (`huisarts.nl`, also written `@huisarts.nl`) never to log. The region's list is the admin's. */
export async function addNeverLog(db: Database, scope: Scope, input: NeverLogInput, meta: Meta): Promise<NeverLogEntry> {
  if (input.forRegion) assertAdmin(scope);
  const pattern = input.pattern.trim().toLowerCase().replace(/^@/, "");
  if (!/^([^@\s]+@)?[^@\s]+\.[^@\s]+$/.test(pattern)) throw validationFailed({ pattern: "mailCapture.neverLogPattern" });
  const userId = input.forRegion ? null : scope.userId;
  const existing = await db.selectFrom("mail_never_log").select("id").where("region_id", "=", scope.regionId).where("pattern", "=", pattern)
    .where((eb) => (userId ? eb("user_id", "=", userId) : eb("user_id", "is", null))).executeTakeFirst();
  if (!existing) {
    await db.insertInto("mail_never_log").values({ region_id: scope.regionId, user_id: userId, pattern, created_by: scope.userId, created_at: meta.now }).execute();
    await recordAudit(db, {
      regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "mail.never_log.add", entityType: input.forRegion ? "region" : "user",
      entityId: input.forRegion ? scope.regionId : scope.userId, now: meta.now,
    });
  }
  return (await listNeverLog(db, scope)).find((entry) => entry.pattern === pattern && entry.forRegion === input.forRegion)!;
}

/**
 * Removes an entry of one list: the region's (admins; the settings page and API) or the user's own
 * (the profile). An entry of the other list, or a colleague's, is not found.
 */
export async function removeNeverLog(db: Tx, scope: Scope, id: string, meta: Meta, list: "region" | "own"): Promise<void> {
  const entry = await db.selectFrom("mail_never_log").select(["id", "user_id"]).where("id", "=", id).where("region_id", "=", scope.regionId).executeTakeFirst();
  const onList = list === "region" ? entry?.user_id === null : entry?.user_id === scope.userId;
  if (!entry || !onList) throw notFound("Never-log entry");
  if (entry.user_id === null) assertAdmin(scope);
  await db.deleteFrom("mail_never_log").where("id", "=", id).where("region_id", "=", scope.regionId).execute();
  await recordAudit(db, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "mail.never_log.remove", entityType: "region", entityId: scope.regionId, now: meta.now });
}

/** The never-log entries (the region's and the owner's) that any of these addresses falls under. */
export async function matchingNeverLog(db: Database, owner: { regionId: string; userId: string }, addresses: string[]): Promise<string[]> {
  if (!addresses.length) return [];
  const domains = [...new Set(addresses.map((address) => address.split("@")[1] ?? "").filter(Boolean))];
  // A domain entry also covers its subdomains (mail.vakbond.nl under vakbond.nl).
  const withParents = [...new Set(domains.flatMap((domain) => domain.split(".").map((_, i, parts) => parts.slice(i).join(".")).filter((d) => d.includes("."))))];
  const rows = await db
    .selectFrom("mail_never_log")
    .select("id")
    .where("region_id", "=", owner.regionId)
    .where((eb) => eb.or([eb("user_id", "is", null), eb("user_id", "=", owner.userId)]))
    .where("pattern", "in", [...addresses, ...withParents])
    .execute();
  return rows.map((row) => row.id);
}

/** One more message dropped because of each of these entries: the only trace it leaves. */
export async function countDropped(db: Database, regionId: string, entryIds: string[]): Promise<void> {
  if (!entryIds.length) return;
  await db.updateTable("mail_never_log").set({ dropped_count: sql`dropped_count + 1` }).where("id", "in", entryIds).where("region_id", "=", regionId).execute();
}
