import { schoolYearOf } from "../../calendar/school-year";
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";

/** The penvoerder's page opens on the current school year by the clock. */
export function loader({ context, request }: LoaderFunctionArgs) {
  requirePermission(context, request, "money.read");
  return redirect(`/cofinancing/${schoolYearOf(toLocalDate(context.clock.now()))}`);
}
