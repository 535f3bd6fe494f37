import { z } from "zod";
import { ERROR_STATUS } from "../errors";

/**
 * The pieces every area's response schemas share: how the API writes a moment, a day, a page and
 * an error. Dates travel as ISO 8601 text (a Date's JSON), days as YYYY-MM-DD.
 */
export const Timestamp = z.iso.datetime({ offset: true });
/** A calendar day as YYYY-MM-DD (a real date: 2026-02-30 is refused). */
export const CalendarDay = z.iso.date();
export const Uuid = z.uuid();

/** A page of a list, as every list endpoint answers it; `nextCursor` is null on the last page. */
export const page = <S extends z.ZodType>(item: S) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

/** A path's `{id}`. */
export const IdParam = z.object({ id: z.uuid() });

/** The one error shape (API.md). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...Array<keyof typeof ERROR_STATUS>]),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
