import type { CofinancingOverview } from "../../server/domains/cofinancing/cofinancing.service";
import { formatEuros } from "../../server/domains/commitments/commitments.amounts";
import { formatPercentOf, type Locale, translator } from "../../i18n";
import { BarChart } from "./charts/bar-chart";
import { LineChart } from "./charts/line-chart";
import { dateFormat, numberFormat } from "../../i18n/intl";

// Locale is a prop rather than useT(), as in health-trend-chart.tsx, so these render in unit tests too.

type Overview = Pick<CofinancingOverview, "schoolYear" | "months" | "totals" | "budget">;

/** The forecast as one sentence ("In dit tempo: 8,4% op 31 juli (€ 117.600,00). Dat blijft … onder het doel."). */
export function forecastSentence({ forecast, totals }: Pick<CofinancingOverview, "forecast" | "totals">, locale: Locale): string {
  const t = translator(locale);
  const euros = (cents: number) => formatEuros(cents, locale);
  const projected = forecast.projectedCents ?? 0;
  const text = (() => {
    switch (forecast.status) {
      case "not_started": return t("cofinancing.forecast.notStarted");
      case "no_realisations": return t("cofinancing.forecast.noRealisations");
      case "finished":
        return forecast.share === null ? t("cofinancing.forecast.finishedNoBudget", { amount: euros(projected) }) : t("cofinancing.forecast.finished", { percent: formatPercentOf(forecast.share, "budget", locale) });
      default:
        return forecast.share === null
          ? t("cofinancing.forecast.projectedNoBudget", { amount: euros(projected) })
          : t("cofinancing.forecast.projected", { percent: formatPercentOf(forecast.share, "budget", locale), amount: euros(projected) });
    }
  })();
  if (forecast.onTrack === null || totals.targetCents === null) return text;
  return `${text} ${forecast.onTrack ? t("cofinancing.forecast.onTrack") : t("cofinancing.forecast.behind", { amount: euros(totals.targetCents - projected) })}`;
}

const NUMBER_LOCALE = { nl: "nl-NL", en: "en-IE" } as const;

function monthLabel(month: string, locale: Locale, style: "short" | "long") {
  const options: Intl.DateTimeFormatOptions = style === "short" ? { month: "short", timeZone: "UTC" } : { month: "long", year: "numeric", timeZone: "UTC" };
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", options).format(new Date(`${month}-15T12:00:00Z`));
}

/** Whole euros in short form for the axis: "€ 50K", "€ 1 mln.". */
function compactEuros(cents: number, locale: Locale) {
  return numberFormat(NUMBER_LOCALE[locale], { style: "currency", currency: "EUR", notation: "compact", minimumFractionDigits: 0, maximumFractionDigits: 1 }).format(cents / 100);
}

/** Cumulative realised (solid, circles), pledged (dashed, squares) and the forecast (dotted, triangles) per month against the target line. */
export function CofinancingYearChart({ overview, locale }: { overview: Overview; locale: Locale }) {
  const t = translator(locale);
  const euros = (cents: number) => formatEuros(cents, locale);
  const target = overview.totals.targetCents;
  return (
    <LineChart
      title={t("cofinancing.chartTitle")}
      description={t("cofinancing.chartDescription", {
        realised: euros(overview.totals.realisedCents), pledged: euros(overview.totals.pledgedCents), target: target === null ? "—" : euros(target),
      })}
      categories={overview.months.map((m) => ({ key: m.month, label: monthLabel(m.month, locale, "short"), long: monthLabel(m.month, locale, "long") }))}
      series={[
        { key: "realised", label: t("cofinancing.realised"), values: overview.months.map((m) => m.realisedCents), variant: "solid", marker: "circle" },
        { key: "pledged", label: t("cofinancing.pledged"), values: overview.months.map((m) => m.pledgedCents), variant: "dashed", marker: "square" },
        ...(overview.months.some((m) => m.forecastCents !== null)
          ? [{ key: "forecast", label: t("cofinancing.forecastTitle"), values: overview.months.map((m) => m.forecastCents), variant: "dotted" as const, marker: "triangle" as const }]
          : []),
      ]}
      reference={target === null ? undefined : { label: t("cofinancing.targetLabel"), value: target }}
      formatTick={(cents) => compactEuros(cents, locale)}
      formatValue={euros}
      tableCaption={t("cofinancing.chartTitle")}
      tableSummary={t("charts.showTable")}
      categoryHeader={t("cofinancing.month")}
    />
  );
}

/**
 * What is realised as a share of both bases, each named: "Gerealiseerd € 5.980,00: 30,0% van het doel
 * (3,0% van de begroting)." Null without a budget and target to measure against.
 */
export function progressSentence({ totals, budget }: Pick<CofinancingOverview, "totals" | "budget">, locale: Locale): string | null {
  if (!budget || budget.budgetCents <= 0 || !totals.targetCents) return null;
  return translator(locale)("cofinancing.progressSummary", {
    realised: formatEuros(totals.realisedCents, locale),
    ofTarget: formatPercentOf(totals.realisedCents / totals.targetCents, "target", locale),
    ofBudget: formatPercentOf(totals.realisedCents / budget.budgetCents, "budget", locale),
  });
}

/** Pledged, agreed and realised as bars against the target: the dashboard's progress at a glance. */
export function CofinancingProgressChart({ overview, locale }: { overview: Overview; locale: Locale }) {
  const t = translator(locale);
  const { totals } = overview;
  const target = totals.targetCents;
  // The bars carry the amount only (a percentage at a bar's end was clipped); the table names each share's base.
  const label = (cents: number) => (target ? `${formatEuros(cents, locale)} · ${formatPercentOf(cents / target, "target", locale)}` : formatEuros(cents, locale));
  return (
    <BarChart
      title={t("cofinancing.progressTitle", { schoolYear: overview.schoolYear })}
      description={t("cofinancing.progressDescription", {
        pledged: label(totals.pledgedCents), agreed: label(totals.agreedCents), realised: label(totals.realisedCents), target: target === null ? "—" : label(target),
      })}
      bars={[
        { key: "pledged", label: t("cofinancing.pledged"), value: totals.pledgedCents, variant: "outline", valueLabel: label(totals.pledgedCents), chartLabel: formatEuros(totals.pledgedCents, locale) },
        { key: "agreed", label: t("cofinancing.agreed"), value: totals.agreedCents, variant: "hatched", valueLabel: label(totals.agreedCents), chartLabel: formatEuros(totals.agreedCents, locale) },
        { key: "realised", label: t("cofinancing.realised"), value: totals.realisedCents, variant: "solid", valueLabel: label(totals.realisedCents), chartLabel: formatEuros(totals.realisedCents, locale) },
      ]}
      reference={target === null ? undefined : { label: t("cofinancing.targetLabel"), value: target, valueLabel: formatEuros(target, locale) }}
      tableCaption={t("cofinancing.progressTitle", { schoolYear: overview.schoolYear })}
      tableSummary={t("charts.showTable")}
      nameHeader={t("cofinancing.figure")}
      valueHeader={t("commitments.amount")}
    />
  );
}
