import { Hono } from "hono";
import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { CreateAgreementInput, ListAgreementsInput, UpdateAgreementInput } from "./agreements.schemas";
import { AGREEMENT_WRITERS, archiveAgreement, createAgreement, getAgreement, listAgreements, updateAgreement } from "./agreements.service";

const IdParam = z.object({ id: z.uuid() });

/**
 * The agreement from JSON, or from multipart/form-data with the signed document as the file part
 * `document` (organisationIds repeated or comma-separated; empty fields left out).
 */
async function readAgreement<S extends typeof CreateAgreementInput | typeof UpdateAgreementInput>(c: Parameters<typeof readJson>[0], schema: S) {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("multipart/form-data")) return { input: parseInput(schema, await readJson(c)) as z.infer<S>, file: null };
  const body = await c.req.parseBody({ all: true });
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "document" || value === "") continue;
    if (key === "organisationIds") fields[key] = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(",")).map((v) => v.trim()).filter(Boolean);
    else fields[key] = Array.isArray(value) ? value[0] : value;
  }
  const input = parseInput(schema, fields) as z.infer<S>;
  const document = Array.isArray(body.document) ? body.document[0] : body.document;
  if (!(document instanceof File) || document.size === 0) return { input, file: null };
  return { input, file: { fileName: document.name, bytes: new Uint8Array(await document.arrayBuffer()) } };
}

/** /api/v1/agreements: the region reads (a partner user: those its organisation is a party to); admins and the penvoerder write. */
export const agreementsApi = new Hono<HonoEnv>()
  .get("/", async (c) => {
    const user = apiUser(c);
    const filters = parseInput(ListAgreementsInput, c.req.query());
    const { db, clock } = c.get("services");
    return c.json(await listAgreements(db, scopeOf(user), filters, toLocalDate(clock.now())));
  })
  .post("/", requireApiRole(...AGREEMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { input, file } = await readAgreement(c, CreateAgreementInput);
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => createAgreement(trx, scopeOf(user), input, file, { actor: user, now: clock.now() })), 201);
  })
  .get("/:id", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    return c.json(await getAgreement(c.get("services").db, scopeOf(user), id));
  })
  .patch("/:id", requireApiRole(...AGREEMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    const { input, file } = await readAgreement(c, UpdateAgreementInput);
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => updateAgreement(trx, scopeOf(user), id, input, file, { actor: user, now: clock.now() })));
  })
  .delete("/:id", requireApiRole(...AGREEMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => archiveAgreement(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  });
