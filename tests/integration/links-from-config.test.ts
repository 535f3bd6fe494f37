import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { loadDemo } from "../../db/seed/demo";
import { createApiToken } from "../../server/auth/api-tokens";
import { saveOidcProvider } from "../../server/auth/oidc-settings";
import { OidcProviderInput } from "../../server/auth/oidc-settings.schemas";
import { createSecretBox } from "../../server/auth/secret-key";
import { sendRequestedSignInLinks } from "../../server/auth/sign-in-links";
import { recordSecondFactorFailure, SECOND_FACTOR_LIMITS } from "../../server/auth/second-factor-lockout";
import { readConfig, withBoundPort } from "../../server/config";
import { queueSpeakerReminders } from "../../server/domains/activities/speaker-reminders";
import { queueAgreementReminders } from "../../server/domains/agreements/agreement-reminders";
import { queueWeeklyDigests } from "../../server/domains/digest/digest.service";
import { applyRetention, peopleDueForRetention } from "../../server/domains/privacy/privacy.service";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";
import { parseInput } from "../../server/validation";
import { CookieJar, createTestApp, TEST_SECRET_KEY, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { signInAtProvider, startTestProvider } from "../support/oidc-provider";
import { makePortalWorld } from "../support/portal";
import { startTestServer } from "../support/server";

/*
 * Issue 14, finding 1: links in emails followed the request's Host header. Every absolute link is
 * now built from `config.appUrl`, resolved once at startup, and a request naming a host Schakel does
 * not serve is refused before any handler runs (decision 090).
 */

const ATTACKER = "attacker.example";
/** Every header a proxy or an attacker might use to name a host, with a host Schakel does serve. */
const FORGED_FORWARDING = { "x-forwarded-host": ATTACKER, forwarded: `for=192.0.2.7;host=${ATTACKER};proto=https`, "x-forwarded-proto": "https", "x-forwarded-server": ATTACKER };

type Outbox = Array<{ template: string; text: string; html: string; subject: string }>;

/** Every absolute link in an email, in its HTML (href) and its plain text. */
function linksIn(email: { html: string; text: string }): string[] {
  // The XHTML doctype and namespace name w3.org: identifiers, not links.
  const html = email.html.replace(/<!DOCTYPE[^>]*>/i, "").replace(/\sxmlns(:\w+)?="[^"]*"/g, "");
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
  const bare = [...`${email.text} ${html}`.matchAll(/\bhttps?:\/\/[^\s"'<>)\]]+/gi)].map((m) => m[0]);
  return [...hrefs, ...bare].filter((link) => !link.startsWith("mailto:"));
}

function expectLinksFromConfig(emails: Outbox, appUrl: string) {
  for (const email of emails) {
    expect(`${email.subject} ${email.text} ${email.html}`, `${email.template} names the attacker's host`).not.toContain(ATTACKER);
    for (const link of linksIn(email)) expect(link.startsWith(`${appUrl}/`) || link === appUrl, `${email.template}: ${link}`).toBe(true);
  }
}

const outbox = (t: TestDatabase): Promise<Outbox> => t.db.selectFrom("email_outbox").select(["template", "text", "html", "subject"]).orderBy("created_at").orderBy("id").execute();

describe("a password reset asked for under the attacker's host (the attack)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it("is refused on a localhost run (no APP_URL) before any email is queued, and the operator is told to set APP_URL", async () => {
    const web = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: null });
    const victim = await makeUser(t.db, { regionId: (await makeRegion(t.db)).id, role: "accounthouder" });
    const response = await web.postForm("/forgot-password", { email: victim.email }, { origin: `http://${ATTACKER}`, headers: { host: ATTACKER } });
    expect(response.status).toBe(421);
    expect(await response.text()).toContain("APP_URL");
    expect(await outbox(t)).toEqual([]);
  });

  it("is refused in a deployment (APP_URL set) for any host but APP_URL's", async () => {
    const web = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: "https://schakel.example.nl" });
    for (const host of [ATTACKER, "schakel.example.nl.attacker.example", "localhost:3000", "127.0.0.1"]) {
      const response = await web.postForm("/forgot-password", { email: "someone@example.nl" }, { origin: `https://${host}`, headers: { host } });
      expect(response.status, host).toBe(421);
      expect(await response.text()).toContain("https://schakel.example.nl");
    }
    expect(await outbox(t)).toEqual([]);
  });

  it("links to the localhost address when the host is ours and a proxy header names the attacker", async () => {
    const web = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: null });
    const victim = await makeUser(t.db, { regionId: (await t.db.selectFrom("regions").select("id").executeTakeFirstOrThrow()).id, role: "accounthouder" });
    const response = await web.postForm("/forgot-password", { email: victim.email }, { headers: FORGED_FORWARDING });
    expect(response.status).toBe(200);
    // The request only queues the ask; the email job sends the link (decision 098).
    await sendRequestedPasswordResets(t.db, { now: TEST_NOW, appUrl: web.appUrl });
    const [email] = await outbox(t);
    expect(email?.text).toMatch(/http:\/\/localhost:3000\/reset-password\/[\w-]+/);
    expectLinksFromConfig(await outbox(t), "http://localhost:3000");
  });

  it("answers loopback names at any port on a localhost run: localhost, 127.0.0.1 and [::1]", async () => {
    const web = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: null });
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "localhost:5173", "127.0.0.1"]) {
      expect((await web.get("/sign-in", { headers: { host } })).status, host).toBe(200);
    }
  });

  it("answers the hosts of ALLOWED_HOSTS in a deployment, and /healthz under any host", async () => {
    const web = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: "https://schakel.example.nl" });
    web.services.config.allowedHosts.push("schakel.internal", "10.0.0.5:3000");
    expect((await web.get("/sign-in", { headers: { host: "schakel.internal:8080" } })).status).toBe(200);
    expect((await web.get("/sign-in", { headers: { host: "10.0.0.5:3000" } })).status).toBe(200);
    expect((await web.get("/sign-in", { headers: { host: "10.0.0.5:3001" } })).status).toBe(421);
    expect((await web.get("/healthz", { headers: { host: "10.1.2.3:3000" } })).status).toBe(200);
  });
});

