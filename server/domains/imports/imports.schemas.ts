import { z } from "zod";
import type { ImportStatus } from "../../../db/schema";
import { Timestamp } from "../../http/api-schemas";
import { IMPORT_FIELDS } from "./imports.fields";

export { IMPORT_FIELDS, type ImportField, mappingFromForm } from "./imports.fields";

/** Per column of the file (by position), the field it fills, or null for "do not import". */
export const ColumnMapping = z.array(z.enum(IMPORT_FIELDS).nullable()).max(500);
export type ColumnMapping = z.infer<typeof ColumnMapping>;

/**
 * ?mapping= of the API: a JSON object from a column's header to a field, or null to leave the
 * column out. Columns it does not name are matched by their header.
 */
export const MappingByHeader = z.record(z.string().max(200), z.enum(IMPORT_FIELDS).nullable());

export const ImportQuery = z.object({
  dryRun: z.enum(["true", "false"]).optional().transform((value) => value === "true"),
  mapping: z.string().max(20_000).optional(),
  fileName: z.string().trim().min(1).max(255).optional(),
});

export const ImportId = z.object({ id: z.uuid() });

export const IMPORT_STATUSES = ["staged", "committing", "committed"] as const satisfies readonly ImportStatus[];
/** What a row of the file becomes: a new organisation, an update of one found, a repeat of an earlier row, or refused. */
export const ROW_OUTCOMES = ["new", "update", "duplicate", "error"] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

export const ImportCountsResponse = z.object({
  new: z.number().int(),
  update: z.number().int(),
  duplicate: z.number().int(),
  error: z.number().int(),
  contacts: z.number().int(),
});

/** One row's outcome, with every reason in the reader's language, its column by letter and header. */
export const ImportRowResponse = z.object({
  row: z.number().int(),
  name: z.string(),
  outcome: z.enum(ROW_OUTCOMES),
  organisationId: z.uuid().nullable(),
  duplicateOfRow: z.number().int().nullable(),
  addsContact: z.boolean(),
  reasons: z.array(z.object({ column: z.string().nullable(), columnLetter: z.string().nullable(), field: z.string(), message: z.string() })),
});

/**
 * An import as the API answers it. Each column names the field it fills: null for "do not
 * import", "" while a column staged through the page is not decided yet.
 */
export const ImportResponse = z.object({
  id: z.uuid(),
  fileName: z.string(),
  status: z.enum(IMPORT_STATUSES),
  rowCount: z.number().int(),
  mappingConfirmed: z.boolean(),
  progressDone: z.number().int(),
  progressTotal: z.number().int(),
  counts: ImportCountsResponse.nullable(),
  createdAt: Timestamp,
  committedAt: Timestamp.nullable(),
  interruptedAt: Timestamp.nullable(),
  columns: z.array(z.object({ header: z.string(), field: z.union([z.enum(IMPORT_FIELDS), z.literal("")]).nullable() })),
});

/** An import with its rows' outcomes (none until its columns are confirmed, nor once committed). */
export const ImportPreviewResponse = ImportResponse.extend({ rows: z.array(ImportRowResponse) });

/** The one-step import's answer: the counts and every row's outcome. */
export const ImportedResponse = ImportPreviewResponse.extend({ counts: ImportCountsResponse });
