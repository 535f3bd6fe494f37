// The fields an import column can fill, and the mapping step's form (no zod: the import page uses these in the browser).

/** The Schakel fields a column of an import file can fill: the organisation's, then its contact person's. */
export const IMPORT_FIELDS = [
  "name", "kind", "kvkNumber", "kvkBranchNumber", "brinCode", "sector", "street", "postalCode", "city", "website",
  "subregion", "tier", "status", "tags", "contactName", "contactRole", "contactEmail", "contactPhone",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** The mapping step of the import page: one select per column, named `column-<index>`. */
export function mappingFromForm(values: Record<string, string>, columnCount: number): Array<ImportField | "" | null> {
  return Array.from({ length: columnCount }, (_, index) => {
    const value = values[`column-${index}`] ?? "";
    if (value === "skip") return null;
    return (IMPORT_FIELDS as readonly string[]).includes(value) ? (value as ImportField) : "";
  });
}
