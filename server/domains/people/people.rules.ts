import { ROLES, type Role } from "../../../db/schema";

// Who may correct people. No imports of services, so pages, routes and services may all ask it.

/**
 * Whether a role may correct a person's name, email and phone and record their jobs: the region's
 * admins and account holders. The one place this is written, so it can move to a table of
 * permissions (or take in the penvoerder) without a hunt through pages and routes.
 */
export function mayEditPeople(role: Role): boolean {
  return role === "admin" || role === "accounthouder";
}

/** The roles mayEditPeople lets through, for a route's role check. */
export const PEOPLE_EDITORS: Role[] = ROLES.filter(mayEditPeople);
