import { schoolYearOf } from "../../calendar/school-year";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { formatEuros } from "../../server/domains/commitments/commitments.amounts";
import { SelectField } from "../components/ui/field";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { invalidSchoolYear, requireReportReader, schoolYearParam, subregionParam } from "../utils/reports.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { InvalidSchoolYear } from "../components/invalid-school-year";
import { numberFormat } from "../../i18n/intl";
import { formatPercentOf } from "../../i18n";

export const meta: MetaFunction = () => [{ title: "Cijfers · Schakel" }];

/** The school years the picker offers: from the grant's first years up to the next one. */
function schoolYearChoices(current: string, shown: string) {
  const last = Number(current.slice(0, 4)) + 1;
  const years = Array.from({ length: last - 2019 }, (_, i) => `${last - i}-${last - i + 1}`);
  return years.includes(shown) ? years : [shown, ...years];
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireReportReader(context, request);
  const year = schoolYearParam(params.schoolYear);
  if (!year) return invalidSchoolYear(params.schoolYear);
  const subregionId = subregionParam(new URL(request.url).searchParams.get("subregionId"));
  const [figures, subregions] = await Promise.all([
    context.server.schoolYearFigures(context.db, scopeOf(user), { schoolYear: year.schoolYear, subregionId }),
    context.server.listSubregions(context.db, user.regionId),
  ]);
  return { figures, subregions, years: schoolYearChoices(schoolYearOf(toLocalDate(context.clock.now())), year.schoolYear), invalidSchoolYear: null };
}

