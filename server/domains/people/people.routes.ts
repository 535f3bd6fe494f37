import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { notFound } from "../../errors";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import { readJson } from "../../http/body";
import { parseInput } from "../../validation";
import { HistoryEntryResponse, HistoryPageInput } from "../audit/audit.schemas";
import { listHistory } from "../audit/history";
import { addColleague, assertAffiliationOfOwnOrganisation, assertOwnOrganisation, assertPartnerSuccessor, assertPersonOfOwnOrganisation } from "../portal/portal.service";
import { ErasureResponse, PersonExportResponse } from "../privacy/privacy.schemas";
import { erasePerson, exportPerson } from "../privacy/privacy.service";
import { leaveJob, moveToOrganisation, startNewJob } from "./people.jobs";
import { mergePeople } from "./people.merge";
import {
  AddAffiliationInput,
  AffiliationResponse,
  CreatePersonInput,
  EndAffiliationInput,
  ListPeopleInput,
  MergePersonInput,
  MovedResponse,
  MoveToOrganisationInput,
  NewJobInput,
  NewJobResponse,
  PartnerCreatePersonInput,
  PersonListItemResponse,
  PersonResponse,
  PersonWithAffiliationsResponse,
  UpdatePersonInput,
} from "./people.schemas";
import { listPeople } from "./people.list";
import { addAffiliation, archivePerson, createPerson, getPerson, requirePerson, restorePerson, updatePerson } from "./people.service";

// The region's staff read and write people (a penvoerder sees and keeps the whole region). A partner
// user (the portal) may only add people to, and end jobs at, its own organisation: see the branches below.

/** /api/v1/people: contact persons of the caller's region and their jobs. */
export const peopleApi = apiRouter();

// POST /people takes one of two bodies, by the caller's role, so the body is validated in the
// handler and only documented here, as JSON Schema: a zod schema in the declaration would be
// applied to every caller by the router.
const { $schema: _dialect, ...createPersonBody } = z.toJSONSchema(z.union([CreatePersonInput, PartnerCreatePersonInput]), { io: "input", unrepresentable: "any" });
const CreatePersonBody = JSON.parse(JSON.stringify(createPersonBody)) as { anyOf: Array<{ type: "object" }> };

declareRoute(
  peopleApi,
  {
    method: "get",
    path: "/",
    summary: "People of the caller's region who are not archived, filtered and sorted, each with where they work now (staff)",
    middleware: [requireApiPermission("region.read")],
    request: { query: ListPeopleInput },
    responses: { 200: jsonContent(page(PersonListItemResponse), "A page of people") },
  },
  async (c) => {
    return c.json(await listPeople(c.get("services").db, apiUser(c).regionId, c.req.valid("query")));
  },
);

declareRoute(
  peopleApi,
  {
    method: "post",
    path: "/",
    summary:
      "Create a person (staff). A partner user sends { name, email, phone, role, isPrimary, organisationId } with its own organisation (404 for another): the person starts a job there at once",
    middleware: [requireApiPermission("person.write", "person.writeOwn")],
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: CreatePersonBody } },
      },
    },
    responses: { 201: jsonContent(PersonResponse, "The person") },
  },
  async (c) => {
    const user = apiUser(c);
    const services = c.get("services");
    if (user.role === "partner") {
      // Partner portal: `organisationId` must be its own organisation (404 otherwise).
      const { organisationId, ...input } = parseInput(PartnerCreatePersonInput, await readJson(c));
      assertOwnOrganisation(scopeOf(user), organisationId);
      return c.json(await runChange(services, user, ({ trx, scope, meta }) => addColleague(trx, scope, input, meta)), 201);
    }
    const input = parseInput(CreatePersonInput, await readJson(c));
    const created = await runChange(services, user, ({ trx, scope, meta }) => createPerson(trx, scope.regionId, input, meta));
    return c.json(created, 201);
  },
);

declareRoute(
  peopleApi,
  {
    method: "get",
    path: "/{id}",
    summary: "A person with their jobs, newest first (staff); an archived person too, with archivedAt",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam },
    responses: { 200: jsonContent(PersonWithAffiliationsResponse, "The person") },
  },
  async (c) => c.json(await getPerson(c.get("services").db, apiUser(c).regionId, c.req.valid("param").id)),
);

declareRoute(
  peopleApi,
  {
    method: "patch",
    path: "/{id}",
    summary: "Correct a person's fields (name, email, phone, …), with the version read (409 when stale) (staff)",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam, body: jsonBody(UpdatePersonInput) },
    responses: { 200: jsonContent(PersonResponse, "The person") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updatePerson(trx, scope.regionId, id, input, meta)));
  },
);

declareRoute(
  peopleApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Archive the person (staff): they leave the lists and keep their history",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam },
    responses: { 200: jsonContent(PersonResponse, "The archived person") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archivePerson(trx, scope.regionId, id, meta)));
  },
);

declareRoute(
  peopleApi,
  {
    method: "post",
    path: "/{id}/restore",
    summary: "Undo an archive (staff)",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam },
    responses: { 200: jsonContent(PersonResponse, "The restored person") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => restorePerson(trx, scope.regionId, id, meta)));
  },
);

declareRoute(
  peopleApi,
  {
    method: "post",
    path: "/{id}/merge",
    summary:
      "Merge a duplicate into this person (staff): jobs (a current job at the same organisation counted once), contact moments and empty fields move over; the duplicate is archived. 422 for the person themselves",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam, body: jsonBody(MergePersonInput) },
    responses: { 200: jsonContent(PersonWithAffiliationsResponse, "The surviving person with their jobs") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const { duplicateId } = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => mergePeople(trx, scope.regionId, { keepId: id, duplicateId }, meta)));
  },
);

