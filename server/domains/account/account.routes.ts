import { Hono } from "hono";
import { z } from "zod";
import { endSession, listSessions } from "../../auth/sessions";
import { regionTwoFactorRequirement, setRegionTwoFactorRequirement, twoFactorStatus } from "../../auth/two-factor";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { ChangePasswordInput } from "../users/users.schemas";
import { changePassword } from "../users/users.service";
import { limitCurrentPasswordCheck } from "../../auth/rate-limit";
import { scopeOf } from "../../auth/current-user";
import { regionRetention, setRegionRetention } from "../privacy/privacy.service";

const SessionParam = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) });
export const RegionSecurityInput = z.object({ requireTwoFactor: z.boolean() });
export const RegionPrivacyInput = z.object({ retentionMonths: z.number().int().min(1).max(240).nullable() });

/** /api/v1/me: the caller's own account — where they are signed in, their password, their second factor. */
export const meApi = new Hono<HonoEnv>()
  .get("/sessions", async (c) => {
    const user = apiUser(c);
    const { db, clock } = c.get("services");
    return c.json({ items: await listSessions(db, user.id, c.get("sessionId"), clock.now()), nextCursor: null });
  })
  .delete("/sessions/:id", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(SessionParam, c.req.param());
    await endSession(c.get("services").db, user.id, id);
    return c.body(null, 204);
  })
  .post("/password", async (c) => {
    const user = apiUser(c);
    const input = parseInput(ChangePasswordInput, await readJson(c));
    const { db, clock } = c.get("services");
    await limitCurrentPasswordCheck(db, user.id, clock.now());
    return c.json(await db.transaction().execute((trx) => changePassword(trx, user.id, input, { keepSessionId: c.get("sessionId"), now: clock.now(), appUrl: c.get("services").config.appUrl })));
  })
  .get("/two-factor", async (c) => c.json(await twoFactorStatus(c.get("services").db, apiUser(c).id)));

/** /api/v1/region/security: whether admins and penvoerders must sign in with a second factor. */
export const regionSecurityApi = new Hono<HonoEnv>()
  .get("/", requireApiRole("admin", "penvoerder", "accounthouder"), async (c) => c.json(await regionTwoFactorRequirement(c.get("services").db, apiUser(c).regionId)))
  .patch("/", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { requireTwoFactor } = parseInput(RegionSecurityInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => setRegionTwoFactorRequirement(trx, user.regionId, requireTwoFactor, { actorId: user.id, now: clock.now() })));
  });

/** /api/v1/region/privacy: how many months after their last job a departed contact is anonymised. */
export const regionPrivacyApi = new Hono<HonoEnv>()
  .get("/", requireApiRole("admin", "penvoerder", "accounthouder"), async (c) => c.json(await regionRetention(c.get("services").db, apiUser(c).regionId)))
  .patch("/", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { retentionMonths } = parseInput(RegionPrivacyInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => setRegionRetention(trx, scopeOf(user), retentionMonths, { actor: user, now: clock.now() })));
  });
