import { z } from "zod";
import { SORT_DIRECTIONS, type SortDirection } from "./list-sorts";

/** The one value of a query parameter (the first, when it was given twice). */
const oneValue = z.union([z.string(), z.array(z.string())]).optional().transform((value) => (Array.isArray(value) ? value[0] : value));

/**
 * `sort` and `dir` of a sortable list. A column the list does not offer, or a direction that is not
 * asc/desc, falls back to the list's default order instead of failing: the values only ever choose
 * one of a fixed set of ORDER BY expressions, so nothing a client sends reaches SQL.
 */
export function sortParams<const T extends readonly [string, ...string[]]>(sorts: T, fallback: T[number]) {
  const isSort = (value: string | undefined): value is T[number] => value !== undefined && (sorts as readonly string[]).includes(value);
  const isDirection = (value: string | undefined): value is SortDirection => value !== undefined && (SORT_DIRECTIONS as readonly string[]).includes(value);
  return {
    sort: oneValue
      .transform((value): T[number] => (isSort(value) ? value : fallback))
      .meta({ description: `The column to sort on: ${sorts.join(", ")}; anything else sorts by ${fallback}` }),
    dir: oneValue
      .transform((value): SortDirection | undefined => (isDirection(value) ? value : undefined))
      .meta({ description: "asc or desc; anything else, or none, is the column's own direction (updated and date: newest first; the rest A–Z)" }),
  };
}
