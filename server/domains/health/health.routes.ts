import { Hono } from "hono";
import { z } from "zod";
import type { Role } from "../../../db/schema";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { HolidayInput, ListHealthInput, RecomputeInput, SnoozeInput, TrendInput, UpdateHealthSettingsInput } from "./health.schemas";
import {
  addHoliday, endSnooze, getHealthSettings, getOrganisationHealth, healthCounts, listHealth, organisationHealthHistory,
  recomputeHealth, regionHealthTrend, removeHoliday, snoozeOrganisation, updateHealthSettings,
} from "./health.service";

const RecordId = z.object({ id: z.uuid() });
// Health is the school's own judgement of a relationship: staff see it, partners do not.
const STAFF: Role[] = ["admin", "penvoerder", "accounthouder"];

/**
 * /api/v1/health: the region's relationships by state (`?state=cold`), counts, the trend, a
 * recompute now, and the region's cadences and school holidays. Reasons come in the caller's language.
 */
export const healthApi = new Hono<HonoEnv>()
  .get("/", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const query = c.req.queries();
    const input = parseInput(ListHealthInput, { ...c.req.query(), state: query.state });
    const { db, clock } = c.get("services");
    // The API lists snoozed relationships too (it is data, not a to-do list), unless asked not to.
    return c.json(await listHealth(db, scopeOf(user), { ...input, includeSnoozed: input.includeSnoozed ?? true }, { locale: user.locale, today: clock.today() }));
  })
  .get("/counts", requireApiRole(...STAFF), async (c) => {
    const { db, clock } = c.get("services");
    return c.json(await healthCounts(db, scopeOf(apiUser(c)), clock.today()));
  })
  .get("/trend", requireApiRole(...STAFF), async (c) => {
    const { from, to } = parseInput(TrendInput, c.req.query());
    const { db } = c.get("services");
    return c.json({ items: await regionHealthTrend(db, scopeOf(apiUser(c)), { from, to }), nextCursor: null });
  })
  .post("/recompute", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const input = parseInput(RecomputeInput, await readJson(c, { optional: true }));
    const { db, clock } = c.get("services");
    // Another region's organisation is not found, like everywhere else.
    if (input.organisationId) await getOrganisationHealth(db, scopeOf(user), input.organisationId, { locale: user.locale, today: clock.today() });
    const started = performance.now();
    const result = await recomputeHealth(db, input.organisationId ? { organisationIds: [input.organisationId] } : { regionId: user.regionId }, clock.now());
    return c.json({ ...result, milliseconds: Math.round(performance.now() - started) });
  })
  .get("/settings", requireApiRole(...STAFF), async (c) => c.json(await getHealthSettings(c.get("services").db, apiUser(c).regionId)))
  .patch("/settings", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const input = parseInput(UpdateHealthSettingsInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => updateHealthSettings(trx, scopeOf(user), input, { actor: user, now: clock.now() })));
  })
  .post("/settings/holidays", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const input = parseInput(HolidayInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => addHoliday(trx, scopeOf(user), input, { actor: user, now: clock.now() })), 201);
  })
  .delete("/settings/holidays/:id", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { db, clock } = c.get("services");
    await db.transaction().execute((trx) => removeHoliday(trx, scopeOf(user), id, { actor: user, now: clock.now() }));
    return c.body(null, 204);
  });

/** /api/v1/organisations/{id}/health, its history and its snooze. */
export const organisationHealthApi = new Hono<HonoEnv>()
  .get("/:id/health", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await getOrganisationHealth(db, scopeOf(user), id, { locale: user.locale, today: clock.today() }));
  })
  .get("/:id/health/history", requireApiRole(...STAFF), async (c) => {
    const { id } = parseInput(RecordId, c.req.param());
    return c.json({ items: await organisationHealthHistory(c.get("services").db, scopeOf(apiUser(c)), id), nextCursor: null });
  })
  .post("/:id/snooze", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const input = parseInput(SnoozeInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => snoozeOrganisation(trx, scopeOf(user), id, input, { actor: user, now: clock.now() })), 201);
  })
  .delete("/:id/snooze", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { db, clock } = c.get("services");
    await db.transaction().execute((trx) => endSnooze(trx, scopeOf(user), id, { actor: user, now: clock.now() }));
    return c.body(null, 204);
  });
