import { createServer } from "node:net";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { saveOidcProvider } from "../../server/auth/oidc-settings";
import { OidcProviderInput } from "../../server/auth/oidc-settings.schemas";
import { createSecretBox } from "../../server/auth/secret-key";
import { parseInput } from "../../server/validation";
import { TEST_SECRET_KEY } from "../support/app";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser } from "../support/factories";
import { startTestProvider, type TestProvider } from "../support/oidc-provider";
import { startTestServer, type TestServer } from "../support/server";

/** A free port of 127.0.0.1, so the app's configured address (and so its callback address) is known before it starts. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe("signing in with the school's account in the browser", () => {
  let server: TestServer;
  let idp: TestProvider;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    [server, idp, browser] = await Promise.all([
      startTestServer({ env: { PORT: String(port), APP_URL: appUrl } }),
      startTestProvider({ redirectUri: `${appUrl}/auth/oidc/callback` }),
      launchBrowser(),
    ]);
    context = await browser.newContext({ baseURL: server.url });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await idp?.stop();
    await server?.stop();
  });

  it("a teacher types the school address, chooses 'Inloggen met Microsoft', signs in at the school and lands in Schakel", async () => {
    const region = await makeRegion(server.db, { name: "STO Zuid-Limburg" });
    await saveOidcProvider(server.db, createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64")), region.id,
      parseInput(OidcProviderInput, { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, domains: "school.nl", label: "Microsoft" }),
      { actorId: null, now: new Date() });
    await makeUser(server.db, { regionId: region.id, role: "accounthouder", email: "jan@school.nl", name: "Jan Docent" });
    idp.account("sub-jan", { email: "jan@school.nl", emailVerified: true, amr: ["pwd", "mfa"] });

    await page.goto("/sign-in");
    await page.getByLabel("E-mailadres").fill("jan@school.nl");
    await page.getByRole("link", { name: "Inloggen met Microsoft" }).click();
    await page.getByRole("heading", { name: "Sign in at the school" }).waitFor();
    await page.getByLabel("Account").fill("sub-jan");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Welkom, Jan Docent" }).waitFor();
  });

  it("someone without a Schakel account is sent back to the sign-in page with one clear message", async () => {
    await context.clearCookies();
    idp.account("sub-stranger", { email: "vreemde@school.nl", emailVerified: true });
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Inloggen met Microsoft" }).click();
    await page.getByLabel("Account").fill("sub-stranger");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Er is in Schakel geen account voor dit schoolaccount. Vraag de beheerder van uw regio om een uitnodiging.").waitFor();
    await page.getByRole("heading", { name: "Inloggen", exact: true }).waitFor();
  });
});
