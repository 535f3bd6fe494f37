import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import {
  InteractionResponse, ListInteractionsInput, LoggedInteractionResponse, LogInteractionInput, TimelineInput, TimelineItemResponse, UpdateInteractionInput,
} from "./interactions.schemas";
import { archiveInteraction, getTimeline, listInteractions, logInteraction, updateInteraction } from "./interactions.service";

// Contact moments are the region staff's; a partner's portal does not show them.

/** /api/v1/interactions: contact moments of the caller's region. */
export const interactionsApi = apiRouter();

declareRoute(
  interactionsApi,
  {
    method: "get",
    path: "/",
    summary: "Contact moments of the region, newest first (staff)",
    middleware: [requireApiPermission("region.read")],
    request: { query: ListInteractionsInput },
    responses: { 200: jsonContent(page(InteractionResponse), "A page of contact moments") },
  },
  async (c) => c.json(await listInteractions(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("query"))),
);

declareRoute(
  interactionsApi,
  {
    method: "post",
    path: "/",
    summary: "Log a contact moment (staff); without date it is today; a next step with a date also becomes a task",
    middleware: [requireApiPermission("interaction.log")],
    request: { body: jsonBody(LogInteractionInput) },
    responses: { 201: jsonContent(LoggedInteractionResponse, "The contact moment, with its task") },
  },
  async (c) => {
    const input = c.req.valid("json");
    const services = c.get("services");
    const logged = await runChange(services, apiUser(c), ({ trx, scope, meta }) => logInteraction(trx, scope, { ...input, date: input.date ?? services.clock.today() }, meta));
    return c.json(logged, 201);
  },
);

declareRoute(
  interactionsApi,
  {
    method: "patch",
    path: "/{id}",
    summary:
      "Correct a contact moment (kind, date, summary, next step, people), with the version read (409 when stale). Its logger may, an admin any of the region's (403 otherwise)",
    middleware: [requireApiPermission("interaction.change")],
    request: { params: IdParam, body: jsonBody(UpdateInteractionInput) },
    responses: { 200: jsonContent(InteractionResponse, "The corrected contact moment") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateInteraction(trx, scope, id, input, meta)));
  },
);

declareRoute(
  interactionsApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Delete a contact moment: it is archived, leaves the timeline and no longer counts for health. Its logger may, an admin any of the region's (403 otherwise)",
    middleware: [requireApiPermission("interaction.change")],
    request: { params: IdParam },
    responses: { 200: jsonContent(InteractionResponse, "The deleted contact moment") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archiveInteraction(trx, scope, id, meta)));
  },
);

/**
 * GET /api/v1/organisations/{id}/timeline, mounted at /organisations before the organisations
 * sub-app so that area's routes file stays the organisations' own.
 */
export const organisationTimelineApi = apiRouter();

declareRoute(
  organisationTimelineApi,
  {
    method: "get",
    path: "/{id}/timeline",
    summary: "What happened with an organisation, newest first: contact moments, people starting and leaving, owner changes (staff)",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam, query: TimelineInput },
    responses: { 200: jsonContent(z.object({ items: z.array(TimelineItemResponse), nextCursor: z.null() }), "The timeline") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await getTimeline(c.get("services").db, scopeOf(apiUser(c)), id, c.req.valid("query")));
  },
);
