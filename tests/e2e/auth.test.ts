import type { BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { menuOutline, navigation, openMenuEntry, signIn } from "./journeys";

describe("signing in and out", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let regionId: string;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    regionId = (await makeRegion(server.db, { name: "STO Twente" })).id;
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

  const pathname = () => new URL(page.url()).pathname;

  it("shows the dashboard with the navigation after signing in with the right password", async () => {
    const user = await makeUser(server.db, { regionId, role: "accounthouder", name: "Anna de Vries" });

    await signIn(page, user.email, TEST_PASSWORD);

    await page.getByRole("heading", { name: "Welkom, Anna de Vries" }).waitFor();
    expect(pathname()).toBe("/");
    await page.getByText("U bent Accounthouder in STO Twente.").waitFor();
    const nav = navigation(page);
    expect(await menuOutline(page)).toEqual(["Overzicht", "Organisaties", "Personen", "Mijn werk: Mijn partners, Aandacht nodig, Kansen, Mijn acties, Te koppelen", "Samenwerking: Activiteiten, Cofinanciering, Cijfers", "Zoeken", "Anna de Vries: Profiel, Uitloggen"]);
    expect(await nav.getByRole("link", { name: "Overzicht" }).getAttribute("aria-current")).toBe("page");
  });

  it("says the e-mail address or password is wrong and stays on the sign-in page", async () => {
    const user = await makeUser(server.db, { regionId, role: "accounthouder" });

    const response = await signIn(page, user.email, "not the password");

    expect(response.status()).toBe(400);
    await page.getByRole("alert").filter({ hasText: "Het e-mailadres of wachtwoord klopt niet." }).waitFor();
    expect(pathname()).toBe("/sign-in");
    await page.getByRole("heading", { name: "Inloggen" }).waitFor();
    expect(await navigation(page).count()).toBe(0);
  });

  it("stops this browser after 5 wrong passwords for one account, so that even the right one is refused with 429 and a time to wait", async () => {
    const user = await makeUser(server.db, { regionId, role: "accounthouder" });

    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await signIn(page, user.email, `wrong password ${attempt}`);
      expect(response.status(), `attempt ${attempt}`).toBe(400);
    }
    const response = await signIn(page, user.email, TEST_PASSWORD);

    expect(response.status()).toBe(429);
    await page.getByRole("alert").filter({ hasText: /^Er is te vaak een verkeerd wachtwoord gegeven voor dit account\. .*wacht \d+ (seconden|minuten)/ }).waitFor();
    expect(pathname()).toBe("/sign-in");
    expect(await context.cookies()).toEqual([]);
  });

  it("ends the session on signing out: the sign-in page says so and the old cookie no longer works", async () => {
    const user = await makeUser(server.db, { regionId, role: "penvoerder", name: "Piet Penvoerder" });
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Piet Penvoerder" }).waitFor();
    const cookiesWhileSignedIn = await context.cookies();
    expect(cookiesWhileSignedIn.map((cookie) => cookie.name)).toEqual(["schakel_session"]);

    await openMenuEntry(page, "Uitloggen");

    await page.getByRole("status").filter({ hasText: "U bent uitgelogd." }).waitFor();
    expect(pathname()).toBe("/sign-in");
    expect(await navigation(page).count()).toBe(0);

    await page.goto("/");
    expect(pathname()).toBe("/sign-in");
    await page.getByRole("heading", { name: "Inloggen" }).waitFor();

    // Someone who kept a copy of the cookie cannot use it: the session is gone on the server.
    const other = await browser.newContext({ baseURL: server.url });
    try {
      await other.addCookies(cookiesWhileSignedIn);
      const otherPage = await other.newPage();
      await otherPage.goto("/");
      expect(new URL(otherPage.url()).pathname).toBe("/sign-in");
      await otherPage.getByRole("heading", { name: "Inloggen" }).waitFor();
    } finally {
      await other.close();
    }
  });

  it("brings a signed-out visitor back to the page they asked for after signing in", async () => {
    const user = await makeUser(server.db, { regionId, role: "accounthouder" });

    await page.goto("/profile");
    expect(pathname()).toBe("/sign-in");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/profile");
    await signIn(page, user.email, TEST_PASSWORD);

    await page.waitForURL((url) => url.pathname === "/profile");
    await page.getByRole("heading", { name: "Profiel" }).waitFor();
  });

  it("keeps the session cookie from scripts (HttpOnly) and from other sites' posts (SameSite=Lax)", async () => {
    const user = await makeUser(server.db, { regionId, role: "accounthouder" });
    await signIn(page, user.email, TEST_PASSWORD);
    await page.waitForURL((url) => url.pathname === "/");

    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "schakel_session", path: "/", httpOnly: true, sameSite: "Lax", secure: false });
    expect(await page.evaluate(() => document.cookie)).not.toContain("schakel_session");
  });
});
