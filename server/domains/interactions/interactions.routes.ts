import { Hono } from "hono";
import { z } from "zod";
import type { Role } from "../../../db/schema";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { ListInteractionsInput, LogInteractionInput, TimelineInput } from "./interactions.schemas";
import { getTimeline, listInteractions, logInteraction } from "./interactions.service";

const OrganisationId = z.object({ id: z.uuid() });
// Contact moments are the region staff's; a partner's portal does not show them.
const STAFF: Role[] = ["admin", "penvoerder", "accounthouder"];

/** /api/v1/interactions: contact moments of the caller's region. */
export const interactionsApi = new Hono<HonoEnv>()
  .get("/", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const filters = parseInput(ListInteractionsInput, c.req.query());
    return c.json(await listInteractions(c.get("services").db, scopeOf(user), filters));
  })
  .post("/", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const input = parseInput(LogInteractionInput, await readJson(c));
    const { db, clock } = c.get("services");
    const logged = await db.transaction().execute((trx) =>
      logInteraction(trx, scopeOf(user), { ...input, date: input.date ?? clock.today() }, { actor: user, now: clock.now() }),
    );
    return c.json(logged, 201);
  });

/**
 * GET /api/v1/organisations/:id/timeline, mounted at /organisations before the organisations
 * sub-app so that area's routes file stays the organisations' own.
 */
export const organisationTimelineApi = new Hono<HonoEnv>().get("/:id/timeline", requireApiRole(...STAFF), async (c) => {
  const user = apiUser(c);
  const { id } = parseInput(OrganisationId, c.req.param());
  const { limit } = parseInput(TimelineInput, c.req.query());
  return c.json(await getTimeline(c.get("services").db, scopeOf(user), id, { limit }));
});
