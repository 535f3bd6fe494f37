import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";
import { apiRouteKey, apiRoutes, pageRoutes } from "../support/route-inventory";

/**
 * The authorization matrix: every page (its loader as GET, its action as POST) and every API
 * endpoint, enumerated from the code by route-inventory, asked by every role about a record of its
 * own region, of another region and (for a partner) of its own and of another organisation, and
 * held to exactly the answer the table below allows. A route without an entry fails the test, so a
 * new route cannot slip past authorization unseen; see docs/security.md.
 *
 * The general rules, applied by `expectedAnswer()` so the table only names what differs per route
 * (decision 070):
 * - signed out: the API answers 401, a page redirects to /sign-in (public pages excepted);
 * - a role the route refuses: 403, on the API and on pages alike (requireRole); the report pages
 *   answer a partner 404 instead, as the reports API does (they do not exist for partners);
 * - an allowed role asking about another region's record: 404, never 403;
 * - an allowed partner asking about another organisation's record of its region: 404;
 * - an allowed role on its own record: the route's success status; writes are sent an empty body,
 *   so success there is a validation answer (400/422) and nothing changes; routes that take no
 *   body act on a record made fresh for that one check;
 * - every check that must be refused is sent a well-formed body (`wellFormed`), so the refusal is
 *   the route's own and not a validation error;
 * - no allowed answer (JSON or HTML) names a record of another region, nor, to a partner, of
 *   another organisation.
 */

type Role = "admin" | "penvoerder" | "accounthouder" | "partner" | "signedOut";
type Target = "own" | "otherOrg" | "otherRegion";
type Kind =
  | "organisation" | "person" | "affiliation" | "activity" | "offer" | "commitment" | "realisation" | "document" | "agreement" | "import"
  | "proposal" | "rejection" | "user" | "outbox" | "holiday" | "session" | "task" | "schoolYear" | "figure" | "token" | "inboxItem" | "jobChange" | "neverLog"
  | "interaction" | "lead" | "view" | "planTemplate";

/** Parameters that name no record of a region: the same for everyone. */
const NOT_RECORDS: readonly Kind[] = ["schoolYear", "figure", "token"];
const STAFF = ["admin", "penvoerder", "accounthouder"] as const;
const EVERYONE = [...STAFF, "partner"] as const;
const ROLES: Role[] = ["admin", "penvoerder", "accounthouder", "partner", "signedOut"];

/** What a check expects: a status (a list when either is right), or a redirect to a path. */
type Answer = number | readonly number[] | { redirect: string };
const INVALID = [400, 422] as const;
const SIGN_IN = { redirect: "/sign-in" } as const;
const HOME = { redirect: "/" } as const;

type Entry = {
  /** Which kind of record fills each parameter of the path; without, the path has no record in it. */
  params?: Record<string, Kind>;
  /** The roles the route serves, a partner only on its own organisation's records; "public" for pages anyone may open (`answers` then rule). */
  allow: readonly Exclude<Role, "signedOut">[] | "public";
  /** The answer to an allowed role on its own record (default 200 for GET, 400/422 for writes, whose body is empty). */
  ok?: Answer;
  /** Per-role answers that replace the rules (public pages, pages that send a role elsewhere). */
  answers?: Partial<Record<Role, Answer>>;
  /** The refused answer where it is not 403 (the report pages, for a partner). */
  refused?: Answer;
  /**
   * A well-formed body (JSON for the API, form fields for a page) sent in every check that must be
   * refused, so the refusal is the route's and cannot hide behind a validation answer.
   */
  wellFormed?: (ids: FixtureIds, role: Role) => Record<string, unknown>;
  /** A query string the route needs before it answers at all. */
  query?: string;
  /** The route acts without a body: every check gets a record of its own, made just before. */
  fresh?: boolean;
  /**
   * Roles the route serves on their own records only, and the fixture's record is another user's
   * (a contact moment someone else logged; an organisation the penvoerder does not own, unless the
   * region lets every staff member work every partner): 403 in their region, and 404 for another
   * region's, as for every record there.
   */
  notTheirs?: readonly Exclude<Role, "signedOut">[];
};

/** Ids of the fixture a well-formed body may name: the own region's two companies and its users. */
type FixtureIds = { O1: string; O2: string; B1: string; admin: string; penvoerder: string; accounthouder: string; person: string };

