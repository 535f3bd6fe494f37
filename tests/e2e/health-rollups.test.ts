import type { BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("an account holder's worry reaches the penvoerder's overview", () => {
  let server: TestServer;
  let browser: TestBrowser;
  const contexts: BrowserContext[] = [];
  const accounts: Record<"holder" | "penvoerder", string> = { holder: "", penvoerder: "" };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const holder = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    accounts.holder = holder.email;
    accounts.penvoerder = (await makeUser(server.db, { regionId: region.id, role: "penvoerder", name: "Gert-Jan" })).email;
    const noord = await server.db.selectFrom("subregions").select("id").where("region_id", "=", region.id).where("name", "=", "Noord").executeTakeFirstOrThrow();
    const then = { actor: { id: holder.id, name: holder.name }, now: TEST_NOW, appUrl: server.url };
    await server.db.transaction().execute(async (trx) => {
      const org = await createOrganisation(trx, scopeOf({ ...holder, locale: "nl" }), { kind: "company", status: "active", tags: [], sector: null, street: null, city: "Almelo", tier: "occasional", accountHolderId: holder.id, subregionId: noord.id, name: "Bakkerij Jansen Oldenzaal" }, then);
      for (const name of ["Mieke Jansen", "Piet Jansen"]) {
        const person = await createPerson(trx, region.id, { name, lawfulBasis: "legitimate_interest", optOut: false }, then);
        await addAffiliation(trx, region.id, person.id, { organisationId: org.id, role: "Eigenaar", isPrimary: name === "Mieke Jansen", startDate: "2025-09-01" }, then);
      }
    });
    await recomputeHealth(server.db, { regionId: region.id }, TEST_NOW);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  it("she logs a call with 'Zorgen' on her phone; the penvoerder finds it under Noord and opens it", async () => {
    const phone = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    contexts.push(phone);
    const page = await phone.newPage();
    await signIn(page, accounts.holder, TEST_PASSWORD);
    await page.goto("/log?q=Bakkerij");
    await page.getByRole("radio", { name: /Bakkerij Jansen Oldenzaal/ }).tap();
    await page.getByLabel("Wat is er besproken?").fill("Nieuwe eigenaar twijfelt over de gastlessen");
    await page.getByRole("radio", { name: "Zorgen" }).tap();
    await page.getByRole("button", { name: "Vastleggen" }).tap();
    await page.getByText("Vastgelegd bij Bakkerij Jansen Oldenzaal.").waitFor();

    const desk = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 900 } });
    contexts.push(desk);
    const office = await desk.newPage();
    await signIn(office, accounts.penvoerder, TEST_PASSWORD);
    await office.goto("/health/rollups?by=subregion");
    await office.getByRole("heading", { name: "Relatiegezondheid per groep", level: 1 }).waitFor();
    await office.getByRole("link", { name: "1 relatie koelt af bij Noord" }).click();
    await office.waitForURL(/\/organisations\?subregionId=.*health=cooling/);
    await expect.poll(() => office.getByRole("link", { name: "Bakkerij Jansen Oldenzaal" }).count()).toBe(1);
  });
});
