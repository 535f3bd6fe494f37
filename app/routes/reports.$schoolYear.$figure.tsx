import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatEuros } from "../../server/domains/commitments/commitments.amounts";
import { AppError } from "../../server/errors";
import { scopeOf } from "../../server/auth/current-user";
import { invalidSchoolYear, requireReportReader, schoolYearParam } from "../utils/reports.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { InvalidSchoolYear } from "../components/invalid-school-year";
import { numberFormat } from "../../i18n/intl";
import { DrillDownParam, FigureQuery } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Cijfers · Schakel" }];

/** The records behind one figure of the report, found with the figure's own rules (schoolYearRecords). */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireReportReader(context, request);
  const figure = DrillDownParam.safeParse(params.figure);
  if (!figure.success) throw new AppError("NOT_FOUND", "Not found");
  const year = schoolYearParam(params.schoolYear);
  if (!year) return invalidSchoolYear(params.schoolYear);
  const query = Object.fromEntries([...new URL(request.url).searchParams].filter(([, value]) => value !== ""));
  // A type or profile that does not exist has no records behind it: 404, as an unknown figure.
  const parsed = FigureQuery.safeParse(query);
  if (!parsed.success) throw new AppError("NOT_FOUND", "Not found");
  const filters = parsed.data;
  const records = await context.server.schoolYearRecords(context.db, scopeOf(user), { schoolYear: year.schoolYear, figure: figure.data, ...filters });
  return { records, filters, invalidSchoolYear: null };
}

export default function FigureRecordsPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  if (data.invalidSchoolYear !== null) {
    return <InvalidSchoolYear value={data.invalidSchoolYear} />;
  }
  const { records, filters } = data;
  const back = `/reports/${records.schoolYear}${records.subregion ? `?subregionId=${records.subregion.id}` : ""}`;
  const number = (value: number | null) => (value === null ? "" : numberFormat(locale === "nl" ? "nl-NL" : "en-GB").format(value));
  const qualifier = [filters.type ? t(`activities.types.${filters.type}`) : null, filters.profile ?? null, records.subregion?.name ?? null].filter(Boolean).join(" · ");
  return (
    <div className="page">
      <p className="no-print"><Link to={back}>← {t("reports.back")}</Link></p>
      <h1>{t("reports.recordsTitle", { figure: t(`reports.records.${records.figure}`), schoolYear: records.schoolYear })}</h1>
      {qualifier ? <p className="lead">{qualifier}</p> : null}
      <p className="field-hint">{t(`reports.recordsHint.${records.figure}`)}</p>
      {"organisations" in records ? (
        records.organisations.length === 0 ? (
          <p>{t("reports.recordsEmpty")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("reports.columns.name")}</th>
                  <th className="cell-money">{t("reports.columns.activities")}</th>
                  <th className="cell-money">{t("reports.columns.pledged")}</th>
                </tr>
              </thead>
              <tbody>
                {records.organisations.map((o) => (
                  <tr key={o.id}>
                    <td><Link to={`/organisations/${o.id}`}>{o.name}</Link></td>
                    <td className="cell-money">{number(o.activities)}</td>
                    <td className="cell-money">{formatEuros(o.pledgedCents, locale)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("reports.total")}: {number(records.organisations.length)}</th>
                  <td />
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
        )
      ) : records.activities.length === 0 ? (
        <p>{t("reports.recordsEmpty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("reports.columns.date")}</th>
                <th>{t("reports.columns.type")}</th>
                <th>{t("reports.columns.title")}</th>
                <th>{t("reports.columns.organisations")}</th>
                <th>{t("reports.columns.profiles")}</th>
                {records.figure === "internships" ? (
                  <>
                    <th>{t("reports.columns.status")}</th>
                    <th className="cell-money">{t("reports.columns.placesOffered")}</th>
                    <th className="cell-money">{t("reports.columns.placesFilled")}</th>
                  </>
                ) : (
                  <>
                    <th className="cell-money">{t("reports.columns.pupils")}</th>
                    <th className="cell-money">{t("reports.columns.teachers")}</th>
                  </>
                )}
              </tr>
            </thead>
            <tbody>
              {records.activities.map((a) => (
                <tr key={a.id}>
                  <td>{formatDay(a.startDate, locale)}</td>
                  <td>{t(`activities.types.${a.type}`)}</td>
                  <td><Link to={`/activities/${a.id}`}>{a.title}</Link></td>
                  <td>{a.organisations.join(", ")}</td>
                  <td>{a.profiles.join(", ")}</td>
                  {records.figure === "internships" ? (
                    <>
                      <td>{t(`activities.statuses.${a.status}`)}</td>
                      <td className="cell-money">{number(a.placesOffered)}</td>
                      <td className="cell-money">{number(a.placesFilled)}</td>
                    </>
                  ) : (
                    <>
                      <td className="cell-money">{number(a.pupilsReached)}</td>
                      <td className="cell-money">{number(a.teachersInvolved)}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5}>{t("reports.total")}: {number(records.activities.length)}</th>
                {records.figure === "internships" ? (
                  <>
                    <td />
                    <td className="cell-money">{number(records.activities.reduce((sum, a) => sum + (a.placesOffered ?? 0), 0))}</td>
                    <td className="cell-money">{number(records.activities.reduce((sum, a) => sum + (a.placesFilled ?? 0), 0))}</td>
                  </>
                ) : (
                  <>
                    <td className="cell-money">{number(records.activities.reduce((sum, a) => sum + (a.pupilsReached ?? 0), 0))}</td>
                    <td className="cell-money">{number(records.activities.reduce((sum, a) => sum + (a.teachersInvolved ?? 0), 0))}</td>
                  </>
                )}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </div>
  );
}