const API: Record<string, Entry> = {
  "GET /api/v1/activities": { allow: EVERYONE },
  "POST /api/v1/activities": { allow: EVERYONE, notTheirs: ["penvoerder"], wellFormed: () => ({ type: "guest_lesson", title: "Gastles", startDate: "2026-12-01" }) },
  "GET /api/v1/activities/shared": { allow: STAFF, query: "?from=2026-09-01&to=2026-12-31" },
  "GET /api/v1/activities/:id": { params: { id: "activity" }, allow: EVERYONE },
  "PATCH /api/v1/activities/:id": { params: { id: "activity" }, allow: STAFF, notTheirs: ["penvoerder"], wellFormed: () => ({ version: 1, title: "Anders" }) },
  "DELETE /api/v1/activities/:id": { params: { id: "activity" }, allow: STAFF, notTheirs: ["penvoerder"], fresh: true, ok: 200 },
  "POST /api/v1/activities/:id/withdraw": { params: { id: "offer" }, allow: ["partner"], wellFormed: () => ({ version: 1 }) },
  "POST /api/v1/affiliations/:id/end": { params: { id: "affiliation" }, allow: EVERYONE, wellFormed: () => ({ endReason: "retired" }) },
  "GET /api/v1/agreements": { allow: EVERYONE },
  "POST /api/v1/agreements": { allow: ["admin", "penvoerder"], wellFormed: (ids) => ({ kind: "covenant", title: "Convenant", organisationIds: [ids.O1], signedOn: "2025-09-01" }) },
  "GET /api/v1/agreements/:id": { params: { id: "agreement" }, allow: EVERYONE },
  "PATCH /api/v1/agreements/:id": { params: { id: "agreement" }, allow: ["admin", "penvoerder"], wellFormed: () => ({ version: 1, title: "Anders" }) },
  "DELETE /api/v1/agreements/:id": { params: { id: "agreement" }, allow: ["admin", "penvoerder"], fresh: true, ok: 200 },
  "GET /api/v1/budgets": { allow: STAFF },
  "GET /api/v1/budgets/:schoolYear": { params: { schoolYear: "schoolYear" }, allow: STAFF },
  "PUT /api/v1/budgets/:schoolYear": { params: { schoolYear: "schoolYear" }, allow: ["admin", "penvoerder"], wellFormed: () => ({ budgetCents: 1, version: 1 }) },
  "GET /api/v1/cofinancing/:schoolYear": { params: { schoolYear: "schoolYear" }, allow: STAFF },
  "GET /api/v1/commitments": { allow: EVERYONE },
  "POST /api/v1/commitments": { allow: ["admin", "penvoerder"], wellFormed: (ids) => ({ organisationId: ids.O1, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100 }) },
  "GET /api/v1/commitments/:id": { params: { id: "commitment" }, allow: EVERYONE },
  "PATCH /api/v1/commitments/:id": { params: { id: "commitment" }, allow: ["admin", "penvoerder"], wellFormed: () => ({ version: 2, status: "lapsed" }) },
  "DELETE /api/v1/commitments/:id": { params: { id: "commitment" }, allow: ["admin", "penvoerder"], fresh: true, ok: 200 },
  "POST /api/v1/commitments/:id/confirm": { params: { id: "commitment" }, allow: ["partner"], fresh: true, ok: 200 },
  "POST /api/v1/commitments/:id/realisations": { params: { id: "commitment" }, allow: ["admin", "penvoerder"], wellFormed: () => ({ date: "2025-10-02", amountCents: 100, description: "Meer" }) },
  "DELETE /api/v1/commitments/:id/realisations/:realisationId": { params: { id: "commitment", realisationId: "realisation" }, allow: ["admin", "penvoerder"], fresh: true, ok: 200 },
  "GET /api/v1/documents/:id": { params: { id: "document" }, allow: EVERYONE },
  "GET /api/v1/health": { allow: STAFF },
  "GET /api/v1/health/counts": { allow: STAFF },
  "GET /api/v1/health/upcoming": { allow: STAFF, query: "?days=30" },
  // The region's overview for the penvoerder and the coordinator; an account holder's work is elsewhere.
  "GET /api/v1/health/rollups": { allow: ["admin", "penvoerder"], query: "?by=school" },
  "GET /api/v1/leads": { allow: STAFF },
  "POST /api/v1/leads/:id/convert": { params: { id: "lead" }, allow: STAFF, wellFormed: () => ({ version: 1 }) },
  "POST /api/v1/leads/:id/dismiss": { params: { id: "lead" }, allow: STAFF, wellFormed: () => ({ version: 1 }) },
  "GET /api/v1/health/trend": { allow: STAFF, query: "?from=2026-09-01&to=2026-11-23" },
  // Recomputing takes no body and changes no one's rights: the admin's run is simply done.
  "POST /api/v1/health/recompute": { allow: ["admin"], ok: 200 },
  "GET /api/v1/health/settings": { allow: STAFF },
  "PATCH /api/v1/health/settings": { allow: ["admin"], wellFormed: () => ({ version: 1 }) },
  "POST /api/v1/health/settings/holidays": { allow: ["admin"], wellFormed: () => ({ name: "Vrij", startDate: "2027-02-15", endDate: "2027-02-19" }) },
  "DELETE /api/v1/health/settings/holidays/:id": { params: { id: "holiday" }, allow: ["admin"], fresh: true, ok: 204 },
  "POST /api/v1/imports/organisations": { allow: ["admin", "accounthouder"] },
  "GET /api/v1/imports/:id": { params: { id: "import" }, allow: ["admin", "accounthouder"] },
  "POST /api/v1/imports/:id/commit": { params: { id: "import" }, allow: ["admin", "accounthouder"], fresh: true, ok: 200 },
  "GET /api/v1/in-kind/proposals": { allow: STAFF },
  // Confirming as proposed needs no body: each check confirms a proposal of its own.
  "POST /api/v1/in-kind/proposals/:activityId/confirm": { params: { activityId: "proposal" }, allow: ["admin", "penvoerder"], fresh: true, ok: 201 },
  "POST /api/v1/in-kind/proposals/:activityId/reject": { params: { activityId: "proposal" }, allow: ["admin", "penvoerder"], wellFormed: () => ({ reason: "Geen inzet" }) },
  "GET /api/v1/in-kind/rejections": { allow: STAFF },
  "DELETE /api/v1/in-kind/rejections/:activityId": { params: { activityId: "rejection" }, allow: ["admin", "penvoerder"], fresh: true, ok: 200 },
  "GET /api/v1/in-kind/rates": { allow: STAFF },
  "PATCH /api/v1/in-kind/rates": { allow: ["admin", "penvoerder"], wellFormed: () => ({ rates: {} }) },
  "GET /api/v1/inbox": { allow: STAFF },
  "GET /api/v1/me/sender-addresses": { allow: STAFF },
  "POST /api/v1/me/sender-addresses": { allow: STAFF, wellFormed: () => ({ email: "tweede@prive.example" }) },
  "POST /api/v1/inbox/:id/link": { params: { id: "inboxItem" }, allow: STAFF, wellFormed: (ids) => ({ organisationId: ids.O1 }) },
  "DELETE /api/v1/inbox/:id": { params: { id: "inboxItem" }, allow: STAFF, fresh: true, ok: 204 },
  "GET /api/v1/job-change-suggestions": { allow: STAFF },
  "POST /api/v1/job-change-suggestions/:id/confirm": { params: { id: "jobChange" }, allow: STAFF, wellFormed: () => ({ version: 1, employerName: "Nieuw Bedrijf BV" }) },
  "POST /api/v1/job-change-suggestions/:id/dismiss": { params: { id: "jobChange" }, allow: STAFF, wellFormed: () => ({ version: 1 }) },
  // Authenticated by a region's inbound secret, never by a user's token or session: everyone is refused.
  "POST /api/v1/inbound/mail": { allow: "public", answers: { admin: 401, penvoerder: 401, accounthouder: 401, partner: 401, signedOut: 401 } },
  "GET /api/v1/interactions": { allow: STAFF },
  "POST /api/v1/interactions": { allow: STAFF, wellFormed: (ids) => ({ organisationId: ids.O1, kind: "call", summary: "Gebeld" }) },
  // A contact moment is changed by its logger (the fixture's: the account holder) and by admins; the penvoerder did not log it.
  "PATCH /api/v1/interactions/:id": { params: { id: "interaction" }, allow: ["admin", "accounthouder"], notTheirs: ["penvoerder"], wellFormed: () => ({ version: 1, summary: "Anders" }) },
  "DELETE /api/v1/interactions/:id": { params: { id: "interaction" }, allow: ["admin", "accounthouder"], notTheirs: ["penvoerder"], fresh: true, ok: 200 },
  // Saved views: staff save them; the one who saved a view (the account holder, in the fixture) or an admin changes it.
  "GET /api/v1/views": { allow: STAFF },
  "POST /api/v1/views": { allow: STAFF, wellFormed: () => ({ list: "organisations", name: "Koude partners", query: "health=cold", shared: true }) },
  "PATCH /api/v1/views/:id": { params: { id: "view" }, allow: ["admin", "accounthouder"], notTheirs: ["penvoerder"], wellFormed: () => ({ version: 1, name: "Anders" }) },
  "DELETE /api/v1/views/:id": { params: { id: "view" }, allow: ["admin", "accounthouder"], notTheirs: ["penvoerder"], fresh: true, ok: 200 },
  "GET /api/v1/me": { allow: EVERYONE },
  "POST /api/v1/me/password": { allow: EVERYONE },
  "GET /api/v1/me/sessions": { allow: EVERYONE },
  // "own" is one of the caller's own other sessions; another user's session is 404 like another region's.
  "DELETE /api/v1/me/sessions/:id": { params: { id: "session" }, allow: EVERYONE, ok: 204 },
  "GET /api/v1/me/two-factor": { allow: EVERYONE },
  "GET /api/v1/openapi.json": { allow: "public", answers: { admin: 200, penvoerder: 200, accounthouder: 200, partner: 200, signedOut: 200 } },
  "GET /api/v1/organisations": { allow: EVERYONE },
  "POST /api/v1/organisations": { allow: STAFF, notTheirs: ["penvoerder"], wellFormed: () => ({ kind: "company", name: "Nieuw BV" }) },
  "GET /api/v1/organisations/:id": { params: { id: "organisation" }, allow: EVERYONE },
  "PATCH /api/v1/organisations/:id": { params: { id: "organisation" }, allow: EVERYONE, notTheirs: ["penvoerder"], wellFormed: () => ({ version: 1, city: "Hengelo" }) },
  "DELETE /api/v1/organisations/:id": { params: { id: "organisation" }, allow: STAFF, notTheirs: ["penvoerder"], fresh: true, ok: 200 },
  "GET /api/v1/organisations/:id/account-holders": { params: { id: "organisation" }, allow: STAFF },
  "GET /api/v1/organisations/:id/health": { params: { id: "organisation" }, allow: STAFF },
  "GET /api/v1/organisations/:id/health/history": { params: { id: "organisation" }, allow: STAFF },
  "GET /api/v1/organisations/:id/history": { params: { id: "organisation" }, allow: EVERYONE },
  "POST /api/v1/organisations/:id/merge": { params: { id: "organisation" }, allow: STAFF, notTheirs: ["penvoerder"], wellFormed: (ids) => ({ duplicateId: ids.O2 }) },
  "GET /api/v1/organisations/:id/partner-users": { params: { id: "organisation" }, allow: STAFF },
  "POST /api/v1/organisations/:id/partner-users": { params: { id: "organisation" }, allow: STAFF, notTheirs: ["penvoerder"], wellFormed: () => ({ email: "nieuw@example.nl", name: "Nieuw" }) },
  "POST /api/v1/organisations/:id/restore": { params: { id: "organisation" }, allow: STAFF, notTheirs: ["penvoerder"], fresh: true, ok: 200 },
  "POST /api/v1/organisations/:id/snooze": { params: { id: "organisation" }, allow: STAFF, wellFormed: () => ({ weeks: 2, reason: "Reorganisatie" }) },
  "DELETE /api/v1/organisations/:id/snooze": { params: { id: "organisation" }, allow: STAFF, ok: 204 },
  "GET /api/v1/organisations/:id/plans": { params: { id: "organisation" }, allow: STAFF },
  "POST /api/v1/organisations/:id/plans": { params: { id: "organisation" }, allow: STAFF, wellFormed: () => ({ event: "relationship_cold" }) },
  "GET /api/v1/plan-templates": { allow: STAFF },
  "PUT /api/v1/plan-templates/:id": { params: { id: "planTemplate" }, allow: ["admin"], wellFormed: () => ({ version: 1, steps: [] }) },
  "GET /api/v1/organisations/:id/timeline": { params: { id: "organisation" }, allow: STAFF },
  "GET /api/v1/people": { allow: STAFF },
  "POST /api/v1/people": { allow: EVERYONE },
  "GET /api/v1/people/:id": { params: { id: "person" }, allow: STAFF },
  "PATCH /api/v1/people/:id": { params: { id: "person" }, allow: STAFF, wellFormed: () => ({ version: 1, phone: "0612345678" }) },
  "DELETE /api/v1/people/:id": { params: { id: "person" }, allow: STAFF, fresh: true, ok: 200 },
  "POST /api/v1/people/:id/affiliations": { params: { id: "person" }, allow: EVERYONE, wellFormed: (ids) => ({ organisationId: ids.O1 }) },
  "POST /api/v1/people/:id/erase": { params: { id: "person" }, allow: ["admin"], fresh: true, ok: 200 },
  "GET /api/v1/people/:id/export": { params: { id: "person" }, allow: ["admin"] },
  "GET /api/v1/people/:id/history": { params: { id: "person" }, allow: STAFF },
  "POST /api/v1/people/:id/merge": { params: { id: "person" }, allow: STAFF, wellFormed: (ids) => ({ duplicateId: ids.person }) },
  "POST /api/v1/people/:id/move": { params: { id: "person" }, allow: STAFF, wellFormed: (ids) => ({ fromOrganisationId: ids.O1, toOrganisationId: ids.O2 }) },
  "POST /api/v1/people/:id/new-job": { params: { id: "person" }, allow: STAFF, wellFormed: (ids) => ({ organisationId: ids.O2 }) },
  "POST /api/v1/people/:id/restore": { params: { id: "person" }, allow: STAFF, fresh: true, ok: 200 },
  "GET /api/v1/region/privacy": { allow: STAFF },
  "PATCH /api/v1/region/privacy": { allow: ["admin"] },
  "GET /api/v1/region/partner-work": { allow: STAFF },
  "PATCH /api/v1/region/partner-work": { allow: ["admin"] },
  "GET /api/v1/region/mail": { allow: STAFF },
  "PATCH /api/v1/region/mail": { allow: ["admin"], wellFormed: () => ({ retention: "subject" }) },
  "GET /api/v1/region/mail/never-log": { allow: ["admin"] },
  "POST /api/v1/region/mail/never-log": { allow: ["admin"], wellFormed: () => ({ pattern: "vakbond.example" }) },
  "DELETE /api/v1/region/mail/never-log/:id": { params: { id: "neverLog" }, allow: ["admin"], fresh: true, ok: 204 },
  "GET /api/v1/region/security": { allow: STAFF },
  "PATCH /api/v1/region/security": { allow: ["admin"] },
  // The region's report does not exist for a partner (404, as on the report pages); its own statement does.
  "GET /api/v1/reports/school-years/:schoolYear": { params: { schoolYear: "schoolYear" }, allow: STAFF, refused: 404 },
  "GET /api/v1/reports/school-years/:schoolYear/partners/:organisationId": { params: { schoolYear: "schoolYear", organisationId: "organisation" }, allow: EVERYONE },
  "GET /api/v1/search": { allow: EVERYONE, query: "?q=Hulshof" },
  "GET /api/v1/tasks": { allow: STAFF },
  "POST /api/v1/tasks": { allow: STAFF, wellFormed: () => ({ title: "Bellen", dueDate: "2026-12-01" }) },
  "PATCH /api/v1/tasks/:id": { params: { id: "task" }, allow: STAFF, wellFormed: () => ({ status: "done", version: 1 }) },
  "GET /api/v1/users": { allow: STAFF },
  "POST /api/v1/users": { allow: ["admin"], wellFormed: () => ({ email: "nieuw@example.nl", name: "Nieuw", role: "accounthouder" }) },
  "GET /api/v1/users/:id": { params: { id: "user" }, allow: STAFF },
  "PATCH /api/v1/users/:id": { params: { id: "user" }, allow: ["admin"], wellFormed: () => ({ role: "penvoerder", version: 1 }) },
  "POST /api/v1/users/:id/deactivate": { params: { id: "user" }, allow: ["admin"], fresh: true, ok: 200 },
  "POST /api/v1/users/:id/handover": { params: { id: "user" }, allow: ["admin"], wellFormed: (ids) => ({ toUserId: ids.accounthouder }) },
};

