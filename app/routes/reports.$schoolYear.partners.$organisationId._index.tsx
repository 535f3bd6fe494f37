import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { formatEuros } from "../../server/domains/commitments/commitments.amounts";
import { scopeOf } from "../../server/auth/current-user";
import { requireUser } from "../utils/auth.server";
import { invalidSchoolYear, schoolYearParam } from "../utils/reports.server";
import { TableScroll } from "../components/table-scroll";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { numberFormat } from "../../i18n/intl";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Verklaring cofinanciering · Schakel" }];

/**
 * A partner's contribution statement for a school year, printable and as a PDF, with a signature
 * block. Staff read any of the region's; a partner user only its own (404 for any other).
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const year = schoolYearParam(params.schoolYear);
  if (!year) return invalidSchoolYear(params.schoolYear);
  const organisationId = recordIdOf(params, "organisationId");
  const statement = await context.server.contributionStatement(context.db, scopeOf(user), { schoolYear: year.schoolYear, organisationId });
  return { statement, isPartner: user.role === "partner", invalidSchoolYear: null };
}

export default function ContributionStatementPage() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  if (data.invalidSchoolYear !== null) {
    return (
      <div className="page page-narrow">
        <h1>{t("reports.title")}</h1>
        <p className="alert alert-error" role="alert">{t("reports.invalidSchoolYear", { value: data.invalidSchoolYear })}</p>
      </div>
    );
  }
  const { statement: s, isPartner } = data;
  const euros = (cents: number) => formatEuros(cents, locale);
  return (
    <div className="page report">
      <p className="no-print">
        {isPartner ? <Link to="/portal#portal-commitments">← {t("portal.title")}</Link> : <Link to={`/reports/${s.schoolYear}`}>← {t("reports.back")}</Link>}
      </p>
      <h1>{t("reports.statementTitle", { schoolYear: s.schoolYear })}</h1>
      <p className="lead">
        <strong>{s.organisation.name}</strong>
        {s.organisation.city ? ` · ${s.organisation.city}` : ""}
        {s.organisation.kvkNumber ? ` · ${t("reports.kvk", { number: s.organisation.kvkNumber })}` : ""}
      </p>
      <p>
        {t("reports.statementIntro", {
          organisation: s.organisation.name, schoolYear: s.schoolYear, region: s.regionName, from: formatDay(s.from, locale), until: formatDay(s.until, locale),
        })}
      </p>
      <p className="no-print actions">
        <a className="button button-quiet button-small" href={`/reports/${s.schoolYear}/partners/${s.organisation.id}/pdf`} download>{t("reports.pdf")}</a>
        <span className="field-hint">{t("reports.printHint")}</span>
      </p>

      <h2>{t("reports.commitments")}</h2>
      {s.commitments.length === 0 ? (
        <p>{t("reports.noCommitments")}</p>
      ) : (
        <TableScroll label={t("reports.commitments")}>
          <table>
            <thead>
              <tr>
                <th>{t("reports.kind")}</th>
                <th>{t("reports.category")}</th>
                <th>{t("reports.status")}</th>
                <th className="cell-money">{t("reports.amount")}</th>
              </tr>
            </thead>
            <tbody>
              {s.commitments.map((c) => (
                <tr key={c.id}>
                  <td>{t(`commitments.kinds.${c.kind}`)}</td>
                  <td>
                    {t(`commitments.categories.${c.category}`)}
                    {c.hours !== null && c.hourlyRateCents !== null ? ` · ${t("reports.hoursTimesRate", { hours: numberFormat(locale === "nl" ? "nl-NL" : "en-GB").format(c.hours), rate: euros(c.hourlyRateCents) })}` : ""}
                    {c.agreementReference ? ` · ${c.agreementReference}` : ""}
                  </td>
                  <td>
                    {t(`commitments.statuses.${c.status}`)}
                    {c.confirmedAt ? `, ${t("reports.confirmedOn", { date: formatDay(String(c.confirmedAt).slice(0, 10), locale) })}` : ""}
                  </td>
                  <td className="cell-money">{euros(c.amountCents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>{t("reports.pledged")}</th>
                <td className="cell-money" data-testid="statement-pledged">{euros(s.pledgedCents)}</td>
              </tr>
            </tfoot>
          </table>
        </TableScroll>
      )}

      <h2>{t("reports.realisations")}</h2>
      {s.realisations.length === 0 ? (
        <p>{t("reports.noRealisations")}</p>
      ) : (
        <TableScroll label={t("reports.realisations")}>
          <table>
            <thead>
              <tr>
                <th>{t("reports.date")}</th>
                <th>{t("reports.description")}</th>
                <th>{t("reports.evidence")}</th>
                <th className="cell-money">{t("reports.amount")}</th>
              </tr>
            </thead>
            <tbody>
              {s.realisations.map((r) => (
                <tr key={r.id}>
                  <td>{formatDay(r.date, locale)}</td>
                  <td>{r.description}</td>
                  <td>{r.evidence}</td>
                  <td className="cell-money">{euros(r.amountCents)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>{t("reports.realised")}</th>
                <td className="cell-money" data-testid="statement-realised">{euros(s.realisedCents)}</td>
              </tr>
            </tfoot>
          </table>
        </TableScroll>
      )}

      <h2>{t("reports.signing")}</h2>
      <div className="signature-block">
        {[s.organisation.name, s.regionName].map((party) => (
          <div key={party} className="signature-party">
            <p><strong>{t("reports.signFor", { name: party })}</strong></p>
            {[t("reports.signName"), t("reports.signRole"), t("reports.signPlaceDate"), t("reports.signature")].map((label) => (
              <p key={label} className="signature-line">{label}</p>
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
