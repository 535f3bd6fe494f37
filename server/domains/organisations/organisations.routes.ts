import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import { invitePartnerUser, listPartnerUsers } from "../partner-users/partner-users.service";
import { InvitedPartnerUserResponse, InvitePartnerUserInput, PartnerUserResponse } from "../partner-users/partner-users.schemas";
import { HistoryEntryResponse, HistoryPageInput } from "../audit/audit.schemas";
import { listHistory } from "../audit/history";
import { EXPORT_CONTENT_TYPES, exportOrganisations } from "./organisations.export";
import {
  AccountHolderPeriodResponse,
  CreateOrganisationInput,
  ListOrganisationsQuery,
  MergeOrganisationInput,
  OrganisationResponse,
  UpdateOrganisationInput,
} from "./organisations.schemas";
import {
  archiveOrganisation,
  createOrganisation,
  getOrganisation,
  listAccountHolderHistory,
  listOrganisations,
  mergeOrganisations,
  restoreOrganisation,
  updateOrganisation,
} from "./organisations.service";


/**
 * /api/v1/organisations. Everyone reads within their scope (a partner user only its own
 * organisation); admins and account holders change them.
 */
export const organisationsApi = apiRouter();

declareRoute(
  organisationsApi,
  {
    method: "get",
    path: "/",
    summary: "Organisations in scope (a partner user: only its own), filtered and sorted, a page at a time; format=csv|xlsx answers the whole filtered list as a file",
    request: { query: ListOrganisationsQuery },
    responses: {
      200: {
        description: "A page of organisations, or with format the whole list as a CSV or XLSX file",
        content: {
          "application/json": { schema: page(OrganisationResponse) },
          "text/csv": { schema: z.string() },
          [EXPORT_CONTENT_TYPES.xlsx]: { schema: z.string() },
        },
      },
    },
  },
  async (c) => {
    const user = apiUser(c);
    const { format: exportAs, ...filters } = c.req.valid("query");
    if (exportAs) {
      const { limit: _limit, cursor: _cursor, ...allRows } = filters;
      return new Response(exportOrganisations(c.get("services").db, scopeOf(user), allRows, exportAs, user.locale), {
        headers: { "Content-Type": EXPORT_CONTENT_TYPES[exportAs], "Content-Disposition": `attachment; filename="organisaties.${exportAs}"` },
      });
    }
    return c.json(await listOrganisations(c.get("services").db, scopeOf(user), filters));
  },
);

declareRoute(
  organisationsApi,
  {
    method: "post",
    path: "/",
    summary: "Create an organisation (admin, accounthouder); a KvK number already in use is refused (422, details.existingId)",
    middleware: [requireApiPermission("organisation.create")],
    request: { body: jsonBody(CreateOrganisationInput) },
    responses: { 201: jsonContent(OrganisationResponse, "The organisation") },
  },
  async (c) => {
    const input = c.req.valid("json");
    const created = await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => createOrganisation(trx, scope, input, meta));
    return c.json(created, 201);
  },
);

declareRoute(
  organisationsApi,
  { method: "get", path: "/{id}", summary: "One organisation (also an archived one)", request: { params: IdParam }, responses: { 200: jsonContent(OrganisationResponse, "The organisation") } },
  async (c) => c.json(await getOrganisation(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id)),
);

declareRoute(
  organisationsApi,
  {
    method: "get",
    path: "/{id}/account-holders",
    summary: "Who owned the relationship when, newest first (staff)",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam },
    responses: { 200: jsonContent(page(AccountHolderPeriodResponse), "Every ownership period") },
  },
  async (c) => c.json({ items: await listAccountHolderHistory(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id), nextCursor: null }),
);

// Everyone who may read the organisation may read its history (a partner user only its own).
declareRoute(
  organisationsApi,
  {
    method: "get",
    path: "/{id}/history",
    summary: "The audit log of the organisation and its jobs, newest first: who, when, which fields from what to what",
    request: { params: IdParam, query: HistoryPageInput },
    responses: { 200: jsonContent(page(HistoryEntryResponse), "A page of history entries") },
  },
  async (c) => {
    const user = apiUser(c);
    const { id } = c.req.valid("param");
    const { db } = c.get("services");
    await getOrganisation(db, scopeOf(user), id);
    return c.json(await listHistory(db, user.regionId, { type: "organisation", id }, c.req.valid("query")));
  },
);

declareRoute(
  organisationsApi,
  {
    method: "post",
    path: "/{id}/restore",
    summary: "Undo an archive (admin, accounthouder); 422 naming kvkNumber when another active organisation has its KvK number now",
    middleware: [requireApiPermission("organisation.work")],
    request: { params: IdParam },
    responses: { 200: jsonContent(OrganisationResponse, "The organisation") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => restoreOrganisation(trx, scope, id, meta)));
  },
);

// A partner user may change its own organisation's address details (the portal); updateOrganisation refuses the rest.
declareRoute(
  organisationsApi,
  {
    method: "patch",
    path: "/{id}",
    summary: "Change fields, with the version read (409 when stale). A partner user: its own organisation only, and only sector, street, postalCode, city and website (403 for any other field)",
    middleware: [requireApiPermission("organisation.work", "organisation.editOwn")],
    request: { params: IdParam, body: jsonBody(UpdateOrganisationInput) },
    responses: { 200: jsonContent(OrganisationResponse, "The organisation") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateOrganisation(trx, scope, id, input, meta)));
  },
);

declareRoute(
  organisationsApi,
  {
    method: "get",
    path: "/{id}/partner-users",
    summary: "The organisation's partner-portal users (staff)",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam },
    responses: { 200: jsonContent(page(PartnerUserResponse), "Every partner user of the organisation") },
  },
  async (c) => c.json({ items: await listPartnerUsers(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id), nextCursor: null }),
);

declareRoute(
  organisationsApi,
  {
    method: "post",
    path: "/{id}/partner-users",
    summary: "Invite a partner user to the portal (the organisation's account holder or an admin); an invitation email is queued",
    middleware: [requireApiPermission("organisation.invitePartner")],
    request: { params: IdParam, body: jsonBody(InvitePartnerUserInput) },
    responses: { 201: jsonContent(InvitedPartnerUserResponse, "The invited user") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const invited = await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => invitePartnerUser(trx, scope, id, input, meta));
    return c.json(invited, 201);
  },
);

declareRoute(
  organisationsApi,
  {
    method: "post",
    path: "/{id}/merge",
    summary: "Merge a duplicate into this organisation (admin, accounthouder): its people, contact moments, tasks, partner users and history move over; the duplicate is archived",
    middleware: [requireApiPermission("organisation.work")],
    request: { params: IdParam, body: jsonBody(MergeOrganisationInput) },
    responses: { 200: jsonContent(OrganisationResponse, "The organisation that stays") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const { duplicateId } = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => mergeOrganisations(trx, scope, { keepId: id, duplicateId }, meta)));
  },
);

declareRoute(
  organisationsApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Archive the organisation (admin, accounthouder): it leaves the lists, keeps its history and can be restored",
    middleware: [requireApiPermission("organisation.work")],
    request: { params: IdParam },
    responses: { 200: jsonContent(OrganisationResponse, "The archived organisation") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archiveOrganisation(trx, scope, id, meta)));
  },
);
