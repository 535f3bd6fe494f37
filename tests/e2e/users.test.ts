import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { menuOutline, navigation, openMenuEntry, signIn } from "./journeys";

describe("managing users", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let regionId: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    regionId = (await makeRegion(server.db, { name: "STO Achterhoek" })).id;
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

  it("lets an invited accounthouder activate their account from the invitation in the outbox, once", async () => {
    const admin = await makeUser(server.db, { regionId, role: "admin", name: "Bea Beheer" });
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Bea Beheer" }).waitFor();

    await openMenuEntry(page, "Gebruikers");
    await page.getByRole("heading", { name: "Gebruikers", level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/users");
    const invite = page.getByRole("region", { name: "Gebruiker uitnodigen" });
    await invite.getByLabel("Naam", { exact: true }).fill("Karel Klant");
    await invite.getByLabel("E-mailadres", { exact: true }).fill("karel.klant@example.nl");
    await invite.getByLabel("Rol", { exact: true }).selectOption({ label: "Accounthouder" });
    // The organisation field stays empty, as it does for everyone but partners; the invitation must go through.
    const [inviteResponse] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/admin/users"),
      invite.getByRole("button", { name: "Uitnodiging versturen" }).click(),
    ]);
    const invited = page.getByRole("status").filter({ hasText: "De uitnodiging voor karel.klant@example.nl staat klaar in de e-mail." });
    await invited.or(invite.getByRole("alert")).first().waitFor();
    expect({ status: inviteResponse.status(), errorsOnTheForm: await invite.getByRole("alert").allTextContents() }).toEqual({
      status: 200,
      errorsOnTheForm: [],
    });
    await invited.waitFor();
    const row = page.getByRole("row").filter({ hasText: "karel.klant@example.nl" });
    await row.getByText("Uitgenodigd").waitFor();

    await openMenuEntry(page, "E-mail");
    await page.getByRole("heading", { name: "Uitgaande e-mail" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/admin/outbox");
    await page
      .getByRole("row")
      .filter({ hasText: "karel.klant@example.nl" })
      .getByRole("link", { name: "Uitnodiging voor Schakel (STO Achterhoek)" })
      .click();
    const emailText = page.getByTestId("email-text");
    await emailText.waitFor();
    const text = (await emailText.textContent()) ?? "";
    expect(text).toContain("Beste Karel Klant,");
    expect(text).toContain("Bea Beheer nodigt u uit voor Schakel, het partnerbeheer van STO Achterhoek. U krijgt de rol Accounthouder.");
    // The admin sees the email with its token redacted (issue 14): the live link is the invitee's alone.
    expect(text).toContain("/invitation/••••••");
    expect(text).not.toMatch(/\/invitation\/[\w-]{20,}/);
    const stored = await server.db.selectFrom("email_outbox").select("text").where("to_address", "=", "karel.klant@example.nl").where("template", "=", "invitation").executeTakeFirstOrThrow();
    const sent = stored.text.match(/https?:\/\/\S+\/invitation\/[\w-]+/)?.[0];
    expect(sent, `an invitation link in:\n${stored.text}`).toBeDefined();
    // The configured address (a localhost run: http://localhost:PORT), never the host the admin's browser named.
    expect(sent!.startsWith(`http://localhost:${new URL(server.url).port}/invitation/`)).toBe(true);
    const link = new URL(sent!).pathname;

    const invitee = await browser.newContext({ baseURL: server.url });
    try {
      const inviteePage = await invitee.newPage();
      await inviteePage.goto(link);
      await inviteePage.getByRole("heading", { name: "Welkom bij Schakel" }).waitFor();
      await inviteePage.getByText("Karel Klant, kies een wachtwoord om uw account te activeren.").waitFor();
      await inviteePage.getByLabel("Nieuw wachtwoord").fill("een lang geheim wachtwoord");
      await inviteePage.getByLabel("Herhaal het wachtwoord").fill("een lang geheim wachtwoord");
      await inviteePage.getByRole("button", { name: "Account activeren" }).click();

      await inviteePage.getByRole("heading", { name: "Welkom, Karel Klant" }).waitFor();
      expect(new URL(inviteePage.url()).pathname).toBe("/");
      expect(await navigation(inviteePage).locator(".nav-bar .nav-account-role").textContent()).toBe("Accounthouder");
      expect(await menuOutline(inviteePage)).toEqual(["Overzicht", "Organisaties", "Personen", "Mijn werk: Mijn partners, Aandacht nodig, Kansen, Mijn acties, Te koppelen", "Samenwerking: Activiteiten, Cofinanciering, Cijfers", "Zoeken", "Karel Klant: Profiel, Uitloggen"]);

      await inviteePage.goto(link);
      await inviteePage
        .getByRole("alert")
        .filter({ hasText: "Deze uitnodiging is verlopen of al gebruikt. Vraag de beheerder om een nieuwe uitnodiging." })
        .waitFor();
      expect(await inviteePage.getByRole("button", { name: "Account activeren" }).count()).toBe(0);
    } finally {
      await invitee.close();
    }

    // The admin sees the account become active.
    await openMenuEntry(page, "Gebruikers");
    await page.getByRole("row").filter({ hasText: "karel.klant@example.nl" }).getByText("Actief", { exact: true }).waitFor();
  });

  it("shows the users page and an email, opened afresh, without the browser blocking anything of them", async () => {
    const admin = await makeUser(server.db, { regionId, role: "admin", name: "Bram Beheer" });
    await makeUser(server.db, { regionId, role: "accounthouder", name: "Ilse Uitgenodigd", invited: true });
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) blocked.push(`${new URL(page.url()).pathname}: ${message.text()}`);
    });
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Bram Beheer" }).waitFor();

    // Loaded as documents, not through client-side navigation: this is where the policy applies to markup.
    await page.goto("/admin/users");
    await page.getByRole("heading", { name: "Gebruiker uitnodigen" }).waitFor();
    await page.goto("/admin/outbox");
    const href = await page.getByRole("row").filter({ hasText: "Ilse Uitgenodigd" }).getByRole("link").getAttribute("href");
    await page.goto(href!);
    await page.getByTestId("email-text").waitFor();

    expect(blocked).toEqual([]);
  });

  it("refuses a partner the admin pages with 'Geen toegang' and does not list them in the navigation", async () => {
    const partner = await makeUser(server.db, { regionId, role: "partner", name: "Paula Partner" });
    await signIn(page, partner.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Paula Partner" }).waitFor();

    expect(await menuOutline(page)).toEqual(["Mijn organisatie", "Paula Partner: Profiel, Uitloggen"]);

    for (const adminPath of ["/admin/users", "/admin/outbox"]) {
      const response = await page.goto(adminPath);
      expect(response?.status(), adminPath).toBe(403);
      await page.getByRole("heading", { name: "Geen toegang" }).waitFor();
      await page.getByText("U heeft geen toegang tot deze pagina.").waitFor();
      expect(await menuOutline(page)).toEqual(["Mijn organisatie", "Paula Partner: Profiel, Uitloggen"]);
    }
  });
});