const PAGES: Record<string, Entry> = {
  "GET /": { allow: EVERYONE, answers: { partner: { redirect: "/portal" } } },
  // Any address no route knows: the not-found page, inside the frame, for everyone.
  "GET /*": { allow: "public", answers: { admin: 404, penvoerder: 404, accounthouder: 404, partner: 404, signedOut: 404 } },
  "GET /activities": { allow: STAFF },
  "POST /activities": { allow: STAFF, wellFormed: () => ({ intent: "saveView", name: "Gastlessen", query: "type=guest_lesson" }) },
  "GET /activities/calendar": { allow: STAFF },
  "GET /activities/new": { allow: STAFF },
  "POST /activities/new": { allow: STAFF },
  "GET /activities/:id": { params: { id: "activity" }, allow: STAFF },
  "POST /activities/:id": { params: { id: "activity" }, allow: STAFF, notTheirs: ["penvoerder"], wellFormed: () => ({ intent: "archive" }) },
  "GET /admin/health": { allow: ["admin"] },
  "POST /admin/health": { allow: ["admin"] },
  "GET /admin/mail": { allow: ["admin"] },
  "GET /admin/plans": { allow: ["admin"] },
  "POST /admin/plans": { allow: ["admin"], wellFormed: () => ({ templateId: "00000000-0000-4000-8000-000000000000", version: "1" }) },
  "GET /admin/sign-in": { allow: ["admin"] },
  "POST /admin/sign-in": { allow: ["admin"], wellFormed: () => ({ intent: "save", kind: "google", clientId: "x", clientSecret: "y", domains: "indringer.nl", provision: "invited", role: "accounthouder" }) },
  "POST /admin/mail": { allow: ["admin"] },
  "GET /admin/outbox": { allow: ["admin"] },
  "GET /admin/outbox/:id": { params: { id: "outbox" }, allow: ["admin"] },
  "GET /admin/users": { allow: ["admin"] },
  "POST /admin/users": { allow: ["admin"] },
  "GET /admin/users/:id/handover": { params: { id: "user" }, allow: ["admin"] },
  "POST /admin/users/:id/handover": { params: { id: "user" }, allow: ["admin"] },
  "GET /agreements": { allow: EVERYONE },
  "GET /agreements/new": { allow: ["admin", "penvoerder"] },
  "POST /agreements/new": { allow: ["admin", "penvoerder"] },
  "GET /agreements/:id": { params: { id: "agreement" }, allow: EVERYONE },
  "POST /agreements/:id": { params: { id: "agreement" }, allow: ["admin", "penvoerder"], wellFormed: () => ({ intent: "archive" }) },
  "GET /attention": { allow: STAFF },
  "GET /health/rollups": { allow: ["admin", "penvoerder"] },
  "GET /leads": { allow: STAFF },
  "POST /leads": { allow: STAFF, wellFormed: () => ({ intent: "dismiss" }) },
  "POST /attention": { allow: STAFF },
  "GET /cofinancing": { allow: STAFF, ok: { redirect: "/cofinancing/2026-2027" } },
  "GET /cofinancing/:schoolYear": { params: { schoolYear: "schoolYear" }, allow: STAFF },
  "POST /cofinancing/:schoolYear": { params: { schoolYear: "schoolYear" }, allow: ["admin", "penvoerder"] },
  "GET /commitments": { allow: EVERYONE },
  "GET /commitments/in-kind": { allow: STAFF },
  // Rates and proposals are changed by admin and penvoerder; without an activity named, the proposal asked for is not found.
  "POST /commitments/in-kind": { allow: ["admin", "penvoerder"], ok: 404, wellFormed: () => ({ intent: "rates" }) },
  "GET /commitments/new": { allow: ["admin", "penvoerder"] },
  "POST /commitments/new": { allow: ["admin", "penvoerder"] },
  "GET /commitments/:id": { params: { id: "commitment" }, allow: EVERYONE },
  // The page serves everyone, its form does not: admin and penvoerder change and realise, a partner confirms, an account holder only reads.
  "POST /commitments/:id": {
    params: { id: "commitment" }, allow: ["admin", "penvoerder", "partner"],
    wellFormed: (_ids, role) => (role === "partner" ? { intent: "confirm" } : { intent: "status", status: "lapsed", version: 2 }),
  },
  // Public pages: they answer the same to everyone; what guards them is a token or a password, which these checks do not have.
  "POST /forgot-password": { allow: "public", answers: { admin: 400, penvoerder: 400, accounthouder: 400, partner: 400, signedOut: 400 } },
  "GET /getting-started": { allow: ["admin"] },
  "POST /getting-started": { allow: ["admin"], wellFormed: () => ({ intent: "dismiss" }) },
  "GET /inbox": { allow: STAFF },
  "GET /interactions/:id/edit": { params: { id: "interaction" }, allow: ["admin", "accounthouder"], notTheirs: ["penvoerder"] },
  "POST /interactions/:id/edit": { params: { id: "interaction" }, allow: ["admin", "accounthouder"], notTheirs: ["penvoerder"], wellFormed: () => ({ intent: "delete" }) },
  "POST /inbox": { allow: STAFF },
  "GET /imports/organisations": { allow: ["admin", "accounthouder"] },
  "POST /imports/organisations": { allow: ["admin", "accounthouder"] },
  "GET /imports/organisations/:id": { params: { id: "import" }, allow: ["admin", "accounthouder"] },
  "POST /imports/organisations/:id": { params: { id: "import" }, allow: ["admin", "accounthouder"] },
  "GET /imports/organisations/:id/progress": { params: { id: "import" }, allow: ["admin", "accounthouder"] },
  "GET /invitation/:token": { params: { token: "token" }, allow: "public", answers: { admin: 200, penvoerder: 200, accounthouder: 200, partner: 200, signedOut: 200 } },
  "POST /invitation/:token": { params: { token: "token" }, allow: "public", answers: { admin: 422, penvoerder: 422, accounthouder: 422, partner: 422, signedOut: 422 }, wellFormed: () => ({ password: "een lang nieuw wachtwoord", confirm: "een lang nieuw wachtwoord" }) },
  "GET /my-partners": { allow: STAFF },
  "GET /log": { allow: STAFF },
  "POST /log": { allow: STAFF },
  "GET /organisations": { allow: STAFF },
  "POST /organisations": { allow: STAFF, wellFormed: () => ({ intent: "saveView", name: "Koude partners", query: "health=cold" }) },
  "GET /organisations/export": { allow: STAFF },
  "GET /organisations/new": { allow: STAFF },
  "POST /organisations/new": { allow: STAFF },
  "GET /organisations/:id": { params: { id: "organisation" }, allow: STAFF },
  "POST /organisations/:id": { params: { id: "organisation" }, allow: STAFF, wellFormed: () => ({ intent: "log-interaction", kind: "call", summary: "Gebeld" }) },
  "GET /organisations/:id/plans": { params: { id: "organisation" }, allow: STAFF },
  "POST /organisations/:id/plans": { params: { id: "organisation" }, allow: STAFF, wellFormed: () => ({ event: "relationship_cold" }) },
  "GET /people": { allow: STAFF },
  "POST /people": { allow: STAFF, wellFormed: () => ({ intent: "saveView", name: "Zonder e-mail", query: "hasEmail=false" }) },
  "GET /views": { allow: STAFF },
  "POST /views": { allow: STAFF, wellFormed: () => ({ intent: "archive", viewId: "00000000-0000-4000-8000-000000000000" }) },
  "GET /people/:id": { params: { id: "person" }, allow: STAFF },
  "POST /people/:id": { params: { id: "person" }, allow: STAFF, wellFormed: () => ({ intent: "archive" }) },
  "GET /people/:id/export": { params: { id: "person" }, allow: ["admin"] },
  "GET /people/:id/export.json": { params: { id: "person" }, allow: ["admin"] },
  "GET /portal": { allow: ["partner"] },
  "POST /portal": { allow: ["partner"] },
  "GET /portal/offer": { allow: ["partner"] },
  "POST /portal/offer": { allow: ["partner"] },
  "GET /profile": { allow: EVERYONE },
  "POST /profile": { allow: EVERYONE },
  // The confirmation link of a further sender address: the token is the proof, not the session (an unknown one: 200 "does not work", its button 404).
  "GET /profile/mail-addresses/confirm/:token": { params: { token: "token" }, allow: "public", answers: { admin: 200, penvoerder: 200, accounthouder: 200, partner: 200, signedOut: 200 } },
  "POST /profile/mail-addresses/confirm/:token": { params: { token: "token" }, allow: "public", answers: { admin: 404, penvoerder: 404, accounthouder: 404, partner: 404, signedOut: 404 }, wellFormed: () => ({ intent: "confirm" }) },
  "GET /profile/two-factor": { allow: EVERYONE },
  "POST /profile/two-factor": { allow: EVERYONE },
  "GET /reports": { allow: STAFF, refused: 404, ok: { redirect: "/reports/2026-2027" } },
  "GET /reports/:schoolYear": { params: { schoolYear: "schoolYear" }, allow: STAFF, refused: 404 },
  "GET /reports/:schoolYear/:figure": { params: { schoolYear: "schoolYear", figure: "figure" }, allow: STAFF, refused: 404 },
  "GET /reports/:schoolYear/download": { params: { schoolYear: "schoolYear" }, allow: STAFF, refused: 404 },
  "GET /reports/:schoolYear/partners/:organisationId": { params: { schoolYear: "schoolYear", organisationId: "organisation" }, allow: EVERYONE },
  "GET /reports/:schoolYear/partners/:organisationId/pdf": { params: { schoolYear: "schoolYear", organisationId: "organisation" }, allow: EVERYONE },
  "GET /reset-password/:token": { params: { token: "token" }, allow: "public", answers: { admin: 200, penvoerder: 200, accounthouder: 200, partner: 200, signedOut: 200 } },
  "POST /reset-password/:token": { params: { token: "token" }, allow: "public", answers: { admin: 422, penvoerder: 422, accounthouder: 422, partner: 422, signedOut: 422 }, wellFormed: () => ({ password: "een lang nieuw wachtwoord", confirm: "een lang nieuw wachtwoord" }) },
  "GET /search": { allow: EVERYONE },
  "GET /setup": { allow: "public", answers: { admin: 200, penvoerder: 200, accounthouder: 200, partner: 200, signedOut: 200 } },
  // Setting up a region needs the one-time setup token: a complete form without it creates nothing.
  "POST /setup": {
    allow: "public", answers: { admin: 403, penvoerder: 403, accounthouder: 403, partner: 403, signedOut: 403 },
    wellFormed: () => ({ token: "x".repeat(43), regionName: "STO Elders", regionSlug: "elders", adminName: "Indringer", adminEmail: "indringer@example.nl", password: "een lang nieuw wachtwoord", confirm: "een lang nieuw wachtwoord" }),
  },
  // Signing in with the school account: for the signed out (a signed-in user is sent home); a region without a provider is 404.
  "GET /auth/oidc/:regionSlug": { params: { regionSlug: "token" }, allow: "public", answers: { admin: HOME, penvoerder: HOME, accounthouder: HOME, partner: HOME, signedOut: 404 } },
  // The provider's answer without the state cookie of a sign-in this browser started: refused, back to the sign-in page.
  "GET /auth/oidc/callback": { allow: "public", answers: { admin: SIGN_IN, penvoerder: SIGN_IN, accounthouder: SIGN_IN, partner: SIGN_IN, signedOut: SIGN_IN } },
  // Signing in is for the signed out; a signed-in user is sent home.
  "GET /sign-in": { allow: "public", answers: { admin: HOME, penvoerder: HOME, accounthouder: HOME, partner: HOME, signedOut: 200 } },
  "POST /sign-in": { allow: "public", answers: { admin: HOME, penvoerder: HOME, accounthouder: HOME, partner: HOME, signedOut: 400 } },
  // The second step of signing in exists only after a first step; without one it starts over.
  "GET /sign-in/code": { allow: "public", answers: { admin: HOME, penvoerder: HOME, accounthouder: HOME, partner: HOME, signedOut: SIGN_IN } },
  "POST /sign-in/code": { allow: "public", answers: { admin: HOME, penvoerder: HOME, accounthouder: HOME, partner: HOME, signedOut: SIGN_IN } },
  // A sign-in link (decision 126): asking one is for the signed out; its page answers everyone the same, its button needs a live link.
  "GET /sign-in/link": { allow: "public", answers: { admin: HOME, penvoerder: HOME, accounthouder: HOME, partner: HOME, signedOut: 200 } },
  "POST /sign-in/link": { allow: "public", answers: { admin: HOME, penvoerder: HOME, accounthouder: HOME, partner: HOME, signedOut: 400 } },
  "GET /sign-in/link/:token": { params: { token: "token" }, allow: "public", answers: { admin: 200, penvoerder: 200, accounthouder: 200, partner: 200, signedOut: 200 } },
  "POST /sign-in/link/:token": { params: { token: "token" }, allow: "public", answers: { admin: 422, penvoerder: 422, accounthouder: 422, partner: 422, signedOut: 422 } },
  "GET /sign-out": { allow: EVERYONE },
  "POST /sign-out": { allow: EVERYONE, ok: { redirect: "/sign-in" }, answers: { signedOut: { redirect: "/sign-in" } } },
  "GET /tasks": { allow: STAFF },
  "POST /tasks": { allow: STAFF },
};

