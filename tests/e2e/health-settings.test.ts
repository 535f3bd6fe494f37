import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { openMenuEntry, signIn } from "./journeys";

describe("the relationship signal settings in a browser", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let regionId: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    regionId = (await makeRegion(server.db, { name: "STO Salland" })).id;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  it("lets an admin change a cadence and add a holiday from the menu, the form showing what is stored afterwards", async () => {
    const admin = await makeUser(server.db, { regionId, role: "admin", name: "Bea Beheer" });
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Bea Beheer" }).waitFor();

    await openMenuEntry(page, "Relatiesignalen");
    await page.getByRole("heading", { name: "Relatiesignalen", level: 1 }).waitFor();
    const regular = page.getByLabel("Regulier (dagen)");
    await regular.fill("0");
    await page.getByRole("button", { name: "Opslaan" }).click();
    await page.getByText("Vul een aantal dagen in van 1 tot 3650.").waitFor();

    await regular.fill("90");
    await page.getByRole("button", { name: "Opslaan" }).click();
    await page.getByRole("status").filter({ hasText: "De instellingen zijn opgeslagen" }).waitFor();
    expect(await page.getByLabel("Regulier (dagen)").inputValue()).toBe("90");

    const add = page.getByRole("heading", { name: "Vakantie toevoegen" }).locator("..");
    await add.getByLabel("Naam").fill("Studiedag");
    await add.getByLabel("Van").fill("2027-03-10");
    await add.getByLabel("Tot en met").fill("2027-03-10");
    await add.getByRole("button", { name: "Toevoegen" }).click();
    await page.getByRole("status").filter({ hasText: "Studiedag is toegevoegd." }).waitFor();
    await page.getByRole("button", { name: "Studiedag verwijderen" }).waitFor();
    expect(await add.getByLabel("Naam").inputValue()).toBe("");
  });
});
