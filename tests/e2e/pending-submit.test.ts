import type { BrowserContext, Page, Route } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

describe("a form's submit button while the submission is under way", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
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

  it("says Bezig… and cannot be pressed again until the answer is in, then the page shows the answer without loading a new document", async () => {
    await page.goto("/forgot-password");
    // The submission is held at the network until the test has seen the pending button: no waiting on a clock.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const posts: string[] = [];
    await page.route("**/forgot-password?*", async (route: Route) => {
      if (route.request().method() !== "POST") return route.continue();
      posts.push(route.request().url());
      await held;
      await route.continue();
    });
    const loads: string[] = [];
    page.on("load", () => loads.push(page.url()));

    await page.getByLabel("E-mailadres").fill("iemand@example.nl");
    await page.getByRole("button", { name: "Stuur de link" }).click();

    const busy = page.getByRole("button", { name: "Bezig…" });
    await busy.waitFor();
    expect(await busy.isDisabled()).toBe(true);
    expect(await busy.getAttribute("aria-busy")).toBe("true");
    // Enter in the field would submit the form again; with its button disabled it does not.
    await page.getByLabel("E-mailadres").press("Enter");
    release();

    await page.getByText("Als er een account bij dit e-mailadres hoort, is de link onderweg.", { exact: false }).waitFor();
    expect(posts).toHaveLength(1);
    expect(loads).toEqual([]);
  });
});
