import { sql } from "kysely";
import type { EmailMessage } from "../../../emails/render";
import type { Database } from "../../db/database";
import { validationFailed } from "../../validation";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Puts a rendered email in the outbox, due at once. Call it inside the transaction of the change the
 * email is about, so both commit or neither does; the delivery job sends it afterwards.
 */
export async function queueEmail(
  db: Database,
  input: { regionId: string | null; template: string; to: string; toName?: string | null; message: EmailMessage; now: Date },
): Promise<{ id: string }> {
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

/** One email of the region's outbox with its full content, or undefined (also for another region's). */
export async function findOutboxEmail(db: Database, regionId: string, id: string) {
  if (!UUID.test(id)) return undefined;
  return db
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
}
