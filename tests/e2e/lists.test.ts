import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { sql } from "kysely";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** The lists as an account holder works them: sorted on a column, filtered, kept as a view the region shares. */
describe("sorting, filtering and saving a view of the lists", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let holderEmail: string;
  let colleagueEmail: string;
  let axeSource: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const holder = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const colleague = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Joost Kamphuis" });
    holderEmail = holder.email;
    colleagueEmail = colleague.email;
    const organisation = async (name: string, tier: "strategic" | "regular", state: "healthy" | "cooling" | "cold") => {
      const { id } = await server.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name, city: "Enschede", tier, account_holder_id: holder.id, tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).returning("id").executeTakeFirstOrThrow();
      await server.db.insertInto("organisation_health").values({ organisation_id: id, region_id: region.id, state, reasons: sql`'[]'::jsonb`, state_since: "2026-10-01", last_contact_date: null, computed_at: new Date("2026-11-01T00:00:00Z") }).execute();
      return id;
    };
    const gezond = await organisation("Aalberts Gezonde Bouw", "strategic", "healthy");
    await organisation("Brink Koelt Af", "regular", "cooling");
    await organisation("Citroen Koude Metaal", "strategic", "cold");
    const { id: person } = await server.db.insertInto("people").values({ region_id: region.id, name: "Dirk de Vries", email: "dirk.de.vries.met.een.heel.lang.adres@aalberts-gezonde-bouw.example.nl", lawful_basis: "legitimate_interest", opt_out: false }).returning("id").executeTakeFirstOrThrow();
    await server.db.insertInto("affiliations").values({ region_id: region.id, person_id: person, organisation_id: gezond, is_primary: true, start_date: "2024-01-01" }).execute();
    for (const [title, startDate, partner] of [["Zomerstage", "2027-06-01", gezond], ["Open dag zonder partner", "2027-03-01", null], ["Bedrijfsbezoek", "2027-04-01", gezond]] as const) {
      const { id } = await server.db.insertInto("activities").values({
        region_id: region.id, type: "company_visit", title, description: null, start_date: startDate, end_date: startDate, start_time: null, end_time: null, status: "planned",
        profiles: [], learning_paths: [], pupils_reached: null, teachers_involved: null, places_offered: null, places_filled: null, person_id: null,
        details: sql`'{}'::jsonb`, shared_with_region_ids: [], created_by: null, archived_at: null,
      }).returning("id").executeTakeFirstOrThrow();
      if (partner) await server.db.insertInto("activity_organisations").values({ activity_id: id, organisation_id: partner, role: "partner" }).execute();
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const open = async (email: string) => {
    const context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, email, TEST_PASSWORD);
    await page.waitForURL((url) => url.pathname === "/");
    return { context, page };
  };
  const rowNames = (page: Page) => page.locator("tbody tr td:first-child a").allTextContents();

  /** axe at both widths, and at 390 px the page's own width. */
  async function look(page: Page): Promise<string[]> {
    const found: string[] = [];
    await page.evaluate(axeSource);
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      if (size === PHONE) {
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width > PHONE.width) found.push(`${page.url()} is ${width} px wide at 390 px`);
      }
      const violations = await page.evaluate(async (touch) => {
        type Result = { violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> };
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
        const result = await axe.run(document, { resultTypes: ["violations"], rules: { "target-size": { enabled: touch } } });
        return result.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => String(n.target)).join(" | ")}`);
      }, size === PHONE);
      found.push(...violations.map((v) => `${page.url()} at ${size.width} px: ${v}`));
    }
    return found;
  }

  it("an account holder sorts Mijn partners by health, filters the list, and saves it as a view shared with the region; a colleague opens it", async () => {
    const { context, page } = await open(holderEmail);
    await page.goto("/my-partners");
    await page.getByRole("columnheader", { name: "Relatiegezondheid" }).getByRole("link").click();
    await page.waitForURL(/sort=health/);
    const healthHeader = page.getByRole("columnheader", { name: /Relatiegezondheid/ });
    // The address changes before React has rendered the sorted page: wait for the page, not only the address.
    await expect.poll(() => healthHeader.getAttribute("aria-sort")).toBe("ascending");
    await expect.poll(() => rowNames(page)).toEqual(["Citroen Koude Metaal", "Brink Koelt Af", "Aalberts Gezonde Bouw"]);
    // The state is said in words, not by colour alone.
    expect(await page.locator("tbody tr").first().getByText("Koud", { exact: true }).count()).toBe(1);
    await healthHeader.getByRole("link").click();
    await page.waitForURL(/dir=desc/);
    await expect.poll(() => page.getByRole("columnheader", { name: /Relatiegezondheid/ }).getAttribute("aria-sort")).toBe("descending");
    await expect.poll(async () => (await rowNames(page))[0]).toBe("Aalberts Gezonde Bouw");

    await page.getByRole("link", { name: "Filteren en sorteren in de lijst met organisaties" }).click();
    await page.waitForURL(/\/organisations\?/);
    await page.getByLabel("Contactfrequentie").selectOption("strategic");
    await page.getByLabel("Volgorde").selectOption("asc");
    await page.getByRole("button", { name: "Filteren" }).click();
    await page.waitForURL(/tier=strategic/);
    await expect.poll(() => rowNames(page)).toEqual(["Citroen Koude Metaal", "Aalberts Gezonde Bouw"]);
    expect(await look(page)).toEqual([]);

    await page.getByText("Weergave opslaan", { exact: true }).first().click();
    await page.getByLabel("Naam van de weergave").fill("Strategisch, koud eerst");
    await page.getByLabel("Delen met de regio").check();
    await page.getByRole("button", { name: "Weergave opslaan" }).click();
    const view = page.getByRole("navigation", { name: "Weergaven" }).getByRole("link", { name: /Strategisch, koud eerst/ });
    await view.waitFor();
    expect(await view.getAttribute("aria-current")).toBe("page");
    await context.close();

    const colleague = await open(colleagueEmail);
    await colleague.page.goto("/organisations");
    await colleague.page.getByRole("navigation", { name: "Weergaven" }).getByRole("link", { name: /Strategisch, koud eerst · Fatima El Amrani/ }).click();
    await colleague.page.waitForURL(/tier=strategic/);
    await expect.poll(() => rowNames(colleague.page)).toEqual(["Citroen Koude Metaal", "Aalberts Gezonde Bouw"]);
    await colleague.page.goto("/views");
    await colleague.page.getByRole("heading", { name: "Strategisch, koud eerst" }).waitFor();
    // Joost did not make it: he may open it, not rename or delete it.
    expect(await colleague.page.getByRole("button", { name: /Verwijderen/ }).count()).toBe(0);
    expect(await look(colleague.page)).toEqual([]);
    await colleague.context.close();
  });

  it("the people list shows where each person works, the activities list sorts on its headers, and no list scrolls sideways on a phone", async () => {
    const { context, page } = await open(holderEmail);
    await page.goto("/people");
    const row = page.locator("tbody tr", { hasText: "Dirk de Vries" });
    expect(await row.locator("td").nth(1).textContent()).toBe("Aalberts Gezonde Bouw");
    await page.getByRole("columnheader", { name: "Organisatie" }).getByRole("link").click();
    await page.waitForURL(/sort=organisation/);
    await expect.poll(() => page.getByRole("columnheader", { name: /Organisatie/ }).getAttribute("aria-sort")).toBe("ascending");
    expect(await look(page)).toEqual([]);
    await page.goto("/my-partners");
    expect(await look(page)).toEqual([]);

    // The activities list sorts on its column headers, the activities without a partner last either way
    // (axe and its phone width: scripts/look-at-pages.ts, activities-sorted).
    await page.goto("/activities");
    const titles = () => page.locator("tbody tr td:nth-child(2) a").allTextContents();
    await expect.poll(titles).toEqual(["Open dag zonder partner", "Bedrijfsbezoek", "Zomerstage"]);
    await page.getByRole("columnheader", { name: "Titel" }).getByRole("link").click();
    await page.waitForURL(/sort=title/);
    await expect.poll(() => page.getByRole("columnheader", { name: /Titel/ }).getAttribute("aria-sort")).toBe("ascending");
    await expect.poll(titles).toEqual(["Bedrijfsbezoek", "Open dag zonder partner", "Zomerstage"]);
    await page.getByRole("columnheader", { name: "Met" }).getByRole("link").click();
    await page.waitForURL(/sort=partner/);
    await page.getByRole("columnheader", { name: /Met/ }).getByRole("link").click();
    await page.waitForURL(/dir=desc/);
    await expect.poll(() => page.getByRole("columnheader", { name: /Met/ }).getAttribute("aria-sort")).toBe("descending");
    await expect.poll(titles).toEqual(["Zomerstage", "Bedrijfsbezoek", "Open dag zonder partner"]);
    await context.close();
  });
});
