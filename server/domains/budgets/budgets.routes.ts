import { Hono } from "hono";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { SchoolYearParam, SetBudgetInput } from "./budgets.schemas";
import { BUDGET_READERS, BUDGET_WRITERS, listSchoolYearBudgets, readSchoolYearBudget, setSchoolYearBudget } from "./budgets.service";
import { cofinancingOverview } from "./cofinancing-overview.service";

/**
 * /api/v1/budgets: the region's budget and co-financing target per school year. The region's
 * staff read them; the penvoerder and admins set them; partner users have no access.
 */
export const budgetsApi = new Hono<HonoEnv>()
  .use(requireApiRole(...BUDGET_READERS))
  .get("/", async (c) => {
    const user = apiUser(c);
    return c.json({ items: await listSchoolYearBudgets(c.get("services").db, scopeOf(user)), nextCursor: null });
  })
  .get("/:schoolYear", async (c) => {
    const user = apiUser(c);
    const { schoolYear } = parseInput(SchoolYearParam, c.req.param());
    return c.json(await readSchoolYearBudget(c.get("services").db, scopeOf(user), schoolYear));
  })
  .put("/:schoolYear", requireApiRole(...BUDGET_WRITERS), async (c) => {
    const user = apiUser(c);
    const { schoolYear } = parseInput(SchoolYearParam, c.req.param());
    const input = parseInput(SetBudgetInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => setSchoolYearBudget(trx, scopeOf(user), schoolYear, input, { actor: user, now: clock.now() })));
  });

/** /api/v1/cofinancing/{schoolYear}: the figures of the penvoerder's page, to the cent. */
export const cofinancingApi = new Hono<HonoEnv>().use(requireApiRole(...BUDGET_READERS)).get("/:schoolYear", async (c) => {
  const user = apiUser(c);
  const { schoolYear } = parseInput(SchoolYearParam, c.req.param());
  const { db, clock } = c.get("services");
  return c.json(await cofinancingOverview(db, scopeOf(user), schoolYear, clock.now()));
});
