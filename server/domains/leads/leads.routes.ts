import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import { ConvertedLeadResponse, ConvertLeadInput, DismissLeadInput, LeadResponse, ListLeadsInput } from "./leads.schemas";
import { convertLead, dismissLead, listLeads } from "./leads.service";

/** /api/v1/leads: "Kansen", known contacts now at an organisation that is not a partner yet (staff). */
export const leadsApi = apiRouter();

declareRoute(
  leadsApi,
  {
    method: "get",
    path: "/",
    summary: "The region's open leads, newest first (by since, then id), a page at a time: a known contact who left and now works at an organisation that is not a partner of the region",
    middleware: [requireApiPermission("region.read")],
    request: { query: ListLeadsInput },
    responses: { 200: jsonContent(page(LeadResponse), "A page of open leads") },
  },
  async (c) => c.json(await listLeads(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("query"))),
);

declareRoute(
  leadsApi,
  {
    method: "post",
    path: "/{id}/convert",
    summary: "Turn a lead into a partner in one step: the organisation is created (or, when known but not a partner, made active) with the person as its primary contact; the lead closes (stale version: 409)",
    middleware: [requireApiPermission("lead.work")],
    request: { params: IdParam, body: jsonBody(ConvertLeadInput) },
    responses: { 201: jsonContent(ConvertedLeadResponse, "The partner and its contact") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => convertLead(trx, scope, id, input, meta)), 201);
  },
);

declareRoute(
  leadsApi,
  {
    method: "post",
    path: "/{id}/dismiss",
    summary: "Put a lead away: kept with who and when, no longer listed (stale version: 409)",
    middleware: [requireApiPermission("lead.work")],
    request: { params: IdParam, body: jsonBody(DismissLeadInput) },
    responses: { 204: { description: "Put away" } },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => dismissLead(trx, scope, id, input, meta));
    return c.body(null, 204);
  },
);
