import { Readable } from "node:stream";
import { type Locale, translator } from "../../../i18n";
import type { Scope } from "../../auth/current-user";
import { csvStream } from "../../csv";
import { toWebStream } from "../../http/web-stream";
import type { Database } from "../../db/database";
import { inThisRegionScope } from "../../db/region-scope";
import type { ListOrganisationsInput } from "./organisations.schemas";
import { listOrganisations } from "./organisations.service";
import { streamXlsx } from "./xlsx-stream";

export type ExportFormat = "csv" | "xlsx";
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

const PAGE_SIZE = 1000;

/** Every organisation the filters select, a page at a time, so memory does not grow with the list. */
async function* organisationRows(db: Database, scope: Scope, filters: Omit<ListOrganisationsInput, "limit" | "cursor">, locale: Locale) {
  const t = translator(locale);
  const [subregions, users] = await Promise.all([
    db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", scope.regionId).execute(),
    db.selectFrom("users").select(["id", "name"]).where("region_id", "=", scope.regionId).execute(),
  ]);
  const names = new Map([...subregions, ...users].map((row) => [row.id, row.name]));
  let cursor: string | undefined;
  do {
    const page = await listOrganisations(db, scope, { ...filters, limit: PAGE_SIZE, cursor });
    for (const o of page.items) {
      yield [
        o.name, t(`organisations.kinds.${o.kind}`), o.kvkNumber ?? "", o.brinCode ?? "", o.sector ?? "", o.street ?? "", o.postalCode ?? "",
        o.city ?? "", o.website ?? "", o.subregionId ? names.get(o.subregionId) ?? "" : "", t(`organisations.tiers.${o.tier}`),
        t(`organisations.statuses.${o.status}`), o.tags.join(", "), o.accountHolderId ? names.get(o.accountHolderId) ?? "" : "",
      ];
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

function headers(locale: Locale) {
  const t = translator(locale);
  return ["name", "kind", "kvkNumber", "brinCode", "sector", "street", "postalCode", "city", "website", "subregion", "tier", "status", "tags", "accountHolder"].map((field) =>
    field === "tags" ? t("organisations.fields.tags").replace(/ \(.*\)$/, "") : t(`organisations.fields.${field}`),
  );
}

/**
 * The filtered organisation list as CSV or XLSX, streamed: rows are read a page at a time and
 * written as they come (server/csv.ts, which neutralises formula-like cells; our own sheet XML in a streaming zip, see xlsx-stream.ts),
 * both only as fast as the client reads, so a 100,000-row export keeps memory flat.
 */
export function exportOrganisations(
  db: Database,
  scope: Scope,
  filters: Omit<ListOrganisationsInput, "limit" | "cursor">,
  format: ExportFormat,
  locale: Locale,
): ReadableStream<Uint8Array> {
  const rows = inThisRegionScope(organisationRows(db, scope, filters, locale));
  if (format === "csv") {
    // A byte-order mark so Excel opens the UTF-8 file with its accents intact; ';' is what Dutch Excel expects.
    const csv = csvStream({ delimiter: ";", bom: true });
    csv.write(headers(locale));
    Readable.from(rows)
      .on("error", (error) => csv.destroy(error))
      .pipe(csv);
    return toWebStream(csv);
  }
  async function* withHeaders() {
    yield headers(locale);
    yield* rows;
  }
  const output = streamXlsx(translator(locale)("organisations.title"), withHeaders());
  return toWebStream(output);
}
