import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeRegion, makeUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";
import { type SmtpSink, startSmtpSink } from "../support/smtp-sink";

// A partner signs in with a link from an email read off a real SMTP server (issue 18, item 2; decision 126).

const INVALID = "Deze inloglink werkt niet meer: hij is verlopen of al gebruikt. Vraag een nieuwe link aan.";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

describe("a partner signs in with an emailed link", () => {
  let sink: SmtpSink;
  let server: TestServer;
  let browser: TestBrowser;
  let axeSource: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    [server, browser] = await Promise.all([startTestServer({ env: { SMTP_URL: sink.url } }), launchBrowser()]);
    axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
    await sink?.stop();
  });

  const newPage = async () => {
    const context = await browser.newContext({ baseURL: server.url });
    contexts.push(context);
    return context.newPage();
  };

  /** What the every-page walk asks of each page: no axe violations at 390 and 1280 px, no sideways scrolling on a phone. */
  async function accessibilityProblems(page: Page): Promise<string[]> {
    const found: string[] = [];
    await page.evaluate(axeSource);
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (size === PHONE && width > PHONE.width) found.push(`${page.url()} is ${width} px wide on a phone`);
      const violations = await page.evaluate(async (touch) => {
        type Result = { violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> };
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
        const result = await axe.run(document, { resultTypes: ["violations"], rules: { "target-size": { enabled: touch } } });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => String(n.target)).join(" | ")}`);
      }, size === PHONE);
      found.push(...violations.map((violation) => `${page.url()} at ${size.width} px: ${violation}`));
    }
    return found;
  }

  it("asks a link on the sign-in page, follows it from the email, presses Inloggen and lands in the portal; the link fails the second time", async () => {
    const regionId = (await makeRegion(server.db, { name: "STO Zuid-Limburg" })).id;
    const organisation = await server.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name: "Metaalwerken Heerlen" }).returning("id").executeTakeFirstOrThrow();
    const partner = await makeUser(server.db, { regionId, role: "partner", organisationId: organisation.id, name: "Lotte Linkman", email: "lotte@metaalwerken.example" });

    const page = await newPage();
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Stuur mij een inloglink" }).click();
    await page.getByRole("heading", { name: "Inloggen met een link" }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByLabel("E-mailadres").fill(partner.email);
    await page.getByRole("button", { name: "Stuur mij een inloglink" }).click();
    await page.getByText("Als er een partneraccount bij dit e-mailadres hoort, is de link onderweg.").waitFor();

    const message = await sink.waitFor((m) => m.to.includes(partner.email), 30_000);
    expect(message.subject).toBe("Uw inloglink voor Schakel");
    const link = /https?:\/\/[^\s/]+\/sign-in\/link\/[\w-]+/.exec(message.text)?.[0];
    expect(link, "a sign-in link in the email").toBeDefined();
    // The browser asked at 127.0.0.1; the link names the configured address (here http://localhost:<port>), never the request's host.
    expect(new URL(link!).host).toBe(`localhost:${new URL(server.url).port}`);

    // Opening the link asks to confirm; only the button signs in.
    await page.goto(link!);
    await page.getByRole("heading", { name: "Inloggen bij Schakel" }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole("button", { name: "Inloggen" }).click();
    await page.waitForURL((url) => url.pathname === "/portal");
    await page.getByRole("heading", { level: 1, name: /Metaalwerken Heerlen/ }).waitFor();

    // The same link, again (another browser): one clear message and a way to ask a new link.
    const second = await newPage();
    await second.goto(link!);
    await second.getByRole("alert").filter({ hasText: INVALID }).waitFor();
    expect(await second.getByRole("button", { name: "Inloggen" }).count()).toBe(0);
    expect(await accessibilityProblems(second)).toEqual([]);
    await second.getByRole("link", { name: "Stuur mij een nieuwe inloglink" }).click();
    await second.getByRole("heading", { name: "Inloggen met een link" }).waitFor();
  });
});
