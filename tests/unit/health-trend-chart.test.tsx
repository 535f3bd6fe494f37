import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { HealthHistoryStrip, HealthTrendChart, type HealthTrendRow } from "../../app/components/health-trend-chart";

const YEAR = { from: "2026-08-01", to: "2027-07-31" };

const rows: HealthTrendRow[] = [
  { day: "2026-08-03", healthy: 30, watch: 5, cooling: 3, cold: 2 },
  { day: "2026-08-10", healthy: 28, watch: 6, cooling: 4, cold: 2 },
  // September is missing: the August row holds until the next recompute.
  { day: "2026-10-05", healthy: 25, watch: 6, cooling: 5, cold: 4 },
  { day: "2026-11-23", healthy: 27, watch: 4, cooling: 5, cold: 6 },
];

const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

describe("the health trend chart", () => {
  it("draws one band per state with the Dutch legend, month ticks from August to July and a table for screen readers", () => {
    const html = renderToStaticMarkup(<HealthTrendChart rows={rows} {...YEAR} locale="nl" />);

    for (const state of ["healthy", "watch", "cooling", "cold"]) {
      expect(count(html, new RegExp(`<path class="chart-area chart-${state}"`, "g"))).toBe(1);
    }
    for (const label of ["Gezond", "Let op", "Koelt af", "Koud"]) expect(html).toContain(`</svg>${label}</li>`);
    const months = [...html.matchAll(/<text class="chart-label" x="[^"]+" y="[^"]+">([^<]+)<\/text>/g)].map((match) => match[1]);
    expect(months).toEqual(["aug", "sep", "okt", "nov", "dec", "jan", "feb", "mrt", "apr", "mei", "jun", "jul"]);

    expect(html).toContain('role="img"');
    expect(html).toContain("<figcaption");
    expect(html).toContain("Op 23 nov 2026: 27 gezond, 4 let op, 5 koelt af, 6 koud.");
    // One row per month with data, its last known counts: August, October and November.
    const table = /<div class="visually-hidden"><table>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? "";
    expect([...table.matchAll(/<th scope="row">([^<]+)<\/th>/g)].map((match) => match[1])).toEqual(["10 aug 2026", "5 okt 2026", "23 nov 2026"]);
    expect(table).toContain("<td>28</td><td>6</td><td>4</td><td>2</td>");
  });

  it("carries the last known day forward: the band stays level over the missing weeks", () => {
    const html = renderToStaticMarkup(<HealthTrendChart rows={rows.slice(1, 3)} {...YEAR} locale="nl" />);
    const cold = /<path class="chart-area chart-cold" data-state="cold" d="M([^"]+)Z"/.exec(html)?.[1] ?? "";
    const points = cold.split("L").map((point) => point.split(",").map(Number));
    // Top edge: 10 Aug to 5 Oct at the height of 2, then 5 Oct to 6 Oct at the height of 4.
    const [a, b, c, d] = points as [number[], number[], number[], number[]];
    expect(a[1]).toBe(b[1]);
    expect(c[1]).toBe(d[1]);
    expect(b[0]).toBe(c[0]);
    expect(c[1]).toBeLessThan(b[1]!);
  });

  it("has no style attributes, which our content security policy would block", () => {
    const html = renderToStaticMarkup(<HealthTrendChart rows={rows} {...YEAR} locale="nl" />) +
      renderToStaticMarkup(<HealthHistoryStrip history={[{ changedOn: "2026-09-01", state: "cold" }]} from="2026-08-01" to="2026-11-23" locale="nl" />);
    expect(html).not.toMatch(/\sstyle=/);
  });

  it("says there is no data yet when the school year has no counts", () => {
    expect(renderToStaticMarkup(<HealthTrendChart rows={[]} {...YEAR} locale="nl" />)).toContain("Nog geen gegevens.");
    // Counts from another school year are not this year's data.
    const other = renderToStaticMarkup(<HealthTrendChart rows={[{ day: "2025-11-01", healthy: 1, watch: 0, cooling: 0, cold: 0 }]} {...YEAR} locale="nl" />);
    expect(other).toContain("Nog geen gegevens.");
    expect(other).not.toContain("<svg");
  });

  it("speaks English to an English reader", () => {
    const html = renderToStaticMarkup(<HealthTrendChart rows={rows} {...YEAR} locale="en" />);
    for (const label of ["Healthy", "Watch", "Cooling", "Cold"]) expect(html).toContain(`</svg>${label}</li>`);
    expect(renderToStaticMarkup(<HealthTrendChart rows={[]} {...YEAR} locale="en" />)).toContain("No data yet.");
  });
});

describe("the health history strip", () => {
  const history = [
    { changedOn: "2026-05-01", state: "healthy" as const },
    { changedOn: "2026-09-14", state: "watch" as const },
    { changedOn: "2026-10-01", state: "cooling" as const },
    { changedOn: "2026-11-02", state: "cold" as const },
  ];

  it("colours each period by its state, starting with the state in force on the first day", () => {
    const html = renderToStaticMarkup(<HealthHistoryStrip history={history} from="2026-08-01" to="2026-11-23" locale="nl" />);
    const rects = [...html.matchAll(/<rect class="chart-(\w+)" data-state="\w+" x="([\d.]+)" y="0" width="([\d.]+)"/g)];
    expect(rects.map((match) => match[1])).toEqual(["healthy", "watch", "cooling", "cold"]);
    expect(rects[0]?.[2]).toBe("0");
    // The periods cover the strip without gaps, up to its full width.
    const last = rects[rects.length - 1]!;
    expect(Number(last[2]) + Number(last[3])).toBeCloseTo(240, 0);
    expect(html).toContain("Vanaf 1 aug 2026: Gezond");
    expect(html).toContain("Vanaf 2 nov 2026: Koud");
  });

  it("says there is no data yet without any state change", () => {
    const html = renderToStaticMarkup(<HealthHistoryStrip history={[]} from="2026-08-01" to="2026-11-23" locale="nl" />);
    expect(html).toContain("Nog geen gegevens.");
    expect(html).not.toContain("<svg");
  });
});