describe("the public address is configuration (decision 090)", () => {
  it("is APP_URL in a deployment, and http://localhost:PORT on a localhost run", () => {
    expect(readConfig({ APP_URL: "https://schakel.example.nl/" })).toMatchObject({ appUrl: "https://schakel.example.nl", isDeployment: true });
    expect(readConfig({})).toMatchObject({ appUrl: "http://localhost:3000", isDeployment: false, host: "0.0.0.0" });
    expect(readConfig({ PORT: "8080", HOST: "127.0.0.1" })).toMatchObject({ appUrl: "http://localhost:8080", isDeployment: false });
    expect(withBoundPort(readConfig({ PORT: "0" }), 43210).appUrl).toBe("http://localhost:43210");
    expect(withBoundPort(readConfig({ PORT: "0", APP_URL: "https://schakel.example.nl" }), 43210).appUrl).toBe("https://schakel.example.nl");
  });

  it("refuses to start with settings that contradict each other", () => {
    expect(() => readConfig({ HOST: "0.0.0.0" })).toThrow(/APP_URL/);
    expect(() => readConfig({ HOST: "192.168.1.10" })).toThrow(/APP_URL/);
    expect(() => readConfig({ NODE_ENV: "production", ALLOWED_HOSTS: "schakel.internal" })).toThrow(/ALLOWED_HOSTS is set but APP_URL is not/);
    expect(() => readConfig({ APP_URL: "https://schakel.example.nl/crm" })).toThrow(/without a path/);
    expect(() => readConfig({ APP_URL: "javascript://x" })).toThrow(/APP_URL/);
    expect(() => readConfig({ APP_URL: "https://schakel.example.nl", ALLOWED_HOSTS: "https://other.example" })).toThrow(/ALLOWED_HOSTS/);
    expect(readConfig({ HOST: "0.0.0.0", APP_URL: "https://schakel.example.nl", ALLOWED_HOSTS: "schakel.internal, 10.0.0.5:3000" }).allowedHosts).toEqual(["schakel.internal", "10.0.0.5:3000"]);
  });

  it("the real server on a localhost run answers loopback names and refuses another host", async () => {
    const server = await startTestServer();
    try {
      const port = new URL(server.url).port;
      const { request } = await import("node:http");
      const ask = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: "127.0.0.1", port, path: "/sign-in", headers: { host } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on("error", reject);
          req.end();
        });
      expect(await ask(ATTACKER)).toBe(421);
      expect(await ask(`127.0.0.1:${port}`)).toBe(200);
      expect(await ask(`localhost:${port}`)).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The class: every email Schakel queues, triggered with forged headers, links only to the address.
// ---------------------------------------------------------------------------------------------

const ROOT = path.resolve(".");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules") return [];
    return statSync(full).isDirectory() ? filesUnder(full) : /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

/** Every outbox template name the code queues: the string literals of each `queueEmail(…, template: …)`. */
function queuedTemplatesInCode(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of filesUnder(path.join(ROOT, "server"))) {
    const source = readFileSync(file, "utf8");
    for (const call of source.matchAll(/queueEmail\([^;]*?template:\s*([^,]*(?:\?[^:]*:[^,]*)?),\s*to:/g)) {
      // The names themselves, not a literal compared before a `?` (decision === "planned" ? …).
      for (const literal of call[1]!.matchAll(/"([a-z_]+)"(?!\s*\?)/g)) found.set(literal[1]!, path.relative(ROOT, file));
    }
  }
  return found;
}

/** Every email of emails/: a .tsx file (not a test) that lays a whole message out in EmailLayout. */
function emailTemplateFiles(): string[] {
  return readdirSync(path.join(ROOT, "emails"))
    .filter((name) => name.endsWith(".tsx") && !name.includes(".test."))
    .filter((name) => /<EmailLayout\b/.test(readFileSync(path.join(ROOT, "emails", name), "utf8")));
}

describe("every email Schakel queues links only to the configured address, whatever the request's headers say", () => {
  it("finds the emails from the code (so a new one is covered or fails)", () => {
    expect(queuedTemplatesInCode().size).toBeGreaterThanOrEqual(10);
    expect(emailTemplateFiles().length).toBeGreaterThanOrEqual(8);
  });

  it("every email layout of emails/ is queued by the server (none is left unreachable by this test)", () => {
    const serverSource = filesUnder(path.join(ROOT, "server")).map((file) => readFileSync(file, "utf8")).join("\n") + readFileSync(path.join(ROOT, "emails/render.ts"), "utf8");
    for (const file of emailTemplateFiles()) {
      const module = file.replace(/\.tsx$/, "");
      expect(serverSource.includes(`emails/${module}"`) || serverSource.includes(`./${module}"`), `emails/${file} is not used by the server`).toBe(true);
    }
  });

  /**
   * The scheduled emails (digest, reminders, retention report) of the demo region: the jobs are
   * handed `config.appUrl` by server/web-server.ts (and server/cluster.ts) and see no request, so one run covers both modes.
   */
  const SCHEDULED_ADDRESS = "https://schakel.example.nl";
  let scheduled: Promise<Outbox>;
  beforeAll(() => {
    scheduled = (async () => {
      const demo = await createTestDatabase();
      try {
        const appUrl = readConfig({ APP_URL: SCHEDULED_ADDRESS }).appUrl;
        await loadDemo(demo.db, { now: TEST_NOW, appUrl });
        await demo.db.updateTable("regions").set({ retention_months: 1 }).execute();
        await queueWeeklyDigests(demo.db, { now: TEST_NOW, appUrl });
        for (let day = 0; day < 8; day++) {
          const now = new Date(TEST_NOW.getTime() + day * 86_400_000);
          await queueAgreementReminders(demo.db, { now, appUrl });
          await queueSpeakerReminders(demo.db, { now });
        }
        // One person due for retention is enough for its report (each erasure takes a while).
        const region = await demo.db.selectFrom("regions").select("id").executeTakeFirstOrThrow();
        const [first, ...others] = await peopleDueForRetention(demo.db, region.id, TEST_NOW);
        expect(first, "someone in the demo is due for retention").toBeDefined();
        if (others.length) await demo.db.updateTable("people").set({ anonymised_at: TEST_NOW }).where("id", "in", others).execute();
        await applyRetention(demo.db, { now: TEST_NOW, appUrl });
        return await outbox(demo);
      } finally {
        await demo.drop();
      }
    })();
    scheduled.catch(() => {});
  });

  it("the scheduled emails link only to the configured address", async () => {
    const emails = await scheduled;
    expect(emails.length).toBeGreaterThan(0);
    expectLinksFromConfig(emails, SCHEDULED_ADDRESS);
  }, 120_000);

  for (const mode of [
    { name: "a localhost run (no APP_URL)", appUrl: null, address: "http://localhost:3000" },
    { name: "a deployment (APP_URL)", appUrl: "https://schakel.example.nl", address: "https://schakel.example.nl" },
  ] as const) {
    describe(mode.name, () => {
      let t: TestDatabase;
      let web: TestApp;
      beforeAll(async () => {
        t = await createTestDatabase();
        web = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: mode.appUrl });
      });
      afterAll(() => t.drop());

      it("queues every template of the code from requests with forged X-Forwarded-Host and Forwarded, and from the jobs; every link starts with the address; a forged Host queues nothing", async () => {
        const w = await makePortalWorld(t.db);
        const admin = await makeUser(t.db, { regionId: w.region.id, role: "admin" });
        const adminJar = new CookieJar();
        expect((await web.postForm("/sign-in", { email: admin.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: adminJar })).status).toBe(302);
        const adminToken = createApiToken(t.db, { userId: admin.id, name: "links", now: TEST_NOW }).then((r) => r.token);
        // A school account under "domain" provisioning: the region's admins are told of the new account (decision 127).
        const idp = await startTestProvider({ redirectUri: `${web.appUrl}/auth/oidc/callback` });
        await saveOidcProvider(t.db, createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64")), w.region.id, parseInput(OidcProviderInput, {
          issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, label: "Microsoft", domains: "school.example", provision: "domain", role: "accounthouder",
        }), { actorId: null, now: TEST_NOW });
        onTestFinished(() => idp.stop());
        const api = (urlPath: string, method: string, body: unknown, token: string, headers: Record<string, string> = FORGED_FORWARDING) =>
          web.request(`/api/v1${urlPath}`, { method, token, headers, body: body === undefined ? undefined : JSON.stringify(body) });

        // Every trigger a request can pull, each sent twice: under the attacker's Host (refused,
        // nothing queued), then under ours with the forwarding headers forged.
        const triggers: Array<(headers: Record<string, string>) => Promise<Response>> = [
          async (h) => {
            const response = await web.postForm("/forgot-password", { email: w.holder.email }, { headers: h });
            // The request only queues the ask; the email job sends the link (decision 098).
            await sendRequestedPasswordResets(t.db, { now: TEST_NOW, appUrl: web.appUrl });
            return response;
          },
          // A partner's sign-in link, answered by the email job too (decision 126).
          async (h) => {
            const response = await web.postForm("/sign-in/link", { email: w.partner.email }, { headers: h });
            await sendRequestedSignInLinks(t.db, { now: TEST_NOW, appUrl: web.appUrl });
            return response;
          },
          async (h) => {
            const subject = `docent-${Math.random().toString(36).slice(2)}`;
            idp.account(subject, { email: `${subject}@school.example`, emailVerified: true, name: "Nieuwe Docent" });
            const jar = new CookieJar();
            const started = await web.get(`/auth/oidc/${w.region.slug}`, { jar, headers: h });
            if (started.status !== 302) return started;
            const back = await signInAtProvider(started.headers.get("location")!, subject, new CookieJar(), web.appUrl);
            return web.get(`${back.pathname}${back.search}`, { jar, headers: h });
          },
          // A password change through the API revokes the caller's tokens and tells them.
          async (h) => {
            const { token } = await makeUserWithToken(t.db, { regionId: w.region.id, role: "accounthouder" });
            const password = "Een-nieuw-wachtwoord-2026";
            return api("/me/password", "POST", { currentPassword: TEST_PASSWORD, password, confirm: password }, token, h);
          },
          async (h) => api("/users", "POST", { email: `new-${Math.random()}@example.nl`, name: "Nieuwe Collega", role: "accounthouder" }, await adminToken, h),
          (h) => web.postForm("/admin/users", { intent: "invite", email: `page-${Math.random()}@example.nl`, name: "Pagina Collega", role: "accounthouder" }, { jar: adminJar, headers: h }),
          async (h) => api(`/organisations/${w.own.id}/partner-users`, "POST", { email: `partner-${Math.random()}@example.nl`, name: "Nieuwe Partner" }, await adminToken, h),
          (h) => web.postForm(`/organisations/${w.own.id}`, { intent: "invite-partner", email: `pp-${Math.random()}@example.nl`, name: "Pagina Partner" }, { jar: adminJar, headers: h }),
          (h) => api("/activities", "POST", { type: "internship", title: `Stage ${Math.random()}`, status: "offered", startDate: "2027-02-01", organisationIds: [w.own.id] }, w.partnerToken, h),
          // Email capture: a further sender address gets a confirmation link.
          async (h) => api("/me/sender-addresses", "POST", { email: `tweede-${Math.random()}@prive.example` }, await adminToken, h),
          (h) => web.postForm("/profile", { intent: "add-sender-address", email: `derde-${Math.random()}@prive.example` }, { jar: adminJar, headers: h }),
        ];
        for (const trigger of triggers) {
          const before = (await outbox(t)).length;
          const refused = await trigger({ ...FORGED_FORWARDING, host: ATTACKER });
          expect(refused.status).toBe(421);
          expect((await outbox(t)).length).toBe(before);
          const accepted = await trigger(FORGED_FORWARDING);
          expect(accepted.status, await accepted.clone().text()).toBeLessThan(400);
          expect((await outbox(t)).length, "the trigger queued an email").toBeGreaterThan(before);
        }
        // The offer's decisions and its withdrawal: staff plan one, the partner withdraws another.
        const offered = async () =>
          (await (await api("/activities", "POST", { type: "internship", title: `Stage ${Math.random()}`, status: "offered", startDate: "2027-02-01", organisationIds: [w.own.id] }, w.partnerToken)).json()) as { id: string };
        const [toPlan, toDecline, toWithdraw] = [await offered(), await offered(), await offered()];
        expect((await api(`/activities/${toPlan.id}`, "PATCH", { version: 1, status: "planned" }, w.holderToken)).status).toBe(200);
        expect((await api(`/activities/${toDecline.id}`, "PATCH", { version: 1, status: "cancelled" }, w.holderToken)).status).toBe(200);
        expect((await api(`/activities/${toWithdraw.id}/withdraw`, "POST", { version: 1 }, w.partnerToken)).status).toBe(200);
        // A handover tells the new account holder about what they received.
        const successor = await makeUser(t.db, { regionId: w.region.id, role: "accounthouder" });
        expect((await api(`/users/${w.holder.id}/handover`, "POST", { toUserId: successor.id }, await adminToken)).status).toBe(200);

        // Wrong two-factor codes up to the lockout email (no request: the count spans challenges).
        for (let i = 0; i < SECOND_FACTOR_LIMITS.failuresBeforeLockout; i++) await recordSecondFactorFailure(t.db, admin.id, TEST_NOW);

        const emails = await outbox(t);
        expectLinksFromConfig(emails, mode.address);
        expect(emails.some((email) => linksIn(email).length > 0)).toBe(true);
        const queued = new Set([...emails, ...(await scheduled)].map((email) => email.template));
        for (const [template, file] of queuedTemplatesInCode()) {
          expect(queued.has(template), `the outbox template "${template}" (queued in ${file}) has no trigger in links-from-config.test.ts`).toBe(true);
        }
      }, 120_000);

      it("the calendar feed's address and its events link to the configured address", async () => {
        const w = await makePortalWorld(t.db);
        const jar = new CookieJar();
        await web.postForm("/sign-in", { email: w.holder.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
        const created = await web.postForm("/profile", { intent: "create-feed", owner: "user" }, { jar, headers: FORGED_FORWARDING });
        const html = await created.text();
        const feedUrl = /(https?:\/\/[^"<\s]+\/feeds\/cal_[\w-]+\.ics)/.exec(html)?.[1];
        expect(feedUrl, "the new feed's address on the page").toBeDefined();
        expect(feedUrl!.startsWith(`${mode.address}/feeds/`)).toBe(true);
        expect(html).not.toContain(ATTACKER);
        const feed = await web.get(new URL(feedUrl!).pathname, { headers: FORGED_FORWARDING });
        expect(feed.status).toBe(200);
        const body = await feed.text();
        expect(body).not.toContain(ATTACKER);
        for (const url of body.matchAll(/^URL[^:]*:(.*)$/gm)) expect(url[1]!.trim().startsWith(`${mode.address}/`)).toBe(true);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The class, statically: no file derives an origin from the request.
// ---------------------------------------------------------------------------------------------

/** The one module that reads the request's host, only to refuse it or compare an Origin with it. */
const HOST_READER = "server/http/hosts.ts";

const REQUEST_ORIGIN_PATTERNS: Array<[RegExp, string]> = [
  [/new URL\(\s*(?:request|req|c\.req|c\.req\.raw)\.url\s*\)\s*\.(?:origin|host|hostname|protocol\s*\+)/, "new URL(request.url).origin"],
  [/new URL\(\s*[^,)]*(?:request|req\b|\.url\b|Url\b)[^)]*\)\s*\.(?:origin|host)\b/, "an origin or host from a request's URL"],
  [/\burl\.origin\b|\burl\.host\b/, "an origin or host taken from a parsed request URL"],
  [/headers\.get\(\s*["'](?:host|x-forwarded-host|forwarded|x-forwarded-server|x-original-host)["']\s*\)/i, 'headers.get("host")'],
  [/\.header\(\s*["'](?:host|x-forwarded-host|forwarded|x-forwarded-server|x-original-host)["']\s*\)/i, 'c.req.header("host")'],
  [/x-forwarded-host|["']forwarded["']/i, "a forwarding header"],
];

describe("no code builds a link from the request", () => {
  it("no file under server/, app/, emails/ or db/ derives an origin or host from a request (only server/http/hosts.ts reads the host, to refuse it)", () => {
    const offenders: string[] = [];
    for (const dir of ["server", "app", "emails", "db"]) {
      for (const file of filesUnder(path.join(ROOT, dir))) {
        const relative = path.relative(ROOT, file);
        if (relative === HOST_READER) continue;
        readFileSync(file, "utf8").split("\n").forEach((line, index) => {
          for (const [pattern, what] of REQUEST_ORIGIN_PATTERNS) if (pattern.test(line)) offenders.push(`${relative}:${index + 1}: ${what}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the pattern list catches the code this issue removed", () => {
    const removed = [
      "  return config.appUrl ?? new URL(requestUrl).origin;",
      "      await context.db.transaction().execute((trx) => invitePartnerUser(trx, scopeOf(user), id, input, { ...meta, appUrl: new URL(request.url).origin }));",
      'const host = c.req.header("x-forwarded-host") ?? c.req.header("host");',
      'const host = request.headers.get("host");',
    ];
    for (const line of removed) expect(REQUEST_ORIGIN_PATTERNS.some(([pattern]) => pattern.test(line)), line).toBe(true);
  });
});
