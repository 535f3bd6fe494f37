import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { BudgetResponse, SchoolYearParam, SetBudgetInput } from "./budgets.schemas";
import { listSchoolYearBudgets, readSchoolYearBudget, setSchoolYearBudget } from "./budgets.service";

/**
 * /api/v1/budgets: the region's budget and co-financing target per school year. The region's
 * staff read them; the penvoerder and admins set them; partner users have no access.
 */
export const budgetsApi = apiRouter();
budgetsApi.use(requireApiPermission("money.read"));

declareRoute(
  budgetsApi,
  {
    method: "get",
    path: "/",
    summary: "The region's budget and co-financing target per school year, newest first (admin, penvoerder, accounthouder)",
    responses: { 200: jsonContent(z.object({ items: z.array(BudgetResponse), nextCursor: z.null() }), "The budgets") },
  },
  async (c) => c.json({ items: await listSchoolYearBudgets(c.get("services").db, scopeOf(apiUser(c))), nextCursor: null }),
);

declareRoute(
  budgetsApi,
  {
    method: "get",
    path: "/{schoolYear}",
    summary: "One school year's budget and target, targetBasisPoints 1000 = 10% (404 when none was set)",
    request: { params: SchoolYearParam },
    responses: { 200: jsonContent(BudgetResponse, "The budget") },
  },
  async (c) => c.json(await readSchoolYearBudget(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").schoolYear)),
);

declareRoute(
  budgetsApi,
  {
    method: "put",
    path: "/{schoolYear}",
    summary:
      "Set a school year's budget and target (admin, penvoerder): budgetCents in integer cents, targetBasisPoints 0–10000 (default 1000 = 10%). Without version the first time; after that with the version read (409 when stale)",
    middleware: [requireApiPermission("money.write")],
    request: { params: SchoolYearParam, body: jsonBody(SetBudgetInput) },
    responses: { 200: jsonContent(BudgetResponse, "The budget") },
  },
  async (c) => {
    const { schoolYear } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => setSchoolYearBudget(trx, scope, schoolYear, input, meta)));
  },
);
