import { Hono } from "hono";
import { z } from "zod";
import type { Role } from "../../../db/schema";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { addSenderAddress, listSenderAddresses } from "./mail-capture.addresses";
import { LinkInboxItemInput, ListInboxInput, SenderAddressInput } from "./mail-capture.schemas";
import { discardInboxItem, linkInboxItem, listInbox } from "./mail-capture.service";

const ItemId = z.object({ id: z.uuid() });
// Mail is logged by staff; each sees only their own "Te koppelen" items (an admin too).
const STAFF: Role[] = ["admin", "penvoerder", "accounthouder"];

/** /api/v1/inbox: the signed-in user's "Te koppelen" list. */
export const inboxApi = new Hono<HonoEnv>()
  .get("/", requireApiRole(...STAFF), async (c) => {
    const page = parseInput(ListInboxInput, c.req.query());
    return c.json(await listInbox(c.get("services").db, scopeOf(apiUser(c)), page));
  })
  .post("/:id/link", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ItemId, c.req.param());
    const input = parseInput(LinkInboxItemInput, await readJson(c));
    const { db, clock } = c.get("services");
    const linked = await db.transaction().execute((trx) => linkInboxItem(trx, scopeOf(user), id, input, { actor: user, now: clock.now() }));
    return c.json(linked, 201);
  })
  .delete("/:id", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ItemId, c.req.param());
    const { db, clock } = c.get("services");
    await db.transaction().execute((trx) => discardInboxItem(trx, scopeOf(user), id, { actor: user, now: clock.now() }));
    return c.body(null, 204);
  });

/**
 * /api/v1/me/sender-addresses: further addresses the user logs mail from. Adding one mails it a
 * confirmation link (from config.appUrl); only a confirmed one is accepted as sender.
 */
export const senderAddressesApi = new Hono<HonoEnv>()
  .get("/", requireApiRole(...STAFF), async (c) => c.json({ items: await listSenderAddresses(c.get("services").db, scopeOf(apiUser(c))), nextCursor: null }))
  .post("/", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { email } = parseInput(SenderAddressInput, await readJson(c));
    const { db, clock, config } = c.get("services");
    const added = await db.transaction().execute((trx) => addSenderAddress(trx, scopeOf(user), email, { actor: user, now: clock.now(), appUrl: config.appUrl }));
    await c.get("services").notifyEmailQueued();
    return c.json(added, 201);
  });
