import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { can } from "../../auth/permissions";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import { offerActivity, withdrawOffer } from "../portal/portal.service";
import { ActivityResponse, CreateActivityInput, ListActivitiesInput, SharedActivitiesInput, SharedActivityResponse, UpdateActivityInput, WithdrawOfferInput } from "./activities.schemas";
import { listActivities } from "./activities.list";
import { archiveActivity, createActivity, getActivity, listSharedActivities, updateActivity } from "./activities.service";

// A partner reads the activities its organisation takes part in, and offers new ones for it (POST only).

/** /api/v1/activities: what the collaboration produces, region-scoped. */
export const activitiesApi = apiRouter();

declareRoute(
  activitiesApi,
  {
    method: "get",
    path: "/",
    summary: "Activities of the region (a partner: those its organisation takes part in), sorted with sort=date|title|type|status|partner and dir=asc|desc (default: the latest start first; order=soonest is sort=date&dir=asc, e.g. with from=today for what is coming; activities without a partner come last both ways); schoolYear runs from 1 August to 31 July",
    request: { query: ListActivitiesInput },
    responses: { 200: jsonContent(page(ActivityResponse), "A page of activities") },
  },
  async (c) => c.json(await listActivities(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("query"))),
);

declareRoute(
  activitiesApi,
  {
    method: "post",
    path: "/",
    summary:
      "Create an activity with its partners (organisationIds) and schools (schoolIds); admin, accounthouder. A partner user offers one: status offered only (403 otherwise), its own organisation as the single partner (404 for another), not shared; the account holder and the partner user get an email",
    middleware: [requireApiPermission("activity.write", "activity.offer")],
    request: { body: jsonBody(CreateActivityInput) },
    responses: { 201: jsonContent(ActivityResponse, "The activity") },
  },
  async (c) => {
    const user = apiUser(c);
    const input = c.req.valid("json");
    // Partner portal: an offer for its own organisation only, with emails (403/404 otherwise, see offerActivity).
    const created = await runChange(c.get("services"), user, ({ trx, scope, meta }) =>
      can(scope, "activity.offer") ? offerActivity(trx, scope, input, meta) : createActivity(trx, scope, input, meta),
    );
    return c.json(created, 201);
  },
);

// Before "/{id}": what other regions opened to the caller's region, read-only (not for partners).
declareRoute(
  activitiesApi,
  {
    method: "get",
    path: "/shared",
    summary: "Activities other regions opened to the caller's region, read-only: type, title, dates, times, place and the owning region's name",
    middleware: [requireApiPermission("region.read")],
    request: { query: SharedActivitiesInput },
    responses: { 200: jsonContent(z.object({ items: z.array(SharedActivityResponse), nextCursor: z.null() }), "The shared activities") },
  },
  async (c) => c.json({ items: await listSharedActivities(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("query")), nextCursor: null }),
);

declareRoute(
  activitiesApi,
  {
    method: "get",
    path: "/{id}",
    summary: "An activity with its organisations",
    request: { params: IdParam },
    responses: { 200: jsonContent(ActivityResponse, "The activity") },
  },
  async (c) => c.json(await getActivity(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id)),
);

declareRoute(
  activitiesApi,
  {
    method: "patch",
    path: "/{id}",
    summary: "Change fields or move the status (offered → planned → done | cancelled), with the version read (409 when stale, 422 for an illegal step)",
    middleware: [requireApiPermission("activity.write")],
    request: { params: IdParam, body: jsonBody(UpdateActivityInput) },
    responses: { 200: jsonContent(ActivityResponse, "The activity") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateActivity(trx, scope, id, input, meta)));
  },
);

// Partner portal: withdraw its own offer while it is still only offered (see withdrawOffer).
declareRoute(
  activitiesApi,
  {
    method: "post",
    path: "/{id}/withdraw",
    summary:
      "Partner users only: withdraw the organisation's own offer while it is still offered ({ version }); it becomes cancelled and the account holder is emailed. 404 for another organisation's activity, 422 once planned, 409 when stale",
    middleware: [requireApiPermission("activity.offer")],
    request: { params: IdParam, body: jsonBody(WithdrawOfferInput) },
    responses: { 200: jsonContent(ActivityResponse, "The cancelled activity") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const { version } = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => withdrawOffer(trx, scope, id, version, meta)));
  },
);

declareRoute(
  activitiesApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Archive the activity",
    middleware: [requireApiPermission("activity.write")],
    request: { params: IdParam },
    responses: { 200: jsonContent(ActivityResponse, "The archived activity") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archiveActivity(trx, scope, id, meta)));
  },
);
