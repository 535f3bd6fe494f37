import type { LoaderFunctionArgs } from "@remix-run/node";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requireUser } from "../utils/auth.server";
import { invalidSchoolYear, schoolYearParam } from "../utils/reports.server";
import { recordIdOf } from "../utils/page-inputs.server";

/** The contribution statement as a PDF to sign; a partner user only its own organisation's. */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const year = schoolYearParam(params.schoolYear);
  if (!year) return invalidSchoolYear(params.schoolYear);
  const organisationId = recordIdOf(params, "organisationId");
  const statement = await context.server.contributionStatement(context.db, scopeOf(user), { schoolYear: year.schoolYear, organisationId });
  return context.server.reportFileResponse(context.server.statementPdf(statement, { today: toLocalDate(context.clock.now()), locale: user.locale }), "pdf", `verklaring-${year.schoolYear}`);
}
