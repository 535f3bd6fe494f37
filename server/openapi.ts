import { z } from "zod";
import { CreateActivityInput, UpdateActivityInput, WithdrawOfferInput } from "./domains/activities/activities.schemas";
import { ActivityRealisationInput, CreateCommitmentInput, RealisationInput, UpdateCommitmentInput } from "./domains/commitments/commitments.schemas";
import { ConfirmProposalInput, RejectProposalInput, UpdateInKindRatesInput } from "./domains/commitments/in-kind.schemas";
import { CreateAgreementInput, UpdateAgreementInput } from "./domains/agreements/agreements.schemas";
import { SetBudgetInput } from "./domains/budgets/budgets.schemas";
import { RegionPrivacyInput, RegionSecurityInput } from "./domains/account/account.routes";
import { HandoverInput } from "./domains/handover/handover.schemas";
import { HolidayInput, RecomputeInput, SnoozeInput, UpdateHealthSettingsInput } from "./domains/health/health.schemas";
import { InvitePartnerUserInput } from "./domains/partner-users/partner-users.schemas";
import { LogInteractionInput } from "./domains/interactions/interactions.schemas";
import { LinkInboxItemInput, SenderAddressInput } from "./domains/mail-capture/mail-capture.schemas";
import { CreateOrganisationInput, MergeOrganisationInput, UpdateOrganisationInput } from "./domains/organisations/organisations.schemas";
import { AddAffiliationInput, CreatePersonInput, EndAffiliationInput, MergePersonInput, MoveToOrganisationInput, UpdatePersonInput } from "./domains/people/people.schemas";
import { CreateTaskInput, UpdateTaskInput } from "./domains/tasks/tasks.schemas";
import { ChangePasswordInput, ChangeRoleInput, InviteUserInput } from "./domains/users/users.schemas";

/**
 * The published contract at /api/v1/openapi.json. Request bodies come from the same zod schemas
 * the handlers validate with, so the document cannot drift from the code.
 */
