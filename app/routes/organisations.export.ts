import type { LoaderFunctionArgs } from "@remix-run/node";
import { ExportFormatInput, ListOrganisationsInput } from "../../server/domains/organisations/organisations.schemas";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { requirePermission } from "../utils/auth.server";

/** The organisation list with the page's filters, as a streamed CSV or XLSX download. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const { format, cursor: _cursor, ...query } = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const { limit: _limit, cursor: _ignored, ...filters } = parseInput(ListOrganisationsInput, query, user.locale);
  const exportAs = parseInput(ExportFormatInput, { format: format ?? "csv" }, user.locale).format ?? "csv";
  return new Response(context.server.exportOrganisations(context.db, scopeOf(user), filters, exportAs, user.locale), {
    headers: { "Content-Type": context.server.EXPORT_CONTENT_TYPES[exportAs], "Content-Disposition": `attachment; filename="organisaties.${exportAs}"` },
  });
}
