import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { choose, signIn } from "./journeys";

describe("an account holder plans a guest lesson", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let email: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    email = user.email;
    const scope = { regionId: region.id, userId: user.id, role: user.role, organisationId: null };
    const meta = { actor: null, now: TEST_NOW };
    const base = { tier: "regular" as const, status: "active" as const, tags: [], sector: null, street: null, city: null };
    const company = await server.db.transaction().execute((trx) => createOrganisation(trx, scope, { kind: "company", name: "Hulshof Installatietechniek", ...base }, meta));
    await server.db.transaction().execute((trx) => createOrganisation(trx, scope, { kind: "vmbo", name: "Het Assink Lyceum vmbo", ...base }, meta));
    const speaker = await server.db.transaction().execute((trx) => createPerson(trx, region.id, { name: "Anouk Jansen", email: null, phone: null, lawfulBasis: "legitimate_interest", optOut: false, source: null, reviewDate: null }, meta));
    await server.db.transaction().execute((trx) => addAffiliation(trx, region.id, speaker.id, { organisationId: company.id, role: "Monteur", isPrimary: true, startDate: "2024-01-01" }, meta));
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

  it("offers it from the partner's page, plans it, marks it done with 28 pupils reached and sees it on the partner's page", async () => {
    await page.getByRole("link", { name: "Organisaties" }).click();
    await page.getByRole("link", { name: "Hulshof Installatietechniek" }).click();
    await page.getByRole("region", { name: "Activiteiten" }).getByRole("link", { name: "Activiteit toevoegen" }).click();
    await page.getByRole("heading", { name: "Nieuwe activiteit" }).waitFor();

    await page.getByLabel("Soort").selectOption({ label: "Gastles" });
    await page.getByLabel("Titel").fill("Gastles warmtepompen");
    await page.getByLabel("Status").selectOption({ label: "Aangeboden" });
    await page.getByLabel("Datum (begin)").fill("2026-11-18");
    await page.getByLabel("Begintijd").fill("10:30");
    await choose(page, "Scholen", "Het Assink Lyceum vmbo");
    await choose(page, "Gastspreker of begeleider", "Anouk Jansen");
    await page.getByLabel("Klas").fill("3B");
    await page.getByLabel("Onderwerp").fill("Warmtepompen in de praktijk");
    await page.getByRole("checkbox", { name: "PIE" }).check();
    await page.getByRole("button", { name: "Activiteit opslaan" }).click();

    await page.getByText("De activiteit is opgeslagen.").waitFor();
    await page.getByRole("heading", { name: "Gastles warmtepompen" }).waitFor();
    await page.getByRole("button", { name: "Inplannen" }).click();
    await page.getByText("De activiteit is ingepland.").waitFor();

    const steps = page.getByRole("region", { name: "Status" });
    await steps.getByLabel("Leerlingen bereikt").fill("28");
    await steps.getByLabel("Docenten betrokken").fill("2");
    await steps.getByRole("button", { name: "Afgerond" }).click();
    await page.getByText("De activiteit is afgerond.").waitFor();

    await page.getByRole("region", { name: "Overzicht" }).getByRole("link", { name: "Hulshof Installatietechniek" }).click();
    const section = page.getByRole("region", { name: "Activiteiten" });
    await section.getByRole("link", { name: "Gastles warmtepompen" }).waitFor();
    expect(await section.textContent()).toContain("28 leerlingen bereikt");
    expect(await section.textContent()).toContain("Afgerond");
  });
});
