import type { LoaderFunctionArgs } from "@remix-run/node";
import { ImportId } from "../../server/domains/imports/imports.schemas";
import { AppError, importProgress, scopeOf } from "../services.server";
import { requirePermission } from "../utils/auth.server";

/** How far a commit is ({ status, done, total }), polled by the import page while the commit runs. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.import");
  const parsed = ImportId.safeParse({ id: params.id });
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  try {
    return Response.json(await importProgress(context.db, scopeOf(user), parsed.data.id, context.clock.now()), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw new Response("Not found", { status: 404 });
    throw error;
  }
}
