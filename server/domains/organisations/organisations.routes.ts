import { Hono } from "hono";
import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { invitePartnerUser, listPartnerUsers } from "../partner-users/partner-users.service";
import { InvitePartnerUserInput } from "../partner-users/partner-users.schemas";
import { HistoryPageInput } from "../audit/audit.schemas";
import { listHistory } from "../audit/history";
import { EXPORT_CONTENT_TYPES, exportOrganisations } from "./organisations.export";
import { CreateOrganisationInput, ExportFormatInput, ListOrganisationsInput, MergeOrganisationInput, UpdateOrganisationInput } from "./organisations.schemas";
import {
  archiveOrganisation,
  createOrganisation,
  getOrganisation,
  listAccountHolderHistory,
  listOrganisations,
  mergeOrganisations,
  restoreOrganisation,
  updateOrganisation,
} from "./organisations.service";

const OrganisationId = z.object({ id: z.uuid() });
const STAFF = ["admin", "penvoerder", "accounthouder"] as const;
const EDITORS = ["admin", "accounthouder"] as const;

/**
 * /api/v1/organisations. Everyone reads within their scope (a partner user only its own
 * organisation); admins and account holders change them.
 */
export const organisationsApi = new Hono<HonoEnv>()
  .get("/", async (c) => {
    const user = apiUser(c);
    const { format, ...query } = c.req.query();
    const filters = parseInput(ListOrganisationsInput, query);
    // ?format=csv|xlsx: the whole filtered list as a streamed file instead of a page.
    const exportAs = parseInput(ExportFormatInput, { format }).format;
    if (exportAs) {
      const { limit: _limit, cursor: _cursor, ...allRows } = filters;
      return new Response(exportOrganisations(c.get("services").db, scopeOf(user), allRows, exportAs, user.locale), {
        headers: { "Content-Type": EXPORT_CONTENT_TYPES[exportAs], "Content-Disposition": `attachment; filename="organisaties.${exportAs}"` },
      });
    }
    return c.json(await listOrganisations(c.get("services").db, scopeOf(user), filters));
  })
  .post("/", requireApiRole(...EDITORS), async (c) => {
    const user = apiUser(c);
    const input = parseInput(CreateOrganisationInput, await readJson(c));
    const { db, clock } = c.get("services");
    const created = await db.transaction().execute((trx) => createOrganisation(trx, scopeOf(user), input, { actor: user, now: clock.now() }));
    return c.json(created, 201);
  })
  .get("/:id", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    return c.json(await getOrganisation(c.get("services").db, scopeOf(user), id));
  })
  .get("/:id/account-holders", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    return c.json({ items: await listAccountHolderHistory(c.get("services").db, scopeOf(user), id), nextCursor: null });
  })
  // Everyone who may read the organisation may read its history (a partner user only its own).
  .get("/:id/history", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    const page = parseInput(HistoryPageInput, c.req.query());
    const { db } = c.get("services");
    await getOrganisation(db, scopeOf(user), id);
    return c.json(await listHistory(db, user.regionId, { type: "organisation", id }, page));
  })
  .post("/:id/restore", requireApiRole(...EDITORS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => restoreOrganisation(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  })
  // A partner user may change its own organisation's address details (the portal); updateOrganisation refuses the rest.
  .patch("/:id", requireApiRole(...EDITORS, "partner"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    const input = parseInput(UpdateOrganisationInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => updateOrganisation(trx, scopeOf(user), id, input, { actor: user, now: clock.now() })));
  })
  .get("/:id/partner-users", requireApiRole("admin", "penvoerder", "accounthouder"), async (c) => {
    const { id } = parseInput(OrganisationId, c.req.param());
    return c.json({ items: await listPartnerUsers(c.get("services").db, scopeOf(apiUser(c)), id), nextCursor: null });
  })
  .post("/:id/partner-users", requireApiRole("admin", "accounthouder"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    const input = parseInput(InvitePartnerUserInput, await readJson(c));
    const { db, clock, config } = c.get("services");
    const invited = await db.transaction().execute((trx) => invitePartnerUser(trx, scopeOf(user), id, input, { actor: user, now: clock.now(), appUrl: config.appUrl }));
    await c.get("services").notifyEmailQueued();
    return c.json(invited, 201);
  })
  .post("/:id/merge", requireApiRole(...EDITORS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    const { duplicateId } = parseInput(MergeOrganisationInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => mergeOrganisations(trx, scopeOf(user), { keepId: id, duplicateId }, { actor: user, now: clock.now() })));
  })
  .delete("/:id", requireApiRole(...EDITORS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(OrganisationId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => archiveOrganisation(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  });
