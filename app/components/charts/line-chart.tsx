import { scaleLinear, scalePoint } from "d3-scale";
import { line } from "d3-shape";
import { useId } from "react";

/*
 * A line chart as server-rendered SVG (docs/decisions/056-charts-with-d3-scale-and-d3-shape.md):
 * d3-scale places the points and d3-shape writes the paths; React renders plain elements with
 * presentation attributes and classes from app/styles.css, because our CSP forbids style
 * attributes. Readable without colour: each series has its own dash pattern and marker shape and
 * is labelled at its end, the reference line (a target) is labelled too, and the numbers are in a
 * table under the chart.
 */

export type LineVariant = "solid" | "dashed" | "dotted";
export type MarkerShape = "circle" | "square" | "triangle";

export type LineSeries = {
  key: string;
  label: string;
  /** One value per category; null where there is none (yet): the line stops there. */
  values: Array<number | null>;
  variant: LineVariant;
  marker: MarkerShape;
};

export type LineChartProps = {
  title: string;
  description: string;
  categories: Array<{ key: string; label: string; long?: string }>;
  series: LineSeries[];
  /** A level to reach, drawn as a labelled horizontal line. */
  reference?: { label: string; value: number } | undefined;
  formatTick: (value: number) => string;
  formatValue: (value: number) => string;
  tableCaption: string;
  categoryHeader: string;
  tableSummary: string;
};

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 14, right: 150, bottom: 28, left: 64 };
const LABEL_GAP = 14;
const round = (n: number) => Math.round(n * 10) / 10;

export function Marker({ shape, x, y, className }: { shape: MarkerShape; x: number; y: number; className?: string }) {
  if (shape === "square") return <rect className={className} x={round(x - 3.5)} y={round(y - 3.5)} width="7" height="7" />;
  if (shape === "triangle") return <path className={className} d={`M${round(x)},${round(y - 4.5)}L${round(x + 4.5)},${round(y + 3.5)}L${round(x - 4.5)},${round(y + 3.5)}Z`} />;
  return <circle className={className} cx={round(x)} cy={round(y)} r="3.5" />;
}

/** End labels pushed apart vertically so two lines ending close together stay readable. */
function spread<T extends { y: number }>(labels: T[], top: number, bottom: number): T[] {
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  for (let i = 1; i < sorted.length; i++) sorted[i]!.y = Math.max(sorted[i]!.y, sorted[i - 1]!.y + LABEL_GAP);
  const overflow = (sorted[sorted.length - 1]?.y ?? 0) - bottom;
  if (overflow > 0) for (const label of sorted) label.y = Math.max(top, label.y - overflow);
  return sorted;
}

export function LineChart({ title, description, categories, series, reference, formatTick, formatValue, tableCaption, categoryHeader, tableSummary }: LineChartProps) {
  const id = useId();
  const plotRight = WIDTH - MARGIN.right;
  const plotBottom = HEIGHT - MARGIN.bottom;
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, reference?.value ?? 0, ...values);
  const x = scalePoint<string>().domain(categories.map((c) => c.key)).range([MARGIN.left, plotRight]).padding(0.3);
  const y = scaleLinear().domain([0, max]).nice(4).range([plotBottom, MARGIN.top]);
  const ticks = y.ticks(4);
  const at = (i: number) => x(categories[i]!.key) ?? MARGIN.left;
  const path = line<number | null>()
    .defined((v) => v !== null)
    .x((_, i) => round(at(i)))
    .y((v) => round(y(v ?? 0)));

  const ends = spread(
    [
      ...series.flatMap((s) => {
        const last = s.values.reduce<number>((found, v, i) => (v === null ? found : i), -1);
        return last < 0 ? [] : [{ key: s.key, text: s.label, className: `chart-line-label chart-series-${s.variant}`, y: y(s.values[last]!), x: at(last) + 8 }];
      }),
      ...(reference ? [{ key: "reference", text: reference.label, className: "chart-line-label chart-reference-label", y: y(reference.value), x: plotRight + 8 }] : []),
    ],
    MARGIN.top,
    plotBottom,
  );

  return (
    <figure className="chart-figure">
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <desc id={`${id}-desc`}>{description}</desc>
        <g className="chart-grid" aria-hidden="true">
          {ticks.map((tick) => (
            <g key={tick}>
              <line x1={MARGIN.left} x2={plotRight} y1={round(y(tick))} y2={round(y(tick))} />
              <text className="chart-label" x={MARGIN.left - 6} y={round(y(tick))} dy="0.32em" textAnchor="end">{formatTick(tick)}</text>
            </g>
          ))}
        </g>
        <g className="chart-axis" aria-hidden="true">
          <line x1={MARGIN.left} x2={plotRight} y1={plotBottom} y2={plotBottom} />
          {categories.map((category) => (
            <text key={category.key} className="chart-label" x={round(x(category.key) ?? 0)} y={HEIGHT - 8} textAnchor="middle">{category.label}</text>
          ))}
        </g>
        {reference ? (
          <line className="chart-reference" data-series="reference" x1={MARGIN.left} x2={plotRight} y1={round(y(reference.value))} y2={round(y(reference.value))} />
        ) : null}
        {series.map((s) => (
          <g key={s.key} className={`chart-series chart-series-${s.variant}`} data-series={s.key}>
            <path className="chart-line" d={path(s.values) ?? ""} />
            {s.values.map((v, i) => (v === null ? null : <Marker key={categories[i]!.key} shape={s.marker} x={at(i)} y={y(v)} className="chart-marker" />))}
          </g>
        ))}
        <g aria-hidden="true">
          {ends.map((label) => (
            <text key={label.key} className={label.className} x={round(label.x)} y={round(label.y)} dy="0.32em">{label.text}</text>
          ))}
        </g>
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.key}>
            <svg className={`chart-swatch chart-series chart-series-${s.variant}`} viewBox="0 0 28 12" width="28" height="12" focusable="false">
              <line className="chart-line" x1="1" x2="27" y1="6" y2="6" />
              <Marker shape={s.marker} x={14} y={6} className="chart-marker" />
            </svg>
            {s.label}
          </li>
        ))}
        {reference ? (
          <li>
            <svg className="chart-swatch" viewBox="0 0 28 12" width="28" height="12" focusable="false"><line className="chart-reference" x1="1" x2="27" y1="6" y2="6" /></svg>
            {reference.label}
          </li>
        ) : null}
      </ul>
      <details className="chart-data">
        <summary>{tableSummary}</summary>
        <table>
          <caption>{tableCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{categoryHeader}</th>
              {series.map((s) => <th key={s.key} scope="col" className="cell-money">{s.label}</th>)}
              {reference ? <th scope="col" className="cell-money">{reference.label}</th> : null}
            </tr>
          </thead>
          <tbody>
            {categories.map((category, i) => (
              <tr key={category.key}>
                <th scope="row">{category.long ?? category.label}</th>
                {series.map((s) => <td key={s.key} className="cell-money">{s.values[i] === null || s.values[i] === undefined ? "—" : formatValue(s.values[i]!)}</td>)}
                {reference ? <td className="cell-money">{formatValue(reference.value)}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
