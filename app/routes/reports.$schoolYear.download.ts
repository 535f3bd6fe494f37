import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { AppError } from "../../server/errors";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { invalidSchoolYear, requireReportReader, schoolYearParam } from "../utils/reports.server";

const Query = z.object({ format: z.enum(["csv", "xlsx", "pdf"]), subregionId: z.uuid().optional() });

/** The report of the page as a file: PDF, XLSX or CSV, from the same figures as the page. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireReportReader(context, request);
  const year = schoolYearParam(params.schoolYear);
  if (!year) return invalidSchoolYear(params.schoolYear);
  const query = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  const parsed = Query.safeParse({ format: query.format ?? "pdf", subregionId: query.subregionId });
  if (!parsed.success) throw new AppError("NOT_FOUND", "Not found");
  const { format, subregionId } = parsed.data;
  const figures = await context.server.schoolYearFigures(context.db, scopeOf(user), { schoolYear: year.schoolYear, subregionId });
  const fileName = `verantwoording-${year.schoolYear}`;
  if (format === "csv") return context.server.reportFileResponse(context.server.reportCsv(figures, user.locale), "csv", fileName);
  if (format === "xlsx") return context.server.reportFileResponse(context.server.reportXlsx(figures, user.locale), "xlsx", fileName);
  return context.server.reportFileResponse(context.server.reportPdf(figures, { today: toLocalDate(context.clock.now()), locale: user.locale }), "pdf", fileName);
}
