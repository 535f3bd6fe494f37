// The orders the organisation list offers (no zod: the list's select uses them in the browser).
export const ORGANISATION_SORTS = ["name", "city", "tier", "updated"] as const;
export type OrganisationSort = (typeof ORGANISATION_SORTS)[number];
