import { Hono } from "hono";
import { z } from "zod";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { scopeOf } from "../../auth/current-user";
import { parseInput } from "../../validation";
import { HandoverInput } from "../handover/handover.schemas";
import { handOverOrganisations } from "../handover/handover.service";
import { ChangeRoleInput, InviteUserInput, ListInput } from "./users.schemas";
import { changeUserRole, createUser, deactivateUser, getUser, listUsers } from "./users.service";

const UserId = z.object({ id: z.uuid() });

/** /api/v1/users: reading is for the region's staff, changing for its admins. Partners are refused. */
export const usersApi = new Hono<HonoEnv>()
  .get("/", requireApiRole("admin", "penvoerder", "accounthouder"), async (c) => {
    const user = apiUser(c);
    const { limit, cursor } = parseInput(ListInput, c.req.query());
    const { db } = c.get("services");
    return c.json(await listUsers(db, user.regionId, { limit, cursor }));
  })
  .post("/", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const input = parseInput(InviteUserInput, await readJson(c));
    const { db, clock, notifyEmailQueued } = c.get("services");
    const created = await db.transaction().execute((trx) =>
      createUser(trx, { ...input, regionId: user.regionId }, { actor: user, now: clock.now(), appUrl: c.get("services").config.appUrl }),
    );
    await notifyEmailQueued();
    return c.json(created, 201);
  })
  .get("/:id", requireApiRole("admin", "penvoerder", "accounthouder"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(UserId, c.req.param());
    return c.json(await getUser(c.get("services").db, user.regionId, id));
  })
  .patch("/:id", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(UserId, c.req.param());
    const input = parseInput(ChangeRoleInput, await readJson(c));
    const { db, clock } = c.get("services");
    const changed = await db.transaction().execute((trx) =>
      changeUserRole(trx, user.regionId, { userId: id, ...input }, { actor: user, now: clock.now(), appUrl: c.get("services").config.appUrl }),
    );
    return c.json(changed);
  })
  .post("/:id/deactivate", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(UserId, c.req.param());
    const { db, clock } = c.get("services");
    const changed = await db.transaction().execute((trx) =>
      deactivateUser(trx, user.regionId, id, { actor: user, now: clock.now(), appUrl: c.get("services").config.appUrl }),
    );
    return c.json(changed);
  })
  .post("/:id/handover", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(UserId, c.req.param());
    const input = parseInput(HandoverInput, await readJson(c));
    const { db, clock, notifyEmailQueued } = c.get("services");
    const result = await db.transaction().execute((trx) =>
      handOverOrganisations(trx, scopeOf(user), id, input, { actor: user, now: clock.now(), appUrl: c.get("services").config.appUrl }),
    );
    if (result.emailsQueued) await notifyEmailQueued();
    return c.json(result);
  });
