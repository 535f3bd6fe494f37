import { schoolYearOf } from "../../calendar/school-year";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { SetBudgetInput } from "../../server/domains/budgets/budgets.schemas";
import { parsePercentage, percentageInputValue } from "../../server/domains/budgets/budgets.percent";
import { SchoolYear } from "../../server/domains/commitments/commitments.schemas";
import { eurosInputValue, formatEuros, parseEuros } from "../../server/domains/commitments/commitments.amounts";
import { CofinancingYearChart, forecastSentence } from "../components/cofinancing-charts";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { AppError } from "../../server/errors";
import { parseInput, validationFailed } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { TableScroll } from "../components/table-scroll";
import { useLocale, useT } from "../utils/i18n";
import { SubmitButton } from "../components/ui/submit-button";
import { formatPercentOf } from "../../i18n";

export const meta: MetaFunction = () => [{ title: "Cofinanciering tegen het doel · Schakel" }];

function schoolYearParam(value: string | undefined) {
  const parsed = SchoolYear.safeParse(value);
  if (!parsed.success) throw new AppError("NOT_FOUND", "Not found");
  return parsed.data;
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  // The region's staff read the figures; partner users never see the region's budget.
  const user = requirePermission(context, request, "money.read");
  const schoolYear = schoolYearParam(params.schoolYear);
  const scope = scopeOf(user);
  const now = context.clock.now();
  const [overview, years] = await Promise.all([
    context.server.cofinancingOverview(context.db, scope, schoolYear, now),
    context.server.cofinancingYears(context.db, scope, schoolYearOf(toLocalDate(now))),
  ]);
  return { overview, years, canEdit: userCan(user, "money.write") };
}

/** Euros and a percentage as people type them; a field that is not one gets its own message next to it. */
function budgetFromForm(values: Record<string, string>) {
  const problems: Record<string, string> = {};
  const budgetCents = values.budget === undefined ? undefined : parseEuros(values.budget);
  if (budgetCents === null) problems.budgetCents = "commitments.validation.euros";
  const targetBasisPoints = values.target === undefined ? undefined : parsePercentage(values.target);
  if (targetBasisPoints === null) problems.targetBasisPoints = "cofinancing.validation.target";
  const input = { budgetCents: budgetCents ?? undefined, targetBasisPoints: targetBasisPoints ?? undefined, notes: values.notes, version: values.version ? Number(values.version) : undefined };
  return { input, problems };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "money.write");
  const schoolYear = schoolYearParam(params.schoolYear);
  try {
    const { input, problems } = budgetFromForm(formValues(await request.formData()));
    let parsed: SetBudgetInput;
    try {
      parsed = parseInput(SetBudgetInput, input, user.locale);
    } catch (error) {
      if (error instanceof AppError && error.fieldKeys) throw validationFailed({ ...error.fieldKeys, ...problems }, user.locale);
      throw error;
    }
    if (Object.keys(problems).length) throw validationFailed(problems, user.locale);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.setSchoolYearBudget(trx, scope, schoolYear, parsed, meta));
    return redirect(`/cofinancing/${schoolYear}?saved=1`);
  } catch (error) {
    return formError(error, user.locale);
  }
}

type Row = { key: string; label: string; to?: string; pledgedCents: number; agreedCents: number; realisedCents: number };

function FiguresTable({ caption, header, rows, total }: { caption: string; header: string; rows: Row[]; total: Omit<Row, "key" | "label"> }) {
  const t = useT();
  const locale = useLocale();
  return (
    <TableScroll label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{header}</th>
            <th scope="col" className="cell-money">{t("cofinancing.pledged")}</th>
            <th scope="col" className="cell-money">{t("cofinancing.agreed")}</th>
            <th scope="col" className="cell-money">{t("cofinancing.realised")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.to ? <Link to={row.to}>{row.label}</Link> : row.label}</th>
              <td className="cell-money">{formatEuros(row.pledgedCents, locale)}</td>
              <td className="cell-money">{formatEuros(row.agreedCents, locale)}</td>
              <td className="cell-money">{formatEuros(row.realisedCents, locale)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("cofinancing.total")}</th>
            <td className="cell-money">{formatEuros(total.pledgedCents, locale)}</td>
            <td className="cell-money">{formatEuros(total.agreedCents, locale)}</td>
            <td className="cell-money">{formatEuros(total.realisedCents, locale)}</td>
          </tr>
        </tfoot>
      </table>
    </TableScroll>
  );
}

