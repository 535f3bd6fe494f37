import { sql } from "kysely";
import type { EmailMessage } from "../../../emails/render";
import type { Database } from "../../db/database";
import { markEmailQueued } from "./email-queued";
import { validationFailed } from "../../validation";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Puts a rendered email in the outbox, due at once. Call it inside the transaction of the change the
 * email is about, so both commit or neither does; the delivery job sends it afterwards (runChange
 * wakes it once the transaction has committed).
 */
export async function queueEmail(
  db: Database,
  input: { regionId: string | null; template: string; to: string; toName?: string | null; message: EmailMessage; now: Date },
): Promise<{ id: string }> {
  markEmailQueued(db);
  return db
    .insertInto("email_outbox")
    .values({
      region_id: input.regionId,
      template: input.template,
      to_address: input.to,
      to_name: input.toName ?? null,
      subject: input.message.subject,
      html: input.message.html,
      text: input.message.text,
      next_attempt_at: input.now,
      created_at: input.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

/**
 * A user as an email about their own account addresses them (the token revocation, the two-factor
 * lockout): where to send it, in which language, and the region named in it.
 */
export async function findAccountEmailRecipient(db: Database, userId: string) {
  return db
    .selectFrom("users")
    .innerJoin("regions", "regions.id", "users.region_id")
    .select(["users.email", "users.name", "users.locale", "users.region_id as regionId", "regions.name as regionName"])
    .where("users.id", "=", userId)
    .executeTakeFirstOrThrow();
}

/** One page of a region's outbox, newest first; pass `nextCursor` back to get the page after it. */
export async function listOutbox(db: Database, regionId: string, opts: { limit?: number; cursor?: string } = {}) {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 200);
  if (opts.cursor !== undefined && !UUID.test(opts.cursor)) throw validationFailed({ cursor: "validation.invalid" });
  let query = db
    .selectFrom("email_outbox")
    .select([
      "id",
      "to_address as toAddress",
      "to_name as toName",
      "subject",
      "template",
      "status",
      "attempts",
      "created_at as createdAt",
      "sent_at as sentAt",
      "last_error as lastError",
    ])
    .where("region_id", "=", regionId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (opts.cursor) {
    // The cursor is the id of the last row shown; its (created_at, id) is read from the database
    // rather than carried in the URL, because a JavaScript Date would round away the microseconds.
    query = query.where(
      sql<boolean>`(email_outbox.created_at, email_outbox.id) < (
        select c.created_at, c.id from email_outbox c where c.id = ${opts.cursor} and c.region_id = ${regionId}
      )`,
    );
  }
  const rows = await query.execute();
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? items[items.length - 1]?.id : undefined;
  return { items, nextCursor };
}

/** What a secret in a link is replaced by where people read the outbox. */
export const REDACTED = "••••••";

/** Paths whose next segment is a secret whatever it looks like. */
const SECRET_PATHS = /(\/(?:invitation|reset-password|setup|sign-in\/link)\/)([^\s"'<>?#&/]+)/g;
/** Query parameters that carry a secret. */
const SECRET_PARAMS = /([?&](?:token|code|key|secret)=)([^\s"'<>&#]+)/gi;
/**
 * Any other path segment or query value that looks like a random secret (20 or more base64url
 * characters, or a `cal_` feed token); a UUID is an ordinary record id and stays readable.
 */
const SECRET_LIKE = /([/=])((?:cal_)?[A-Za-z0-9_-]{20,})(?=$|[\s"'<>?#&/.])/g;
const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The email's content as an admin may read it: the secrets in its links (invitation, password-reset
 * and setup tokens, feed addresses) replaced by REDACTED. An admin reading the outbox could
 * otherwise take over an account with a live reset link (issue 14). The stored email is unchanged.
 */
export function redactSecrets(content: string): string {
  return content
    .replace(SECRET_PATHS, (_, path: string) => `${path}${REDACTED}`)
    .replace(SECRET_PARAMS, (_, name: string) => `${name}${REDACTED}`)
    .replace(SECRET_LIKE, (match, lead: string, value: string) => (IS_UUID.test(value) ? match : `${lead}${REDACTED}`));
}

/**
 * One email of the region's outbox, or undefined (also for another region's), for people to read:
 * the secrets in its links redacted (redactSecrets). Delivery reads the stored email itself.
 */
export async function findOutboxEmail(db: Database, regionId: string, id: string) {
  if (!UUID.test(id)) return undefined;
  const email = await db
    .selectFrom("email_outbox")
    .select([
      "id",
      "template",
      "to_address as toAddress",
      "to_name as toName",
      "subject",
      "html",
      "text",
      "status",
      "attempts",
      "next_attempt_at as nextAttemptAt",
      "last_error as lastError",
      "created_at as createdAt",
      "sent_at as sentAt",
    ])
    .where("id", "=", id)
    .where("region_id", "=", regionId)
    .executeTakeFirst();
  return email && { ...email, subject: redactSecrets(email.subject), html: redactSecrets(email.html), text: redactSecrets(email.text) };
}
