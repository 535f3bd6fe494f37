// The columns each list can be sorted on, and the directions (no zod: the pages' header links use
// them in the browser). A list's sort is `?sort=<column>&dir=asc|desc`.
export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const ORGANISATION_SORTS = ["name", "kind", "city", "subregion", "tier", "accountHolder", "health", "updated"] as const;
export type OrganisationSort = (typeof ORGANISATION_SORTS)[number];

export const PEOPLE_SORTS = ["name", "organisation", "email"] as const;
export type PersonSort = (typeof PEOPLE_SORTS)[number];

/** The direction a column sorts in when its header is first clicked: the newest change first, everything else A–Z. */
export function defaultDirection(sort: string): SortDirection {
  return sort === "updated" ? "desc" : "asc";
}
