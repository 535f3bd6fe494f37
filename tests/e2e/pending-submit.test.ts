import type { BrowserContext, Page, Route } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { createSessions } from "../../server/auth/sessions";
import { createClock } from "../../server/clock";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

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

  it("gives every form the same feedback, not only those built with the pending button: the pressed button is busy, its name and value still sent", async () => {
    const region = await makeRegion(server.db);
    const user = await makeUser(server.db, { regionId: region.id, role: "accounthouder" });
    // A second session elsewhere, so the profile offers "Overal anders uitloggen" — a plain button that carries the form's intent.
    await createSessions(server.db, createClock()).create(user.id, { ip: "192.0.2.7", userAgent: "Mozilla/5.0 (iPhone)", secure: false });
    await signIn(page, user.email, TEST_PASSWORD);
    await page.goto("/profile");
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const bodies: string[] = [];
    await page.route("**/profile?*", async (route: Route) => {
      if (route.request().method() !== "POST") return route.continue();
      bodies.push(route.request().postData() ?? "");
      await held;
      await route.continue();
    });

    const button = page.getByRole("button", { name: "Overal anders uitloggen" });
    await button.click();
    await page.locator("button[aria-busy=true]").waitFor();
    expect(await button.isDisabled()).toBe(true);
    expect(await page.getByRole("status").filter({ hasText: "Bezig…" }).count()).toBe(1);
    release();

    await page.getByText("U bent op de andere plekken uitgelogd (1).").waitFor();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain("intent=end-other-sessions");
    // The marks go right after the answer is painted.
    await expect.poll(() => page.locator("button[aria-busy=true]").count()).toBe(0);
    expect(await page.locator(".submission-progress").isHidden()).toBe(true);
  });
});