export default function SchoolYearReportPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  if (data.invalidSchoolYear !== null) {
    return <InvalidSchoolYear value={data.invalidSchoolYear} />;
  }
  const { figures, subregions, years } = data;
  const y = figures.schoolYear;
  const subregionQuery = figures.subregion ? `subregionId=${figures.subregion.id}` : "";
  /** A drill-down address, keeping the subregion. */
  const to = (path: string, extra: Record<string, string> = {}) => {
    const query = new URLSearchParams(extra);
    if (figures.subregion) query.set("subregionId", figures.subregion.id);
    const search = query.toString();
    return `/reports/${y}/${path}${search ? `?${search}` : ""}`;
  };
  const number = (value: number) => numberFormat(locale === "nl" ? "nl-NL" : "en-GB").format(value);
  const { pledgedCents, realisedCents, targetCents } = figures.commitments;
  const tile = (label: string, value: string, href: string, testId: string) => (
    <li className="figure-tile">
      <Link to={href}>
        <span className="figure-value" data-testid={testId}>{value}</span>
        <span className="figure-label">{label}</span>
      </Link>
    </li>
  );
  return (
    <div className="page report">
      <h1>{t("reports.reportTitle", { schoolYear: y })}</h1>
      <p className="lead">
        {figures.region.name} · {figures.subregion?.name ?? t("reports.wholeRegion")} · {t("reports.period", { from: formatDay(figures.from, locale), until: formatDay(figures.until, locale) })}
      </p>
      <Form method="get" action="/reports" className="card filters no-print" aria-label={t("reports.show")}>
        <SelectField label={t("reports.schoolYear")} name="schoolYear" defaultValue={y}>
          {years.map((year) => <option key={year} value={year}>{year}</option>)}
        </SelectField>
        <SelectField label={t("reports.subregion")} name="subregionId" defaultValue={figures.subregion?.id ?? ""}>
          <option value="">{t("reports.wholeRegion")}</option>
          {subregions.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <div className="actions">
          <button type="submit" className="button">{t("reports.show")}</button>
        </div>
      </Form>
      <div className="no-print report-downloads">
        <p className="actions">
          <span>{t("reports.downloads")}:</span>
          {(["pdf", "xlsx", "csv"] as const).map((format) => (
            <a key={format} className="button button-quiet button-small" href={`/reports/${y}/download?format=${format}${subregionQuery ? `&${subregionQuery}` : ""}`} download>
              {t(`reports.${format}`)}
            </a>
          ))}
        </p>
        <p className="field-hint">{t("reports.printHint")}</p>
      </div>

      <h2>{t("reports.participation")}</h2>
      <ul className="figure-tiles">
        {tile(t("reports.companiesParticipating"), number(figures.companiesParticipating), to("companies"), "companies")}
        {tile(t("reports.tradeSchools"), number(figures.tradeSchools.length), to("trade-schools"), "trade-schools")}
        {tile(t("reports.mboSchools"), number(figures.mboSchools.length), to("mbo"), "mbo")}
      </ul>
      {figures.tradeSchools.length ? <p><strong>{t("reports.tradeSchools")}:</strong> {figures.tradeSchools.map((o) => o.name).join(", ")}</p> : null}
      {figures.mboSchools.length ? <p><strong>{t("reports.mboSchools")}:</strong> {figures.mboSchools.map((o) => o.name).join(", ")}</p> : null}

      <h2>{t("reports.reach")}</h2>
      <ul className="figure-tiles">
        {tile(t("reports.pupilsReached"), number(figures.pupilsReached), to("activities"), "pupils")}
        {tile(t("reports.teachersInvolved"), number(figures.teachersInvolved), to("activities"), "teachers")}
        {tile(t("reports.activitiesDone"), number(figures.activitiesDone), to("activities"), "activities")}
        {tile(t("reports.guestLessonsGiven"), number(figures.guestLessonsGiven), to("activities", { type: "guest_lesson" }), "guest-lessons")}
        {tile(t("reports.internshipsOffered"), number(figures.internships.offered), to("internships"), "internships-offered")}
        {tile(t("reports.internshipsFilled"), number(figures.internships.filled), to("internships"), "internships-filled")}
      </ul>

      <div className="grid-2">
        <section>
          <h2>{t("reports.byType")}</h2>
          <div className="table-wrap">
            <table>
              <tbody>
                {Object.entries(figures.activitiesByType).map(([type, count]) => (
                  <tr key={type}>
                    <th scope="row"><Link to={to("activities", { type })}>{t(`activities.types.${type}`)}</Link></th>
                    <td className="cell-money">{number(count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section>
          <h2>{t("reports.byProfile")}</h2>
          {Object.keys(figures.activitiesByProfile).length === 0 ? (
            <p>{t("reports.noProfiles")}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <tbody>
                  {Object.entries(figures.activitiesByProfile).map(([profile, count]) => (
                    <tr key={profile}>
                      <th scope="row"><Link to={to("activities", { profile })}>{profile}</Link></th>
                      <td className="cell-money">{number(count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>

      <h2>{t("reports.cofinancing")}</h2>
      <ul className="figure-tiles">
        <li className="figure-tile"><span className="figure-value" data-testid="pledged">{formatEuros(pledgedCents, locale)}</span><span className="figure-label">{t("reports.pledged")}</span></li>
        <li className="figure-tile"><span className="figure-value" data-testid="realised">{formatEuros(realisedCents, locale)}</span><span className="figure-label">{t("reports.realised")}</span></li>
        <li className="figure-tile">
          <span className="figure-value" data-testid="target">{targetCents === null ? "—" : formatEuros(targetCents, locale)}</span>
          <span className="figure-label">
            {t("reports.target")}
            {targetCents === null ? ` · ${figures.subregion ? t("reports.targetSubregion") : t("reports.noTarget")}` : null}
            {targetCents ? ` · ${t("reports.ofTarget", { percentage: formatPercentOf(realisedCents / targetCents, "target", locale) })}` : null}
          </span>
        </li>
      </ul>
      <h3>{t("reports.partners")}</h3>
      {figures.partners.length === 0 ? (
        <p>{t("reports.noPartners")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{t("reports.partner")}</th>
                <th className="cell-money">{t("reports.pledged")}</th>
                <th className="cell-money">{t("reports.realised")}</th>
                <th>{t("reports.realisationDates")}</th>
                <th className="no-print"><span className="visually-hidden">{t("reports.statement")}</span></th>
              </tr>
            </thead>
            <tbody>
              {figures.partners.map((p) => (
                <tr key={p.id}>
                  <td><Link to={`/organisations/${p.id}`}>{p.name}</Link></td>
                  <td className="cell-money">{formatEuros(p.pledgedCents, locale)}</td>
                  <td className="cell-money">{formatEuros(p.realisedCents, locale)}</td>
                  <td>{p.realisationDates.map((day) => formatDay(day, locale)).join(", ")}</td>
                  <td className="no-print"><Link to={`/reports/${y}/partners/${p.id}`}>{t("reports.statement")}</Link></td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t("reports.total")}</th>
                <td className="cell-money">{formatEuros(pledgedCents, locale)}</td>
                <td className="cell-money">{formatEuros(realisedCents, locale)}</td>
                <td />
                <td className="no-print" />
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </div>
  );
}
