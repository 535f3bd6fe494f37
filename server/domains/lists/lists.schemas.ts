import { z } from "zod";
import { SORT_DIRECTIONS } from "./list-sorts";

/**
 * `sort` and `dir` of a sortable list. A column the list does not offer, or a direction that is not
 * asc/desc, falls back to the list's default order instead of failing: the values only ever choose
 * one of a fixed set of ORDER BY expressions, so nothing a client sends reaches SQL.
 */
export function sortParams<const T extends readonly [string, ...string[]]>(sorts: T, fallback: T[number]) {
  return {
    sort: z.enum(sorts).catch(fallback as never).meta({ description: `The column to sort on: ${sorts.join(", ")}; anything else sorts by ${fallback}` }),
    dir: z.enum(SORT_DIRECTIONS).optional().catch(undefined).meta({ description: "asc or desc; without it the column's own direction (updated: newest first; the rest A–Z)" }),
  };
}
