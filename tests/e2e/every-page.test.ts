import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, loadDemo } from "../../db/seed/demo";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { TEST_NOW } from "../support/factories";
import { type PageRoute, pageRoutes } from "../support/route-inventory";
import { startTestServer, type TestServer } from "../support/server";
import { signIn } from "./journeys";

/**
 * Every page each role can reach, in the demo region (long names, wide tables, a year of history):
 * signed in as each role, the walk starts at the home page and follows every link to a page it has
 * not seen yet (one address per route), as someone clicking through would. On every page, at
 * 1280 px and at 390 px: axe-core finds nothing, and on a phone the page itself never scrolls
 * sideways (a wide table may scroll inside its own region). Every entry of the menu is reachable
 * at both widths. Routes no role reaches by a link are named below with the reason.
 */

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

const ACCOUNTS = {
  admin: "beheer@sto-twente.demo",
  penvoerder: "penvoerder@sto-twente.demo",
  accounthouder: "accounthouder@sto-twente.demo",
  partner: "partner@sto-twente.demo",
} as const;
type Role = keyof typeof ACCOUNTS | "signedOut";

/**
 * Where each walk starts (answering 200 unless said otherwise); also the pages no link leads to: an
 * address that does not exist, the one-time links of emails, the sign-out page.
 */
const STARTS: Record<Role, Array<string | { path: string; status: number }>> = {
  admin: ["/", { path: "/deze-pagina-bestaat-niet", status: 404 }],
  penvoerder: ["/"],
  accounthouder: ["/", "/sign-out"],
  partner: ["/portal"],
  signedOut: [
    "/sign-in",
    { path: "/deze-pagina-bestaat-niet", status: 404 },
    "/reset-password/dit-is-geen-geldige-link",
    "/invitation/dit-is-geen-geldige-link",
    "/sign-in/link/dit-is-geen-geldige-link",
    "/profile/mail-addresses/confirm/dit-is-geen-geldige-link",
  ],
};

/** Pages a link never leads to (one-time links, steps of a flow), with why; the walk need not find them. */
const NOT_BY_LINK: Record<string, string> = {
  "/sign-in/code": "the second step of signing in, only with two-factor sign-in",
  "/setup": "the one-time setup of a new installation",
  "/imports/organisations/:id": "exists only after an upload",
};

type Visit = { role: Role; path: string; route: string; status: number; ms: number };

