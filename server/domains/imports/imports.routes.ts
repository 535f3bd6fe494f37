import { Hono } from "hono";
import { apiUser, requireApiRole } from "../../http/api-auth";
import type { HonoEnv } from "../../http/env";
import { AppError } from "../../errors";
import { parseInput } from "../../validation";
import { checkMapping, guessMapping, mappingFromHeaders } from "./imports.mapping";
import { IMPORT_RETRY_AFTER_SECONDS, withImportSlot } from "./imports.gate";
import { readImportStream } from "./imports.parse";
import { ImportId, ImportQuery, MappingByHeader } from "./imports.schemas";
import { commitImport, describeRows, importOrganisations, previewImport, type ImportRecord } from "./imports.service";

/** Who may import: the people who create organisations by hand (not a penvoerder, never a partner). */
export const IMPORTERS = ["admin", "accounthouder"] as const;

function recordJson(record: ImportRecord) {
  const { headers, mapping, ...rest } = record;
  return { ...rest, columns: headers.map((header, index) => ({ header, field: mapping?.[index] ?? null })) };
}

/**
 * /api/v1/imports. `POST /imports/organisations` takes the file as the body (text/csv or XLSX by
 * Content-Type), imports it all or nothing, and answers every row's outcome; `?dryRun=true` only
 * previews it and keeps it staged for `POST /imports/{id}/commit`.
 */
export const importsApi = new Hono<HonoEnv>()
  .use("*", requireApiRole(...IMPORTERS))
  .post("/organisations", async (c) => {
    const user = apiUser(c);
    const query = parseInput(ImportQuery, c.req.query());
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
    const { db, clock } = c.get("services");
    // Read from the body's stream as it arrives, in one of a few slots (decision 095): the first limit passed ends the reading.
    const body = c.req.raw.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    const { record, analysis, table } = await withImportSlot(async () => {
      const table = await readImportStream(body, { contentType, fileName: query.fileName ?? undefined });
      const mapping = checkMapping(table.headers, query.mapping ? mappingFromHeaders(table.headers, parseInput(MappingByHeader, byHeader)) : guessMapping(table.headers));
      return { table, ...(await importOrganisations(db, user.regionId, { fileName, table, mapping, dryRun: query.dryRun }, { actor: user, now: clock.now() })) };
    }).catch((error: unknown) => {
      if (error instanceof AppError && error.code === "RATE_LIMITED") c.header("Retry-After", String(IMPORT_RETRY_AFTER_SECONDS));
      throw error;
    });
    return c.json({ ...recordJson(record), counts: analysis.counts, rows: describeRows(analysis.rows, table.headers, "en") }, query.dryRun ? 200 : 201);
  })
  .get("/:id", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ImportId, c.req.param());
    const { db, clock } = c.get("services");
    const { record, analysis } = await previewImport(db, user.regionId, id, clock.now());
    return c.json({ ...recordJson(record), counts: analysis?.counts ?? record.counts, rows: analysis ? describeRows(analysis.rows, record.headers, "en") : [] });
  })
  .post("/:id/commit", async (c) => {
    const user = apiUser(c);
    const { id } = parseInput(ImportId, c.req.param());
    const { db, clock } = c.get("services");
    return c.json(recordJson(await commitImport(db, user.regionId, id, { actor: user, now: clock.now() })));
  });
