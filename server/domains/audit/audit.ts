import type { Database } from "../../db/database";
import { jsonb } from "../../db/json";

/** Appends one entry to the audit log: who changed what, with the values before and after. */
export async function recordAudit(
  db: Database,
  entry: {
    regionId: string | null;
    actorId: string | null;
    action: string;
    entityType: string;
    entityId: string;
    before?: unknown;
    after?: unknown;
    now: Date;
  },
) {
  await db
    .insertInto("audit_log")
    .values({
      region_id: entry.regionId,
      actor_id: entry.actorId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      before: entry.before === undefined ? null : jsonb(entry.before),
      after: entry.after === undefined ? null : jsonb(entry.after),
      created_at: entry.now,
    })
    .execute();
}
