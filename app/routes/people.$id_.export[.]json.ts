import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { runChange } from "../../server/change";
import { AppError, exportPerson } from "../services.server";
import { requirePermission } from "../utils/auth.server";

const Params = z.object({ id: z.uuid() });

/** The access request's JSON, as a download (GET /people/{id}/export in the API gives the same). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.manage");
  const parsed = Params.safeParse(params);
  if (!parsed.success) throw new Response("Not found", { status: 404 });
  const data = await runChange(context, user, ({ trx, scope, meta }) => exportPerson(trx, scope, parsed.data.id, meta)).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw new Response("Not found", { status: 404 });
    throw error;
  });
  return new Response(JSON.stringify(data, null, 2), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="inzage-${data.person.id}.json"`, "Cache-Control": "no-store" },
  });
}
