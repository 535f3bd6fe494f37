import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("searching for an organisation or a person", () => {
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
    await server.db.transaction().execute((trx) =>
      createOrganisation(trx, scope, { kind: "company", name: "Hulshof Installatietechniek", tier: "regular", status: "active", tags: [], sector: null, street: null, city: "Hengelo" }, { actor: null, now: TEST_NOW }),
    );
    await server.db
      .insertInto("people")
      .values([
        { region_id: region.id, name: "Henk Wessels", email: "h.wessels@hulshof-installatie.nl", phone: "06 1234 5678" },
        ...Array.from({ length: 14 }, (_, i) => ({ region_id: region.id, name: `Jan Jansen ${String(i + 1).padStart(2, "0")}` })),
      ])
      .execute();
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
    await page.goto("/search");
  });
  afterEach(async () => {
    await context?.close();
  });

  const searchFor = (text: string) => page.getByLabel("Zoek organisaties en personen").fill(text);

  it("finds Hulshof with a letter missing, one too many, or two swapped", async () => {
    for (const typo of ["Hulsof", "Hullshof", "Huslhof"]) {
      await searchFor(typo);
      await page.getByRole("link", { name: "Hulshof Installatietechniek" }).waitFor();
    }
  });

  it("finds a person by phone number written any way, and by email address, its local part or its domain", async () => {
    for (const text of ["06 1234 5678", "0612345678", "+31 6 12345678", "h.wessels@hulshof-installatie.nl", "h.wessels@", "@hulshof-installatie.nl"]) {
      await searchFor(text);
      await page.getByRole("region", { name: "Personen" }).getByRole("link", { name: "Henk Wessels" }).waitFor();
    }
  });

  it("shows ten people at a time and the rest after ‘Meer personen tonen’", async () => {
    await searchFor("jansen");
    const people = page.getByRole("region", { name: "Personen" });
    await people.getByRole("link", { name: "Jan Jansen 10" }).waitFor();
    expect(await people.getByRole("link", { name: /Jan Jansen/ }).count()).toBe(10);
    await people.getByRole("link", { name: "Meer personen tonen" }).click();
    await people.getByRole("link", { name: "Jan Jansen 14" }).waitFor();
    expect(await people.getByRole("link", { name: /Jan Jansen/ }).allTextContents()).toEqual(["Jan Jansen 11", "Jan Jansen 12", "Jan Jansen 13", "Jan Jansen 14"]);
    expect(await people.getByRole("link", { name: "Meer personen tonen" }).count()).toBe(0);
    await page.getByRole("link", { name: "Alle resultaten voor “jansen”" }).click();
    await people.getByRole("link", { name: "Jan Jansen 01" }).waitFor();
  });
});
