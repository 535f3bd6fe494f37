import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, loadDemo } from "../../db/seed/demo";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { TEST_NOW } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("the penvoerder following the co-financing against the target, on the demo region", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  const blocked: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
    await loadDemo(server.db, { now: TEST_NOW, appUrl: server.url });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) blocked.push(`${new URL(page.url()).pathname}: ${message.text()}`);
    });
    await signIn(page, "penvoerder@sto-twente.demo", DEMO_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Gert-Jan Oude Luttikhuis" }).waitFor();
  });
  afterEach(async () => {
    await context?.close();
  });

  it("sees this year behind at its pace on the dashboard, opens the page, compares last year and corrects the budget", async () => {
    await page.getByRole("img", { name: /Cofinanciering 2026-2027 tegen het doel/ }).waitFor();
    expect(await page.getByTestId("cofinancing-forecast").textContent()).toMatch(/^In dit tempo: 8,4% van de begroting op 31 juli .* onder het doel\.$/);
    await page.getByRole("link", { name: "Naar cofinanciering tegen het doel" }).click();
    await page.getByRole("heading", { name: "Cofinanciering 2026-2027" }).waitFor();
    await page.getByRole("img", { name: /Gerealiseerd, toegezegd en de prognose door het schooljaar/ }).waitFor();
    await page.getByText("Toon de cijfers als tabel").first().click();
    await page.getByRole("cell", { name: "augustus 2026" }).or(page.getByRole("rowheader", { name: "augustus 2026" })).first().waitFor();

    await page.getByRole("navigation", { name: "Schooljaar kiezen" }).getByRole("link", { name: "2025-2026" }).click();
    await page.getByRole("heading", { name: "Cofinanciering 2025-2026" }).waitFor();
    expect(await page.getByTestId("cofinancing-forecast").textContent()).toMatch(/^Het schooljaar is afgelopen: 10,6% van de begroting gerealiseerd\. Dat haalt het doel\.$/);

    await page.getByLabel("Cofinancieringsdoel (% van de begroting)").fill("10,125");
    await page.getByRole("button", { name: "Begroting opslaan" }).click();
    await page.getByText("Vul een percentage van 0 tot 100 in, met hoogstens 2 decimalen, zoals 10 of 7,5.").waitFor();
    await page.getByLabel("Cofinancieringsdoel (% van de begroting)").fill("12");
    await page.getByRole("button", { name: "Begroting opslaan" }).click();
    await page.getByText("De begroting en het doel zijn opgeslagen.").waitFor();
    expect(await page.getByTestId("cofinancing-forecast").textContent()).toMatch(/onder het doel\.$/);

    // The partner rows lead to that partner's commitments of the year.
    await page.getByRole("table", { name: "Per partner" }).getByRole("link", { name: "Hulshof Installatietechniek" }).click();
    await page.getByRole("heading", { name: "Cofinanciering", exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get("schoolYear")).toBe("2025-2026");
    await page.goto("/cofinancing/2024-2025");
    await page.getByRole("heading", { name: "Cofinanciering 2024-2025" }).waitFor();
    expect(blocked).toEqual([]);
  });

  it("says on the dashboard and in Cijfers which base a percentage has, and the bars' amounts fit the chart", async () => {
    const progress = (await page.getByTestId("cofinancing-progress").textContent())!.replace(/\u00a0/g, " ");
    const [, ofTarget] = /: (\d+,\d)% van het doel \(\d+,\d% van de begroting\)\.$/.exec(progress) ?? [];
    expect(ofTarget, progress).toBeTruthy();
    // Each value at a bar's end lies within the drawing, not cut off at its right edge.
    const chart = page.getByRole("img", { name: /Cofinanciering 2026-2027 tegen het doel/ });
    const box = (await chart.boundingBox())!;
    for (const label of await chart.locator("text.chart-bar-value").all()) {
      const text = (await label.boundingBox())!;
      expect(text.x + text.width, await label.textContent() ?? "").toBeLessThanOrEqual(box.x + box.width);
      expect(await label.textContent()).not.toContain("%");
    }
    await page.goto("/reports/2026-2027");
    await page.getByText(new RegExp(`${ofTarget!.replace(",", "\\,")}% van het doel gerealiseerd`)).waitFor();
  });
});
