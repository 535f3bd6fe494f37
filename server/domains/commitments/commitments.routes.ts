import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonBody, jsonContent } from "../../http/api-router";
import { IdParam } from "../../http/api-schemas";
import { readJson } from "../../http/body";
import { DOWNLOAD_CSP } from "../../http/downloads";
import { parseInput } from "../../validation";
import { checkDocument } from "../documents/documents.service";
import { documentFileContent, jsonSchemaOf, uploadBody } from "../documents/documents.schemas";
import {
  ActivityRealisationInput,
  CommitmentPageResponse,
  CommitmentResponse,
  CommitmentWithRealisationsResponse,
  CreateCommitmentInput,
  ListCommitmentsInput,
  RealisationInput,
  RecordedRealisationResponse,
  UpdateCommitmentInput,
} from "./commitments.schemas";
import {
  addRealisation,
  archiveCommitment,
  archiveRealisation,
  commitmentTotals,
  confirmCommitment,
  createCommitment,
  getCommitmentWithRealisations,
  getEvidenceDocument,
  listCommitments,
  updateCommitment,
} from "./commitments.service";

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
export const commitmentsApi = apiRouter();

declareRoute(
  commitmentsApi,
  {
    method: "get",
    path: "/",
    summary:
      "Co-financing commitments of the region (a partner user: its own organisation's), newest school year first, with totals { pledgedCents, realisedCents, count } of the whole filtered set (lapsed ones only when status=lapsed)",
    request: { query: ListCommitmentsInput },
    responses: { 200: jsonContent(CommitmentPageResponse, "A page of commitments with the totals; amounts in integer cents, realisedCents the sum of the live realisations") },
  },
  async (c) => {
    const scope = scopeOf(apiUser(c));
    const filters = c.req.valid("query");
    const { limit: _limit, cursor: _cursor, ...set } = filters;
    const { db } = c.get("services");
    const page = await listCommitments(db, scope, filters);
    return c.json({ ...page, totals: await commitmentTotals(db, scope, set) });
  },
);

declareRoute(
  commitmentsApi,
  {
    method: "post",
    path: "/",
    summary: "Record a pledge (admin, penvoerder). Amounts are integer cents; with valuation hours_rate the amount is hours × hourlyRateCents, computed",
    middleware: [requireApiPermission("money.write")],
    request: { body: jsonBody(CreateCommitmentInput) },
    responses: { 201: jsonContent(CommitmentResponse, "The commitment") },
  },
  async (c) => {
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => createCommitment(trx, scope, input, meta)), 201);
  },
);

declareRoute(
  commitmentsApi,
  {
    method: "get",
    path: "/{id}",
    summary: "A commitment with its realisations (and their evidence documents)",
    request: { params: IdParam },
    responses: { 200: jsonContent(CommitmentWithRealisationsResponse, "The commitment") },
  },
  async (c) => c.json(await getCommitmentWithRealisations(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id)),
);

declareRoute(
  commitmentsApi,
  {
    method: "patch",
    path: "/{id}",
    summary:
      "Change a commitment (admin, penvoerder) with its version (409 when stale). status moves pledged → agreed → realised → accounted, or to lapsed (not from accounted); anything else is 422",
    middleware: [requireApiPermission("money.write")],
    request: { params: IdParam, body: jsonBody(UpdateCommitmentInput) },
    responses: { 200: jsonContent(CommitmentResponse, "The commitment") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateCommitment(trx, scope, id, input, meta)));
  },
);

declareRoute(
  commitmentsApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Archive a commitment (admin, penvoerder): it leaves the lists and totals, its history stays",
    middleware: [requireApiPermission("money.write")],
    request: { params: IdParam },
    responses: { 200: jsonContent(CommitmentResponse, "The commitment") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archiveCommitment(trx, scope, id, meta)));
  },
);

// The body is JSON or a multipart upload: documented here, read by readRealisation behind the upload gate.
const RealisationUpload = uploadBody(
  { oneOf: [jsonSchemaOf(RealisationInput), jsonSchemaOf(ActivityRealisationInput)] },
  {
    type: "object",
    required: ["date", "amountCents"],
    properties: { date: { type: "string", format: "date" }, amountCents: { type: "integer", minimum: 1 }, description: { type: "string" }, evidenceReference: { type: "string" }, evidence: { type: "string", format: "binary" } },
  },
);

declareRoute(
  commitmentsApi,
  {
    method: "post",
    path: "/{id}/realisations",
    summary:
      "Record a realisation (admin, penvoerder): application/json with evidence as a reference, or multipart/form-data with the file part `evidence` (PDF, PNG or JPEG by its content, at most 10 MB). 422 for a lapsed or accounted commitment, and above the pledge without a description. Reaching the pledge makes a pledged or agreed commitment realised. " +
      "In kind from an activity: `{ activityId, hours?, amountCents?, description? }` instead of date and amount: dated on the activity's end, valued at hours (default the activity's) × the commitment's hourly rate, else the region's rate for the activity type; an amount other than that needs a description. The activity must be done, have the commitment's organisation as partner and end in its school year (else 422); an activity already counted on any commitment answers 409 and writes nothing",
    middleware: [requireApiPermission("money.write")],
    request: { params: IdParam, body: RealisationUpload },
    responses: { 201: jsonContent(RecordedRealisationResponse, "The realisation with the commitment after it") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const { input, file } = await readRealisation(c);
    const { commitment, realisation } = await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => addRealisation(trx, scope, id, input, file, meta));
    return c.json({ ...realisation, commitment }, 201);
  },
);

declareRoute(
  commitmentsApi,
  {
    method: "delete",
    path: "/{id}/realisations/{realisationId}",
    summary: "Archive a realisation recorded by mistake (admin, penvoerder; not once accounted): it leaves the realised total, kept and audited",
    middleware: [requireApiPermission("money.write")],
    request: { params: RealisationParams },
    responses: { 200: jsonContent(CommitmentWithRealisationsResponse, "The commitment with its remaining realisations") },
  },
  async (c) => {
    const { id, realisationId } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archiveRealisation(trx, scope, id, realisationId, meta)));
  },
);

declareRoute(
  commitmentsApi,
  {
    method: "post",
    path: "/{id}/confirm",
    summary: "A partner user confirms its own organisation's commitment; who and when are recorded",
    middleware: [requireApiPermission("money.confirmOwn")],
    request: { params: IdParam },
    responses: { 200: jsonContent(CommitmentResponse, "The commitment") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => confirmCommitment(trx, scope, id, meta)));
  },
);

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

/** /api/v1/documents: an evidence file or a signed agreement, for whoever may read its record. */
export const documentsApi = apiRouter();

declareRoute(
  documentsApi,
  {
    method: "get",
    path: "/{id}",
    summary: "Download an evidence document or a signed agreement (as an attachment), for whoever may read its commitment or agreement",
    request: { params: IdParam },
    responses: { 200: { description: "The file", content: documentFileContent } },
  },
  async (c) => documentResponse(await getEvidenceDocument(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id)),
);