const ErrorBody = z.object({
  error: z.object({
    code: z.enum(["VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "TWO_FACTOR_REQUIRED", "NOT_FOUND", "CONFLICT", "RULE_VIOLATION", "RATE_LIMITED", "INTERNAL", "UNAVAILABLE"]),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

const User = z.object({
  id: z.uuid(), email: z.string(), name: z.string(), role: z.enum(["admin", "penvoerder", "accounthouder", "partner"]),
  regionId: z.uuid(), organisationId: z.uuid().nullable(), active: z.boolean(), invited: z.boolean(),
  locale: z.enum(["nl", "en"]), version: z.number().int(), createdAt: z.string(),
});

const json = (schema: z.ZodType) => ({ "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } });
const errors = Object.fromEntries(
  [["400", "Bad input"], ["401", "Not signed in"], ["403", "Not allowed"], ["404", "Not found (also for another region's records)"], ["409", "Stale version"], ["422", "Refused by a rule"], ["429", "Too many requests for this token or session: wait the seconds in Retry-After"]].map(
    ([status, description]) => [status, { description, content: json(ErrorBody) }],
  ),
);
const list = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const schoolYearParam = [{ name: "schoolYear", in: "path", required: true, schema: { type: "string", pattern: "^\\d{4}-\\d{4}$" }, description: "2025-2026" }];
const idParam = [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }];
const pageParams = [
  { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
  { name: "cursor", in: "query", schema: { type: "string" } },
  { name: "q", in: "query", schema: { type: "string" } },
];
const historyPage = pageParams.slice(0, 2);
// Responses of the CRM areas are described by name; their request bodies by the validating schemas.
const record = (description: string) => ({ "200": { description, content: { "application/json": { schema: { type: "object" } } } }, ...errors });
const created = (description: string) => ({ "201": { description, content: { "application/json": { schema: { type: "object" } } } }, ...errors });
const body = (schema: z.ZodType) => ({ required: true, content: json(schema) });

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: { title: "Schakel API", version: "1" },
    servers: [{ url: "/api/v1" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths: {
      "/me": { get: { summary: "The signed-in user, with `loggingAddress`: the address to BCC or forward mail to so it is logged as a contact moment (null for a partner user)", responses: { "200": { description: "The user", content: json(User) }, ...errors } } },
      "/users": {
        get: {
          summary: "Users of the caller's region (admin, penvoerder, accounthouder)",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
            { name: "cursor", in: "query", schema: { type: "string" } },
          ],
          responses: { "200": { description: "A page of users", content: json(list(User)) }, ...errors },
        },
        post: {
          summary: "Invite a user (admin); the invitation goes through the email outbox",
          requestBody: { required: true, content: json(InviteUserInput) },
          responses: { "201": { description: "The invited user", content: json(User) }, ...errors },
        },
      },
      "/users/{id}": {
        get: { summary: "One user", parameters: idParam, responses: { "200": { description: "The user", content: json(User) }, ...errors } },
        patch: {
          summary: "Change a user's role (admin), with the version read",
          parameters: idParam,
          requestBody: { required: true, content: json(ChangeRoleInput) },
          responses: { "200": { description: "The changed user", content: json(User) }, ...errors },
        },
      },
      "/organisations": {
        get: {
          summary: "Organisations of the caller's region (a partner user: only its own), filtered",
          parameters: [
            ...pageParams,
            ...["kind", "tier", "status", "subregionId", "accountHolderId", "tag"].map((name) => ({ name, in: "query", schema: { type: "string" } })),
            { name: "archived", in: "query", schema: { type: "string", enum: ["true", "false"] }, description: "true: the archived organisations instead" },
            { name: "health", in: "query", schema: { type: "string", enum: ["healthy", "watch", "cooling", "cold"] } },
            { name: "sort", in: "query", schema: { type: "string", enum: ["name", "city", "tier", "updated"], default: "name" }, description: "name and city A-Z (no city last), tier strategic first, updated newest first" },
          ],
          responses: record("A page: { items, nextCursor }"),
        },
        post: { summary: "Create an organisation (admin, accounthouder); a taken KvK number answers 409 with details.existingId", requestBody: body(CreateOrganisationInput), responses: created("The organisation") },
      },
      "/organisations/{id}": {
        get: { summary: "One organisation", parameters: idParam, responses: record("The organisation") },
        patch: { summary: "Change fields, with the version read (409 when stale). A partner user: its own organisation only, and only sector, street, postalCode, city and website (403 for any other field)", parameters: idParam, requestBody: body(UpdateOrganisationInput), responses: record("The organisation") },
        delete: { summary: "Archive (never deleted)", parameters: idParam, responses: record("The archived organisation") },
      },
      "/organisations/{id}/merge": {
        post: {
          summary: "Merge a duplicate into this organisation: its people, contact moments, tasks and history move over; the duplicate is archived",
          parameters: idParam,
          requestBody: body(MergeOrganisationInput),
          responses: record("The surviving organisation"),
        },
      },
      "/organisations/{id}/restore": {
        post: { summary: "Undo an archive (422 naming kvkNumber when another active organisation has its KvK number now)", parameters: idParam, responses: record("The restored organisation") },
      },
      "/organisations/{id}/history": {
        get: {
          summary: "The audit log of the organisation and its jobs, newest first: who, when, which fields from what to what",
          parameters: [...idParam, ...historyPage],
          responses: record("A page: { items: [{ id, at, action, entityType, entityId, actor, changes: [{ field, before, after }], affiliation, mergedWith }], nextCursor }"),
        },
      },
      "/organisations/{id}/account-holders": {
        get: { summary: "Who owned the relationship when, newest first", parameters: idParam, responses: record("{ items, nextCursor: null }") },
      },
      "/organisations/{id}/partner-users": {
        get: { summary: "The organisation's partner-portal users", parameters: idParam, responses: record("{ items: [{ id, name, email, active, invited, createdAt }], nextCursor: null }") },
        post: { summary: "Invite a partner user to the portal (the organisation's account holder or an admin); an invitation email is queued", parameters: idParam, requestBody: body(InvitePartnerUserInput), responses: created("The invited user") },
      },
      "/organisations/{id}/health": {
        get: {
          summary: "The organisation's health: state (healthy, watch, cooling, cold), since, and its reasons, each { code, state, message, since, nextStep } in the caller's language",
          parameters: idParam, responses: record("{ organisationId, state, since, lastContactDate, reasons, snooze }"),
        },
      },
      "/organisations/{id}/health/history": {
        get: { summary: "Each change of the organisation's health state, oldest first", parameters: idParam, responses: record("{ items: [{ state, previousState, reasonCodes, changedOn }], nextCursor: null }") },
      },
      "/organisations/{id}/snooze": {
        post: { summary: "Take the relationship off 'Aandacht nodig' for some weeks, with a reason", parameters: idParam, requestBody: body(SnoozeInput), responses: created("{ until, reason }") },
        delete: { summary: "End the snooze", parameters: idParam, responses: { "204": { description: "Ended" }, ...errors } },
      },
      "/health": {
        get: {
          summary: "Relationships by health, most important first (tier, then longest in that state)",
          parameters: [
            { name: "state", in: "query", schema: { type: "string", enum: ["healthy", "watch", "cooling", "cold"] }, description: "repeatable" },
            { name: "accountHolderId", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "subregionId", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "kind", in: "query", schema: { type: "string" } },
            { name: "includeSnoozed", in: "query", schema: { type: "boolean", default: true } },
            ...pageParams.slice(0, 2),
          ],
          responses: record("{ items: [{ organisationId, name, kind, tier, state, since, lastContactDate, reasons, snoozedUntil, ... }], nextCursor }"),
        },
      },
      "/health/counts": { get: { summary: "How many relationships are healthy, watch, cooling and cold (and snoozed)", responses: record("{ healthy, watch, cooling, cold, snoozed }") } },
      "/health/trend": {
        get: {
          summary: "The region's counts per day, for the chart over the school year",
          parameters: [{ name: "from", in: "query", required: true, schema: { type: "string", format: "date" } }, { name: "to", in: "query", required: true, schema: { type: "string", format: "date" } }],
          responses: record("{ items: [{ day, healthy, watch, cooling, cold }], nextCursor: null }"),
        },
      },
      "/health/recompute": {
        post: { summary: "Recompute the region's health now, or one organisation's (admin)", requestBody: { required: false, content: json(RecomputeInput) }, responses: record("{ organisations, changed, tasksCreated, milliseconds }") },
      },
      "/health/settings": {
        get: { summary: "The region's cadences per tier, coordinator and school holidays", responses: record("{ cadenceStrategicDays, cadenceRegularDays, cadenceOccasionalDays, coordinatorUserId, version, holidays }") },
        patch: { summary: "Change the cadences and coordinator (admin; stale version: 409)", requestBody: body(UpdateHealthSettingsInput), responses: record("The settings") },
      },
      "/health/settings/holidays": { post: { summary: "Add a school holiday (admin)", requestBody: body(HolidayInput), responses: created("The holiday") } },
      "/health/settings/holidays/{id}": { delete: { summary: "Remove a school holiday (admin)", parameters: idParam, responses: { "204": { description: "Removed" }, ...errors } } },
      "/organisations/{id}/timeline": {
        get: {
          summary: "Contact moments, people who started or left, and owner changes, newest first",
          parameters: [...idParam, { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } }],
          responses: record("{ items: [{ type, date, at, ... }], nextCursor: null }"),
        },
      },
      "/interactions": {
        get: {
          summary: "Contact moments of the region, newest first",
          parameters: [...pageParams.slice(0, 2), { name: "organisationId", in: "query", schema: { type: "string", format: "uuid" } }],
          responses: record("A page: { items, nextCursor }"),
        },
        post: { summary: "Log a contact moment; a next step with a date becomes a task", requestBody: body(LogInteractionInput), responses: created("The contact moment with its task (or null)") },
      },
      "/tasks": {
        get: {
          summary: "The caller's own tasks, by due date, with isOverdue",
          parameters: [{ name: "status", in: "query", schema: { type: "string", enum: ["open", "done"], default: "open" } }],
          responses: record("{ items, nextCursor: null }"),
        },
        post: { summary: "Create a task", requestBody: body(CreateTaskInput), responses: created("The task") },
      },
      "/tasks/{id}": {
        patch: { summary: "Mark done or open again, with the version read (409 when stale)", parameters: idParam, requestBody: body(UpdateTaskInput), responses: record("The task") },
      },
      "/activities": {
        get: {
          summary: "Activities of the region (a partner: those its organisation takes part in), newest start first",
          parameters: [
            ...pageParams.slice(0, 2),
            ...["type", "status", "organisationId", "schoolId", "profile", "subregionId", "from", "to"].map((name) => ({ name, in: "query", schema: { type: "string" } })),
            { name: "schoolYear", in: "query", schema: { type: "string", pattern: "^[0-9]{4}-[0-9]{4}$" }, description: "1 August to 31 July, e.g. 2025-2026" },
          ],
          responses: record("A page: { items, nextCursor }"),
        },
        post: { summary: "Create an activity with its partners (organisationIds) and schools (schoolIds); admin, accounthouder. A partner user offers one: status offered only (403 otherwise), its own organisation as the single partner (404 for another), not shared; the account holder and the partner user get an email", requestBody: body(CreateActivityInput), responses: created("The activity") },
      },
      "/activities/shared": {
        get: {
          summary: "Activities other regions opened to the caller's region, read-only: type, title, dates, times, place and the owning region's name",
          parameters: [{ name: "from", in: "query", required: true, schema: { type: "string", format: "date" } }, { name: "to", in: "query", required: true, schema: { type: "string", format: "date" } }],
          responses: record("{ items: [{ id, type, title, startDate, endDate, startTime, endTime, status, location, regionName }], nextCursor: null }"),
        },
      },
      "/activities/{id}": {
        get: { summary: "An activity with its organisations", parameters: idParam, responses: record("The activity") },
        patch: {
          summary: "Change fields or move the status (offered → planned → done | cancelled), with the version read (409 when stale, 422 for an illegal step)",
          parameters: idParam, requestBody: body(UpdateActivityInput), responses: record("The activity"),
        },
        delete: { summary: "Archive the activity", parameters: idParam, responses: record("The archived activity") },
      },
      "/activities/{id}/withdraw": {
        post: {
          summary: "Partner users only: withdraw the organisation's own offer while it is still offered ({ version }); it becomes cancelled and the account holder is emailed. 404 for another organisation's activity, 422 once planned, 409 when stale",
          parameters: idParam, requestBody: body(WithdrawOfferInput), responses: record("The cancelled activity"),
        },
      },
      "/search": {
        get: {
          summary: "Organisations and people by name: case- and accent-blind, tolerant of typos",
          parameters: [{ name: "q", in: "query", schema: { type: "string" } }, { name: "limit", in: "query", schema: { type: "integer", maximum: 50, default: 8 } }],
          responses: record("{ organisations: [{ id, name, kind, city }], people: [{ id, name, organisationName }] }"),
        },
      },
      "/people": {
        get: { summary: "People of the caller's region", parameters: pageParams, responses: record("A page: { items, nextCursor }") },
        post: { summary: "Create a person. A partner user sends { name, email, phone, role, isPrimary, organisationId } with its own organisation (404 for another): the person starts a job there at once", requestBody: body(CreatePersonInput), responses: created("The person") },
      },
      "/people/{id}": {
        get: { summary: "A person with their jobs, newest first", parameters: idParam, responses: record("The person") },
        patch: { summary: "Change fields, with the version read (409 when stale)", parameters: idParam, requestBody: body(UpdatePersonInput), responses: record("The person") },
        delete: { summary: "Archive the person", parameters: idParam, responses: record("The archived person") },
      },
      "/people/{id}/restore": {
        post: { summary: "Undo an archive", parameters: idParam, responses: record("The restored person") },
      },
      "/people/{id}/merge": {
        post: {
          summary: "Merge a duplicate into this person: jobs (a current job at the same organisation counted once), contact moments and empty fields move over; the duplicate is archived. 422 for the person themselves",
          parameters: idParam,
          requestBody: body(MergePersonInput),
          responses: record("The surviving person with their jobs"),
        },
      },
      "/people/{id}/history": {
        get: {
          summary: "The audit log of the person and their jobs, newest first; changes name the fields only (no personal data in the log)",
          parameters: [...idParam, ...historyPage],
          responses: record("A page: { items: [{ id, at, action, entityType, entityId, actor, changes: [{ field }], affiliation, mergedWith }], nextCursor }"),
        },
      },
      "/people/{id}/affiliations": {
        post: { summary: "Start a job at an organisation of the region (a partner user: a (former) colleague at its own organisation only, 404 otherwise)", parameters: idParam, requestBody: body(AddAffiliationInput), responses: created("The affiliation") },
      },
      "/people/{id}/move": {
        post: { summary: "Move to another organisation in one step", parameters: idParam, requestBody: body(MoveToOrganisationInput), responses: record("{ ended, started }") },
      },
      "/affiliations/{id}/end": {
        post: { summary: "End a job with a date and a reason (kept, never deleted); a partner user: a job at its own organisation only (404 otherwise), a successor among its current colleagues or a new name", parameters: idParam, requestBody: body(EndAffiliationInput), responses: record("The affiliation") },
      },
      "/imports/organisations": {
        post: {
          summary:
            "Import organisations with their contact person (admin, accounthouder), all or nothing. The body is the file: text/csv (';' or ',', UTF-8 with or without BOM) or XLSX. Headers are matched by name (Naam/name, KvK/kvkNumber, Plaats/city, Soort/kind, Subregio, Tier/Prioriteit, Status, Tags, Contactpersoon, Functie, E-mail, Telefoon, ...). A refused import answers 400 with error.details.rejectedRows: [{ row, reasons: [{ column, columnLetter, field, message }] }].",
          parameters: [
            { name: "dryRun", in: "query", schema: { type: "string", enum: ["true", "false"] }, description: "Only analyse; the import is kept staged (24 h) for POST /imports/{id}/commit" },
            { name: "mapping", in: "query", schema: { type: "string" }, description: 'JSON object from column header to field, or null to leave a column out: {"Bedrijf":"name","Opmerking":null}' },
            { name: "fileName", in: "query", schema: { type: "string" } },
          ],
          requestBody: {
            required: true,
            content: { "text/csv": { schema: { type: "string" } }, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", format: "binary" } } },
          },
          responses: {
            "200": { description: "Dry run: { id, status: 'staged', counts: { new, update, duplicate, error, contacts }, rows: [{ row, name, outcome, reasons }] }", content: { "application/json": { schema: { type: "object" } } } },
            "201": { description: "Imported: { id, status: 'committed', counts, rows }", content: { "application/json": { schema: { type: "object" } } } },
            ...errors,
            "400": { description: "Bad input, or a file past a limit, refused as soon as it is passed while the file is read: more than 100,000 rows, more than 100 columns, a cell over 32,767 characters, an XLSX that unpacks to more than 256 MB", content: json(ErrorBody) },
            "413": { description: "The body is larger than 50 MB", content: json(ErrorBody) },
            "429": { description: "Two imports are being read already: try again after the Retry-After header's seconds (error.code RATE_LIMITED)", content: json(ErrorBody) },
          },
        },
      },
      "/imports/{id}": {
        get: { summary: "A staged or committed import of the region with its rows' outcomes (staged) or counts (committed). A commit cut off by a dead process is found here: the import is 'staged' again with interruptedAt set, nothing of that commit stored, and can be committed again", parameters: idParam, responses: record("The import") },
      },
      "/imports/{id}/commit": {
        post: { summary: "Commit a staged import, all or nothing (400 with error.details.rejectedRows when a row has an error)", parameters: idParam, responses: record("The committed import with its counts") },
      },
      "/commitments": {
        get: {
          summary: "Co-financing commitments of the region (a partner user: its own organisation's), newest school year first, with totals { pledgedCents, realisedCents, count } of the whole filtered set (lapsed ones only when status=lapsed)",
          parameters: [
            ...historyPage,
            { name: "organisationId", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "schoolYear", in: "query", schema: { type: "string", pattern: "^\\d{4}-\\d{4}$" }, description: "2025-2026" },
            { name: "status", in: "query", schema: { type: "string", enum: ["pledged", "agreed", "realised", "accounted", "lapsed"] } },
            { name: "kind", in: "query", schema: { type: "string", enum: ["cash", "in_kind"] } },
          ],
          responses: record("{ items, nextCursor, totals }: amounts in integer cents; realisedCents is the sum of the live realisations"),
        },
        post: {
          summary: "Record a pledge (admin, penvoerder). Amounts are integer cents; with valuation hours_rate the amount is hours × hourlyRateCents, computed",
          requestBody: body(CreateCommitmentInput), responses: created("The commitment"),
        },
      },
      "/commitments/{id}": {
        get: { summary: "A commitment with its realisations (and their evidence documents)", parameters: idParam, responses: record("The commitment") },
        patch: {
          summary: "Change a commitment (admin, penvoerder) with its version (409 when stale). status moves pledged → agreed → realised → accounted, or to lapsed (not from accounted); anything else is 422",
          parameters: idParam, requestBody: body(UpdateCommitmentInput), responses: record("The commitment"),
        },
        delete: { summary: "Archive a commitment (admin, penvoerder): it leaves the lists and totals, its history stays", parameters: idParam, responses: record("The commitment") },
      },
      "/commitments/{id}/realisations": {
        post: {
          summary:
            "Record a realisation (admin, penvoerder): JSON with evidence as a reference, or multipart/form-data with the file part `evidence` (PDF, PNG or JPEG by its content, at most 10 MB). 422 for a lapsed or accounted commitment, and above the pledge without a description. Reaching the pledge makes a pledged or agreed commitment realised. " +
            "In kind from an activity: `{ activityId, hours?, amountCents?, description? }` instead of date and amount: dated on the activity's end, valued at hours (default the activity's) × the commitment's hourly rate, else the region's rate for the activity type; an amount other than that needs a description. The activity must be done, have the commitment's organisation as partner and end in its school year (else 422); an activity already counted on any commitment answers 409 and writes nothing",
          parameters: idParam,
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { oneOf: [json(RealisationInput)["application/json"].schema, json(ActivityRealisationInput)["application/json"].schema] } },
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["date", "amountCents"],
                  properties: { date: { type: "string", format: "date" }, amountCents: { type: "integer", minimum: 1 }, description: { type: "string" }, evidenceReference: { type: "string" }, evidence: { type: "string", format: "binary" } },
                },
              },
            },
          },
          responses: created("The realisation with the commitment after it"),
        },
      },
      "/commitments/{id}/realisations/{realisationId}": {
        delete: {
          summary: "Archive a realisation recorded by mistake (admin, penvoerder; not once accounted): it leaves the realised total, kept and audited",
          parameters: [...idParam, { name: "realisationId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: record("The commitment with its remaining realisations"),
        },
      },
      "/commitments/{id}/confirm": {
        post: { summary: "A partner user confirms its own organisation's commitment; who and when are recorded", parameters: idParam, responses: record("The commitment") },
      },
      "/me/sessions": {
        get: { summary: "Where the caller is signed in: { items: [{ id, createdAt, expiresAt, ip, userAgent, current }] }; the id is a hash, never the session secret", responses: record("The sessions") },
      },
      "/me/sessions/{id}": {
        delete: { summary: "End one of the caller's own sessions (404 for any other)", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[0-9a-f]{64}$" } }], responses: { "204": { description: "Ended" }, ...errors } },
      },
      "/me/password": {
        post: { summary: "Change the caller's password with the current one; every other session ends", requestBody: body(ChangePasswordInput), responses: record("{ otherSessionsEnded }") },
      },
      "/me/two-factor": {
        get: { summary: "Whether two-factor sign-in is on for the caller, recovery codes left, and whether the region requires it", responses: record("{ enabled, enabledAt, recoveryCodesLeft, required }") },
      },
      "/region/security": {
        get: { summary: "Whether the region requires two-factor sign-in of admins and penvoerders (staff)", responses: record("{ requireTwoFactor }") },
        patch: { summary: "Require it or not (admin); those without a second factor are sent to set it up at their next page", requestBody: body(RegionSecurityInput), responses: record("{ requireTwoFactor }") },
      },
      "/region/privacy": {
        get: { summary: "The region's retention period for departed contacts, in months (null: never by itself)", responses: record("{ retentionMonths }") },
        patch: { summary: "Set it (admin); the nightly job anonymises who left longer ago, except speakers and supervisors of activities in the last seven years", requestBody: body(RegionPrivacyInput), responses: record("{ retentionMonths }") },
      },
      "/people/{id}/export": {
        get: { summary: "Everything Schakel keeps about the person, for an access request (admin); the viewing is audited", parameters: idParam, responses: record("{ person, affiliations, interactions, activities, tasks }") },
      },
      "/people/{id}/erase": {
        post: { summary: "Erase the person (admin): the person is anonymised and their name, email and phone are removed from the rows of their region linked to them by id (contact moments they took part in and their tasks, activities they spoke at, emails to them, audit entries about these); jobs, contact moments and activities stay as anonymous counts; the audit log keeps only that an erasure happened. Nothing of another region changes. Answers what changed: changes[] of { table, kind, count }. 422 when erased already", parameters: idParam, responses: record("{ id, anonymisedAt, changes: [{ table, kind, count }] }") },
      },
      "/documents/{id}": {
        get: {
          summary: "Download an evidence document or a signed agreement (as an attachment), for whoever may read its commitment or agreement",
          parameters: idParam,
          responses: { "200": { description: "The file", content: { "application/pdf": { schema: { type: "string", format: "binary" } }, "image/png": { schema: { type: "string", format: "binary" } }, "image/jpeg": { schema: { type: "string", format: "binary" } } } }, ...errors },
        },
      },
      "/in-kind/proposals": {
        get: {
          summary: "Done activities proposed as in-kind realisation (admin, penvoerder, accounthouder): guest lessons, internships, company visits, workshops, teacher placements and trainings with hours whose partner has an open in-kind commitment for that school year, not counted and not rejected. proposedCents = hours × the commitment's hourly rate, else the region's rate for the type",
          parameters: [...historyPage, { name: "schoolYear", in: "query", schema: { type: "string", pattern: "^\\d{4}-\\d{4}$" } }],
          responses: record("{ items: [{ activityId, activityType, title, date, hours, organisationId, organisationName, commitmentId, schoolYear, hourlyRateCents, rateSource (commitment, region), proposedCents }], nextCursor }"),
        },
      },
      "/in-kind/proposals/{activityId}/confirm": {
        post: {
          summary: "Confirm a proposal (admin, penvoerder): a realisation of the activity on the proposed commitment (or `commitmentId`), as proposed or with other hours or amount and a note saying why. 409 when the activity is counted already, 422 when it is no longer proposed",
          parameters: [{ name: "activityId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          requestBody: { required: false, content: json(ConfirmProposalInput) },
          responses: created("The realisation with the commitment after it"),
        },
      },
      "/in-kind/proposals/{activityId}/reject": {
        post: {
          summary: "Reject counting an activity in kind, with a reason (admin, penvoerder): it is not proposed again until the rejection is undone. Audited",
          parameters: [{ name: "activityId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          requestBody: body(RejectProposalInput), responses: record("{ activityId, reason }"),
        },
      },
      "/in-kind/rejections": {
        get: { summary: "Rejected activities, newest first, with reason and who decided (admin, penvoerder, accounthouder)", responses: record("{ items: [{ activityId, activityType, title, date, reason, rejectedByName, rejectedAt }], nextCursor: null }") },
      },
      "/in-kind/rejections/{activityId}": {
        delete: { summary: "Undo a rejection (admin, penvoerder); audited", parameters: [{ name: "activityId", in: "path", required: true, schema: { type: "string", format: "uuid" } }], responses: record("{ activityId }") },
      },
      "/in-kind/rates": {
        get: { summary: "The region's hourly rate per activity type for in-kind valuation (default 6500 cents); staff only", responses: record("{ items: [{ activityType, hourlyRateCents, isDefault, updatedAt }], nextCursor: null }") },
        patch: { summary: "Set rates (admin, penvoerder): { rates: { guest_lesson: 6500, ... } }; realisations already counted keep their amount. Audited", requestBody: body(UpdateInKindRatesInput), responses: record("{ items, nextCursor: null }") },
      },
      "/agreements": {
        get: {
          summary: "Agreements of the region (a partner user: those its organisation is a party to), newest signed first; with expiringWithinDays those expiring from today within that many days, soonest first",
          parameters: [
            ...historyPage,
            { name: "organisationId", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "kind", in: "query", schema: { type: "string", enum: ["letter_of_intent", "cooperation_agreement", "covenant"] } },
            { name: "expiringWithinDays", in: "query", schema: { type: "integer", minimum: 0, maximum: 3650 } },
          ],
          responses: record("{ items: [{ id, kind, title, organisationIds, organisations, signedOn, expiresOn, documentId, document, ownerId, ownerName, notes, version, archivedAt }], nextCursor }"),
        },
        post: {
          summary: "Record an agreement (admin, penvoerder): JSON, or multipart/form-data with the signed document as the file part `document` (PDF, PNG or JPEG, at most 10 MB). The owner defaults to the first party's account holder. An expiry before the signing date answers 422 naming expiresOn",
          requestBody: {
            required: true,
            content: {
              ...json(CreateAgreementInput),
              "multipart/form-data": {
                schema: {
                  type: "object",
                  required: ["kind", "title", "organisationIds", "signedOn"],
                  properties: {
                    kind: { type: "string" }, title: { type: "string" }, organisationIds: { type: "array", items: { type: "string", format: "uuid" } }, signedOn: { type: "string", format: "date" },
                    expiresOn: { type: "string", format: "date" }, ownerId: { type: "string", format: "uuid" }, notes: { type: "string" }, document: { type: "string", format: "binary" },
                  },
                },
              },
            },
          },
          responses: created("The agreement"),
        },
      },
      "/agreements/{id}": {
        get: { summary: "One agreement", parameters: idParam, responses: record("The agreement") },
        patch: { summary: "Change an agreement (admin, penvoerder) with its version (409 when stale); JSON or multipart with a new `document`", parameters: idParam, requestBody: body(UpdateAgreementInput), responses: record("The agreement") },
        delete: { summary: "Archive an agreement (admin, penvoerder); commitments resting on it keep the reference", parameters: idParam, responses: record("The archived agreement") },
      },
      "/reports/school-years/{schoolYear}": {
        get: {
          summary:
            "The region's figures for a school year (admin, penvoerder, accounthouder; a partner user: 404): companiesParticipating, tradeSchools and mboSchools [{ id, name }], teachersInvolved, pupilsReached, activitiesDone, activitiesByType, activitiesByProfile, guestLessonsGiven, internships { offered, filled }, commitments { pledgedCents, realisedCents, targetCents, budgetCents }, partners [{ id, name, kind, pledgedCents, realisedCents, realisationDates }]. The same numbers as CSV (`Accept: text/csv` or ?format=csv; ';', amounts in euros with a decimal comma under 'Bedrag (EUR)'), XLSX (?format=xlsx; a sheet of figures and one of partners, amounts as numbers in euros) or PDF (?format=pdf). A school year that does not exist answers 422. With ?subregionId= only that subregion (no target: a subregion has no budget).",
          parameters: [
            { name: "schoolYear", in: "path", required: true, schema: { type: "string", pattern: "^[0-9]{4}-[0-9]{4}$", examples: ["2025-2026"] } },
            { name: "subregionId", in: "query", schema: { type: "string", format: "uuid" } },
            { name: "format", in: "query", schema: { type: "string", enum: ["json", "csv", "xlsx", "pdf"] } },
          ],
          responses: {
            "200": {
              description: "The figures",
              content: {
                "application/json": { schema: { type: "object" } },
                "text/csv": { schema: { type: "string" } },
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { schema: { type: "string", format: "binary" } },
                "application/pdf": { schema: { type: "string", format: "binary" } },
              },
            },
            ...errors,
          },
        },
      },
      "/reports/school-years/{schoolYear}/partners/{organisationId}": {
        get: {
          summary:
            "A partner's contribution statement for a school year: its commitments, its realisations with their dates, pledgedCents and realisedCents (the same as its line in the report). Staff read any of the region's; a partner user only its own organisation's (404 otherwise). ?format=pdf for the printable statement with a signature block.",
          parameters: [
            { name: "schoolYear", in: "path", required: true, schema: { type: "string", pattern: "^[0-9]{4}-[0-9]{4}$" } },
            { name: "organisationId", in: "path", required: true, schema: { type: "string", format: "uuid" } },
            { name: "format", in: "query", schema: { type: "string", enum: ["json", "pdf"] } },
          ],
          responses: { "200": { description: "The statement", content: { "application/json": { schema: { type: "object" } }, "application/pdf": { schema: { type: "string", format: "binary" } } } }, ...errors },
        },
      },
      "/budgets": {
        get: { summary: "The region's budget and co-financing target per school year, newest first (admin, penvoerder, accounthouder): { items: [{ schoolYear, budgetCents, targetBasisPoints, targetCents, notes, version, updatedAt }], nextCursor: null }", responses: record("The budgets") },
      },
      "/budgets/{schoolYear}": {
        get: { summary: "One school year's budget and target (404 when none was set)", parameters: schoolYearParam, responses: record("{ schoolYear, budgetCents, targetBasisPoints (1000 = 10%), targetCents, notes, version, updatedAt }") },
        put: {
          summary: "Set a school year's budget and target (admin, penvoerder): budgetCents in integer cents, targetBasisPoints 0–10000 (default 1000 = 10%). Without version the first time; after that with the version read (409 when stale)",
          parameters: schoolYearParam, requestBody: body(SetBudgetInput), responses: record("The budget"),
        },
      },
      "/cofinancing/{schoolYear}": {
        get: {
          summary:
            "The co-financing overview of a school year (admin, penvoerder, accounthouder): totals { pledgedCents, agreedCents, realisedCents, targetCents }, shares of the budget, byKind, bySubregion, byPartner, cumulative months and the linear forecast to 31 July",
          parameters: schoolYearParam, responses: record("The overview"),
        },
      },
      "/inbound/mail": {
        post: {
          summary:
            "A raw message relayed by a mail provider (Content-Type: message/rfc822, at most 10 MB), authenticated with `Authorization: Bearer <the region's inbound secret>`, not a user's token. The logging address is X-Schakel-Recipient, else the first in Delivered-To/X-Original-To/To/Cc; the envelope sender X-Schakel-Envelope-From, else Return-Path. 202: { status: logged | unmatched | duplicate | dropped, interactionIds, inboundMessageId?, reason? }; 403 when the sender is not the address's owner or DKIM/SPF failed; 404 for a logging address not of the secret's region; 413 over 10 MB; 503 with Retry-After when busy",
          requestBody: { required: true, content: { "message/rfc822": { schema: { type: "string", format: "binary" } } } },
          responses: { "202": { description: "What became of the message", content: { "application/json": { schema: { type: "object" } } } }, ...errors },
        },
      },
      "/inbox": {
        get: {
          summary: "The caller's \"Te koppelen\" list (staff, own items only): logged mail with no known contact person, newest first; deleted after 30 days",
          parameters: historyPage,
          responses: record("{ items: [{ id, kind, receivedAt, date, subject, text, fromAddress, fromName, participants, attachmentNames, reason }], nextCursor }"),
        },
      },
      "/inbox/{id}/link": {
        post: {
          summary: "Link an item to an organisation: one contact moment (kind email, or meeting for an invitation) on the mail's date, with personIds of that organisation and, with newPerson, the sender added as its contact person first",
          parameters: idParam, requestBody: body(LinkInboxItemInput), responses: created("{ interaction, newPersonId }"),
        },
      },
      "/me/sender-addresses": {
        get: { summary: "Further addresses the caller logs mail from (staff): { items: [{ id, email, confirmedAt, createdAt }], nextCursor: null }", responses: record("The addresses") },
        post: { summary: "Add an address the caller sends mail from; a confirmation link is mailed to it, and mail from it is logged once it is confirmed", requestBody: body(SenderAddressInput), responses: created("{ id, email, confirmedAt: null, createdAt }") },
      },
      "/inbox/{id}": {
        delete: { summary: "Discard an item: its text and addresses are removed at once", parameters: idParam, responses: { "204": { description: "Discarded" }, ...errors } },
      },
      "/users/{id}/deactivate": {
        post: { summary: "Deactivate a user (admin)", parameters: idParam, responses: { "200": { description: "The user", content: json(User) }, ...errors } },
      },
      "/users/{id}/handover": {
        post: {
          summary: "Hand a user's organisations over to colleagues (admin): all to `toUserId`, or per organisation through `assignments`; each new owner gets one summary email",
          parameters: idParam, requestBody: body(HandoverInput), responses: record("The organisations handed over, tasks moved and emails queued"),
        },
      },
    },
  };
}
