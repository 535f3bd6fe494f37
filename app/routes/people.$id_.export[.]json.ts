import type { LoaderFunctionArgs } from "@remix-run/node";
import { recordIdOf } from "../utils/page-inputs.server";
import { requirePermission } from "../utils/auth.server";

/** The access request's JSON, as a download (GET /people/{id}/export in the API gives the same). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.manage");
  const id = recordIdOf(params);
  const data = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.exportPerson(trx, scope, id, meta));
  return new Response(JSON.stringify(data, null, 2), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="inzage-${data.person.id}.json"`, "Cache-Control": "no-store" },
  });
}