describe("every page, for every role, at 1280 and 390 px", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let routes: PageRoute[];
  let axeSource: string;
  const visits: Visit[] = [];
  const problems = new Map<Role, string[]>();

  // The walks run side by side (one browser, one context per role) and each test reads its role's findings.
  beforeAll(async () => {
    [server, browser, routes] = await Promise.all([startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } }), launchBrowser(), pageRoutes()]);
    await loadDemo(server.db, { now: TEST_NOW, appUrl: server.url });
    await plantLongWords(server.db);
    axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
    await Promise.all((Object.keys(STARTS) as Role[]).map(async (role) => problems.set(role, await walkAs(role))));
  }, 420_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const role of Object.keys(STARTS) as Role[]) {
    it(`shows ${role === "signedOut" ? "a signed-out visitor" : `the ${role}`} every page without axe violations, console errors or sideways scrolling on a phone`, () => {
      expect(problems.get(role)?.join("\n")).toBe("");
    });
  }

  it("walked every page that a link leads to", () => {
    const walked = new Set(visits.map((visit) => visit.route));
    const missed = routes.filter((route) => route.rendersPage && !walked.has(route.path) && !NOT_BY_LINK[route.path]).map((route) => route.path);
    if (process.env.WALK_LIST) for (const visit of visits) process.stdout.write(`${visit.role}\t${visit.status}\t${visit.ms}\t${visit.path}\n`);
    expect(missed).toEqual([]);
  });

  async function walkAs(role: Role): Promise<string[]> {
    const context = await browser.newContext({ baseURL: server.url, viewport: PHONE });
    const found: string[] = [];
    try {
      const page = await context.newPage();
      // The Content-Security-Policy's refusals and any other error in the page are findings too.
      page.on("console", (message) => {
        if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) found.push(`${page.url()}: console error ${message.text()}`);
      });
      page.on("pageerror", (error) => found.push(`${page.url()}: uncaught ${error.message}`));
      if (role !== "signedOut") {
        await signIn(page, ACCOUNTS[role], DEMO_PASSWORD);
        await page.waitForURL((url) => url.pathname !== "/sign-in");
      }
      found.push(...(await walk(page, role)));
    } catch (error) {
      found.push(`the walk stopped: ${(error as Error).message}`);
    } finally {
      await context.close();
    }
    return found;
  }

  /** Breadth first from the role's start pages: every link to a route not seen yet. */
  async function walk(page: Page, role: Role): Promise<string[]> {
    const found: string[] = [];
    const queue = STARTS[role].map((start) => (typeof start === "string" ? { path: start, status: 200 } : start));
    const seen = new Set<string>();
    const origin = new URL(server.url).origin;
    while (queue.length) {
      const { path, status: expectedStatus } = queue.shift()!;
      const pattern = routeOf(path);
      if (pattern && seen.has(pattern)) continue;
      const started = Date.now();
      const response = await page.goto(path);
      const status = response?.status() ?? 0;
      const landed = new URL(page.url());
      // An address no route knows is the catch-all's, which answers with the not-found page.
      const route = routeOf(landed.pathname) ?? "/*";
      if (pattern) seen.add(pattern);
      seen.add(route);
      if (status !== expectedStatus) found.push(`${path}: answered ${status}`);
      found.push(...(await checkPage(page, path)));
      for (const walked of new Set([pattern ?? route, route])) visits.push({ role, path: landed.pathname + landed.search, route: walked, status, ms: Date.now() - started });
      const links = await page.locator("a[href]:not([download])").evaluateAll((anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
      for (const href of links) {
        let url = new URL(href);
        if (url.origin !== origin) continue;
        let target = routeOf(url.pathname);
        if (!target || seen.has(target)) continue;
        if (!isPage(target)) {
          // A route without a page of its own either sends the visitor on (Cijfers opens the current
          // school year) or answers a file; only the first leads further.
          seen.add(target);
          const answer = await page.request.get(url.href, { maxRedirects: 0 });
          const location = answer.status() >= 300 && answer.status() < 400 ? answer.headers().location : undefined;
          await answer.dispose();
          if (!location) continue;
          url = new URL(location, url);
          target = routeOf(url.pathname);
          if (!target || seen.has(target) || !isPage(target)) continue;
        }
        queue.push({ path: url.pathname + url.search, status: 200 });
      }
    }
    return found;
  }

  /** The page is opened at phone width, as a phone opens it, then looked at on a wide screen too. */
  async function checkPage(page: Page, label: string): Promise<string[]> {
    const found: string[] = [];
    // evaluate() runs outside the page's Content-Security-Policy, which forbids adding a script.
    await page.evaluate(axeSource);
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      if (size === PHONE) {
        const { width, widest } = await page.evaluate(measureWidth);
        if (width > PHONE.width) found.push(`${label} at ${size.width} px: the page is ${width} px wide (${widest.join(", ")})`);
        if (process.env.WALK_SHOTS) await page.screenshot({ path: `${process.env.WALK_SHOTS}/${label.replace(/[^a-z0-9]+/gi, "_")}-390.png`, fullPage: true });
      }
      for (const violation of await axe(page, size === PHONE)) found.push(`${label} at ${size.width} px: ${violation}`);
    }
    await page.setViewportSize(PHONE);
    return found;
  }

  /** axe-core's default rules; on a phone also the size of touch targets (WCAG 2.2, off by default and slow). */
  async function axe(page: Page, touch: boolean): Promise<string[]> {
    return page.evaluate(async (touch) => {
      type Result = { violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown[] }> }> };
      const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<Result> } }).axe;
      const result = await axe.run(document, { resultTypes: ["violations"], rules: { "target-size": { enabled: touch } } });
      return result.violations.map((v) => `${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => String(n.target)).join(" | ")}`);
    }, touch);
  }

  function isPage(pattern: string): boolean {
    return routes.some((route) => route.path === pattern && route.rendersPage);
  }

  /** The route pattern an address belongs to; a static segment wins over a parameter, as in Remix. */
  function routeOf(pathname: string): string | null {
    const clean = pathname.split("?")[0]!.replace(/\/+$/, "") || "/";
    let best: { path: string; score: number } | null = null;
    for (const route of routes) {
      if (route.path.includes("*")) continue;
      const parts = route.path.split("/").filter(Boolean);
      const segments = clean.split("/").filter(Boolean);
      if (parts.length !== segments.length) continue;
      let score = 0;
      let matches = true;
      for (const [index, part] of parts.entries()) {
        if (part.startsWith(":")) continue;
        if (part !== decodeURIComponent(segments[index]!)) {
          matches = false;
          break;
        }
        score++;
      }
      if (matches && (!best || score > best.score)) best = { path: route.path, score };
    }
    return best?.path ?? null;
  }
});

/** In the page: how wide the document is, and the outermost elements that stick out to the right. */
function measureWidth(): { width: number; widest: string[] } {
  const limit = window.innerWidth;
  const describe = (element: Element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${element.classList.length ? `.${[...element.classList].join(".")}` : ""}`;
  const widest: string[] = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (element.getBoundingClientRect().right <= limit + 1) continue;
    const parent = element.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > limit + 1) continue;
    widest.push(`${describe(element)} ${Math.round(element.getBoundingClientRect().right)} px`);
    if (widest.length === 3) break;
  }
  return { width: document.documentElement.scrollWidth, widest };
}

/**
 * What real data holds and the demo does not: unbroken web addresses and long email addresses, on
 * every organisation and person, so whichever the walks open has them; and an email in the outbox.
 */
async function plantLongWords(db: TestServer["db"]) {
  const region = await db.selectFrom("regions").select("id").executeTakeFirstOrThrow();
  await db.insertInto("email_outbox").values({
    region_id: region.id, template: "invitation", to_address: "mieke.van.der.berg-jansen@installatietechniek-oost-nederland.example", to_name: "Mieke van der Berg-Jansen",
    subject: "Uitnodiging voor Schakel", html: "<p>Welkom bij Schakel.</p>", text: "Welkom bij Schakel.",
  }).execute();
  await db.updateTable("organisations").set({ website: "https://www.installatietechniek-en-duurzame-energieoplossingen-oost-nederland.example/over-ons/stageplaatsen" }).execute();
  for (const person of await db.selectFrom("people").select("id").execute()) {
    await db.updateTable("people").set({ email: `${person.id.slice(0, 8)}.mieke.van.der.berg-jansen@installatietechniek-oost-nederland.example` }).where("id", "=", person.id).execute();
  }
}
