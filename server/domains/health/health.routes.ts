import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import {
  HealthCountsResponse, HealthHistoryItemResponse, HealthListItemResponse, HealthSettingsResponse, HealthTrendDayResponse, HolidayInput, HolidayResponse,
  ListHealthInput, OrganisationHealthResponse, UpcomingInput, UpcomingItemResponse, RecomputeInput, RecomputeResponse, RollupsInput, RollupsResponse, SnoozeInput, SnoozeResponse, TrendInput, UpdateHealthSettingsInput,
} from "./health.schemas";
import {
  addHoliday, endSnooze, getHealthSettings, getOrganisationHealth, healthCounts, listHealth, organisationHealthHistory,
  recomputeHealth, regionHealthTrend, removeHoliday, snoozeOrganisation, updateHealthSettings,
} from "./health.service";
import { listUpcoming } from "./health.forecast";
import { healthRollups } from "./health.rollups";

// Health is the school's own judgement of a relationship: staff see it, partners do not.

/**
 * /api/v1/health: the region's relationships by state (`?state=cold`), counts, the trend, a
 * recompute now, and the region's cadences and school holidays. Reasons come in the caller's language.
 */
export const healthApi = apiRouter();

declareRoute(
  healthApi,
  {
    method: "get",
    path: "/",
    summary: "Relationships by health, most important first (tier, then longest in that state); `state` may be repeated; snoozed ones are included unless includeSnoozed=false",
    middleware: [requireApiPermission("region.read")],
    request: { query: ListHealthInput },
    responses: { 200: jsonContent(page(HealthListItemResponse), "A page of relationships") },
  },
  async (c) => {
    const user = apiUser(c);
    const input = c.req.valid("query");
    const { db, clock } = c.get("services");
    // The API lists snoozed relationships too (it is data, not a to-do list), unless asked not to.
    return c.json(await listHealth(db, scopeOf(user), { ...input, includeSnoozed: input.includeSnoozed ?? true }, { locale: user.locale, today: clock.today() }));
  },
);

declareRoute(
  healthApi,
  {
    method: "get",
    path: "/counts",
    summary: "How many relationships are healthy, watch, cooling and cold (and snoozed)",
    middleware: [requireApiPermission("region.read")],
    responses: { 200: jsonContent(HealthCountsResponse, "The counts") },
  },
  async (c) => {
    const { db, clock } = c.get("services");
    return c.json(await healthCounts(db, scopeOf(apiUser(c)), clock.today()));
  },
);

declareRoute(
  healthApi,
  {
    method: "get",
    path: "/upcoming",
    summary: "Relationships that turn cooling or cold within `days` days (default 30, at most 120) unless there is contact, soonest first, each with the day and the reason in the caller's language; `whose=mine` only the caller's own",
    middleware: [requireApiPermission("region.read")],
    request: { query: UpcomingInput },
    responses: { 200: jsonContent(z.object({ items: z.array(UpcomingItemResponse), nextCursor: z.null() }), "The relationships that turn soon") },
  },
  async (c) => {
    const user = apiUser(c);
    const { days, whose } = c.req.valid("query");
    const { db, clock } = c.get("services");
    const items = await listUpcoming(db, scopeOf(user), { today: clock.today(), days, locale: user.locale, accountHolderId: whose === "mine" ? user.id : undefined });
    return c.json({ items, nextCursor: null });
  },
);

declareRoute(
  healthApi,
  {
    method: "get",
    path: "/rollups",
    summary:
      "Relationships by health per vmbo school (the partners it shares activities or agreements with in the school year), per subregion or per account holder: the counts today and on the first day of each month of the school year (penvoerder and admin). Drill down with GET /health?state=…&schoolId=…&schoolYear=… (or subregionId, accountHolderId)",
    middleware: [requireApiPermission("health.rollups")],
    request: { query: RollupsInput },
    responses: { 200: jsonContent(RollupsResponse, "The groups with their counts") },
  },
  async (c) => {
    const user = apiUser(c);
    const { by, schoolYear } = c.req.valid("query");
    const { db, clock } = c.get("services");
    return c.json({ ...(await healthRollups(db, scopeOf(user), { by, schoolYear, today: clock.today(), locale: user.locale })), nextCursor: null });
  },
);

declareRoute(
  healthApi,
  {
    method: "get",
    path: "/trend",
    summary: "The region's counts per day, for the chart over the school year",
    middleware: [requireApiPermission("region.read")],
    request: { query: TrendInput },
    responses: { 200: jsonContent(z.object({ items: z.array(HealthTrendDayResponse), nextCursor: z.null() }), "The counts per day") },
  },
  async (c) => c.json({ items: await regionHealthTrend(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("query")), nextCursor: null }),
);