declareRoute(
  peopleApi,
  {
    method: "get",
    path: "/{id}/history",
    summary: "The audit log of the person and their jobs, newest first (staff); changes name the fields only (no personal data in the log)",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam, query: HistoryPageInput },
    responses: { 200: jsonContent(page(HistoryEntryResponse), "A page of history entries") },
  },
  async (c) => {
    const user = apiUser(c);
    const { id } = c.req.valid("param");
    const { db } = c.get("services");
    await requirePerson(db, user.regionId, id);
    return c.json(await listHistory(db, user.regionId, { type: "person", id }, c.req.valid("query")));
  },
);

declareRoute(
  peopleApi,
  {
    method: "post",
    path: "/{id}/affiliations",
    summary: "Start a job at an organisation of the region; without startDate today (a partner user: a (former) colleague at its own organisation only, 404 otherwise)",
    middleware: [requireApiPermission("person.write", "person.writeOwn")],
    request: { params: IdParam, body: jsonBody(AddAffiliationInput) },
    responses: { 201: jsonContent(AffiliationResponse, "The job") },
  },
  async (c) => {
    const user = apiUser(c);
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const services = c.get("services");
    if (user.role === "partner") {
      // Partner portal: a (former) colleague, at its own organisation only; anything else is 404.
      if (!(await assertPersonOfOwnOrganisation(services.db, scopeOf(user), id))) throw notFound("Person");
      assertOwnOrganisation(scopeOf(user), input.organisationId);
    }
    const created = await runChange(services, user, ({ trx, scope, meta }) =>
      addAffiliation(trx, scope.regionId, id, { ...input, startDate: input.startDate ?? services.clock.today() }, meta),
    );
    return c.json(created, 201);
  },
);

declareRoute(
  peopleApi,
  {
    method: "post",
    path: "/{id}/move",
    summary: "Move to another organisation in one step (staff): the jobs at fromOrganisationId end on date (without it today) and one at toOrganisationId starts that day; a lead (leadId) when it is not a partner of the region, a task for its owner when it is",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam, body: jsonBody(MoveToOrganisationInput) },
    responses: { 201: jsonContent(MovedResponse, "The jobs that ended and the one that started") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const services = c.get("services");
    const moved = await runChange(services, apiUser(c), ({ trx, scope, meta }) =>
      moveToOrganisation(trx, scope.regionId, id, { ...input, date: input.date ?? services.clock.today() }, meta),
    );
    return c.json(moved, 201);
  },
);

declareRoute(
  peopleApi,
  {
    method: "post",
    path: "/{id}/new-job",
    summary:
      "Record a new job at an organisation of the region, also for someone who left one earlier (staff): every job still open ends on endDate (without it the day the new one starts), and the new one starts on startDate (without it today). At an organisation that is not a partner (not active), or at a new employer named by organisationName instead of organisationId, the move becomes a lead (GET /leads); at a partner, its owner gets a task",
    middleware: [requireApiPermission("person.write")],
    request: { params: IdParam, body: jsonBody(NewJobInput) },
    responses: { 201: jsonContent(NewJobResponse, "The jobs that ended, the one that started, and the lead it made") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const services = c.get("services");
    const moved = await runChange(services, apiUser(c), ({ trx, scope, meta }) =>
      startNewJob(trx, scope.regionId, id, { ...input, startDate: input.startDate ?? services.clock.today() }, meta),
    );
    return c.json(moved, 201);
  },
);

// The AVG: an access request's export and erasure, for the region's admin (see privacy.service).
declareRoute(
  peopleApi,
  {
    method: "get",
    path: "/{id}/export",
    summary: "Everything Schakel keeps about the person, for an access request (admin); the viewing is audited",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam },
    responses: { 200: jsonContent(PersonExportResponse, "The person's data") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => exportPerson(trx, scope, id, meta)));
  },
);

declareRoute(
  peopleApi,
  {
    method: "post",
    path: "/{id}/erase",
    summary:
      "Erase the person (admin): the person is anonymised and their name, email and phone are removed from the rows of their region linked to them by id (contact moments they took part in and their tasks, activities they spoke at, emails to them, audit entries about these); jobs, contact moments and activities stay as anonymous counts; the audit log keeps only that an erasure happened. Nothing of another region changes. 422 when erased already",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam },
    responses: { 200: jsonContent(ErasureResponse, "What changed, table by table") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => erasePerson(trx, scope, id, meta)));
  },
);

/** /api/v1/affiliations: a job is ended, never deleted. */
export const affiliationsApi = apiRouter();

declareRoute(
  affiliationsApi,
  {
    method: "post",
    path: "/{id}/end",
    summary:
      "End a job with a date (without it today) and a reason; it is kept, never deleted. A partner user: a job at its own organisation only (404 otherwise), a successor among its current colleagues or a new name. newEmployerName (someone who left): followed as a lead, or a task for the owner of the partner of that name",
    middleware: [requireApiPermission("person.write", "person.writeOwn")],
    request: { params: IdParam, body: jsonBody(EndAffiliationInput) },
    responses: { 200: jsonContent(AffiliationResponse, "The ended job") },
  },
  async (c) => {
    const user = apiUser(c);
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const services = c.get("services");
    if (user.role === "partner") {
      // Partner portal: a job at its own organisation (404 otherwise), handed to a current colleague or a new name.
      await assertAffiliationOfOwnOrganisation(services.db, scopeOf(user), id);
      await assertPartnerSuccessor(services.db, scopeOf(user), input.successorPersonId);
    }
    return c.json(
      await runChange(services, user, ({ trx, scope, meta }) => leaveJob(trx, scope.regionId, id, { ...input, endDate: input.endDate ?? services.clock.today() }, meta)),
    );
  },
);