type Check = { key: string; role: Role; target: Target | "none"; path: string; method: string; expected: Answer };

describe("the authorization matrix", () => {
  let t: TestDatabase;
  let app: TestApp;
  let w: Awaited<ReturnType<typeof makeWorld>>;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = createTestApp(t.db, { remix: true, now: TEST_NOW });
    w = await makeWorld(t, app);
  }, 60_000);
  afterAll(() => t?.drop());

  it("has an entry for every route the code defines, and no entry for a route that is gone", async () => {
    const problems: string[] = [];
    const apiKeys = new Set(apiRoutes().map(apiRouteKey));
    const pageKeys = new Set<string>();
    for (const route of await pageRoutes()) {
      if (route.hasLoader) pageKeys.add(`GET ${route.path}`);
      if (route.hasAction) pageKeys.add(`POST ${route.path}`);
    }
    for (const key of apiKeys) if (!API[key]) problems.push(`${key} has no entry in the authorization matrix: add one to API in ${FILE}`);
    for (const key of pageKeys) if (!PAGES[key]) problems.push(`${key} has no entry in the authorization matrix: add one to PAGES in ${FILE}`);
    for (const key of Object.keys(API)) if (!apiKeys.has(key)) problems.push(`${key} is in the matrix's API table but no longer exists: remove its entry`);
    for (const key of Object.keys(PAGES)) if (!pageKeys.has(key)) problems.push(`${key} is in the matrix's PAGES table but no longer exists: remove its entry`);
    expect(problems).toEqual([]);
  });

  it("answers every role on every route exactly as allowed", async () => {
    const checks: Array<{ check: Check; run: () => Promise<Response> }> = [];
    for (const [table, area] of [[API, "api"], [PAGES, "page"]] as const) {
      for (const [key, entry] of Object.entries(table)) {
        const [method, pattern] = key.split(" ") as [string, string];
        for (const role of ROLES) {
          for (const target of targetsFor(entry, role)) {
            const { answer: expected, refused } = expectedAnswer(entry, area, method, role, target);
            checks.push({
              check: { key, role, target, method, path: pattern, expected },
              run: async () => {
                const path = (await fillPath(w, pattern, entry, role, target)) + (entry.query ?? "");
                const body = refused && entry.wellFormed ? entry.wellFormed(w.ids, role) : {};
                return area === "api" ? w.asApi(role, method, path, body) : w.asPage(role, method, path, body);
              },
            });
          }
        }
      }
    }
    const problems: string[] = [];
    const observed: string[] = [];
    await inBatches(checks, 4, async ({ check, run }) => {
      let got: string;
      let leaked: string | undefined;
      try {
        const response = await run();
        got = describeResponse(response);
        // An answer may be allowed and still show too much: no list, page or record a role may read
        // names a record of another region, nor, to a partner, one of another organisation.
        if (response.ok && check.role !== "signedOut") leaked = w.leakIn(await response.text(), check.role);
      } catch (error) {
        got = `an exception (${(error as Error).message})`;
      }
      const want = describeAnswer(check.expected);
      observed.push(`${check.key} | ${check.role} | ${check.target} | ${got}`);
      const as = `${check.method} ${check.path} as ${check.role} on ${check.target}`;
      if (!matches(check.expected, got)) problems.push(`${as}: expected ${want}, got ${got}`);
      if (leaked) problems.push(`${as}: expected nothing of ${leaked}, got it in the answer`);
    });
    if (process.env.AUTHZ_OBSERVE) console.log(observed.sort().join("\n"));
    expect(problems.sort()).toEqual([]);
  }, 180_000);

  // The matrix fills a path with records of one place; a body can name a second record, and that one
  // must be of the caller's region (and, for a partner, organisation) too. Each write below names one
  // that is not, and must be refused with nothing written.
  it("refuses a write whose body names a record of another region, or a partner's write naming another organisation", async () => {
    const r = (kind: Kind, target: Target) => w.record(kind, target);
    const [O1, B1, SB, pA, pB, activity, commitment, agreementB, realisationB, ownerB, moment] = await Promise.all([
      r("organisation", "own"), r("organisation", "otherRegion"), w.schoolB, r("person", "own"), r("person", "otherRegion"), r("activity", "own"),
      r("commitment", "own"), r("agreement", "otherRegion"), r("realisation", "otherRegion"), w.adminB, r("interaction", "own"),
    ]);
    const O2 = w.ids.O2;
    const cases: Array<[Exclude<Role, "signedOut">, string, string, Record<string, unknown>, number]> = [
      ["admin", "POST", "/users", { email: "grensganger@example.nl", name: "Grensganger", role: "partner", organisationId: B1 }, 400],
      ["admin", "POST", `/people/${pA}/affiliations`, { organisationId: B1 }, 404],
      ["admin", "POST", `/people/${pA}/move`, { fromOrganisationId: O1, toOrganisationId: B1 }, 404],
      ["admin", "POST", `/people/${pA}/new-job`, { organisationId: B1 }, 404],
      ["admin", "POST", `/people/${pA}/merge`, { duplicateId: pB }, 404],
      ["admin", "POST", `/organisations/${O1}/merge`, { duplicateId: B1 }, 404],
      ["admin", "PATCH", `/organisations/${O1}`, { version: 1, accountHolderId: ownerB }, 400],
      ["admin", "POST", "/organisations", { kind: "company", name: "Nieuw BV", accountHolderId: ownerB }, 400],
      ["admin", "POST", "/activities", { type: "guest_lesson", title: "Gastles", startDate: "2026-12-01", organisationIds: [B1], schoolIds: [SB] }, 400],
      ["admin", "PATCH", `/activities/${activity}`, { version: 1, organisationIds: [B1] }, 400],
      ["admin", "PATCH", `/activities/${activity}`, { version: 1, speakerPersonId: pB }, 400],
      ["admin", "POST", "/interactions", { organisationId: B1, kind: "call", summary: "Gebeld" }, 404],
      ["admin", "POST", "/interactions", { organisationId: O1, kind: "call", summary: "Gebeld", personIds: [pB] }, 400],
      ["admin", "PATCH", `/interactions/${moment}`, { version: 1, personIds: [pB] }, 400],
      ["admin", "POST", "/tasks", { title: "Bellen", dueDate: "2026-12-01", organisationId: B1 }, 404],
      ["admin", "POST", "/tasks", { title: "Bellen", dueDate: "2026-12-01", assigneeId: ownerB }, 400],
      ["admin", "POST", `/users/${w.ids.accounthouder}/handover`, { toUserId: ownerB }, 400],
      ["admin", "POST", "/commitments", { organisationId: B1, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100 }, 400],
      ["admin", "POST", "/commitments", { organisationId: O1, agreementId: agreementB, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100 }, 400],
      ["admin", "DELETE", `/commitments/${commitment}/realisations/${realisationB}`, {}, 404],
      ["admin", "POST", "/agreements", { kind: "covenant", title: "Convenant", organisationIds: [B1], signedOn: "2025-09-01" }, 400],
      ["admin", "POST", "/agreements", { kind: "covenant", title: "Convenant", organisationIds: [O1], signedOn: "2025-09-01", ownerId: ownerB }, 400],
      ["admin", "POST", "/health/recompute", { organisationId: B1 }, 404],
      ["partner", "POST", "/people", { name: "Nieuwe collega", organisationId: O2 }, 404],
      ["partner", "POST", `/people/${pA}/affiliations`, { organisationId: O2 }, 404],
      ["partner", "POST", "/activities", { type: "internship", status: "offered", title: "Stage", startDate: "2027-02-01", placesOffered: 1, organisationIds: [O2] }, 404],
    ];
    const before = await w.counts();
    const problems: string[] = [];
    for (const [role, method, path, body, status] of cases) {
      const response = await w.asApi(role, method, `/api/v1${path}`, body);
      if (response.status !== status) problems.push(`${method} ${path} ${JSON.stringify(body)} as ${role}: expected ${status}, got ${response.status}`);
    }
    expect(problems).toEqual([]);
    // The admin's invite form goes through the same check, and says so next to the field.
    const invite = await w.asPage("admin", "POST", "/admin/users", { intent: "invite", email: "grensganger@example.nl", name: "Grensganger", role: "partner", organisationId: B1 });
    expect(invite.status).toBe(400);
    expect(fieldErrorOf(await invite.text(), "organisationId")).toBe("Kies een partner uit uw regio.");
    expect(await w.counts()).toEqual(before);
  });
});

