import type { BrowserContext, Page } from "playwright-core";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

// The server's clock stands still here, so the codes an authenticator app would show are known.
const NOW = new Date("2026-11-23T10:00:00Z");
const code = (secret: string, secondsLater = 0) => generate({ secret, epoch: Math.floor(NOW.getTime() / 1000) + secondsLater });

describe("two-factor sign-in in the browser", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: NOW.toISOString() } }), launchBrowser()]);
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  it("a penvoerder sets it up from the profile, keeps the recovery codes, and next time signs in with a code", async () => {
    const regionId = (await makeRegion(server.db, { name: "STO Midden-Brabant" })).id;
    const user = await makeUser(server.db, { regionId, role: "penvoerder", name: "Sanne Sleutel" });
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Welkom, Sanne Sleutel" }).waitFor();

    await page.goto("/profile");
    await page.getByText("Tweestapsverificatie staat uit.").waitFor();
    await page.getByRole("link", { name: "Tweestapsverificatie instellen" }).click();
    await page.getByRole("img", { name: "QR-code om Schakel aan uw authenticator-app toe te voegen" }).waitFor();
    const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
    await page.getByLabel("Code").fill(await code(secret));
    await page.getByRole("button", { name: "Aanzetten" }).click();
    await page.getByRole("heading", { name: "Uw herstelcodes" }).waitFor();
    expect(await page.getByTestId("recovery-codes").getByRole("listitem").count()).toBe(10);

    await page.goto("/sign-out");
    await page.getByRole("main").getByRole("button", { name: "Uitloggen" }).click();
    await page.getByText("U bent uitgelogd.").waitFor();
    await signIn(page, user.email, TEST_PASSWORD);
    await page.getByRole("heading", { name: "Code invullen" }).waitFor();
    // The next half minute's code: the one just used for setting up is spent.
    await page.getByLabel("Code of herstelcode").fill(await code(secret, 30));
    await page.getByRole("button", { name: "Inloggen" }).click();
    await page.getByRole("heading", { name: "Welkom, Sanne Sleutel" }).waitFor();
  });
});