declareRoute(
  healthApi,
  {
    method: "post",
    path: "/recompute",
    summary: "Recompute the region's health now, or one organisation's (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(RecomputeInput, { required: false }) },
    responses: { 200: jsonContent(RecomputeResponse, "What the recompute saw and changed") },
  },
  async (c) => {
    const user = apiUser(c);
    const input = c.req.valid("json");
    const { db, clock } = c.get("services");
    // Another region's organisation is not found, like everywhere else.
    if (input.organisationId) await getOrganisationHealth(db, scopeOf(user), input.organisationId, { locale: user.locale, today: clock.today() });
    const started = performance.now();
    const result = await recomputeHealth(db, input.organisationId ? { organisationIds: [input.organisationId] } : { regionId: user.regionId }, clock.now());
    return c.json({ ...result, milliseconds: Math.round(performance.now() - started) });
  },
);

declareRoute(
  healthApi,
  {
    method: "get",
    path: "/settings",
    summary: "The region's cadences per tier, coordinator and school holidays",
    middleware: [requireApiPermission("region.read")],
    responses: { 200: jsonContent(HealthSettingsResponse, "The settings") },
  },
  async (c) => c.json(await getHealthSettings(c.get("services").db, apiUser(c).regionId)),
);

declareRoute(
  healthApi,
  {
    method: "patch",
    path: "/settings",
    summary: "Change the cadences and coordinator (admin; stale version: 409)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(UpdateHealthSettingsInput) },
    responses: { 200: jsonContent(HealthSettingsResponse, "The settings") },
  },
  async (c) => {
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateHealthSettings(trx, scope, input, meta)));
  },
);

declareRoute(
  healthApi,
  {
    method: "post",
    path: "/settings/holidays",
    summary: "Add a school holiday (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { body: jsonBody(HolidayInput) },
    responses: { 201: jsonContent(HolidayResponse, "The holiday") },
  },
  async (c) => {
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => addHoliday(trx, scope, input, meta)), 201);
  },
);

declareRoute(
  healthApi,
  {
    method: "delete",
    path: "/settings/holidays/{id}",
    summary: "Remove a school holiday (admin)",
    middleware: [requireApiPermission("region.manage")],
    request: { params: IdParam },
    responses: { 204: { description: "Removed" } },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => removeHoliday(trx, scope, id, meta));
    return c.body(null, 204);
  },
);

/** /api/v1/organisations/{id}/health, its history and its snooze. */
export const organisationHealthApi = apiRouter();

declareRoute(
  organisationHealthApi,
  {
    method: "get",
    path: "/{id}/health",
    summary: "The organisation's health: state, since, and its reasons, each with a message and a next step in the caller's language",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam },
    responses: { 200: jsonContent(OrganisationHealthResponse, "The organisation's health") },
  },
  async (c) => {
    const user = apiUser(c);
    const { db, clock } = c.get("services");
    return c.json(await getOrganisationHealth(db, scopeOf(user), c.req.valid("param").id, { locale: user.locale, today: clock.today() }));
  },
);

declareRoute(
  organisationHealthApi,
  {
    method: "get",
    path: "/{id}/health/history",
    summary: "Each change of the organisation's health state, oldest first",
    middleware: [requireApiPermission("region.read")],
    request: { params: IdParam },
    responses: { 200: jsonContent(z.object({ items: z.array(HealthHistoryItemResponse), nextCursor: z.null() }), "The state changes") },
  },
  async (c) => c.json({ items: await organisationHealthHistory(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id), nextCursor: null }),
);

declareRoute(
  organisationHealthApi,
  {
    method: "post",
    path: "/{id}/snooze",
    summary: "Take the relationship off 'Aandacht nodig' for some weeks, with a reason",
    middleware: [requireApiPermission("organisation.work")],
    request: { params: IdParam, body: jsonBody(SnoozeInput) },
    responses: { 201: jsonContent(SnoozeResponse, "The snooze") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => snoozeOrganisation(trx, scope, id, input, meta)), 201);
  },
);

declareRoute(
  organisationHealthApi,
  {
    method: "delete",
    path: "/{id}/snooze",
    summary: "End the snooze",
    middleware: [requireApiPermission("organisation.work")],
    request: { params: IdParam },
    responses: { 204: { description: "Ended" } },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => endSnooze(trx, scope, id, meta));
    return c.body(null, 204);
  },
);
