import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam } from "../../http/api-schemas";
import { PlanResponse, PlanTemplateResponse, StartPlanInput, UpdatePlanTemplateInput } from "./plans.schemas";
import { listOrganisationPlans, listPlanTemplates, startPlanByHand, updatePlanTemplate } from "./plans.service";

/** /api/v1/organisations/{id}/plans: an organisation's plans of follow-up tasks (staff only). */
export const organisationPlansApi = apiRouter();

declareRoute(
  organisationPlansApi,
  {
    method: "get",
    path: "/{id}/plans",
    summary: "The organisation's plans, the running one first, each with its steps (tasks) and progress",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam },
    responses: { 200: jsonContent(z.object({ items: z.array(PlanResponse), nextCursor: z.null() }), "The plans") },
  },
  async (c) => c.json({ items: await listOrganisationPlans(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id), nextCursor: null }),
);

declareRoute(
  organisationPlansApi,
  {
    method: "post",
    path: "/{id}/plans",
    summary: "Start the region's plan for an event by hand; refused (422) while another plan runs on the organisation",
    middleware: [requireApiPermission("plan.start")],
    request: { params: IdParam, body: jsonBody(StartPlanInput) },
    responses: { 201: jsonContent(PlanResponse, "The plan that started") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => startPlanByHand(trx, scope, id, input, meta)), 201);
  },
);

/** /api/v1/plan-templates: the region's plan per turnover event (read by staff, changed by admins). */
export const planTemplatesApi = apiRouter();

declareRoute(
  planTemplatesApi,
  {
    method: "get",
    path: "/",
    summary: "The region's plan templates, one per event, with their steps",
    middleware: [requireApiPermission("region.read")],
    responses: { 200: jsonContent(z.object({ items: z.array(PlanTemplateResponse), nextCursor: z.null() }), "The templates") },
  },
  async (c) => c.json({ items: await listPlanTemplates(c.get("services").db, scopeOf(apiUser(c))), nextCursor: null }),
);

declareRoute(
  planTemplatesApi,
  {
    method: "put",
    path: "/{id}",
    summary: "Replace a template's steps (admin; stale version: 409); running plans keep theirs",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam, body: jsonBody(UpdatePlanTemplateInput) },
    responses: { 200: jsonContent(PlanTemplateResponse, "The template") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updatePlanTemplate(trx, scope, id, input, meta)));
  },
);
