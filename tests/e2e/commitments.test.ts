import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { choose, openMenuEntry, signIn } from "./journeys";

const SMALL_PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

describe("the penvoerder keeping the co-financing ledger", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let email: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    await server.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Hulshof Installatietechniek" }).execute();
    email = (await makeUser(server.db, { regionId: region.id, role: "penvoerder", name: "Petra Penvoerder" })).email;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    await signIn(page, email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Petra Penvoerder" }).waitFor();
  });
  afterEach(async () => {
    await context?.close();
  });

  it("records a pledge and a realisation with a PDF as evidence and sees the totals", async () => {
    await openMenuEntry(page, "Cofinanciering");
    await page.getByRole("heading", { name: "Cofinanciering" }).waitFor();
    await page.getByRole("link", { name: "Nieuwe toezegging" }).click();

    await choose(page, "Partner", "Hulshof Installatietechniek");
    await page.getByLabel("Schooljaar").fill("2025-2026");
    await page.getByLabel("Bedrag (€)").fill("2.500,00");
    await page.getByRole("button", { name: "Toezegging opslaan" }).click();
    await page.getByText("De toezegging is opgeslagen.").waitFor();
    expect(await page.getByTestId("pledged").textContent()).toBe("€\u00a02.500,00");

    await page.getByLabel("Bedrag (€)").fill("1250,50");
    await page.getByLabel("Omschrijving").fill("Eerste termijn");
    await page.getByLabel("Bewijsstuk (PDF, PNG of JPEG, hoogstens 10 MB)").setInputFiles({ name: "factuur-2025-113.pdf", mimeType: "application/pdf", buffer: SMALL_PDF });
    await page.getByRole("button", { name: "Realisatie toevoegen" }).click();
    await page.getByText("De realisatie is vastgelegd.").waitFor();
    expect(await page.getByTestId("realised").textContent()).toBe("€\u00a01.250,50");
    const link = page.getByRole("link", { name: "factuur-2025-113.pdf downloaden" });
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("factuur-2025-113.pdf");

    await page.getByRole("link", { name: "Terug naar cofinanciering" }).click();
    await page.getByLabel("Schooljaar").fill("2025-2026");
    await page.getByRole("button", { name: "Filteren" }).click();
    await page.getByTestId("total-pledged").filter({ hasText: "€\u00a02.500,00" }).waitFor();
    expect(await page.getByTestId("total-realised").textContent()).toBe("€\u00a01.250,50");
  });
});
