import type { LoaderFunctionArgs } from "@remix-run/node";
import { scopeOf } from "../../server/auth/current-user";
import { recordIdOf } from "../utils/page-inputs.server";
import { requirePermission } from "../utils/auth.server";

/** How far a commit is ({ status, done, total }), polled by the import page while the commit runs. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.import");
  return Response.json(await context.server.importProgress(context.db, scopeOf(user), recordIdOf(params), context.clock.now()), { headers: { "Cache-Control": "no-store" } });
}
