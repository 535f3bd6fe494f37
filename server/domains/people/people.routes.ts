import { Hono } from "hono";
import { z } from "zod";
import type { Role } from "../../../db/schema";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { HistoryPageInput } from "../audit/audit.schemas";
import { listHistory } from "../audit/history";
import { mergePeople } from "./people.merge";
import { notFound } from "../../errors";
import { addColleague, assertAffiliationOfOwnOrganisation, assertOwnOrganisation, assertPartnerSuccessor, assertPersonOfOwnOrganisation } from "../portal/portal.service";
import { AddAffiliationInput, AddContactInput, CreatePersonInput, EndAffiliationInput, ListPeopleInput, MergePersonInput, MoveToOrganisationInput, UpdatePersonInput } from "./people.schemas";
import { erasePerson, exportPerson } from "../privacy/privacy.service";
import { addAffiliation, archivePerson, createPerson, endAffiliation, getPerson, listPeople, moveToOrganisation, requirePerson, restorePerson, updatePerson } from "./people.service";

const RecordId = z.object({ id: z.uuid() });

// The region's staff read and write people (a penvoerder sees and keeps the whole region). A partner
// user (the portal) may only add people to, and end jobs at, its own organisation: see the branches below.
const STAFF: Role[] = ["admin", "penvoerder", "accounthouder"];
const STAFF_OR_PARTNER: Role[] = [...STAFF, "partner"];

/** A partner creates a person together with their job at its own organisation: a person of no organisation would be out of its sight at once. */
const PartnerCreatePersonInput = AddContactInput.extend({ organisationId: z.uuid() });

/** /api/v1/people: contact persons of the caller's region and their jobs. */
export const peopleApi = new Hono<HonoEnv>()
  .get("/", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { limit, cursor, q } = parseInput(ListPeopleInput, c.req.query());
    return c.json(await listPeople(c.get("services").db, user.regionId, { limit, cursor, q }));
  })
  .post("/", requireApiRole(...STAFF_OR_PARTNER), async (c) => {
    const user = apiUser(c);
    const { db, clock } = c.get("services");
    if (user.role === "partner") {
      // Partner portal: `organisationId` must be its own organisation (404 otherwise).
      const { organisationId, ...input } = parseInput(PartnerCreatePersonInput, await readJson(c));
      assertOwnOrganisation(scopeOf(user), organisationId);
      return c.json(await db.transaction().execute((trx) => addColleague(trx, scopeOf(user), input, { actor: user, now: clock.now() })), 201);
    }
    const input = parseInput(CreatePersonInput, await readJson(c));
    const created = await db.transaction().execute((trx) => createPerson(trx, user.regionId, input, { actor: user, now: clock.now() }));
    return c.json(created, 201);
  })
  .get("/:id", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    return c.json(await getPerson(c.get("services").db, user.regionId, id));
  })
  .patch("/:id", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const input = parseInput(UpdatePersonInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => updatePerson(trx, user.regionId, id, input, { actor: user, now: clock.now() })));
  })
  .delete("/:id", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => archivePerson(trx, user.regionId, id, { actor: user, now: clock.now() })));
  })
  .post("/:id/restore", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => restorePerson(trx, user.regionId, id, { actor: user, now: clock.now() })));
  })
  .post("/:id/merge", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { duplicateId } = parseInput(MergePersonInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => mergePeople(trx, user.regionId, { keepId: id, duplicateId }, { actor: user, now: clock.now() })));
  })
  .get("/:id/history", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const page = parseInput(HistoryPageInput, c.req.query());
    const { db } = c.get("services");
    await requirePerson(db, user.regionId, id);
    return c.json(await listHistory(db, user.regionId, { type: "person", id }, page));
  })
  .post("/:id/affiliations", requireApiRole(...STAFF_OR_PARTNER), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const input = parseInput(AddAffiliationInput, await readJson(c));
    const { db, clock } = c.get("services");
    if (user.role === "partner") {
      // Partner portal: a (former) colleague, at its own organisation only; anything else is 404.
      if (!(await assertPersonOfOwnOrganisation(db, scopeOf(user), id))) throw notFound("Person");
      assertOwnOrganisation(scopeOf(user), input.organisationId);
    }
    const created = await db.transaction().execute((trx) =>
      addAffiliation(trx, user.regionId, id, { ...input, startDate: input.startDate ?? clock.today() }, { actor: user, now: clock.now() }),
    );
    return c.json(created, 201);
  })
  .post("/:id/move", requireApiRole(...STAFF), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const input = parseInput(MoveToOrganisationInput, await readJson(c));
    const { db, clock } = c.get("services");
    const moved = await db.transaction().execute((trx) =>
      moveToOrganisation(trx, user.regionId, id, { ...input, date: input.date ?? clock.today() }, { actor: user, now: clock.now() }),
    );
    return c.json(moved, 201);
  })
  // The AVG: an access request's export and erasure, for the region's admin (see privacy.service).
  .get("/:id/export", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => exportPerson(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  })
  .post("/:id/erase", requireApiRole("admin"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(RecordId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => erasePerson(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  });

/** /api/v1/affiliations: a job is ended, never deleted. */
export const affiliationsApi = new Hono<HonoEnv>().post("/:id/end", requireApiRole(...STAFF_OR_PARTNER), async (c) => {
  const user = apiUser(c);
  const { id } = parseInput(RecordId, c.req.param());
  const input = parseInput(EndAffiliationInput, await readJson(c));
  const { db, clock } = c.get("services");
  if (user.role === "partner") {
    // Partner portal: a job at its own organisation (404 otherwise), handed to a current colleague or a new name.
    await assertAffiliationOfOwnOrganisation(db, scopeOf(user), id);
    await assertPartnerSuccessor(db, scopeOf(user), input.successorPersonId);
  }
  return c.json(
    await db.transaction().execute((trx) =>
      endAffiliation(trx, user.regionId, id, { ...input, endDate: input.endDate ?? clock.today() }, { actor: user, now: clock.now() }),
    ),
  );
});
