import { useId } from "react";
import type { HealthState } from "../../db/schema";
import { type Locale, translator } from "../../i18n";
import { formatDay } from "../utils/i18n";
import { dateFormat } from "../../i18n/intl";

/*
 * Plain SVG on purpose (docs/decisions/030-health-chart-as-plain-svg.md): our CSP forbids style
 * attributes, so every colour comes from a class in app/styles.css and every position from a
 * presentation attribute. Locale is a prop rather than useT() so the charts render outside a
 * Remix route too (tests, e-mails).
 */

export type HealthTrendRow = { day: string; healthy: number; watch: number; cooling: number; cold: number };
export type HealthHistoryRow = { changedOn: string; state: HealthState };

/** Legend and reading order, best first. */
const STATES: HealthState[] = ["healthy", "watch", "cooling", "cold"];
/** Drawing order, from the baseline up: the cold relationships sit on the axis, where growth is easiest to read. */
const STACK: HealthState[] = ["cold", "cooling", "watch", "healthy"];

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 40 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

const DAY_MS = 86_400_000;

/** A calendar day as a whole number of days, so ranges are plain subtraction (no time zones). */
function dayNumber(day: string): number {
  const [y = 0, m = 1, d = 1] = day.split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function dayString(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** First days of the months from `from` up to `to`, for the ticks along the x axis. */
function monthStarts(from: string, to: string): string[] {
  const months: string[] = [];
  let [y = 0, m = 1] = from.split("-").map(Number);
  if (!from.endsWith("-01")) m += 1;
  for (;;) {
    if (m > 12) {
      m = 1;
      y += 1;
    }
    const day = `${y}-${String(m).padStart(2, "0")}-01`;
    if (day > to) return months;
    months.push(day);
    m += 1;
  }
}

function monthLabel(day: string, locale: Locale): string {
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { month: "short", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

/** A round upper bound for the y axis with three or four gridlines below it. */
function niceCeiling(max: number): { top: number; step: number } {
  if (max <= 4) return { top: Math.max(max, 1), step: 1 };
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  return { top: Math.ceil(max / step) * step, step };
}

const total = (row: HealthTrendRow) => row.healthy + row.watch + row.cooling + row.cold;
const round = (n: number) => Math.round(n * 10) / 10;

type Span = { start: number; end: number; row: HealthTrendRow };

/**
 * Each known row holds until the next recompute: counts do not change between recomputes, so
 * carrying the last row forward is what the region actually looked like on a missing day. The last
 * row covers its own day only, so the chart ends at the last day we know.
 */
function spansOf(rows: HealthTrendRow[], from: string, to: string): Span[] {
  const known = rows.filter((row) => row.day >= from && row.day <= to).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return known.map((row, i) => {
    const next = known[i + 1];
    return { start: dayNumber(row.day), end: next ? dayNumber(next.day) : dayNumber(row.day) + 1, row };
  });
}

/**
 * The outline of one state's band as a step area: along the top of the band from left to right,
 * then back along its bottom (the states stacked under it).
 */
function bandPath(spans: Span[], state: HealthState, x: (day: number) => number, y: (count: number) => number): string {
  const below = STACK.slice(0, STACK.indexOf(state));
  const lower = (row: HealthTrendRow) => below.reduce((sum, s) => sum + row[s], 0);
  const upper = (row: HealthTrendRow) => lower(row) + row[state];
  const top = spans.flatMap((span) => [`${round(x(span.start))},${round(y(upper(span.row)))}`, `${round(x(span.end))},${round(y(upper(span.row)))}`]);
  const bottom = [...spans].reverse().flatMap((span) => [`${round(x(span.end))},${round(y(lower(span.row)))}`, `${round(x(span.start))},${round(y(lower(span.row)))}`]);
  // A level stretch across two recomputes repeats a corner; drop the repeats to keep the path short.
  const points = [...top, ...bottom].filter((point, i, all) => point !== all[i - 1]);
  return `M${points.join("L")}Z`;
}

function Legend({ locale }: { locale: Locale }) {
  const t = translator(locale);
  return (
    <ul className="chart-legend">
      {STATES.map((state) => (
        <li key={state}>
          <svg className="chart-swatch" viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false">
            <rect className={`chart-${state}`} width="12" height="12" rx="2" />
          </svg>
          {t(`health.states.${state}`)}
        </li>
      ))}
    </ul>
  );
}

/**
 * The region's relationships by health over the school year (`from`–`to`, usually 1 August to 31
 * July), stacked, from the daily counts of `regionHealthTrend`. Days without a recompute carry the
 * day before forward. Screen readers get the last known counts of each month as a table.
 */
export function HealthTrendChart({ rows, from, to, locale, title }: { rows: HealthTrendRow[]; from: string; to: string; locale: Locale; title?: string }) {
  const t = translator(locale);
  const caption = title ?? t("healthChart.title");
  const id = useId();
  const spans = spansOf(rows, from, to);
  const last = spans[spans.length - 1];
  if (!last) {
    return (
      <figure className="health-chart">
        <figcaption>{caption}</figcaption>
        <p className="chart-empty">{t("healthChart.empty")}</p>
      </figure>
    );
  }

  const start = dayNumber(from);
  const days = dayNumber(to) + 1 - start;
  const { top, step } = niceCeiling(Math.max(...spans.map((span) => total(span.row))));
  const x = (day: number) => MARGIN.left + ((day - start) / days) * PLOT_W;
  const y = (count: number) => MARGIN.top + PLOT_H - (count / top) * PLOT_H;
  const gridlines = Array.from({ length: Math.floor(top / step) + 1 }, (_, i) => i * step);
  const months = monthStarts(from, to);
  const counts = (row: HealthTrendRow) => STATES.map((state) => `${row[state]} ${t(`health.states.${state}`).toLowerCase()}`).join(", ");
  // The last known row of each month: the table a screen reader gets instead of the picture.
  const monthly = months
    .map((month, i) => {
      const end = months[i + 1] ?? dayString(dayNumber(to) + 1);
      const inMonth = spans.filter((span) => dayString(span.start) >= month && dayString(span.start) < end);
      return inMonth[inMonth.length - 1]?.row;
    })
    .filter((row): row is HealthTrendRow => Boolean(row));

  return (
    <figure className="health-chart">
      <figcaption id={`${id}-title`}>{caption}</figcaption>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <desc id={`${id}-desc`}>{t("healthChart.description", { date: formatDay(last.row.day, locale), counts: counts(last.row) })}</desc>
        <g className="chart-grid" aria-hidden="true">
          {gridlines.map((value) => (
            <g key={value}>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={round(y(value))} y2={round(y(value))} />
              <text className="chart-label" x={MARGIN.left - 6} y={round(y(value))} dy="0.32em" textAnchor="end">{value}</text>
            </g>
          ))}
        </g>
        <g className="chart-bands">
          {STACK.map((state) => (
            <path key={state} className={`chart-area chart-${state}`} data-state={state} d={bandPath(spans, state, x, y)} />
          ))}
        </g>
        <g className="chart-axis" aria-hidden="true">
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={MARGIN.top + PLOT_H} y2={MARGIN.top + PLOT_H} />
          {months.map((month) => (
            <g key={month}>
              <line x1={round(x(dayNumber(month)))} x2={round(x(dayNumber(month)))} y1={MARGIN.top + PLOT_H} y2={MARGIN.top + PLOT_H + 5} />
              <text className="chart-label" x={round(x(dayNumber(month)) + 3)} y={HEIGHT - 8}>{monthLabel(month, locale)}</text>
            </g>
          ))}
        </g>
      </svg>
      <Legend locale={locale} />
      {/* A table sizes itself to its content whatever its width says: the hiding is on a box around it. */}
      <div className="visually-hidden">
        <table>
          <caption>{t("healthChart.tableCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("healthChart.date")}</th>
              {STATES.map((state) => <th key={state} scope="col">{t(`health.states.${state}`)}</th>)}
            </tr>
          </thead>
          <tbody>
            {monthly.map((row) => (
              <tr key={row.day}>
                <th scope="row">{formatDay(row.day, locale)}</th>
                {STATES.map((state) => <td key={state}>{row[state]}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/**
 * One organisation's health over time as a coloured strip, from its state changes
 * (`organisationHealthHistory`, oldest first) between `from` and `to` (usually today). The state
 * in force on `from` is the last change before it; before the first change nothing is known and
 * the strip stays empty there.
 */
export function HealthHistoryStrip({ history, from, to, locale }: { history: HealthHistoryRow[]; from: string; to: string; locale: Locale }) {
  const t = translator(locale);
  const sorted = [...history].sort((a, b) => (a.changedOn < b.changedOn ? -1 : a.changedOn > b.changedOn ? 1 : 0));
  const start = dayNumber(from);
  const end = dayNumber(to) + 1;
  const segments = sorted
    .map((change, i) => {
      const next = sorted[i + 1];
      return { state: change.state, start: Math.max(dayNumber(change.changedOn), start), end: Math.min(next ? dayNumber(next.changedOn) : end, end) };
    })
    .filter((segment) => segment.end > segment.start);
  if (!segments.length) return <p className="chart-empty">{t("healthChart.empty")}</p>;

  const width = 240;
  const height = 12;
  const x = (day: number) => round(((day - start) / (end - start)) * width);
  return (
    <div className="health-strip">
      <svg className="chart-strip" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        {segments.map((segment) => (
          <rect key={segment.start} className={`chart-${segment.state}`} data-state={segment.state} x={x(segment.start)} y="0" width={round(x(segment.end) - x(segment.start))} height={height} />
        ))}
      </svg>
      <ol className="visually-hidden" aria-label={t("healthChart.historyLabel")}>
        {segments.map((segment) => (
          <li key={segment.start}>{t("healthChart.since", { date: formatDay(dayString(segment.start), locale), state: t(`health.states.${segment.state}`) })}</li>
        ))}
      </ol>
    </div>
  );
}
