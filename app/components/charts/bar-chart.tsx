import { scaleBand, scaleLinear } from "d3-scale";
import { useId } from "react";

/*
 * Horizontal bars as server-rendered SVG (docs/decisions/056-charts-with-d3-scale-and-d3-shape.md):
 * d3-scale lays them out, React draws them with classes (no style attributes under our CSP).
 * Readable without colour: every bar carries its name on the left and its value at its end, the
 * fills differ in pattern (solid, hatched, outlined), and a reference line (a target) is labelled.
 */

export type BarVariant = "solid" | "hatched" | "outline";
/** `chartLabel`, when given, is the shorter text at the bar's end (it must fit the right margin); the table shows `valueLabel`. */
export type Bar = { key: string; label: string; value: number; variant: BarVariant; valueLabel: string; chartLabel?: string };

export type BarChartProps = {
  title: string;
  description: string;
  bars: Bar[];
  reference?: { label: string; value: number; valueLabel: string } | undefined;
  tableCaption: string;
  tableSummary: string;
  nameHeader: string;
  valueHeader: string;
};

const WIDTH = 560;
const BAR_HEIGHT = 26;
const MARGIN = { top: 22, right: 130, bottom: 8, left: 110 };
const round = (n: number) => Math.round(n * 10) / 10;

export function BarChart({ title, description, bars, reference, tableCaption, tableSummary, nameHeader, valueHeader }: BarChartProps) {
  const id = useId();
  const height = MARGIN.top + bars.length * (BAR_HEIGHT + 8) + MARGIN.bottom;
  const max = Math.max(1, reference?.value ?? 0, ...bars.map((bar) => bar.value));
  const x = scaleLinear().domain([0, max]).range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleBand<string>().domain(bars.map((bar) => bar.key)).range([MARGIN.top, height - MARGIN.bottom]).paddingInner(0.25);
  const hatch = `${id}-hatch`.replace(/:/g, "");
  const widthOf = (bar: Bar) => Math.max(0, x(bar.value) - MARGIN.left);
  const middle = (bar: Bar) => round((y(bar.key) ?? 0) + y.bandwidth() / 2);
  return (
    <figure className="chart-figure">
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg className="chart chart-bars" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <desc id={`${id}-desc`}>{description}</desc>
        <defs>
          <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect className="chart-hatch-ground" width="6" height="6" />
            <line className="chart-hatch-line" x1="0" y1="0" x2="0" y2="6" />
          </pattern>
        </defs>
        {bars.map((bar) => (
          <g key={bar.key} className={`chart-bar chart-bar-${bar.variant}`} data-series={bar.key}>
            <text className="chart-label chart-bar-name" x={MARGIN.left - 8} y={middle(bar)} dy="0.32em" textAnchor="end">{bar.label}</text>
            <rect x={MARGIN.left} y={round(y(bar.key) ?? 0)} width={round(widthOf(bar))} height={round(y.bandwidth())} {...(bar.variant === "hatched" ? { fill: `url(#${hatch})` } : {})} />
          </g>
        ))}
        {reference ? (
          <g aria-hidden="true">
            <line className="chart-reference" data-series="reference" x1={round(x(reference.value))} x2={round(x(reference.value))} y1={MARGIN.top - 6} y2={height - MARGIN.bottom} />
            <text className="chart-line-label chart-reference-label" x={round(x(reference.value))} y={MARGIN.top - 10} textAnchor="middle">{`${reference.label} ${reference.valueLabel}`}</text>
          </g>
        ) : null}
        {/* The values last, over the target line, with a halo (styles.css) so the line never cuts through them. */}
        {bars.map((bar) => (
          <text key={bar.key} className="chart-label chart-bar-value" x={round(MARGIN.left + widthOf(bar) + 6)} y={middle(bar)} dy="0.32em">{bar.chartLabel ?? bar.valueLabel}</text>
        ))}
      </svg>
      <details className="chart-data">
        <summary>{tableSummary}</summary>
        <table>
          <caption>{tableCaption}</caption>
          <thead>
            <tr><th scope="col">{nameHeader}</th><th scope="col" className="cell-money">{valueHeader}</th></tr>
          </thead>
          <tbody>
            {bars.map((bar) => <tr key={bar.key}><th scope="row">{bar.label}</th><td className="cell-money">{bar.valueLabel}</td></tr>)}
            {reference ? <tr><th scope="row">{reference.label}</th><td className="cell-money">{reference.valueLabel}</td></tr> : null}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
