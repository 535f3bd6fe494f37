import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe("the organisation and person pickers of the activity form", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let email: string;
  let axeSource: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    email = user.email;
    const scope = { regionId: region.id, userId: user.id, role: user.role, organisationId: null };
    const meta = { actor: null, now: TEST_NOW };
    const base = { tier: "regular" as const, status: "active" as const, tags: [], sector: null, street: null, city: null };
    await server.db.transaction().execute(async (trx) => {
      const organisation = (kind: "company" | "vmbo", name: string) => createOrganisation(trx, scope, { kind, name, ...base }, meta);
      const contact = async (organisationId: string, name: string) => {
        const person = await createPerson(trx, region.id, { name, email: null, phone: null, lawfulBasis: "legitimate_interest", optOut: false, source: null, reviewDate: null }, meta);
        await addAffiliation(trx, region.id, person.id, { organisationId, role: "Monteur", isPrimary: false, startDate: "2024-01-01" }, meta);
      };
      const hulshof = await organisation("company", "Hulshof Installatietechniek");
      const beunk = await organisation("company", "Installatiebedrijf Beunk");
      await organisation("company", "Café De Gieterij");
      await contact(hulshof.id, "Anouk Jansen");
      await contact(hulshof.id, "Bram Hulshof");
      await contact(beunk.id, "Sanne Beunk");
      await organisation("vmbo", "Het Assink Lyceum vmbo");
      // More partners than the list shows at once.
      for (let n = 1; n <= 60; n += 1) await organisation("company", `Zonnepanelen ${String(n).padStart(2, "0")} BV`);
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP });
    page = await context.newPage();
    await signIn(page, email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  });
  afterEach(async () => {
    await context?.close();
  });

  // The text box, not the plain <select> the page shows until it has hydrated (also a combobox).
  const combobox = (name: string) => page.getByRole("combobox", { name, exact: true }).and(page.locator("input"));
  const options = (name: string) => page.getByRole("listbox", { name, exact: true }).getByRole("option");

  async function axe(): Promise<string[]> {
    await page.evaluate(axeSource);
    const found: string[] = [];
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      found.push(...(await page.evaluate(async (touch) => {
        type Result = { violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> };
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
        const result = await axe.run(document, { resultTypes: ["violations"], rules: { "target-size": { enabled: touch } } });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => String(n.target)).join(" | ")}`);
      }, size === PHONE)).map((violation) => `${size.width} px: ${violation}`));
    }
    await page.setViewportSize(DESKTOP);
    return found;
  }

  it("plans a guest lesson by keyboard alone: a partner found by part of its name, one of its contact persons as speaker", async () => {
    await page.goto("/activities");
    await page.getByRole("link", { name: "Nieuwe activiteit" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Nieuwe activiteit" }).waitFor();
    await page.getByLabel("Titel").focus();
    await page.keyboard.type("Gastles warmtepompen");

    await combobox("Partners").focus();
    await page.keyboard.type("instal");
    expect(await combobox("Partners").getAttribute("aria-expanded")).toBe("true");
    expect(await options("Partners").allTextContents()).toEqual(["Installatiebedrijf Beunk", "Hulshof Installatietechniek"]);
    await page.keyboard.press("ArrowDown");
    const active = await combobox("Partners").getAttribute("aria-activedescendant");
    expect(await page.locator(`[id="${active}"]`).textContent()).toBe("Hulshof Installatietechniek");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Verwijder Hulshof Installatietechniek" }).waitFor();
    expect(await combobox("Partners").getAttribute("aria-expanded")).toBe("false");

    // The speaker list now holds Hulshof's contact persons, not those of other partners.
    await combobox("Scholen").focus();
    await page.keyboard.type("lyceum");
    await page.keyboard.press("Enter");
    await page.getByRole("button", { name: "Verwijder Het Assink Lyceum vmbo" }).waitFor();

    await combobox("Gastspreker of begeleider").focus();
    await page.keyboard.press("ArrowDown");
    expect(await options("Gastspreker of begeleider").locator(".combobox-option-name").allTextContents()).toEqual(["Anouk Jansen", "Bram Hulshof"]);
    expect(await axe()).toEqual([]);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await combobox("Gastspreker of begeleider").inputValue()).toBe("Bram Hulshof");

    await page.getByRole("button", { name: "Activiteit opslaan" }).focus();
    await page.keyboard.press("Enter");
    await page.getByText("De activiteit is opgeslagen.").waitFor();
    const overview = page.getByRole("region", { name: "Overzicht" });
    await overview.getByRole("link", { name: "Hulshof Installatietechniek" }).waitFor();
    expect(await overview.textContent()).toContain("Bram Hulshof");
  });

  it("closes the list with Escape, finds names without their accents, keeps chosen speakers and says how many more there are", async () => {
    await page.goto("/activities/new");
    await combobox("Scholen").focus();
    await page.keyboard.type("assink");
    await options("Scholen").first().waitFor();
    await page.keyboard.press("Escape");
    expect(await combobox("Scholen").getAttribute("aria-expanded")).toBe("false");
    expect(await page.getByRole("listbox", { name: "Scholen" }).isVisible()).toBe(false);
    expect(await combobox("Scholen").inputValue()).toBe("assink");

    await combobox("Partners").fill("cafe gieterij");
    expect(await options("Partners").allTextContents()).toEqual(["Café De Gieterij"]);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    expect(await combobox("Partners").inputValue()).toBe("");

    // A speaker chosen for one partner stays chosen when a second partner is added.
    await combobox("Partners").fill("hulshof");
    await page.keyboard.press("Enter");
    await combobox("Gastspreker of begeleider").fill("anouk");
    await page.keyboard.press("Enter");
    await combobox("Partners").fill("beunk");
    await page.keyboard.press("Enter");
    expect(await combobox("Gastspreker of begeleider").inputValue()).toBe("Anouk Jansen");
    await combobox("Gastspreker of begeleider").fill("");
    await page.keyboard.press("ArrowDown");
    expect(await options("Gastspreker of begeleider").locator(".combobox-option-name").allTextContents()).toEqual(["Anouk Jansen", "Bram Hulshof", "Sanne Beunk"]);
    await page.keyboard.press("Escape");

    // 63 partners: the first 50 are listed, with how many more there are.
    await combobox("Partners").fill("");
    await page.keyboard.press("ArrowDown");
    expect(await options("Partners").count()).toBe(50);
    await page.getByText("Nog 13 — typ verder om te zoeken.").waitFor();
  });

  it("asks before cancelling an activity, and 'Annuleren' closes the question without changing anything", async () => {
    await page.goto("/activities/new");
    await combobox("Partners").fill("hulshof");
    await page.keyboard.press("Enter");
    await combobox("Scholen").fill("assink");
    await page.keyboard.press("Enter");
    await page.getByLabel("Titel").fill("Bedrijfsbezoek Hulshof");
    await page.getByRole("button", { name: "Activiteit opslaan" }).click();
    await page.getByText("De activiteit is opgeslagen.").waitFor();
    const status = page.locator(".lead .badge");
    expect(await status.textContent()).toBe("Gepland");

    await page.getByRole("button", { name: "Activiteit annuleren" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Deze activiteit annuleren? Ze blijft zichtbaar, met de status Geannuleerd." });
    await dialog.waitFor();
    expect(await axe()).toEqual([]);
    await dialog.getByRole("button", { name: "Annuleren", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Activiteit annuleren" }).click();
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await page.reload();
    expect(await status.textContent()).toBe("Gepland");

    await page.getByRole("button", { name: "Activiteit annuleren" }).click();
    await dialog.getByRole("button", { name: "Activiteit annuleren" }).click();
    await page.getByText("De activiteit is geannuleerd.").waitFor();
    await status.filter({ hasText: "Geannuleerd" }).waitFor();
  });

  it("works without JavaScript: the pickers are plain lists and the activity is saved with its partner and speaker", async () => {
    const plain = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false, storageState: await context.storageState() });
    try {
      const noScript = await plain.newPage();
      await noScript.goto("/activities/new?organisationId=" + (await organisationId("Hulshof Installatietechniek")));
      await noScript.getByLabel("Titel").fill("Gastles zonder script");
      expect(await noScript.getByRole("listbox", { name: "Partners" }).inputValue()).toBeTruthy();
      await noScript.getByRole("listbox", { name: "Scholen" }).selectOption({ label: "Het Assink Lyceum vmbo" });
      await noScript.getByLabel("Gastspreker of begeleider").selectOption({ label: "Anouk Jansen · Hulshof Installatietechniek" });
      await noScript.getByRole("button", { name: "Activiteit opslaan" }).click();
      await noScript.getByText("De activiteit is opgeslagen.").waitFor();
      const overview = noScript.getByRole("region", { name: "Overzicht" });
      expect(await overview.textContent()).toContain("Hulshof Installatietechniek");
      expect(await overview.textContent()).toContain("Anouk Jansen");
    } finally {
      await plain.close();
    }
  });

  async function organisationId(name: string): Promise<string> {
    const row = await server.db.selectFrom("organisations").select("id").where("name", "=", name).executeTakeFirstOrThrow();
    return row.id;
  }
});
