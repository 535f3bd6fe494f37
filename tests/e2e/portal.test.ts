import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { TEST_PASSWORD } from "../support/factories";
import { makePortalWorld } from "../support/portal";
import { startTestServer, type TestServer } from "../support/server";
import { choose, menuOutline, signIn } from "./journeys";

describe("a partner keeps its organisation up to date in the portal", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;
  let world: Awaited<ReturnType<typeof makePortalWorld>>;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    world = await makePortalWorld(server.db);
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it("signs in, lands on the portal, adds a colleague, offers a guest lesson, and the account holder's outbox has the email", async () => {
    await signIn(page, world.partner.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Mijn organisatie: Hulshof Installatietechniek" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/portal");
    expect(await menuOutline(page)).toEqual(["Mijn organisatie", "Paula Partner: Profiel, Uitloggen"]);

    await page.locator("summary", { hasText: "Collega toevoegen" }).click();
    const addForm = page.locator("details.add-contact");
    await addForm.getByLabel("Naam", { exact: true }).fill("Joris Klein");
    await addForm.getByLabel("Functie").fill("Monteur");
    await addForm.getByLabel("E-mailadres").fill("joris@hulshof.example");
    await addForm.getByRole("button", { name: "Collega toevoegen" }).click();
    await page.getByText("De collega is toegevoegd.").waitFor();
    await page.getByRole("region", { name: "Collega's" }).getByRole("strong").filter({ hasText: "Joris Klein" }).waitFor();

    await page.getByRole("link", { name: "Stage of gastles aanbieden" }).click();
    await page.getByRole("heading", { name: "Stage of gastles aanbieden" }).waitFor();
    await page.getByLabel("Wat biedt u aan?").selectOption({ label: "Gastles" });
    await page.getByLabel("Titel").fill("Gastles warmtepompen");
    await page.getByLabel("Periode (begin)").fill("2026-12-10");
    await choose(page, "School", "Het Assink Lyceum vmbo");
    await page.getByLabel("Onderwerp").fill("Warmtepompen in de praktijk");
    await choose(page, "Gastspreker", "Joris Klein");
    await page.getByRole("checkbox", { name: "PIE" }).check();
    await page.getByRole("button", { name: "Aanbod versturen" }).click();
    await page.getByText("Uw aanbod is verstuurd. U krijgt een bevestiging per e-mail.").waitFor();
    await page.getByRole("region", { name: "Activiteiten" }).getByText("Gastles warmtepompen").waitFor();

    const emails = await server.db.selectFrom("email_outbox").select(["to_address", "subject", "template"]).where("template", "like", "partner_offer%").execute();
    expect(emails).toContainEqual({ to_address: world.holder.email, subject: "Nieuw aanbod van Hulshof Installatietechniek: Gastles warmtepompen", template: "partner_offer" });
    expect(emails).toContainEqual({ to_address: world.partner.email, subject: "Uw aanbod is ontvangen: Gastles warmtepompen", template: "partner_offer_confirmation" });
  });

  it("the account holder accepts the offer from its page, and the partner then sees it planned", async () => {
    const { id } = await server.db.selectFrom("activities").select("id").where("title", "=", "Gastles warmtepompen").executeTakeFirstOrThrow();
    const holderContext = await browser.newContext({ baseURL: server.url });
    try {
      const holderPage = await holderContext.newPage();
      await signIn(holderPage, world.holder.email, TEST_PASSWORD);
      await holderPage.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
      await holderPage.goto(`/activities/${id}`);
      await holderPage.getByRole("heading", { name: "Gastles warmtepompen" }).waitFor();
      await holderPage.getByRole("button", { name: "Inplannen" }).click();
      await holderPage.getByText("De activiteit is ingepland.").waitFor();
    } finally {
      await holderContext.close();
    }

    await page.goto("/portal");
    const offer = page.getByRole("region", { name: "Activiteiten" }).getByRole("listitem").filter({ hasText: "Gastles warmtepompen" });
    await offer.getByText("Gepland").waitFor();
    expect(await offer.getByRole("button", { name: "Aanbod intrekken" }).count()).toBe(0);
    const toPartner = await server.db.selectFrom("email_outbox").select("subject").where("to_address", "=", world.partner.email).where("template", "=", "partner_offer_planned").execute();
    expect(toPartner).toEqual([{ subject: "Uw aanbod is ingepland: Gastles warmtepompen" }]);
  });
});
