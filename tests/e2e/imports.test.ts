import ExcelJS from "exceljs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("an account holder importing a spreadsheet", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let email: string;
  let regionId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    regionId = region.id;
    const user = await makeUser(server.db, { regionId, role: "accounthouder", name: "Fatima El Amrani" });
    email = user.email;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    await signIn(page, email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  });
  afterEach(async () => {
    await context?.close();
  });

  it("uploads a small spreadsheet, maps a column by hand, checks the preview and imports it", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Partners");
    sheet.addRow(["Naam", "Plaats", "Wie belt", "Opmerking"]);
    sheet.addRow(["Hulshof Installatietechniek", "Hengelo", "Jan Hulshof", "stagebedrijf"]);
    sheet.addRow(["Bakkerij Jansen", "Enschede", "Els Jansen", ""]);
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());

    await page.goto("/organisations");
    await page.getByRole("link", { name: "Importeren" }).click();
    await page.getByRole("heading", { name: "Organisaties importeren" }).waitFor();
    await page.getByLabel("Bestand (CSV of .xlsx, hoogstens 50 MB)").setInputFiles({
      name: "partners.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer,
    });
    await page.getByRole("button", { name: "Bestand lezen" }).click();

    // Step 2: "Naam" and "Plaats" are recognised; "Wie belt" and "Opmerking" are chosen by hand.
    await page.getByRole("heading", { name: "Welke kolom vult welk veld?" }).waitFor();
    expect(await page.getByLabel("Kolom A: Naam").inputValue()).toBe("name");
    await page.getByLabel("Kolom C: Wie belt").selectOption({ label: "Contactpersoon: naam" });
    await page.getByLabel("Kolom D: Opmerking").selectOption({ label: "Niet importeren" });
    await page.getByRole("button", { name: "Naar de controle" }).click();

    // Step 3: each row's outcome.
    await page.getByText("2 nieuw, 0 bijgewerkt, 0 dubbel, 0 met fouten; 2 contactpersonen worden toegevoegd.").waitFor();
    const rows = page.getByRole("table").getByRole("row");
    await rows.filter({ hasText: "Hulshof Installatietechniek" }).getByText("Nieuw").waitFor();

    // Step 4: all or nothing.
    await page.getByRole("button", { name: "Alles importeren" }).click();
    await page.getByText("De import is klaar: 2 organisaties toegevoegd, 0 bijgewerkt en 2 contactpersonen toegevoegd.").waitFor();
    await page.getByRole("link", { name: "Naar de organisaties" }).click();
    await page.getByRole("link", { name: "Hulshof Installatietechniek" }).click();
    await page.getByText("Jan Hulshof").first().waitFor();

    const imported = await server.db.selectFrom("organisations").select(["name", "city"]).where("region_id", "=", regionId).orderBy("name").execute();
    expect(imported).toEqual([{ name: "Bakkerij Jansen", city: "Enschede" }, { name: "Hulshof Installatietechniek", city: "Hengelo" }]);
  });
});
