import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import { apiUser } from "../../http/api-auth";
import { apiRouter, declareRoute } from "../../http/api-router";
import { parseInput } from "../../validation";
import { REPORT_CONTENT_TYPES, reportCsv, reportFileResponse as download, reportPdf, reportXlsx, statementPdf } from "./reports.formats";
import { ContributionStatementResponse, ReportFormatInput, SchoolYearFiguresResponse } from "./reports.schemas";
import { contributionStatement, schoolYearFigures } from "./reports.service";
import { schoolYearWindow } from "./reports.schemas";

const Query = z.object({ subregionId: z.uuid().optional() });
const StatementParams = z.object({ organisationId: z.uuid() });
const StatementFormat = z.object({ format: z.enum(["json", "pdf"]).optional() });

// The declared path and query take any text: the school year is checked first, by schoolYearWindow
// (a year that does not exist answers 400 naming it, whatever else is wrong), and the rest after it
// with the schemas above, as the handlers always did.
const SchoolYearPath = z.object({ schoolYear: z.string().describe("A school year, e.g. 2025-2026") });
const FiguresQuery = z.object({
  subregionId: z.string().optional().describe("Only this subregion (uuid): no target, a subregion has no budget"),
  format: z.string().optional().describe("json, csv, xlsx or pdf; without it `Accept: text/csv` asks for CSV, JSON otherwise"),
});
const StatementQuery = z.object({ format: z.string().optional().describe("json or pdf") });
const file = { schema: z.string() };

/** The file asked for: `?format=` wins; otherwise `Accept: text/csv` asks for CSV; JSON by default. */
function formatOf(query: { format?: string | undefined }, accept: string | undefined) {
  const { format } = parseInput(ReportFormatInput, { format: query.format || undefined });
  if (format) return format;
  return accept?.includes("text/csv") ? "csv" : "json";
}

/**
 * /api/v1/reports. The school year's figures of the region (staff only: for a partner user they do
 * not exist, 404) as JSON, CSV, XLSX or PDF — all from schoolYearFigures — and a partner's
 * contribution statement (a partner user: only its own organisation's).
 */
export const reportsApi = apiRouter();

declareRoute(
  reportsApi,
  {
    method: "get",
    path: "/school-years/{schoolYear}",
    summary:
      "The region's figures for a school year (admin, penvoerder, accounthouder; a partner user: 404). The same numbers as CSV (`Accept: text/csv` or ?format=csv; ';', amounts in euros with a decimal comma under 'Bedrag (EUR)'), XLSX (?format=xlsx; a sheet of figures and one of partners, amounts as numbers in euros) or PDF (?format=pdf). A school year that does not exist answers 400 naming schoolYear. With ?subregionId= only that subregion (no target: a subregion has no budget).",
    request: { params: SchoolYearPath, query: FiguresQuery },
    responses: {
      200: {
        description: "The figures",
        content: {
          "application/json": { schema: SchoolYearFiguresResponse },
          "text/csv": file,
          [REPORT_CONTENT_TYPES.xlsx]: file,
          [REPORT_CONTENT_TYPES.pdf]: file,
        },
      },
    },
  },
  async (c) => {
    const user = apiUser(c);
    // The school year first: a year that does not exist answers 400 whatever else is wrong.
    const { schoolYear } = schoolYearWindow(c.req.valid("param").schoolYear);
    const query = c.req.valid("query");
    const format = formatOf(query, c.req.header("accept"));
    const { subregionId } = parseInput(Query, { subregionId: query.subregionId || undefined });
    const { db, clock } = c.get("services");
    const figures = await schoolYearFigures(db, scopeOf(user), { schoolYear, subregionId });
    const fileName = `verantwoording-${schoolYear}`;
    if (format === "csv") return download(reportCsv(figures, user.locale), "csv", fileName);
    if (format === "xlsx") return download(reportXlsx(figures, user.locale), "xlsx", fileName);
    if (format === "pdf") return download(reportPdf(figures, { today: toLocalDate(clock.now()), locale: user.locale }), "pdf", fileName);
    return c.json(figures);
  },
);

declareRoute(
  reportsApi,
  {
    method: "get",
    path: "/school-years/{schoolYear}/partners/{organisationId}",
    summary:
      "A partner's contribution statement for a school year: its commitments, its realisations with their dates, pledgedCents and realisedCents (the same as its line in the report). Staff read any of the region's; a partner user only its own organisation's (404 otherwise). ?format=pdf for the printable statement with a signature block.",
    request: { params: SchoolYearPath.extend({ organisationId: z.string().describe("The organisation (uuid)") }), query: StatementQuery },
    responses: {
      200: { description: "The statement", content: { "application/json": { schema: ContributionStatementResponse }, [REPORT_CONTENT_TYPES.pdf]: file } },
    },
  },
  async (c) => {
    const user = apiUser(c);
    const params = c.req.valid("param");
    const { schoolYear } = schoolYearWindow(params.schoolYear);
    const { organisationId } = parseInput(StatementParams, { organisationId: params.organisationId });
    const { format } = parseInput(StatementFormat, { format: c.req.valid("query").format || undefined });
    const { db, clock } = c.get("services");
    const statement = await contributionStatement(db, scopeOf(user), { schoolYear, organisationId });
    if (format === "pdf") return download(statementPdf(statement, { today: toLocalDate(clock.now()), locale: user.locale }), "pdf", `verklaring-${schoolYear}`);
    return c.json(statement);
  },
);