const FILE = "tests/integration/authorization-matrix.test.ts";

function targetsFor(entry: Entry, role: Role): Array<Target | "none"> {
  const kinds = Object.values(entry.params ?? {});
  const hasRecord = kinds.some((kind) => !NOT_RECORDS.includes(kind));
  if (!hasRecord || role === "signedOut" || entry.allow === "public") return ["none"];
  return role === "partner" ? ["own", "otherOrg", "otherRegion"] : ["own", "otherRegion"];
}

/** The answer a check must get, and whether it is a refusal (which is then sent a well-formed body). */
function expectedAnswer(entry: Entry, area: "api" | "page", method: string, role: Role, target: Target | "none"): { answer: Answer; refused: boolean } {
  const override = entry.answers?.[role];
  // A public route's checks carry no token or password that holds: each is a refusal of sorts.
  if (override !== undefined) return { answer: override, refused: entry.allow === "public" };
  if (role === "signedOut") return { answer: area === "api" ? 401 : SIGN_IN, refused: true };
  if (entry.allow === "public") throw new Error("A public route names every role's answer in `answers`");
  if (entry.notTheirs?.includes(role)) return { answer: target === "otherRegion" ? 404 : 403, refused: true };
  if (!entry.allow.includes(role)) return { answer: entry.refused && role === "partner" ? entry.refused : 403, refused: true };
  if (target === "otherRegion") return { answer: 404, refused: true };
  // A partner allowed on a route is bound to its own organisation's records; a refused one is refused above.
  if (target === "otherOrg") return { answer: 404, refused: true };
  return { answer: entry.ok ?? (method === "GET" ? 200 : INVALID), refused: false };
}

