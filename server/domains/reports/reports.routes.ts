import { Hono } from "hono";
import { z } from "zod";
import { scopeOf } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import { apiUser } from "../../http/api-auth";
import type { HonoEnv } from "../../http/env";
import { parseInput } from "../../validation";
import { reportCsv, reportFileResponse as download, reportPdf, reportXlsx, statementPdf } from "./reports.formats";
import { ReportFormatInput } from "./reports.schemas";
import { contributionStatement, schoolYearFigures, schoolYearWindow } from "./reports.service";

const Query = z.object({ subregionId: z.uuid().optional() });
const StatementParams = z.object({ organisationId: z.uuid() });
const StatementFormat = z.object({ format: z.enum(["json", "pdf"]).optional() });

/** The file asked for: `?format=` wins; otherwise `Accept: text/csv` asks for CSV; JSON by default. */
function formatOf(query: Record<string, string>, accept: string | undefined) {
  const { format } = parseInput(ReportFormatInput, { format: query.format || undefined });
  if (format) return format;
  return accept?.includes("text/csv") ? "csv" : "json";
}

/**
 * /api/v1/reports. The school year's figures of the region (staff only: for a partner user they do
 * not exist, 404) as JSON, CSV, XLSX or PDF — all from schoolYearFigures — and a partner's
 * contribution statement (a partner user: only its own organisation's).
 */
export const reportsApi = new Hono<HonoEnv>()
  .get("/school-years/:schoolYear", async (c) => {
    const user = apiUser(c);
    // The school year first: a year that does not exist answers 400 whatever else is wrong.
    const { schoolYear } = schoolYearWindow(c.req.param("schoolYear"));
    const query = c.req.query();
    const format = formatOf(query, c.req.header("accept"));
    const { subregionId } = parseInput(Query, { subregionId: query.subregionId || undefined });
    const { db, clock } = c.get("services");
    const figures = await schoolYearFigures(db, scopeOf(user), { schoolYear, subregionId });
    const fileName = `verantwoording-${schoolYear}`;
    if (format === "csv") return download(reportCsv(figures, user.locale), "csv", fileName);
    if (format === "xlsx") return download(reportXlsx(figures, user.locale), "xlsx", fileName);
    if (format === "pdf") return download(reportPdf(figures, { today: toLocalDate(clock.now()), locale: user.locale }), "pdf", fileName);
    return c.json(figures);
  })
  .get("/school-years/:schoolYear/partners/:organisationId", async (c) => {
    const user = apiUser(c);
    const { schoolYear } = schoolYearWindow(c.req.param("schoolYear"));
    const { organisationId } = parseInput(StatementParams, { organisationId: c.req.param("organisationId") });
    const { format } = parseInput(StatementFormat, { format: c.req.query("format") || undefined });
    const { db, clock } = c.get("services");
    const statement = await contributionStatement(db, scopeOf(user), { schoolYear, organisationId });
    if (format === "pdf") return download(statementPdf(statement, { today: toLocalDate(clock.now()), locale: user.locale }), "pdf", `verklaring-${schoolYear}`);
    return c.json(statement);
  });
