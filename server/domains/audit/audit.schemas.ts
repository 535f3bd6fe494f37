import { z } from "zod";

/** A page of a record's history: newest first, `cursor` from the previous page's `nextCursor`. */
export const HistoryPageInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});
export type HistoryPageInput = z.infer<typeof HistoryPageInput>;
