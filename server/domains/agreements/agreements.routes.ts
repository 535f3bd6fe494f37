import type { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { runChange } from "../../change";
import { toLocalDate } from "../../clock";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonContent } from "../../http/api-router";
import { IdParam, page } from "../../http/api-schemas";
import { readJson } from "../../http/body";
import { parseInput } from "../../validation";
import { jsonSchemaOf, uploadBody } from "../documents/documents.schemas";
import { AgreementResponse, CreateAgreementInput, ListAgreementsInput, UpdateAgreementInput } from "./agreements.schemas";
import { archiveAgreement, createAgreement, getAgreement, listAgreements, updateAgreement } from "./agreements.service";

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

// The signed document travels as a multipart file part; the fields as in JSON, organisationIds repeated or comma-separated.
const agreementMultipart = (required: string[]) => ({
  type: "object",
  ...(required.length ? { required } : {}),
  properties: {
    kind: { type: "string" }, title: { type: "string" }, organisationIds: { type: "array", items: { type: "string", format: "uuid" } }, signedOn: { type: "string", format: "date" },
    expiresOn: { type: "string", format: "date" }, ownerId: { type: "string", format: "uuid" }, notes: { type: "string" }, document: { type: "string", format: "binary" },
    ...(required.length ? {} : { version: { type: "integer", minimum: 1 } }),
  },
});

/** /api/v1/agreements: the region reads (a partner user: those its organisation is a party to); admins and the penvoerder write. */
export const agreementsApi = apiRouter();

declareRoute(
  agreementsApi,
  {
    method: "get",
    path: "/",
    summary:
      "Agreements of the region (a partner user: those its organisation is a party to), newest signed first; with expiringWithinDays those expiring from today within that many days, soonest first",
    request: { query: ListAgreementsInput },
    responses: { 200: jsonContent(page(AgreementResponse), "A page of agreements") },
  },
  async (c) => {
    const { db, clock } = c.get("services");
    return c.json(await listAgreements(db, scopeOf(apiUser(c)), c.req.valid("query"), toLocalDate(clock.now())));
  },
);

declareRoute(
  agreementsApi,
  {
    method: "post",
    path: "/",
    summary:
      "Record an agreement (admin, penvoerder): application/json, or multipart/form-data with the signed document as the file part `document` (PDF, PNG or JPEG, at most 10 MB). The owner defaults to the first party's account holder. An expiry before the signing date answers 422 naming expiresOn",
    middleware: [requireApiPermission("money.write")],
    request: { body: uploadBody(jsonSchemaOf(CreateAgreementInput), agreementMultipart(["kind", "title", "organisationIds", "signedOn"])) },
    responses: { 201: jsonContent(AgreementResponse, "The agreement") },
  },
  async (c) => {
    const { input, file } = await readAgreement(c, CreateAgreementInput);
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => createAgreement(trx, scope, input, file, meta)), 201);
  },
);

declareRoute(
  agreementsApi,
  {
    method: "get",
    path: "/{id}",
    summary: "One agreement",
    request: { params: IdParam },
    responses: { 200: jsonContent(AgreementResponse, "The agreement") },
  },
  async (c) => c.json(await getAgreement(c.get("services").db, scopeOf(apiUser(c)), c.req.valid("param").id)),
);

declareRoute(
  agreementsApi,
  {
    method: "patch",
    path: "/{id}",
    summary: "Change an agreement (admin, penvoerder) with its version (409 when stale); application/json, or multipart/form-data with a new `document`",
    middleware: [requireApiPermission("money.write")],
    request: { params: IdParam, body: uploadBody(jsonSchemaOf(UpdateAgreementInput), agreementMultipart([])) },
    responses: { 200: jsonContent(AgreementResponse, "The agreement") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    const { input, file } = await readAgreement(c, UpdateAgreementInput);
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => updateAgreement(trx, scope, id, input, file, meta)));
  },
);

declareRoute(
  agreementsApi,
  {
    method: "delete",
    path: "/{id}",
    summary: "Archive an agreement (admin, penvoerder); commitments resting on it keep the reference",
    middleware: [requireApiPermission("money.write")],
    request: { params: IdParam },
    responses: { 200: jsonContent(AgreementResponse, "The archived agreement") },
  },
  async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await runChange(c.get("services"), apiUser(c), ({ trx, scope, meta }) => archiveAgreement(trx, scope, id, meta)));
  },
);
