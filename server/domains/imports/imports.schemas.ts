import { z } from "zod";

/** The Schakel fields a column of an import file can fill: the organisation's, then its contact person's. */
export const IMPORT_FIELDS = [
  "name", "kind", "kvkNumber", "kvkBranchNumber", "brinCode", "sector", "street", "postalCode", "city", "website",
  "subregion", "tier", "status", "tags", "contactName", "contactRole", "contactEmail", "contactPhone",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

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

/** The mapping step of the import page: one select per column, named `column-<index>`. */
export function mappingFromForm(values: Record<string, string>, columnCount: number): Array<ImportField | "" | null> {
  return Array.from({ length: columnCount }, (_, index) => {
    const value = values[`column-${index}`] ?? "";
    if (value === "skip") return null;
    return (IMPORT_FIELDS as readonly string[]).includes(value) ? (value as ImportField) : "";
  });
}
