import { Hono } from "hono";
import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { COMMITMENT_WRITERS } from "./commitments.service";
import { listInKindRates, updateInKindRates } from "./in-kind.rates";
import { ConfirmProposalInput, ListProposalsInput, RejectProposalInput, UpdateInKindRatesInput } from "./in-kind.schemas";
import { confirmInKindProposal, listInKindProposals, listInKindRejections, rejectInKindProposal, undoInKindRejection } from "./in-kind.service";

const ActivityParam = z.object({ activityId: z.uuid() });
const STAFF = ["admin", "penvoerder", "accounthouder"] as const;

/** /api/v1/in-kind: done activities proposed as in-kind realisation, the decisions on them, and the region's rates. */
export const inKindApi = new Hono<HonoEnv>()
  .get("/proposals", requireApiRole(...STAFF), async (c) => {
    const filters = parseInput(ListProposalsInput, c.req.query());
    return c.json(await listInKindProposals(c.get("services").db, scopeOf(apiUser(c)), filters));
  })
  .post("/proposals/:activityId/confirm", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { activityId } = parseInput(ActivityParam, c.req.param());
    const input = parseInput(ConfirmProposalInput, await readJson(c, { optional: true }));
    const { db, clock } = c.get("services");
    const { commitment, realisation } = await db.transaction().execute((trx) => confirmInKindProposal(trx, scopeOf(user), activityId, input, { actor: user, now: clock.now() }));
    return c.json({ ...realisation, commitment }, 201);
  })
  .post("/proposals/:activityId/reject", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { activityId } = parseInput(ActivityParam, c.req.param());
    const input = parseInput(RejectProposalInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => rejectInKindProposal(trx, scopeOf(user), activityId, input, { actor: user, now: clock.now() })));
  })
  .get("/rejections", requireApiRole(...STAFF), async (c) => {
    return c.json({ items: await listInKindRejections(c.get("services").db, scopeOf(apiUser(c))), nextCursor: null });
  })
  .delete("/rejections/:activityId", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { activityId } = parseInput(ActivityParam, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => undoInKindRejection(trx, scopeOf(user), activityId, { actor: user, now: clock.now() })));
  })
  // The region's valuation rates are staff work like the proposals (decision 050); a partner sees
  // only the rate on its own commitments (decision 071).
  .get("/rates", requireApiRole(...STAFF), async (c) => {
    return c.json({ items: await listInKindRates(c.get("services").db, apiUser(c).regionId), nextCursor: null });
  })
  .patch("/rates", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const input = parseInput(UpdateInKindRatesInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json({ items: await db.transaction().execute((trx) => updateInKindRates(trx, scopeOf(user), input.rates, { actor: user, now: clock.now() })), nextCursor: null });
  });
