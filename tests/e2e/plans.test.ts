import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { addContact } from "../../server/domains/people/people.service";
import { AddContactInput } from "../../server/domains/people/people.schemas";
import { parseInput } from "../../server/validation";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("a plan for a turnover, in a browser", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it("an account holder records that the only contact left; the organisation shows the plan, and its page the steps", async () => {
    const regionId = (await makeRegion(server.db, { name: "STO Salland" })).id;
    const holder = await makeUser(server.db, { regionId, role: "accounthouder", name: "Fatima El Amrani" });
    const scope = { regionId, userId: holder.id, role: "accounthouder" as const, organisationId: null };
    const meta = { actor: { id: holder.id, name: holder.name }, now: TEST_NOW, appUrl: server.url };
    const organisation = await server.db.transaction().execute(async (trx) => {
      const created = await createOrganisation(trx, scope, parseInput(CreateOrganisationInput, { kind: "company", name: "Sjöberg Techniek", accountHolderId: holder.id }), meta);
      await addContact(trx, regionId, created.id, parseInput(AddContactInput, { name: "Jan de Vries", isPrimary: true }), meta);
      return created;
    });

    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
    await signIn(page, holder.email, TEST_PASSWORD);
    await page.goto(`/organisations/${organisation.id}`);
    await page.getByText("Er loopt geen plan.").waitFor();
    const leaving = page.locator("details").filter({ hasText: "Vertrokken?" });
    await leaving.getByText("Vertrokken?").click();
    await leaving.getByRole("button", { name: "Opslaan" }).click();
    // Remix renders the answer after the submission: wait for the plan itself (a locator waits longer than a poll).
    await page.getByText("0 van 4 stappen klaar").waitFor();
    await page.getByRole("link", { name: "Alle plannen en een plan starten" }).click();
    await page.waitForURL(`**/organisations/${organisation.id}/plans`);
    await page.getByRole("heading", { name: /Contactpersoon vertrokken/ }).waitFor();
    // Monday 23 November 2026 plus 2 school days.
    await page.getByRole("cell", { name: "Vraag wie het werk van de vertrokken contactpersoon overneemt" }).waitFor();
    expect(await page.getByRole("cell", { name: "25 nov 2026" }).count()).toBe(1);
  });
});
