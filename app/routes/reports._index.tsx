import { schoolYearOf } from "../../calendar/school-year";
import { type LoaderFunctionArgs, redirect } from "@remix-run/node";
import { toLocalDate } from "../../server/clock";
import { requireReportReader } from "../utils/reports.server";

/** Cijfers: the school year picked (the current one by the clock when none is) and the subregion, as the report's own address. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  requireReportReader(context, request);
  const url = new URL(request.url);
  const schoolYear = url.searchParams.get("schoolYear")?.trim() || schoolYearOf(toLocalDate(context.clock.now()));
  const subregionId = url.searchParams.get("subregionId");
  return redirect(`/reports/${encodeURIComponent(schoolYear)}${subregionId ? `?subregionId=${encodeURIComponent(subregionId)}` : ""}`);
}
