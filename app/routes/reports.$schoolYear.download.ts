import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { parseInput, reportCsv, reportPdf, reportXlsx, schoolYearFigures, scopeOf, toLocalDate } from "../services.server";
import { fileResponse, invalidSchoolYear, orNotFound, requireReportReader, schoolYearParam } from "../utils/reports.server";

const Query = z.object({ format: z.enum(["csv", "xlsx", "pdf"]), subregionId: z.uuid().optional() });

/** The report of the page as a file: PDF, XLSX or CSV, from the same figures as the page. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireReportReader(context, request);
  const year = schoolYearParam(params.schoolYear);
  if (!year) return invalidSchoolYear(params.schoolYear);
  const query = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const { format, subregionId } = parseInput(Query, { format: query.format ?? "pdf", subregionId: query.subregionId }, user.locale);
  const figures = await orNotFound(schoolYearFigures(context.db, scopeOf(user), { schoolYear: year.schoolYear, subregionId }));
  const fileName = `verantwoording-${year.schoolYear}`;
  if (format === "csv") return fileResponse(reportCsv(figures, user.locale), "csv", fileName);
  if (format === "xlsx") return fileResponse(reportXlsx(figures, user.locale), "xlsx", fileName);
  return fileResponse(reportPdf(figures, { today: toLocalDate(context.clock.now()), locale: user.locale }), "pdf", fileName);
}
