import { changeMetaOf, runChange } from "../../change";
import { apiUser, requireApiPermission } from "../../http/api-auth";
import { apiRouter, declareRoute, jsonContent } from "../../http/api-router";
import { ErrorBody } from "../../http/api-schemas";
import { AppError } from "../../errors";
import { parseInput } from "../../validation";
import { checkMapping, guessMapping, mappingFromHeaders } from "./imports.mapping";
import { IMPORT_RETRY_AFTER_SECONDS, withImportSlot } from "./imports.gate";
import { readImportStream } from "./imports.parse";
import { ImportedResponse, ImportId, ImportPreviewResponse, ImportQuery, ImportResponse, MappingByHeader } from "./imports.schemas";
import { commitImport, describeRows, importOrganisations, previewImport, type ImportRecord } from "./imports.service";

/** Who may import: the people who create organisations by hand (not a penvoerder, never a partner). */

function recordJson(record: ImportRecord) {
  const { headers, mapping, ...rest } = record;
  return { ...rest, columns: headers.map((header, index) => ({ header, field: mapping?.[index] ?? null })) };
}

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * /api/v1/imports. `POST /imports/organisations` takes the file as the body (text/csv or XLSX by
 * Content-Type), imports it all or nothing, and answers every row's outcome; `?dryRun=true` only
 * previews it and keeps it staged for `POST /imports/{id}/commit`.
 */
export const importsApi = apiRouter();
importsApi.use("*", requireApiPermission("organisation.import"));

declareRoute(
  importsApi,
  {
    method: "post",
    path: "/organisations",
    summary: "Import organisations with their contact person (admin, accounthouder), all or nothing",
    description:
      "The body is the file: text/csv (';' or ',', UTF-8 with or without BOM) or XLSX. Headers are matched by name (Naam/name, KvK/kvkNumber, Plaats/city, Soort/kind, Subregio, Tier/Prioriteit, Status, Tags, Contactpersoon, Functie, E-mail, Telefoon, ...). " +
      "`mapping` is a JSON object from column header to field, or null to leave a column out: {\"Bedrijf\":\"name\",\"Opmerking\":null}. With dryRun=true the file is only analysed and kept staged (24 h) for POST /imports/{id}/commit. " +
      "A refused import answers 400 with error.details.rejectedRows: [{ row, reasons: [{ column, columnLetter, field, message }] }].",
    // The file is read from the body's stream under the import limits (imports.parse.ts), never by a validator.
    request: {
      query: ImportQuery,
      body: { required: true, content: { "text/csv": { schema: { type: "string" } }, [XLSX]: { schema: { type: "string", format: "binary" } } } },
    },
    responses: {
      200: jsonContent(ImportedResponse, "Dry run: the import is staged, with its counts and every row's outcome"),
      201: jsonContent(ImportedResponse, "Imported: the committed import, with its counts and every row's outcome"),
      400: jsonContent(ErrorBody, "Bad input, or a file past a limit, refused as soon as it is passed while the file is read: more than 100,000 rows, more than 100 columns, a cell over 32,767 characters, an XLSX that unpacks to more than 256 MB"),
      413: jsonContent(ErrorBody, "The body is larger than 50 MB"),
      429: jsonContent(ErrorBody, "Two imports are being read already: try again after the Retry-After header's seconds (error.code RATE_LIMITED)"),
    },
  },
  async (c) => {
    const user = apiUser(c);
    const query = c.req.valid("query");
    const contentType = c.req.header("content-type") ?? "";
    if (contentType.includes("multipart/form-data") || contentType.includes("application/json")) {
      throw new AppError("VALIDATION_FAILED", "Send the file itself as the body, with Content-Type text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    const fileName = query.fileName ?? /filename="?([^";]+)"?/i.exec(c.req.header("content-disposition") ?? "")?.[1] ?? "import";
    let byHeader: Record<string, string | null> = {};
    if (query.mapping) {
      try {
        byHeader = JSON.parse(query.mapping) as Record<string, string | null>;
      } catch {
        throw new AppError("VALIDATION_FAILED", "mapping is not valid JSON: send an object from column header to field (or null)", { fields: { mapping: "Not valid JSON" } });
      }
    }
    const services = c.get("services");
    // Read from the body's stream as it arrives, in one of a few slots (decision 095): the first limit passed ends the reading.
    const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    const { record, analysis, table } = await withImportSlot(async () => {
      const table = await readImportStream(body, { contentType, fileName: query.fileName ?? undefined });
      const mapping = checkMapping(table.headers, query.mapping ? mappingFromHeaders(table.headers, parseInput(MappingByHeader, byHeader)) : guessMapping(table.headers));
      const imported = await runChange(services, user, ({ trx, scope, meta }) => importOrganisations(trx, scope.regionId, { fileName, table, mapping, dryRun: query.dryRun }, meta));
      return { table, ...imported };
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "RATE_LIMITED") c.header("Retry-After", String(IMPORT_RETRY_AFTER_SECONDS));
      throw error;
    });
    return c.json({ ...recordJson(record), counts: analysis.counts, rows: describeRows(analysis.rows, table.headers, "en") }, query.dryRun ? 200 : 201);
  },
);

declareRoute(
  importsApi,
  {
    method: "get",
    path: "/{id}",
    summary: "A staged or committed import of the region with its rows' outcomes (staged) or counts (committed)",
    description: "A commit cut off by a dead process is found here: the import is 'staged' again with interruptedAt set, nothing of that commit stored, and can be committed again.",
    request: { params: ImportId },
    responses: { 200: jsonContent(ImportPreviewResponse, "The import") },
  },
  async (c) => {
    const user = apiUser(c);
    const { db, clock } = c.get("services");
    const { record, analysis } = await previewImport(db, user.regionId, c.req.valid("param").id, clock.now());
    return c.json({ ...recordJson(record), counts: analysis?.counts ?? record.counts, rows: analysis ? describeRows(analysis.rows, record.headers, "en") : [] });
  },
);

declareRoute(
  importsApi,
  {
    method: "post",
    path: "/{id}/commit",
    summary: "Commit a staged import, all or nothing (400 with error.details.rejectedRows when a row has an error)",
    request: { params: ImportId },
    responses: { 200: jsonContent(ImportResponse, "The committed import with its counts") },
  },
  async (c) => {
    const user = apiUser(c);
    const services = c.get("services");
    // The commit holds its own transaction and writes its progress on a second connection, for the page to poll.
    return c.json(recordJson(await commitImport(services.db, user.regionId, c.req.valid("param").id, changeMetaOf(services, user))));
  },
);