function describeResponse(response: Response): string {
  const location = response.headers.get("location");
  if (response.status >= 300 && response.status < 400 && location) return `a redirect to ${new URL(location, "http://x").pathname}`;
  return String(response.status);
}

function describeAnswer(answer: Answer): string {
  if (typeof answer === "number") return String(answer);
  if ("redirect" in answer) return `a redirect to ${answer.redirect}`;
  return answer.join(" or ");
}

function matches(answer: Answer, got: string): boolean {
  if (typeof answer === "number") return got === String(answer);
  if ("redirect" in answer) return got === `a redirect to ${answer.redirect}`;
  return answer.map(String).includes(got);
}

async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function fillPath(w: World, pattern: string, entry: Entry, role: Role, target: Target | "none"): Promise<string> {
  let path = pattern;
  const made = new Map<Kind, Record<string, string>>();
  for (const [name, kind] of Object.entries(entry.params ?? {})) {
    const value = await w.valueOf(kind, role, target, entry.fresh ?? false, made);
    path = path.replace(`:${name}`, encodeURIComponent(value));
  }
  return path;
}

/**
 * The fixture: region A (own) with an admin, a penvoerder, an account holder and a partner user of
 * O1, a second company O2; region B (other). In A (bound to O1 and to O2) and in B one record of
 * every kind a route parameter names. Made through the API, as the region's admin and penvoerder
 * (and partners, for offers) would make them.
 */
