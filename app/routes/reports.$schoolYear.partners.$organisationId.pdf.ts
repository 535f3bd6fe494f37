import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { contributionStatement, reportFileResponse, scopeOf, statementPdf, toLocalDate } from "../services.server";
import { requireUser } from "../utils/auth.server";
import { invalidSchoolYear, orNotFound, schoolYearParam } from "../utils/reports.server";

/** The contribution statement as a PDF to sign; a partner user only its own organisation's. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const year = schoolYearParam(params.schoolYear);
  if (!year) return invalidSchoolYear(params.schoolYear);
  const organisationId = z.uuid().safeParse(params.organisationId);
  if (!organisationId.success) throw new Response("Not found", { status: 404 });
  const statement = await orNotFound(contributionStatement(context.db, scopeOf(user), { schoolYear: year.schoolYear, organisationId: organisationId.data }));
  return reportFileResponse(statementPdf(statement, { today: toLocalDate(context.clock.now()), locale: user.locale }), "pdf", `verklaring-${year.schoolYear}`);
}
