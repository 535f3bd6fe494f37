import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { loggingAddressOf } from "../../server/domains/mail-capture/mail-capture.addresses";
import { ingestMessage } from "../../server/domains/mail-capture/mail-capture.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { sentMail } from "../support/mail";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

describe("an account holder linking a mail Schakel could not place", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser()]);
    const region = await makeRegion(server.db, { name: "STO Twente" });
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani", email: "fatima@school.example" });
    const scope = scopeOf({ ...user, locale: "nl" });
    const then = { actor: { id: user.id, name: user.name }, now: new Date("2025-09-01T10:00:00Z"), appUrl: server.url };
    await server.db.transaction().execute((trx) =>
      createOrganisation(trx, scope, { kind: "company", status: "active", tags: [], sector: null, street: null, city: "Oldenzaal", tier: "occasional", accountHolderId: user.id, name: "Bakkerij Jansen Oldenzaal", website: "https://bakkerijjansen.example" }, then),
    );
    await recomputeHealth(server.db, { regionId: region.id }, TEST_NOW);
    // She wrote to the baker, whom Schakel does not know yet, with her logging address in the bcc.
    const logAddress = (await loggingAddressOf(server.db, { id: user.id, regionId: region.id, role: "accounthouder" }, { domain: "schakel.example", now: TEST_NOW }))!;
    const raw = sentMail({ from: `Fatima El Amrani <${user.email}>`, to: ["mieke.jansen@bakkerijjansen.example"], subject: "Gastles brood en banket", text: "Dag Mieke, zullen we de gastles in april doen?", messageId: "gastles-1@school.example", date: "Fri, 20 Nov 2026 14:30:00 +0100" });
    const outcome = await ingestMessage(server.db, { recipient: logAddress, envelopeFrom: user.email, raw, via: "smtp" }, { now: TEST_NOW, trustedAuthservIds: [] });
    expect(outcome.status).toBe("unmatched");

    context = await browser.newContext({ baseURL: server.url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    page = await context.newPage();
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Fatima El Amrani" }).waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it("opens Te koppelen from the dashboard, picks the suggested bakery, adds the baker as its contact in the same step, and the relationship has its contact moment", async () => {
    await page.getByRole("link", { name: "Te koppelen (1)" }).tap();
    await page.getByRole("heading", { name: "Te koppelen", level: 1 }).waitFor();
    await page.getByText("Er staat geen bekende contactpersoon in deze mail.").waitFor();
    await page.getByRole("link", { name: "Mail Gastles brood en banket koppelen aan een organisatie" }).tap();
    await page.getByText("Voorgesteld: zelfde e-maildomein").waitFor();
    await page.getByRole("link", { name: /^Bakkerij Jansen Oldenzaal/ }).tap();
    await page.getByRole("heading", { name: "Koppelen aan Bakkerij Jansen Oldenzaal" }).waitFor();
    // The new contact is filled in from the mail, and ticked.
    expect(await page.getByRole("checkbox", { name: "Nieuwe contactpersoon van Bakkerij Jansen Oldenzaal toevoegen" }).isChecked()).toBe(true);
    expect(await page.getByLabel("Naam").inputValue()).toBe("Mieke Jansen");
    expect(await page.getByLabel("E-mailadres").inputValue()).toBe("mieke.jansen@bakkerijjansen.example");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole("button", { name: "Koppelen", exact: true }).tap();
    await page.getByText("Gekoppeld aan Bakkerij Jansen Oldenzaal, en Mieke Jansen is toegevoegd als contactpersoon.").waitFor();
    await page.getByText("Niets te koppelen").waitFor();

    await page.getByRole("link", { name: "Bekijk de organisatie" }).tap();
    await page.getByText("Gastles brood en banket").first().waitFor();
    await page.getByText("Mieke Jansen").first().waitFor();
    const moment = await server.db.selectFrom("interactions").innerJoin("organisations", "organisations.id", "interactions.organisation_id")
      .select(["interactions.kind", "interactions.source", "interactions.date"]).where("organisations.name", "=", "Bakkerij Jansen Oldenzaal").executeTakeFirstOrThrow();
    expect(moment).toEqual({ kind: "email", source: "email", date: "2026-11-20" });
  });
});
