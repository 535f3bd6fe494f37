import { Hono } from "hono";
import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { offerActivity, withdrawOffer } from "../portal/portal.service";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { CreateActivityInput, ListActivitiesInput, SharedActivitiesInput, UpdateActivityInput, WithdrawOfferInput } from "./activities.schemas";
import { archiveActivity, createActivity, getActivity, listActivities, listSharedActivities, updateActivity } from "./activities.service";

const ActivityId = z.object({ id: z.uuid() });
// A partner reads the activities its organisation takes part in, and offers new ones for it (POST only).
const EDITORS = ["admin", "accounthouder"] as const;

/** /api/v1/activities: what the collaboration produces, region-scoped. */
export const activitiesApi = new Hono<HonoEnv>()
  .get("/", async (c) => {
    const user = apiUser(c);
    const filters = parseInput(ListActivitiesInput, c.req.query());
    return c.json(await listActivities(c.get("services").db, scopeOf(user), filters));
  })
  .post("/", requireApiRole(...EDITORS, "partner"), async (c) => {
    const user = apiUser(c);
    const input = parseInput(CreateActivityInput, await readJson(c));
    const { db, clock, config } = c.get("services");
    const meta = { actor: user, now: clock.now(), appUrl: config.appUrl };
    // Partner portal: an offer for its own organisation only, with emails (403/404 otherwise, see offerActivity).
    const created = await db.transaction().execute((trx) =>
      user.role === "partner" ? offerActivity(trx, scopeOf(user), input, meta) : createActivity(trx, scopeOf(user), input, meta),
    );
    return c.json(created, 201);
  })
  // Before "/:id": what other regions opened to the caller's region, read-only (not for partners).
  .get("/shared", requireApiRole("admin", "penvoerder", "accounthouder"), async (c) => {
    const range = parseInput(SharedActivitiesInput, c.req.query());
    return c.json({ items: await listSharedActivities(c.get("services").db, scopeOf(apiUser(c)), range), nextCursor: null });
  })
  .get("/:id", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ActivityId, c.req.param());
    return c.json(await getActivity(c.get("services").db, scopeOf(user), id));
  })
  .patch("/:id", requireApiRole(...EDITORS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ActivityId, c.req.param());
    const input = parseInput(UpdateActivityInput, await readJson(c));
    const { db, clock, config } = c.get("services");
    const meta = { actor: user, now: clock.now(), appUrl: config.appUrl };
    return c.json(await db.transaction().execute((trx) => updateActivity(trx, scopeOf(user), id, input, meta)));
  })
  // Partner portal: withdraw its own offer while it is still only offered (see withdrawOffer).
  .post("/:id/withdraw", requireApiRole("partner"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ActivityId, c.req.param());
    const { version } = parseInput(WithdrawOfferInput, await readJson(c));
    const { db, clock, config } = c.get("services");
    const meta = { actor: user, now: clock.now(), appUrl: config.appUrl };
    return c.json(await db.transaction().execute((trx) => withdrawOffer(trx, scopeOf(user), id, version, meta)));
  })
  .delete("/:id", requireApiRole(...EDITORS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ActivityId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => archiveActivity(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  });
