import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import type { Tx } from "../../server/db/database";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { startNewJob } from "../../server/domains/people/people.jobs";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { openMenuEntry, signIn } from "./journeys";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/**
 * Monday 23 November 2026: Fatima last visited Hulshof on 20 June (cadence 120 days, the region's
 * holidays as shipped), and Jan de Vries left her partner Sjöberg for a company not in Schakel.
 */
describe("seeing a relationship cool before it does, and following a contact who moved", () => {
  const now = new Date("2026-11-23T10:00:00Z");
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let fatima: Awaited<ReturnType<typeof makeUser>>;
  let axeSource: string;

  const axe = async () => {
    await page.evaluate(axeSource);
    return page.evaluate(async () => {
      type Result = { violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> };
      const result = await (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe.run(document, { resultTypes: ["violations"] });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => String(n.target)).join(" | ")}`);
    });
  };
  /** axe finds nothing at either width, and on a phone the page does not scroll sideways. */
  const looksRight = async (label: string) => {
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      if (process.env.WALK_SHOTS) await page.screenshot({ path: `${process.env.WALK_SHOTS}/${label}-${size.width}.png`, fullPage: true });
      expect(await axe()).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
    }
    await page.setViewportSize(DESKTOP);
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: now.toISOString() } }), launchBrowser()]);
    axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    const region = await makeRegion(server.db, { name: "STO Twente" });
    fatima = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const run = <T>(work: (trx: Tx) => Promise<T>) => server.db.transaction().execute(work);
    const scope = scopeOf({ ...fatima, locale: "nl" });
    const stamp = { actor: { id: fatima.id, name: fatima.name }, now };
    const base = { kind: "company" as const, status: "active" as const, tags: [], sector: null, street: null, city: "Almelo", tier: "regular" as const, accountHolderId: fatima.id };
    const hulshof = await run((trx) => createOrganisation(trx, scope, { ...base, name: "Hulshof Installatietechniek" }, stamp));
    const sjoberg = await run((trx) => createOrganisation(trx, scope, { ...base, name: "Sjöberg Techniek" }, stamp));
    for (const [name, at] of [["Petra Jansen", hulshof.id], ["Kees Bakker", hulshof.id], ["Jan de Vries", sjoberg.id], ["Anna de Boer", sjoberg.id]] as const) {
      const person = await run((trx) => createPerson(trx, region.id, { name, lawfulBasis: "legitimate_interest", optOut: false }, stamp));
      await run((trx) => addAffiliation(trx, region.id, person.id, { organisationId: at, role: null, isPrimary: false, startDate: "2024-01-01" }, stamp));
      if (name === "Jan de Vries") {
        await run((trx) => startNewJob(trx, region.id, person.id, { organisationName: "Bouwbedrijf Te Lintelo", isPrimary: false, startDate: "2026-04-01", endDate: "2026-03-31" }, stamp));
      }
    }
    await run((trx) => logInteraction(trx, scope, { organisationId: hulshof.id, kind: "visit", summary: "Bedrijfsbezoek", date: "2026-06-20", personIds: [], nextStep: null, nextStepDate: null }, stamp));
    await run((trx) => logInteraction(trx, scope, { organisationId: sjoberg.id, kind: "call", summary: "Gebeld", date: "2026-11-20", personIds: [], nextStep: null, nextStepDate: null }, stamp));
    await recomputeHealth(server.db, { regionId: region.id }, now);
    context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP });
    page = await context.newPage();
    await signIn(page, fatima.email, TEST_PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows on her start page which relationship turns cooling, on which day and why, with a link to log a contact", async () => {
    await page.goto("/");
    const soon = page.getByRole("region", { name: "Binnenkort koud" });
    await soon.getByRole("link", { name: "Hulshof Installatietechniek", exact: true }).waitFor();
    // 156 days since 20 June, less the summer (44 days) and autumn (9) holidays: 103 silent days; the 121st falls on 11 December.
    await soon.getByText("op 11 december 2026").waitFor();
    await soon.getByText(/^Geen contact sinds 20 juni 2026; op 11 december 2026 is de richttijd van 120 dagen voorbij/).waitFor();
    expect(await soon.getByText("Sjöberg Techniek").count()).toBe(0);
    await looksRight("start-page");
    await soon.getByRole("link", { name: /^Contact vastleggen\W+Hulshof Installatietechniek$/ }).click();
    await page.waitForURL(/\/organisations\/[^/]+$/);
    await page.getByRole("heading", { name: "Contactmoment vastleggen" }).waitFor();
  });

  it("lists the contact who moved under Kansen and makes the new employer a partner with that contact", async () => {
    await page.goto("/");
    await openMenuEntry(page, "Kansen");
    await page.getByRole("heading", { name: "Kansen", level: 1 }).waitFor();
    await page.getByText("Jan de Vries, uw contact bij Sjöberg Techniek tot maart 2026, werkt nu bij Bouwbedrijf Te Lintelo").waitFor();
    await page.getByRole("link", { name: /^Partner maken\W+Bouwbedrijf Te Lintelo$/ }).click();
    const form = page.getByRole("form", { name: "Bouwbedrijf Te Lintelo als partner vastleggen" });
    expect(await form.getByLabel("Naam van de organisatie").inputValue()).toBe("Bouwbedrijf Te Lintelo");
    expect(await form.getByLabel("Accounthouder").inputValue()).toBe(fatima.id);
    await looksRight("kansen");
    await form.getByLabel("Belang").selectOption("strategic");
    await form.getByRole("button", { name: "Vastleggen" }).click();
    await page.getByText("Bouwbedrijf Te Lintelo is vastgelegd als partner, met Jan de Vries als contactpersoon.").waitFor();
    await page.getByText("Er zijn nu geen kansen.").waitFor();
    await page.getByRole("link", { name: "Naar de organisatie" }).click();
    await page.getByRole("heading", { name: "Bouwbedrijf Te Lintelo", level: 1 }).waitFor();
    await page.getByRole("link", { name: "Jan de Vries" }).first().waitFor();
  });
});
