import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonContent } from "../../http/api-router";
import { CofinancingOverviewResponse, SchoolYearParam } from "./cofinancing.schemas";
import { cofinancingOverview } from "./cofinancing.service";

/** /api/v1/cofinancing/{schoolYear}: the figures of the penvoerder's page, to the cent. */
export const cofinancingApi = apiRouter();
cofinancingApi.use(requireApiPermission("money.read"));

declareRoute(
  cofinancingApi,
  {
    method: "get",
    path: "/{schoolYear}",
    summary:
      "The co-financing overview of a school year (admin, penvoerder, accounthouder): totals { pledgedCents, agreedCents, realisedCents, targetCents }, shares of the budget, byKind, bySubregion, byPartner, cumulative months and the linear forecast to 31 July",
    request: { params: SchoolYearParam },
    responses: { 200: jsonContent(CofinancingOverviewResponse, "The overview") },
  },
  async (c) => {
    const { db, clock } = c.get("services");
    return c.json(await cofinancingOverview(db, scopeOf(apiUser(c)), c.req.valid("param").schoolYear, clock.now()));
  },
);