async function makeWorld(t: TestDatabase, app: TestApp) {
  const db = t.db;
  const regionA = await makeRegion(db);
  const regionB = await makeRegion(db);
  const users = {
    admin: await makeUserWithToken(db, { regionId: regionA.id, role: "admin" }),
    penvoerder: await makeUserWithToken(db, { regionId: regionA.id, role: "penvoerder" }),
    accounthouder: await makeUserWithToken(db, { regionId: regionA.id, role: "accounthouder" }),
  };
  const adminB = await makeUserWithToken(db, { regionId: regionB.id, role: "admin" });

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await app.request(`/api/v1${path}`, { method, token, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status >= 300) throw new Error(`${method} ${path} while making the fixture: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown> & { id: string };
  };
  const organisation = async (token: string, name: string) => (await call(token, "POST", "/organisations", { kind: "company", name })).id;

  const school = async (token: string, name: string) => (await call(token, "POST", "/organisations", { kind: "vmbo", name })).id;
  const schoolA = await school(users.admin.token, "Het Assink Lyceum vmbo");
  const schoolB = await school(adminB.token, "Elders College");
  const O1 = await organisation(users.admin.token, "Hulshof Installatietechniek");
  const O2 = await organisation(users.admin.token, "Bouwbedrijf Wessels");
  const B1 = await organisation(adminB.token, "Elders BV");
  const partner = await makeUserWithToken(db, { regionId: regionA.id, role: "partner", organisationId: O1 });
  const partnerO2 = await makeUserWithToken(db, { regionId: regionA.id, role: "partner", organisationId: O2 });
  const partnerB = await makeUserWithToken(db, { regionId: regionB.id, role: "partner", organisationId: B1 });
  const tokens: Record<Exclude<Role, "signedOut">, string> = {
    admin: users.admin.token, penvoerder: users.penvoerder.token, accounthouder: users.accounthouder.token, partner: partner.token,
  };
  const userIds: Record<Exclude<Role, "signedOut">, string> = {
    admin: users.admin.user.id, penvoerder: users.penvoerder.user.id, accounthouder: users.accounthouder.user.id, partner: partner.user.id,
  };

  /** Where a record of a target lives: the region's admin who makes it, the organisation it belongs to. */
  const place = (target: Target | "none") =>
    target === "otherRegion"
      ? { admin: adminB.token, organisation: B1, school: schoolB, partner: partnerB.token, regionId: regionB.id }
      : target === "otherOrg"
        ? { admin: users.admin.token, organisation: O2, school: schoolA, partner: partnerO2.token, regionId: regionA.id }
        : { admin: users.admin.token, organisation: O1, school: schoolA, partner: partner.token, regionId: regionA.id };

  let serial = 0;
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

  /** Makes one record of `kind` for `target` (and the records it hangs on), returning their ids. */
  const make = async (kind: Kind, role: Role, target: Target | "none", fresh = false): Promise<Record<string, string>> => {
    const at = place(target);
    const n = ++serial;
    switch (kind) {
      case "organisation":
        // The partners' own companies stay; a route that archives gets a company of its own.
        return { organisation: fresh ? await organisation(at.admin, `Bedrijf ${n}`) : at.organisation };
      case "person":
      case "affiliation": {
        const person = await call(at.admin, "POST", "/people", { name: `Contact ${n}` });
        const job = await call(at.admin, "POST", `/people/${person.id}/affiliations`, { organisationId: at.organisation, isPrimary: true, startDate: "2024-01-01" });
        return { person: person.id, affiliation: job.id };
      }
      case "activity": {
        const activity = await call(at.admin, "POST", "/activities", { type: "guest_lesson", title: `Gastles ${n}`, startDate: "2026-12-01", organisationIds: [at.organisation], schoolIds: [at.school] });
        return { activity: activity.id };
      }
      case "offer": {
        const offer = await call(at.partner, "POST", "/activities", { type: "internship", status: "offered", title: `Aanbod ${n}`, startDate: "2027-02-01", placesOffered: 2, organisationIds: [at.organisation] });
        return { offer: offer.id };
      }
      case "commitment":
      case "realisation":
      case "document": {
        const commitment = await call(at.admin, "POST", "/commitments", { organisationId: at.organisation, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 250000 });
        const form = new FormData();
        for (const [key, value] of Object.entries({ date: "2025-10-01", amountCents: "1000", description: "Bijdrage" })) form.set(key, value);
        form.set("evidence", new Blob([new Uint8Array(pdf)], { type: "application/pdf" }), "factuur.pdf");
        const response = await app.request(`/api/v1/commitments/${commitment.id}/realisations`, { method: "POST", body: form, token: at.admin });
        if (response.status !== 201) throw new Error(`A realisation for the fixture: ${response.status} ${await response.text()}`);
        const realisation = (await response.json()) as { id: string; documentId?: string; document?: { id: string } };
        const documentId = realisation.documentId ?? realisation.document?.id ?? "";
        return { commitment: commitment.id, realisation: realisation.id, document: documentId };
      }
      case "proposal":
      case "rejection": {
        // An in-kind proposal: a guest lesson done, with hours, at a partner with an open in-kind pledge for its school year.
        await call(at.admin, "POST", "/commitments", { organisationId: at.organisation, schoolYear: "2026-2027", kind: "in_kind", category: "hours", valuation: "hours_rate", hours: 40, hourlyRateCents: 6500 });
        const activity = await call(at.admin, "POST", "/activities", {
          type: "guest_lesson", status: "done", title: `Gastles ${n}`, startDate: "2026-11-02", hours: 2, pupilsReached: 20, teachersInvolved: 1, organisationIds: [at.organisation], schoolIds: [at.school],
        });
        if (kind === "rejection") await call(at.admin, "POST", `/in-kind/proposals/${activity.id}/reject`, { reason: "Telt niet" });
        return { [kind]: activity.id };
      }
      case "agreement": {
        const agreement = await call(at.admin, "POST", "/agreements", { kind: "letter_of_intent", title: `Intentie ${n}`, organisationIds: [at.organisation], signedOn: "2025-09-01" });
        return { agreement: agreement.id };
      }
      case "import": {
        const send = () => app.request("/api/v1/imports/organisations?fileName=partners.csv", {
          method: "POST", token: at.admin, body: `Naam;KvK\nImport ${n} BV;${String(10000000 + n)}\n`, headers: { "content-type": "text/csv; charset=utf-8" },
        });
        // Two imports are read at once (decision 095): the fixtures, made in parallel, wait their turn.
        let response = await send();
        for (let attempt = 0; response.status === 429 && attempt < 100; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          response = await send();
        }
        if (response.status >= 300) throw new Error(`An import for the fixture: ${response.status} ${await response.text()}`);
        return { import: ((await response.json()) as { id: string }).id };
      }
      case "user":
      case "outbox": {
        const user = await call(at.admin, "POST", "/users", { email: `collega-${n}@example.nl`, name: `Collega ${n}`, role: "accounthouder" });
        const mail = await db.selectFrom("email_outbox").select("id").where("to_address", "=", `collega-${n}@example.nl`).executeTakeFirstOrThrow();
        return { user: user.id, outbox: mail.id };
      }
      case "holiday": {
        const holiday = await call(at.admin, "POST", "/health/settings/holidays", { name: `Vakantie ${n}`, startDate: "2026-12-21", endDate: "2027-01-01" });
        return { holiday: holiday.id };
      }
      case "session": {
        // One's own other session for "own"; another user's (of the region, or of region B) otherwise.
        const colleague = role === "admin" ? users.penvoerder.user.id : users.admin.user.id;
        const userId = target === "otherRegion" ? adminB.user.id : target === "own" && role !== "signedOut" ? userIds[role] : colleague;
        const cookie = await app.services.sessions.create(userId, { ip: null, userAgent: "matrix", secure: false });
        const token = /=([^;]*)/.exec(cookie)![1]!;
        // Listed by the hash of the stored id, which is itself the hash of the cookie's token (decision 096).
        const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
        return { session: sha256(sha256(token)) };
      }
      case "inboxItem": {
        // A "Te koppelen" item is its user's own: the caller's for "own", region B's admin's otherwise (mail makes them, no route does).
        const userId = target === "otherRegion" ? adminB.user.id : role !== "signedOut" && role !== "partner" ? userIds[role] : users.admin.user.id;
        const item = await db.insertInto("inbound_messages").values({
          region_id: at.regionId, user_id: userId, dedupe_key: `matrix:${n}`, status: "unmatched", kind: "sent", via: "smtp", subject: `Onbekend ${n}`,
          sent_at: new Date("2026-11-20T10:00:00Z"), date: "2026-11-20", created_at: new Date("2026-11-20T10:00:00Z"),
        }).returning("id").executeTakeFirstOrThrow();
        return { inboxItem: item.id };
      }
      case "jobChange": {
        // A suggestion is its user's own, as an inbox item is (mail makes them, no route does): a contact of the region's company with a current job.
        const userId = target === "otherRegion" ? adminB.user.id : role !== "signedOut" && role !== "partner" ? userIds[role] : users.admin.user.id;
        const person = await call(at.admin, "POST", "/people", { name: `Verhuisd ${n}`, email: `verhuisd-${n}@bedrijf.example` });
        await call(at.admin, "POST", `/people/${person.id}/affiliations`, { organisationId: at.organisation, startDate: "2024-01-01" });
        const suggestion = await db.insertInto("job_change_suggestions").values({
          region_id: at.regionId, user_id: userId, person_id: person.id, email: `verhuisd-${n}@elders.example`, domain: "elders.example", seen_on: "2026-11-20", created_at: new Date("2026-11-20T10:00:00Z"),
        }).returning("id").executeTakeFirstOrThrow();
        return { jobChange: suggestion.id };
      }
      case "neverLog": {
        // An entry of the region's never-log list: admins keep it, no route makes one for a fixture.
        const entry = await db.insertInto("mail_never_log").values({ region_id: at.regionId, user_id: null, pattern: `nooit-${n}.example`, created_at: new Date("2026-11-20T10:00:00Z") }).returning("id").executeTakeFirstOrThrow();
        return { neverLog: entry.id };
      }
      case "interaction": {
        // Logged by the region's account holder (region B's admin for the other region), so the penvoerder's is another's.
        const by = target === "otherRegion" ? adminB.token : users.accounthouder.token;
        const moment = await call(by, "POST", "/interactions", { organisationId: at.organisation, kind: "call", summary: `Gebeld ${n}`, date: "2026-11-20" });
        return { interaction: moment.id };
      }
      case "lead": {
        // A contact of the region's company who moved to an employer not in Schakel: a lead ("Kansen").
        const person = await call(at.admin, "POST", "/people", { name: `Vertrokken ${n}` });
        await call(at.admin, "POST", `/people/${person.id}/affiliations`, { organisationId: at.organisation, isPrimary: false, startDate: "2024-01-01" });
        const moved = await call(at.admin, "POST", `/people/${person.id}/new-job`, { organisationName: `Kans ${n} BV` });
        return { lead: String(moved.leadId) };
      }
      case "view": {
        // Saved and shared by the region's account holder (region B's admin for the other region), so the penvoerder's is another's.
        const by = target === "otherRegion" ? adminB.token : users.accounthouder.token;
        const view = await call(by, "POST", "/views", { list: "organisations", name: `Weergave ${n}`, query: "tier=strategic", shared: true });
        return { view: view.id };
      }
      case "planTemplate": {
        // Every region has its templates from the start; the first is the record.
        const templates = (await call(at.admin, "GET", "/plan-templates")) as unknown as { items: Array<{ id: string }> };
        return { planTemplate: templates.items[0]!.id };
      }
      case "task": {
        const task = await call(at.admin, "POST", "/tasks", { title: `Terugbellen ${n}`, dueDate: "2026-12-01", organisationId: at.organisation });
        return { task: task.id };
      }
      case "schoolYear":
        return { schoolYear: "2025-2026" };
      case "figure":
        return { figure: "companies" };
      case "token":
        return { token: "x".repeat(43) };
    }
  };

  /** Everything of region B, and what a partner of O1 may not see of O2: made ids and names. */
  const foreign = { otherRegion: new Set<string>([B1, schoolB, adminB.user.id, partnerB.user.id, "Elders BV", "Elders College"]), otherOrg: new Set<string>([O2, partnerO2.user.id, "Bouwbedrijf Wessels"]) };
  const leakIn = (text: string, role: Role): string | undefined => {
    for (const value of foreign.otherRegion) if (text.includes(value)) return `another region (${value})`;
    if (role === "partner") for (const value of foreign.otherOrg) if (text.includes(value)) return `another organisation (${value})`;
    return undefined;
  };
  const makeAndRemember = async (kind: Kind, role: Role, target: Target | "none", fresh = false) => {
    const records = await make(kind, role, target, fresh);
    if ((target === "otherRegion" || target === "otherOrg") && !NOT_RECORDS.includes(kind)) for (const id of Object.values(records)) foreign[target].add(id);
    return records;
  };

  const shared = new Map<string, Record<string, string>>();
  /** The id a parameter takes: a shared record per kind and target, or a fresh one for routes that act without a body. */
  const valueOf = async (kind: Kind, role: Role, target: Target | "none", fresh: boolean, made: Map<Kind, Record<string, string>>) => {
    const group = (["realisation", "document"].includes(kind) ? "commitment" : kind === "affiliation" ? "person" : kind === "outbox" ? "user" : kind) as Kind;
    let records = made.get(group);
    if (!records) {
      const sharedKey = `${group} ${target} ${kind === "session" ? role : ""}`;
      if (fresh || kind === "session") records = await makeAndRemember(group, role, target, fresh);
      else records = shared.get(sharedKey) ?? (await makeAndRemember(group, role, target));
      if (!fresh && kind !== "session") shared.set(sharedKey, records);
      made.set(group, records);
    }
    const value = records[kind];
    if (!value) throw new Error(`The fixture has no ${kind} for ${target}`);
    return value;
  };

  // An API client says it sends JSON on every write (a DELETE too), as the CSRF check expects of a
  // request without a bearer token; GET and DELETE carry no body.
  const asApi = (role: Role, method: string, path: string, body: Record<string, unknown>) =>
    app.request(path, {
      method,
      token: role === "signedOut" ? undefined : tokens[role],
      headers: method === "GET" ? {} : { "content-type": "application/json" },
      body: method === "GET" || method === "DELETE" ? undefined : JSON.stringify(body),
    });

  /**
   * A page as the role's browser opens it, with a session of its own per check (a check may sign out)
   * and an address of its own: the link pages share a limit per client address, which all the checks
   * from one address would use up.
   */
  let browsers = 0;
  const asPage = async (role: Role, method: string, path: string, fields: Record<string, unknown>) => {
    const jar = new CookieJar();
    const ip = `2001:db8::${(++browsers).toString(16)}`;
    if (role !== "signedOut") {
      const cookie = await app.services.sessions.create(userIds[role], { ip: null, userAgent: "matrix", secure: false });
      jar.set("schakel_session", /=([^;]*)/.exec(cookie)![1]!);
    }
    return method === "GET" ? app.get(path, { jar, ip }) : app.postForm(path, Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])), { jar, ip });
  };

  // A budget for the school year the routes name, in both regions, so reading it is not "none set".
  await call(users.admin.token, "PUT", "/budgets/2025-2026", { budgetCents: 1000000 });
  await call(adminB.token, "PUT", "/budgets/2025-2026", { budgetCents: 1000000 });
  const person = (await make("person", "admin", "own")).person!;
  const ids: FixtureIds = { O1, O2, B1, admin: users.admin.user.id, penvoerder: users.penvoerder.user.id, accounthouder: users.accounthouder.user.id, person };

  // The shared records exist before any check runs, so every answer is searched for all of them.
  const made = new Map<Kind, Record<string, string>>();
  for (const kind of ["organisation", "person", "activity", "offer", "commitment", "proposal", "agreement", "import", "user", "holiday", "task", "interaction", "lead"] as const) {
    for (const target of ["own", "otherOrg", "otherRegion"] as const) {
      made.clear();
      await valueOf(kind, "admin", target, false, made);
    }
  }

  const record = async (kind: Kind, target: Target) => valueOf(kind, "admin", target, false, new Map());
  /** How many rows the writes above could add to; compared before and after refused attempts. */
  const counts = async () => {
    const tables = ["users", "organisations", "people", "affiliations", "activities", "activity_organisations", "interactions", "tasks", "commitments", "commitment_realisations", "agreements", "agreement_parties", "audit_log"] as const;
    const result: Record<string, number> = {};
    for (const table of tables) result[table] = Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
    return result;
  };

  return { valueOf, asApi, asPage, ids, leakIn, record, counts, schoolB, adminB: adminB.user.id };
}

type World = Awaited<ReturnType<typeof makeWorld>>;
