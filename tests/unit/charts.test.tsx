import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BarChart } from "../../app/components/charts/bar-chart";
import { LineChart } from "../../app/components/charts/line-chart";
import { CofinancingProgressChart, CofinancingYearChart, forecastSentence, progressSentence } from "../../app/components/cofinancing-charts";
import { formatPercentOf } from "../../i18n";

const months = ["2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06", "2027-07"];
const overview = {
  schoolYear: "2026-2027",
  budget: { schoolYear: "2026-2027", budgetCents: 140_000_000, targetBasisPoints: 1000, targetCents: 14_000_000, notes: null, version: 1, updatedAt: "2026-11-01T10:00:00.000Z" },
  totals: { pledgedCents: 15_680_000, agreedCents: 11_000_000, realisedCents: 3_700_000, targetCents: 14_000_000, commitments: 40, partners: 36 },
  months: months.map((month, i) => ({ month, pledgedCents: i < 4 ? 12_000_000 + i * 1_200_000 : null, realisedCents: i < 4 ? (i + 1) * 900_000 : null, forecastCents: i < 3 ? null : 3_600_000 + (i - 3) * 1_000_000 })),
};

describe("the charts", () => {
  it("draws the year's realised and pledged lines against the target, told apart without colour, with a table beside it and no style attribute", () => {
    const html = renderToStaticMarkup(<CofinancingYearChart overview={overview} locale="nl" />).replace(/\u00a0/g, " ");
    expect(html).toContain("<svg");
    expect(html).toContain('role="img"');
    expect(html).not.toMatch(/\sstyle=/);
    // Different dash patterns and marker shapes per line, each line and the target labelled directly.
    expect(html).toMatch(/<g class="chart-series chart-series-solid" data-series="realised"><path class="chart-line" d="M[^"]+"/);
    expect(html).toMatch(/<g class="chart-series chart-series-dashed" data-series="pledged">/);
    expect((html.match(/<circle class="chart-marker"/g) ?? []).length).toBe(4 + 1);
    expect((html.match(/<rect class="chart-marker"/g) ?? []).length).toBe(4 + 1);
    // The forecast continues from November to July, dotted with triangles.
    expect(html).toMatch(/<g class="chart-series chart-series-dotted" data-series="forecast">/);
    expect((html.match(/<path class="chart-marker"/g) ?? []).length).toBe(9 + 1);
    expect(html).toContain('data-series="reference"');
    for (const label of ["Gerealiseerd", "Toegezegd", "Prognose", "Doel"]) expect(html).toMatch(new RegExp(`<text class="chart-line-label[^"]*"[^>]*>${label}</text>`));
    // The line stops at the last month that has begun: four points, three segments.
    const realised = /data-series="realised"><path class="chart-line" d="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(realised.split("L")).toHaveLength(4);
    const table = /<details class="chart-data">([\s\S]*?)<\/details>/.exec(html)?.[1] ?? "";
    expect(table).toContain("<th scope=\"row\">oktober 2026</th><td class=\"cell-money\">€ 27.000,00</td><td class=\"cell-money\">€ 144.000,00</td><td class=\"cell-money\">—</td><td class=\"cell-money\">€ 140.000,00</td>");
    expect(table).toContain("<th scope=\"row\">juli 2027</th><td class=\"cell-money\">—</td><td class=\"cell-money\">—</td><td class=\"cell-money\">€ 116.000,00</td>");
    expect(table).toContain("<th scope=\"row\">december 2026</th><td class=\"cell-money\">—</td>");
  });

  it("draws the progress bars with their amounts on them (short enough for the margin), one hatched, and the target line; the table names each share's base", () => {
    const html = renderToStaticMarkup(<CofinancingProgressChart overview={overview} locale="nl" />).replace(/\u00a0/g, " ");
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).toMatch(/<g class="chart-bar chart-bar-outline" data-series="pledged">/);
    expect(html).toMatch(/<g class="chart-bar chart-bar-hatched" data-series="agreed">[^]*?fill="url\(#[^"]+-hatch\)"/);
    expect(html).toContain(">€ 37.000,00</text>");
    expect(html).toContain(">Doel € 140.000,00</text>");
    expect(html).not.toMatch(/<text[^>]*>[^<]*%[^<]*<\/text>/);
    expect(html).toContain("<details class=\"chart-data\">");
    expect(html).toContain("<th scope=\"row\">Afgesproken</th><td class=\"cell-money\">€ 110.000,00 · 78,6% van het doel</td>");
  });

  it("says the forecast in one sentence, in English too", () => {
    const forecast = { status: "projected" as const, projectedCents: 11_760_000, share: 0.084, onTrack: false, elapsedDays: 115, yearDays: 365 };
    expect(forecastSentence({ forecast, totals: overview.totals }, "nl").replace(/\u00a0/g, " ")).toBe("In dit tempo: 8,4% van de begroting op 31 juli (€ 117.600,00). Dat blijft € 22.400,00 onder het doel.");
    expect(forecastSentence({ forecast, totals: overview.totals }, "en").replace(/\u00a0/g, " ")).toBe("At this pace: 8.4% of the budget by 31 July (€117,600.00). That stays €22,400.00 below the target.");
    expect(forecastSentence({ forecast: { ...forecast, status: "no_realisations", projectedCents: null, share: null, onTrack: null }, totals: overview.totals }, "nl")).toBe("Nog niets gerealiseerd: er is nog geen tempo om door te trekken.");
  });

  it("says what is realised as a share of the target and of the budget, each with its base", () => {
    expect(progressSentence(overview, "nl")?.replace(/\u00a0/g, " ")).toBe("Gerealiseerd € 37.000,00: 26,4% van het doel (2,6% van de begroting).");
    expect(progressSentence(overview, "en")?.replace(/\u00a0/g, " ")).toBe("Realised €37,000.00: 26.4% of the target (2.6% of the budget).");
    expect(progressSentence({ ...overview, budget: null }, "nl")).toBeNull();
    expect(formatPercentOf(0.3, "target", "nl")).toBe("30,0% van het doel");
    expect(formatPercentOf(0.03, "budget", "nl")).toBe("3,0% van de begroting");
    expect(formatPercentOf(0.125, "budget", "en")).toBe("12.5% of the budget");
  });

  it("renders the generic charts with an empty series and no reference", () => {
    const line = renderToStaticMarkup(
      <LineChart title="T" description="D" categories={[{ key: "a", label: "a" }, { key: "b", label: "b" }]} series={[{ key: "s", label: "S", values: [null, null], variant: "dotted", marker: "triangle" }]}
        formatTick={String} formatValue={String} tableCaption="C" categoryHeader="H" tableSummary="Tabel" />,
    );
    expect(line).toContain('<path class="chart-line" d=""></path>');
    expect(line).not.toContain("chart-reference");
    const bars = renderToStaticMarkup(<BarChart title="T" description="D" bars={[{ key: "x", label: "X", value: 0, variant: "solid", valueLabel: "0" }]} tableCaption="C" tableSummary="Tabel" nameHeader="N" valueHeader="V" />);
    expect(bars).toContain('width="0"');
  });
});
