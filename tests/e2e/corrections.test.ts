import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateCommitmentInput } from "../../server/domains/commitments/commitments.schemas";
import { createCommitment } from "../../server/domains/commitments/commitments.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { addAffiliation, createPerson, endAffiliation } from "../../server/domains/people/people.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { makePortalWorld } from "../support/portal";
import { startTestServer, type TestServer } from "../support/server";
import { choose, signIn } from "./journeys";

describe("correcting what was recorded, and the portal as a company's HR person sees it", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let world: Awaited<ReturnType<typeof makePortalWorld>>;
  let momentId: string;
  let leftId: string;

  const signedIn = async (email: string, then: (page: Page) => Promise<void>) => {
    const context: BrowserContext = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      await signIn(page, email, TEST_PASSWORD);
      await page.waitForURL((url) => url.pathname !== "/sign-in");
      await then(page);
    } finally {
      await context.close();
    }
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    world = await makePortalWorld(server.db);
    const { db } = server;
    const { region, own, staffScope, meta } = world;
    // The portal's user is Anouk Jansen, HR at Hulshof: the school keeps her as a contact with the address she signs in with.
    await db.updateTable("people").set({ email: world.partner.email.toLowerCase() }).where("id", "=", world.anouk.id).where("region_id", "=", region.id).execute();
    const colleague = await db.transaction().execute((trx) => createPerson(trx, region.id, { name: "Joris Klein", email: null, phone: null, lawfulBasis: "legitimate_interest", optOut: false, source: null, reviewDate: null }, meta));
    await db.transaction().execute((trx) => addAffiliation(trx, region.id, colleague.id, { organisationId: own.id, role: "Monteur", isPrimary: false, startDate: "2024-03-01" }, meta));
    // Someone who left Hulshof last year and now works elsewhere, which nobody recorded.
    const left = await db.transaction().execute((trx) => createPerson(trx, region.id, { name: "Ria Verhoef", email: "ria@oud.example", phone: null, lawfulBasis: "legitimate_interest", optOut: false, source: null, reviewDate: null }, meta));
    leftId = left.id;
    const job = await db.transaction().execute((trx) => addAffiliation(trx, region.id, left.id, { organisationId: own.id, role: "Planner", isPrimary: false, startDate: "2019-01-01" }, meta));
    await db.transaction().execute((trx) => endAffiliation(trx, region.id, job.id, { endDate: "2025-06-30", endReason: "left_organisation" }, meta));
    const moment = await db.transaction().execute((trx) =>
      logInteraction(trx, staffScope, { organisationId: own.id, kind: "call", summary: "Gebeld over stagplekken", date: "2026-11-20", personIds: [world.anouk.id], nextStep: null, nextStepDate: null }, meta));
    momentId = moment.id;
    const penvoerder = await makeUser(db, { regionId: region.id, role: "penvoerder" });
    const input = CreateCommitmentInput.parse({ organisationId: own.id, schoolYear: "2026-2027", kind: "cash", category: "cash", amountCents: 250000 });
    await db.transaction().execute((trx) =>
      createCommitment(trx, { regionId: region.id, userId: penvoerder.id, role: "penvoerder", organisationId: null }, input, { actor: { id: penvoerder.id, name: penvoerder.name }, now: TEST_NOW }));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("an account holder corrects a contact's email and records the new job of someone who left", async () => {
    await signedIn(world.holder.email, async (page) => {
      await page.goto(`/people/${leftId}`);
      await page.getByRole("heading", { name: "Ria Verhoef" }).waitFor();
      await page.locator("summary", { hasText: "Bewerken" }).click();
      await page.getByLabel("E-mailadres").fill("ria@wessels.example");
      await page.getByRole("button", { name: "Opslaan" }).click();
      await page.getByText("De gegevens zijn opgeslagen.").waitFor();
      await page.getByText("ria@wessels.example").first().waitFor();

      const newJob = page.getByRole("region", { name: "Nieuwe baan vastleggen" });
      await newJob.getByText("Deze persoon heeft nu geen functie bij een organisatie.").waitFor();
      await choose(newJob, "Nieuwe organisatie", "Bouwbedrijf Wessels");
      await newJob.getByLabel("Functie").fill("Werkvoorbereider");
      await newJob.getByLabel("Begint op").fill("2026-11-01");
      await newJob.getByRole("button", { name: "Nieuwe baan vastleggen" }).click();
      await page.getByText("De nieuwe baan bij Bouwbedrijf Wessels is vastgelegd.").waitFor();
      await page.getByRole("region", { name: "Functies, nu en eerder" }).getByRole("link", { name: "Bouwbedrijf Wessels" }).waitFor();
    });
    const jobs = await server.db.selectFrom("affiliations").select(["role", "end_date"]).where("person_id", "=", leftId).orderBy("start_date").execute();
    expect(jobs).toEqual([{ role: "Planner", end_date: "2025-06-30" }, { role: "Werkvoorbereider", end_date: null }]);
  });

  it("the account holder corrects her own contact moment from the timeline, then deletes it after confirming", async () => {
    await signedIn(world.holder.email, async (page) => {
      await page.goto(`/organisations/${world.own.id}`);
      const timeline = page.getByRole("region", { name: "Tijdlijn" });
      await timeline.getByRole("link", { name: /^Wijzigen/ }).first().click();
      await page.getByRole("heading", { name: "Contactmoment wijzigen" }).waitFor();
      await page.getByLabel("Soort contact").selectOption({ label: "Bezoek" });
      await page.getByLabel("Samenvatting").fill("Bezocht: twee stageplekken voor februari");
      await page.getByRole("button", { name: "Opslaan" }).click();
      await page.getByText("Het contactmoment is gewijzigd.").waitFor();
      await timeline.getByText("Bezocht: twee stageplekken voor februari").waitFor();

      await timeline.getByRole("link", { name: /^Wijzigen/ }).first().click();
      await page.getByRole("link", { name: "Verwijderen" }).click();
      await page.getByRole("heading", { name: "Dit contactmoment verwijderen?" }).waitFor();
      await page.getByRole("button", { name: "Ja, verwijderen" }).click();
      await page.getByText("Het contactmoment is verwijderd.").waitFor();
      expect(await timeline.getByText("Bezocht: twee stageplekken voor februari").count()).toBe(0);
    });
    const stored = await server.db.selectFrom("interactions").select(["kind", "archived_at"]).where("id", "=", momentId).executeTakeFirstOrThrow();
    expect(stored.kind).toBe("visit");
    expect(stored.archived_at).not.toBeNull();
  });

  it("the HR person reports a colleague's leaving per row, never her own, reads her pledge as Geld once and stays in the portal", async () => {
    await signedIn(world.partner.email, async (page) => {
      await page.goto("/portal");
      const people = page.getByRole("region", { name: "Collega's" });
      const row = (name: string) => people.getByRole("listitem").filter({ has: page.getByRole("strong").filter({ hasText: name }) });
      expect(await row("Anouk Jansen").getByText("Meld vertrek").count()).toBe(0);
      expect(await people.getByText(/^Vertrokken:/).count()).toBe(0);

      await row("Joris Klein").getByText("Meld vertrek").click();
      await row("Joris Klein").getByRole("button", { name: "Vertrek opslaan" }).click();
      await page.getByText("Het vertrek is opgeslagen.").waitFor();

      await page.getByRole("region", { name: "Onze cofinanciering" }).getByRole("link", { name: "2026-2027" }).first().click();
      await page.getByText("Bedrag").first().waitFor();
      expect(await page.getByText("Geld · Geld").count()).toBe(0);
      await page.getByRole("link", { name: "← Mijn organisatie" }).click();
      await page.waitForURL((url) => url.pathname === "/portal");
    });
    const joris = await server.db.selectFrom("affiliations").innerJoin("people", "people.id", "affiliations.person_id").select("affiliations.end_date").where("people.name", "=", "Joris Klein").executeTakeFirstOrThrow();
    expect(joris.end_date).not.toBeNull();
  });
});