export default function CofinancingPage() {
  const t = useT();
  const locale = useLocale();
  const { overview, years, canEdit } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>() as FormErrors | undefined;
  const [params] = useSearchParams();
  const { budget, totals, shares, forecast, schoolYear } = overview;
  const euros = (cents: number) => formatEuros(cents, locale);
  const field = (name: string) => errors?.fields?.[name];
  const ofBudget = (cents: number) => (shares ? formatPercentOf(cents / budget!.budgetCents, "budget", locale) : "");

  const commitmentsOf = (organisationId: string) => `/commitments?${new URLSearchParams({ organisationId, schoolYear })}`;

  return (
    <div className="page">
      <div className="actions page-title">
        <h1>{t("cofinancing.title", { schoolYear })}</h1>
        <Link to={`/commitments?schoolYear=${schoolYear}`}>{t("commitments.title")}</Link>
      </div>
      <p className="lead">{t("cofinancing.intro")}</p>
      <nav aria-label={t("cofinancing.years")}>
        <ul className="year-picker">
          {years.map((year) => (
            <li key={year}><Link to={`/cofinancing/${year}`} aria-current={year === schoolYear ? "page" : undefined}>{year}</Link></li>
          ))}
        </ul>
      </nav>
      {params.get("saved") === "1" ? <Alert tone="success">{t("cofinancing.saved")}</Alert> : null}

      <section className="card" aria-labelledby="figures-heading">
        <h2 id="figures-heading">{budget ? t("cofinancing.budgetLine", { budget: euros(budget.budgetCents), target: euros(budget.targetCents), percent: formatPercentOf(budget.targetBasisPoints / 10000, "budget", locale) }) : t("cofinancing.noBudget")}</h2>
        <ul className="health-tiles commitment-totals">
          {(["pledged", "agreed", "realised"] as const).map((figure) => (
            <li key={figure} className="health-tile">
              <span className="health-tile-count" data-testid={`cofinancing-${figure}`}>{euros(totals[`${figure}Cents`])}</span> {t(`cofinancing.${figure}`)}
              {shares ? <span className="field-hint"> {ofBudget(totals[`${figure}Cents`])}</span> : null}
            </li>
          ))}
          {totals.targetCents !== null ? (
            <li className="health-tile">
              <span className="health-tile-count" data-testid="cofinancing-target">{euros(totals.targetCents)}</span> {t("cofinancing.targetLabel")}
            </li>
          ) : null}
        </ul>
        <div className={forecast.onTrack === null ? undefined : forecast.onTrack ? "forecast-on-track" : "forecast-behind"}>
          <h3>{t("cofinancing.forecastTitle")}</h3>
          <p data-testid="cofinancing-forecast">{forecastSentence(overview, locale)}</p>
          <p className="field-hint">{t("cofinancing.forecast.rule")}</p>
        </div>
        <CofinancingYearChart overview={overview} locale={locale} />
      </section>

      {canEdit ? (
        <section className="card" aria-labelledby="budget-heading">
          <h2 id="budget-heading">{t("cofinancing.budgetTitle")}</h2>
          {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
          <Form method="post" className="stack" noValidate>
            {budget ? <input type="hidden" name="version" value={budget.version} /> : null}
            <TextField label={t("cofinancing.budget")} name="budget" inputMode="decimal" placeholder="1.250.000,00" defaultValue={budget ? eurosInputValue(budget.budgetCents) : ""} error={field("budgetCents")} required />
            <TextField label={t("cofinancing.target")} name="target" inputMode="decimal" hint={t("cofinancing.targetHint")} defaultValue={percentageInputValue(budget?.targetBasisPoints ?? 1000)} error={field("targetBasisPoints")} />
            <TextField label={t("cofinancing.notes")} name="notes" defaultValue={budget?.notes ?? ""} error={field("notes")} />
            <div className="actions"><SubmitButton>{t("cofinancing.save")}</SubmitButton></div>
          </Form>
        </section>
      ) : (
        <p className="field-hint">{t("cofinancing.readOnly")}</p>
      )}

      {overview.byPartner.length === 0 ? (
        <p>{t("cofinancing.empty")}</p>
      ) : (
        <>
          <FiguresTable
            caption={t("cofinancing.byKind")}
            header={t("cofinancing.kind")}
            rows={overview.byKind.map((row) => ({ key: row.kind, label: t(`organisations.kinds.${row.kind}`), ...row }))}
            total={totals}
          />
          <FiguresTable
            caption={t("cofinancing.bySubregion")}
            header={t("cofinancing.subregion")}
            rows={overview.bySubregion.map((row) => ({ key: row.subregionId ?? "none", label: row.name ?? t("cofinancing.noSubregion"), ...row }))}
            total={totals}
          />
          <FiguresTable
            caption={t("cofinancing.byPartner")}
            header={t("cofinancing.partner")}
            rows={overview.byPartner.map((row) => ({ key: row.organisationId, label: row.name, to: commitmentsOf(row.organisationId), ...row }))}
            total={totals}
          />
        </>
      )}
    </div>
  );
}
