// The columns each list can be sorted on, and the directions (no zod: the pages' header links use
// them in the browser). A list's sort is `?sort=<column>&dir=asc|desc`.
export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const ORGANISATION_SORTS = ["name", "kind", "city", "subregion", "tier", "accountHolder", "health", "updated"] as const;
export type OrganisationSort = (typeof ORGANISATION_SORTS)[number];

export const PEOPLE_SORTS = ["name", "organisation", "email"] as const;
export type PersonSort = (typeof PEOPLE_SORTS)[number];

/** The activities list: by start date (its default), title, type, status, or the first partner's name. */
export const ACTIVITY_SORTS = ["date", "title", "type", "status", "partner"] as const;
export type ActivitySort = (typeof ACTIVITY_SORTS)[number];

/** The direction a column sorts in when its header is first clicked: the newest change or start first, everything else A–Z. */
export function defaultDirection(sort: string): SortDirection {
  return sort === "updated" || sort === "date" ? "desc" : "asc";
}

/**
 * The direction of the activities list: the one asked for, else for the date the older `order`
 * parameter (`soonest` ascending, `newest` descending), else the column's own.
 */
export function activityDirection(sort: ActivitySort, dir: SortDirection | undefined, order: "newest" | "soonest" | undefined): SortDirection {
  return dir ?? (sort === "date" && order ? (order === "soonest" ? "asc" : "desc") : defaultDirection(sort));
}
