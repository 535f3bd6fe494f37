import { runChange } from "../../change";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam } from "../../http/api-schemas";
import { CreateSavedViewInput, ListSavedViewsInput, SavedViewListResponse, SavedViewResponse, UpdateSavedViewInput } from "./saved-views.schemas";
import { archiveSavedView, createSavedView, listSavedViews, updateSavedView } from "./saved-views.service";

/**
 * /api/v1/views: saved views of the organisation and people lists — a name for a list's filters and
 * sort, the saver's own or shared with the region. Staff only; partners have no lists to save.
 */
export const savedViewsApi = apiRouter();

declareRoute(
  savedViewsApi,
  {
    method: "get",
    path: "/",
    summary: "The caller's own saved views and those shared in the region, by name; ?list=organisations|people for one list",
    middleware: [requireApiPermission("view.save")],
    request: { query: ListSavedViewsInput },
    responses: { 200: jsonContent(SavedViewListResponse, "The saved views") },
  },
  async (c) => {
    const { list } = c.req.valid("query");
    return c.json({ items: await listSavedViews(c.get("services").db, scopeOf(apiUser(c)), list) });
  },
);

declareRoute(
  savedViewsApi,
  {
    method: "post",
    path: "/",
    summary: "Save a list's filters and sort (query, as the list's query string) under a name, shared with the region or not",
    middleware: [requireApiPermission("view.save")],
    request: { body: jsonBody(CreateSavedViewInput) },
    responses: { 201: jsonContent(SavedViewResponse, "The saved view, its query normalised") },
  },
  async (c) => {
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => createSavedView(trx, scope, input, meta)), 201);
  },
);

declareRoute(
  savedViewsApi,
  {
    method: "patch",
    path: "/{id}",
    summary: "Rename a view or change whether it is shared (its creator or an admin), with the version read (409 when stale)",
    middleware: [requireApiPermission("view.save")],
    request: { params: IdParam, body: jsonBody(UpdateSavedViewInput) },
    responses: { 200: jsonContent(SavedViewResponse, "The saved view") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateSavedView(trx, scope, id, input, meta)));
  },
);

declareRoute(
  savedViewsApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Archive a view (its creator or an admin): it leaves every list of views",
    middleware: [requireApiPermission("view.save")],
    request: { params: IdParam },
    responses: { 200: jsonContent(SavedViewResponse, "The archived view") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archiveSavedView(trx, scope, id, meta)));
  },
);
