import { z } from "zod";
import { Timestamp, Uuid } from "../../http/api-schemas";

/** A page of a record's history: newest first, `cursor` from the previous page's `nextCursor`. */
export const HistoryPageInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export type HistoryPageInput = z.infer<typeof HistoryPageInput>;

/**
 * One field of a change. A person's entries name the field only (no values, see history.ts); the
 * values are whatever the field held, any JSON value.
 */
const HistoryChangeResponse = z.object({ field: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });

/** One entry of a record's history, as GET /organisations/{id}/history and /people/{id}/history answer it. */
export const HistoryEntryResponse = z.object({
  id: z.string(),
  at: Timestamp,
  action: z.string(),
  /** The record itself, or one of its jobs. */
  entityType: z.enum(["organisation", "person", "affiliation"]),
  entityId: Uuid,
  actor: z.object({ id: Uuid, name: z.string(), isPartner: z.boolean() }).nullable(),
  changes: z.array(HistoryChangeResponse),
  affiliation: z.object({ personId: Uuid, personName: z.string(), organisationId: Uuid, organisationName: z.string() }).nullable(),
  mergedWith: z.object({ id: Uuid, name: z.string() }).nullable(),
});
