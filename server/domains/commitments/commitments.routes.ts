import { Hono } from "hono";
import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { apiUser, requireApiRole } from "../../http/api-auth";
import { readJson } from "../../http/body";
import { DOWNLOAD_CSP } from "../../http/downloads";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { checkDocument } from "../documents/documents.service";
import { ActivityRealisationInput, CreateCommitmentInput, ListCommitmentsInput, RealisationInput, UpdateCommitmentInput } from "./commitments.schemas";
import {
  addRealisation,
  archiveCommitment,
  archiveRealisation,
  COMMITMENT_WRITERS,
  commitmentTotals,
  confirmCommitment,
  createCommitment,
  getCommitmentWithRealisations,
  getEvidenceDocument,
  listCommitments,
  updateCommitment,
} from "./commitments.service";

const IdParam = z.object({ id: z.uuid() });
const RealisationParams = z.object({ id: z.uuid(), realisationId: z.uuid() });

/** A multipart field that looks like a number is read as one, so "-5" and "12.5" meet the same rules as in JSON. */
function numberish(value: unknown) {
  return typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

/** The realisation from JSON (evidence as a reference) or multipart/form-data (evidence as a file part). */
async function readRealisation(c: Parameters<typeof readJson>[0]) {
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("multipart/form-data")) {
    const data = await readJson(c);
    // A done activity counted in kind names the activity and its hours; the date and amount follow from it.
    const fromActivity = typeof data === "object" && data !== null && "activityId" in data;
    return { input: fromActivity ? parseInput(ActivityRealisationInput, data) : parseInput(RealisationInput, data), file: null };
  }
  const body = await c.req.parseBody();
  const evidence = body.evidence;
  const isFile = evidence instanceof File;
  const fields = { description: body.description, evidence: isFile ? body.evidenceReference : evidence };
  const input = body.activityId !== undefined
    ? parseInput(ActivityRealisationInput, { ...fields, activityId: body.activityId, hours: numberish(body.hours), amountCents: numberish(body.amountCents) })
    : parseInput(RealisationInput, { ...fields, date: body.date, amountCents: numberish(body.amountCents) });
  if (!isFile || evidence.size === 0) return { input, file: null };
  const bytes = new Uint8Array(await evidence.arrayBuffer());
  checkDocument(bytes);
  return { input, file: { fileName: evidence.name, bytes } };
}

/**
 * /api/v1/commitments. Everyone in the region reads (a partner user only its own organisation's);
 * the penvoerder and admins change them; a partner user confirms its own.
 */
export const commitmentsApi = new Hono<HonoEnv>()
  .get("/", async (c) => {
    const user = apiUser(c);
    const filters = parseInput(ListCommitmentsInput, c.req.query());
    const { limit: _limit, cursor: _cursor, ...set } = filters;
    const { db } = c.get("services");
    const page = await listCommitments(db, scopeOf(user), filters);
    return c.json({ ...page, totals: await commitmentTotals(db, scopeOf(user), set) });
  })
  .post("/", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const input = parseInput(CreateCommitmentInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => createCommitment(trx, scopeOf(user), input, { actor: user, now: clock.now() })), 201);
  })
  .get("/:id", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    return c.json(await getCommitmentWithRealisations(c.get("services").db, scopeOf(user), id));
  })
  .patch("/:id", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    const input = parseInput(UpdateCommitmentInput, await readJson(c));
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => updateCommitment(trx, scopeOf(user), id, input, { actor: user, now: clock.now() })));
  })
  .delete("/:id", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => archiveCommitment(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  })
  .post("/:id/realisations", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    const { input, file } = await readRealisation(c);
    const { db, clock } = c.get("services");
    const { commitment, realisation } = await db.transaction().execute((trx) => addRealisation(trx, scopeOf(user), id, input, file, { actor: user, now: clock.now() }));
    return c.json({ ...realisation, commitment }, 201);
  })
  .delete("/:id/realisations/:realisationId", requireApiRole(...COMMITMENT_WRITERS), async (c) => {
    const user = apiUser(c);
    const { id, realisationId } = parseInput(RealisationParams, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => archiveRealisation(trx, scopeOf(user), id, realisationId, { actor: user, now: clock.now() })));
  })
  .post("/:id/confirm", requireApiRole("partner"), async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(IdParam, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(await db.transaction().execute((trx) => confirmCommitment(trx, scopeOf(user), id, { actor: user, now: clock.now() })));
  });

/** The evidence file as a download (never shown inline), for whoever may read its commitment. */
export async function documentResponse(document: { fileName: string; contentType: string; sizeBytes: number; sha256: string; content: Buffer | Uint8Array }) {
  return new Response(new Uint8Array(document.content), {
    headers: {
      "Content-Type": document.contentType,
      "Content-Length": String(document.sizeBytes),
      "Content-Disposition": `attachment; filename="${document.fileName.replace(/[^\x20-\x7e]|"/g, "_")}"; filename*=UTF-8''${encodeURIComponent(document.fileName)}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": DOWNLOAD_CSP,
      "Cache-Control": "private, no-store",
      ETag: `"${document.sha256}"`,
    },
  });
}

export const documentsApi = new Hono<HonoEnv>().get("/:id", async (c) => {
  const user = apiUser(c);
  const { id } = parseInput(IdParam, c.req.param());
  const document = await getEvidenceDocument(c.get("services").db, scopeOf(user), id);
  return documentResponse(document);
});
