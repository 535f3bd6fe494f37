import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import { HandoverInput, HandoverResponse } from "../handover/handover.schemas";
import { handOverOrganisations } from "../handover/handover.service";
import { ChangeRoleInput, InviteUserInput, ListInput, UserResponse } from "./users.schemas";
import { changeUserRole, createUser, deactivateUser, getUser, listUsers } from "./users.service";


/** /api/v1/users: reading is for the region's staff, changing for its admins. Partners are refused. */
export const usersApi = apiRouter();

declareRoute(
  usersApi,
  {
    method: "get",
    path: "/",
    summary: "Users of the caller's region (admin, penvoerder, accounthouder)",
    middleware: [requireApiPermission("region.read")],
    request: { query: ListInput },
    responses: { 200: jsonContent(page(UserResponse), "A page of users") },
  },
  async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listUsers(c.get("services").db, apiUser(c).regionId, { limit, cursor }));
  },
);

declareRoute(
  usersApi,
  {
    method: "post",
    path: "/",
    summary: "Invite a user (admin); the invitation goes through the email outbox",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(InviteUserInput) },
    responses: { 201: jsonContent(UserResponse, "The invited user") },
  },
  async (c) => {
    const input = c.req.valid("json");
    const created = await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => createUser(trx, { ...input, regionId: scope.regionId }, meta));
    return c.json(created, 201);
  },
);

declareRoute(
  usersApi,
  {
    method: "get",
    path: "/{id}",
    summary: "One user",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam },
    responses: { 200: jsonContent(UserResponse, "The user") },
  },
  async (c) => c.json(await getUser(c.get("services").db, apiUser(c).regionId, c.req.valid("param").id)),
);

declareRoute(
  usersApi,
  {
    method: "patch",
    path: "/{id}",
    summary: "Change a user's role (admin), with the version read (409 when stale)",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam, body: jsonBody(ChangeRoleInput) },
    responses: { 200: jsonContent(UserResponse, "The changed user") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => changeUserRole(trx, scope.regionId, { userId: id, ...input }, meta)));
  },
);

declareRoute(
  usersApi,
  {
    method: "post",
    path: "/{id}/deactivate",
    summary: "Deactivate a user (admin): they can no longer sign in, and their sessions and API tokens stop working",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam },
    responses: { 200: jsonContent(UserResponse, "The user") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => deactivateUser(trx, scope.regionId, id, meta)));
  },
);

declareRoute(
  usersApi,
  {
    method: "post",
    path: "/{id}/handover",
    summary: "Hand a user's organisations over to colleagues (admin): all to `toUserId`, or per organisation through `assignments`; each new owner gets one summary email",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam, body: jsonBody(HandoverInput) },
    responses: { 200: jsonContent(HandoverResponse, "The organisations handed over, tasks moved and emails queued") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => handOverOrganisations(trx, scope, id, input, meta)));
  },
);
