import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneSignInAttempts, SECRET_LIMITS, SIGN_IN_LIMITS } from "../../server/auth/rate-limit";
import { readConfig } from "../../server/config";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";
import { alertsOf, CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { StatementRecorder } from "../support/statement-recorder";

// Issue 14, item 8 (decision 098): each attacker's request from the report, replayed.

const secondsAfter = (seconds: number) => new Date(TEST_NOW.getTime() + seconds * 1000);
const slowedMessage = (wait: string) =>
  `Er is te vaak een verkeerd wachtwoord gegeven voor dit account. Om het te beschermen kan dat even niet: wacht ${wait} en probeer het dan opnieuw.`;

describe("rate limits", () => {
  let t: TestDatabase;
  let regionId: string;
  const apps = new Map<string, TestApp>();
  /** Schakel at a moment (seconds after TEST_NOW), optionally with more environment. */
  const web = (seconds = 0, env: Record<string, string> = {}) => {
    const key = `${seconds}|${JSON.stringify(env)}`;
    if (!apps.has(key)) apps.set(key, createTestApp(t.db, { remix: true, now: secondsAfter(seconds), env }));
    return apps.get(key)!;
  };
  let next = 1;
  /** An address no other test uses. */
  const fresh = () => `198.18.${Math.floor(next / 250)}.${(next++ % 250) + 1}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    regionId = (await makeRegion(t.db)).id;
  });
  afterAll(() => t.drop());

  const signIn = (app: TestApp, email: string, password: string, options: { ip?: string; forwardedFor?: string; jar?: CookieJar } = {}) =>
    app.postForm("/sign-in", { email, password, redirectTo: "/" }, {
      ip: options.ip ?? fresh(),
      ...(options.jar ? { jar: options.jar } : {}),
      ...(options.forwardedFor ? { headers: { "x-forwarded-for": options.forwardedFor } } : {}),
    });

  const sessionAddressesOf = async (userId: string) =>
    (await t.db.selectFrom("sessions").select("ip").where("user_id", "=", userId).execute()).map((row) => row.ip);

  describe("the client's address behind a proxy (TRUST_PROXY)", () => {
    it("ignores X-Forwarded-For when no proxy is trusted: naming other addresses does not dodge the address limit", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const attacker = fresh();
      for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) {
        expect((await signIn(web(), `nobody-${i}@example.nl`, "guess", { ip: attacker, forwardedFor: `203.0.113.${i + 1}` })).status).toBe(400);
      }
      const refused = await signIn(web(), user.email, TEST_PASSWORD, { ip: attacker, forwardedFor: "203.0.113.200" });
      expect(refused.status).toBe(429);
      // The session records the connecting address, not the one the client claims.
      const jar = new CookieJar();
      expect((await signIn(web(), user.email, TEST_PASSWORD, { ip: "192.0.2.77", forwardedFor: "203.0.113.201", jar })).status).toBe(302);
      expect(await sessionAddressesOf(user.id)).toEqual(["192.0.2.77"]);
    });

    it("behind one trusted proxy, 30 wrong sign-ins from one client lock out that client only, not everyone behind the proxy", async () => {
      const proxied = web(0, { TRUST_PROXY: "1" });
      const proxy = "10.0.0.1";
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      for (let i = 0; i < SIGN_IN_LIMITS.perAddress; i++) {
        expect((await signIn(proxied, `nobody-${i}@example.nl`, "guess", { ip: proxy, forwardedFor: "203.0.113.7" })).status).toBe(400);
      }
      expect((await signIn(proxied, user.email, TEST_PASSWORD, { ip: proxy, forwardedFor: "203.0.113.7" })).status).toBe(429);

      const colleague = await signIn(proxied, user.email, TEST_PASSWORD, { ip: proxy, forwardedFor: "203.0.113.8" });
      expect(colleague.status).toBe(302);
      expect(await sessionAddressesOf(user.id)).toEqual(["203.0.113.8"]);
    });

    it("with a list of proxies, believes only what those proxies appended, and nothing from anyone else", async () => {
      const proxied = web(0, { TRUST_PROXY: "10.0.0.0/8, 2001:db8::1" });
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      // The client wrote 6.6.6.6 itself; the proxy appended what it saw.
      expect((await signIn(proxied, user.email, TEST_PASSWORD, { ip: "10.1.2.3", forwardedFor: "6.6.6.6, 203.0.113.9" })).status).toBe(302);
      // A client that connects directly cannot name an address.
      expect((await signIn(proxied, user.email, TEST_PASSWORD, { ip: "198.51.100.99", forwardedFor: "203.0.113.10" })).status).toBe(302);
      expect((await sessionAddressesOf(user.id)).sort()).toEqual(["198.51.100.99", "203.0.113.9"]);
    });

    it("refuses a TRUST_PROXY that would trust anyone, or that is not an address, with a clear error", () => {
      expect(() => createTestApp(t.db, { env: { TRUST_PROXY: "true" } })).toThrow(/TRUST_PROXY: give the number of proxies/);
      expect(() => createTestApp(t.db, { env: { TRUST_PROXY: "10.0.0.0/33" } })).toThrow(/is not an address or a CIDR range/);
    });
  });

  describe("guessing a named account's password", () => {
    it("cannot keep the owner out: after 5 wrong guesses from elsewhere the owner's usual address signs in at once and a new one waits seconds", async () => {
      const owner = await makeUser(t.db, { regionId, role: "accounthouder" });
      const home = fresh();
      expect((await signIn(web(), owner.email, TEST_PASSWORD, { ip: home })).status).toBe(302);
      for (let i = 0; i < SIGN_IN_LIMITS.accountDelayAfter; i++) expect((await signIn(web(10), owner.email, `guess ${i}`)).status).toBe(400);

      const attacker = await signIn(web(10), owner.email, "guess again");
      expect(attacker.status).toBe(429);
      expect(attacker.headers.get("retry-after")).toBe("2");
      expect(alertsOf(await attacker.text())).toContain(slowedMessage("2 seconden"));

      const travelling = fresh();
      expect((await signIn(web(10), owner.email, TEST_PASSWORD, { ip: travelling })).headers.get("retry-after")).toBe("2");
      expect((await signIn(web(10), owner.email, TEST_PASSWORD, { ip: home })).status).toBe(302);
      expect((await signIn(web(12), owner.email, TEST_PASSWORD, { ip: travelling })).status).toBe(302);
    });

    it("doubles the wait with each further wrong guess, up to five minutes, and a refused try does not make it longer", async () => {
      const owner = await makeUser(t.db, { regionId, role: "accounthouder" });
      let at = 0;
      for (let i = 0; i < SIGN_IN_LIMITS.accountDelayAfter; i++) await signIn(web(at), owner.email, `guess ${i}`);
      const waits: number[] = [];
      for (let round = 0; round < 10; round++) {
        const refused = await signIn(web(at), owner.email, "guess");
        expect(refused.status).toBe(429);
        const wait = Number(refused.headers.get("retry-after"));
        // Hammering while refused changes nothing.
        expect((await signIn(web(at), owner.email, "guess")).headers.get("retry-after")).toBe(String(wait));
        waits.push(wait);
        at += wait;
        expect((await signIn(web(at), owner.email, `late guess ${round}`)).status).toBe(400);
      }
      expect(waits).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    });

    it("forgets sign-in attempts (an address and an IP each) after 30 days, and the owner's usual address is still recognised until then", async () => {
      const owner = await makeUser(t.db, { regionId, role: "accounthouder" });
      const home = fresh();
      expect((await signIn(web(0), owner.email, TEST_PASSWORD, { ip: home })).status).toBe(302);
      const day = 86_400;
      const attempts = () => t.db.selectFrom("sign_in_attempts").select("created_at").where("email", "=", owner.email).execute();
      // 29 days on: the nightly prune keeps the success that exempts home from the account's delay.
      await pruneSignInAttempts(t.db, secondsAfter(29 * day));
      expect(await attempts()).toHaveLength(1);
      for (let i = 0; i < SIGN_IN_LIMITS.accountDelayAfter; i++) await signIn(web(29 * day), owner.email, `guess ${i}`);
      expect((await signIn(web(29 * day), owner.email, TEST_PASSWORD, { ip: home })).status).toBe(302);
      // 61 days on, both days are more than 30 days back: nothing of this account is left.
      expect(await pruneSignInAttempts(t.db, secondsAfter(61 * day))).toBeGreaterThanOrEqual(1 + SIGN_IN_LIMITS.accountDelayAfter);
      expect(await attempts()).toEqual([]);
      expect(await pruneSignInAttempts(t.db, secondsAfter(59 * day))).toBe(0);
    });

    it("stops one address after 5 wrong guesses at one account for 15 minutes, whatever the account's own delay", async () => {
      const owner = await makeUser(t.db, { regionId, role: "accounthouder" });
      const guesser = fresh();
      for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress; i++) expect((await signIn(web(i), owner.email, `guess ${i}`, { ip: guesser })).status).toBe(400);
      // A minute later the account's own delay (2 s) is long over; this address's limit is not.
      const later = await signIn(web(60), owner.email, TEST_PASSWORD, { ip: guesser });
      expect(later.status).toBe(429);
      // Free again 15 minutes after the first of the five.
      expect(later.headers.get("retry-after")).toBe(String(15 * 60 - 60));
      expect((await signIn(web(60), owner.email, TEST_PASSWORD)).status).toBe(302);
    });
  });

  describe("password-reset requests", () => {
    const requestReset = (email: string, ip: string, seconds = 0) => web(seconds).postForm("/forgot-password", { email }, { ip });
    const resetEmailsTo = async (address: string) =>
      (await t.db.selectFrom("email_outbox").select("id").where("to_address", "=", address).where("template", "=", "password_reset").execute()).length;
    const runEmailJob = (seconds = 0) => sendRequestedPasswordResets(t.db, { now: secondsAfter(seconds), appUrl: "http://schakel.test" });

    it("sends one user at most 3 reset emails an hour, however many addresses ask (was 200 in 11 s)", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const answers: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await requestReset(user.email, fresh());
        answers.push(response.status);
        if (response.status === 429) {
          expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
          expect(alertsOf(await response.text())).toContain("Er zijn te veel linkjes aangevraagd. Wacht 20 minuten en probeer het dan opnieuw.");
        }
        await runEmailJob();
      }
      expect(answers.filter((status) => status === 200)).toHaveLength(SECRET_LIMITS.resetPerEmail.capacity);
      expect(answers.filter((status) => status === 429)).toHaveLength(20 - SECRET_LIMITS.resetPerEmail.capacity);
      expect(await resetEmailsTo(user.email)).toBe(3);

      // An hour later the owner can ask again.
      expect((await requestReset(user.email, fresh(), 3600)).status).toBe(200);
    });

    it("lets one address ask for at most 20 links an hour, whichever addresses it types", async () => {
      const attacker = fresh();
      for (let i = 0; i < SECRET_LIMITS.resetPerAddress.capacity; i++) expect((await requestReset(`someone-${i}@example.nl`, attacker)).status).toBe(200);
      expect((await requestReset("someone-else@example.nl", attacker)).status).toBe(429);
      expect((await requestReset("someone-else@example.nl", fresh())).status).toBe(200);
    });

    it("does the same work, statement for statement, for an address with an account and one without, and sends the link only later", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const recorder = new StatementRecorder();
      const recorded = createTestApp(t.db.withPlugin(recorder), { remix: true, now: TEST_NOW });
      const statementsOf = async (email: string) => {
        recorder.reset(recorded.services.db);
        const response = await recorded.postForm("/forgot-password", { email }, { ip: fresh() });
        expect(response.status).toBe(200);
        return { statements: recorder.statements, page: (await response.text()).replace(/nonce="[^"]*"|"nonce":"[^"]*"/g, "") };
      };

      const known = await statementsOf(user.email);
      const unknown = await statementsOf("nobody-at-all@example.nl");

      expect(known.statements).toEqual(unknown.statements);
      expect(known.page).toBe(unknown.page);
      // Nothing about the account is read before the answer: no user lookup, no token, no email.
      expect(known.statements.join("\n")).not.toMatch(/"users"|"user_tokens"|"email_outbox"/);
      expect(await resetEmailsTo(user.email)).toBe(0);
      await runEmailJob();
      expect(await resetEmailsTo(user.email)).toBe(1);
      expect(await resetEmailsTo("nobody-at-all@example.nl")).toBe(0);
    });
  });

  describe("the API", () => {
    const limited = { API_RATE_LIMIT_PER_MINUTE: "60", API_RATE_LIMIT_BURST: "5" };

    it("answers 429 with Retry-After and the API error shape once a token has used its burst, and lets it go on as the bucket refills", async () => {
      const { token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
      for (let i = 0; i < 5; i++) {
        const response = await web(0, limited).request("/api/v1/me", { token });
        expect(response.status).toBe(200);
        expect(response.headers.get("ratelimit-remaining")).toBe(String(4 - i));
      }
      const refused = await web(0, limited).request("/api/v1/me", { token });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("1");
      const body = (await refused.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("RATE_LIMITED");
      expect(body.error.message).toMatch(/at most 60 a minute/);

      // 60 a minute is one a second: a second later there is one more.
      expect((await web(1, limited).request("/api/v1/me", { token })).status).toBe(200);
      expect((await web(1, limited).request("/api/v1/me", { token })).status).toBe(429);
    });

    it("keeps one token's limit apart from another's, and limits a browser's own API calls per session", async () => {
      const { user, token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
      const { token: other } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
      for (let i = 0; i < 6; i++) await web(100, limited).request("/api/v1/me", { token });
      expect((await web(100, limited).request("/api/v1/me", { token })).status).toBe(429);
      expect((await web(100, limited).request("/api/v1/me", { token: other })).status).toBe(200);

      const jar = new CookieJar();
      expect((await signIn(web(100, limited), user.email, TEST_PASSWORD, { jar })).status).toBe(302);
      for (let i = 0; i < 5; i++) expect((await web(100, limited).request("/api/v1/me", { jar })).status).toBe(200);
      expect((await web(100, limited).request("/api/v1/me", { jar })).status).toBe(429);
    });

    it("is generous by default: 600 a minute with bursts of 300", async () => {
      expect(readConfig({}).apiRateLimit).toEqual({ perMinute: 600, burst: 300 });
      const defaults = { API_RATE_LIMIT_PER_MINUTE: "600", API_RATE_LIMIT_BURST: "300" };
      const { token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
      const statuses = new Set<number>();
      for (let i = 0; i < 300; i++) statuses.add((await web(200, defaults).request("/api/v1/me", { token })).status);
      expect([...statuses]).toEqual([200]);
      expect((await web(200, defaults).request("/api/v1/me", { token })).status).toBe(429);
      // Ten a second come back.
      expect((await web(201, defaults).request("/api/v1/me", { token })).status).toBe(200);
    });
  });

  describe("the current password, codes and links", () => {
    it("stops guessing the current password on the profile page after 5 tries in 15 minutes, with a Dutch message and Retry-After", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const jar = new CookieJar();
      await signIn(web(), user.email, TEST_PASSWORD, { jar });
      const change = (currentPassword: string, seconds = 0) =>
        web(seconds).postForm("/profile", { intent: "change-password", currentPassword, password: "a brand new passphrase", confirm: "a brand new passphrase" }, { jar });
      for (let i = 0; i < SECRET_LIMITS.currentPassword.capacity; i++) expect((await change(`wrong ${i}`)).status).toBe(400);
      const refused = await change(TEST_PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("180");
      expect(alertsOf(await refused.text())).toContain("Te veel pogingen in korte tijd. Wacht 3 minuten en probeer het dan opnieuw.");
      // One try comes back every three minutes.
      expect((await change(TEST_PASSWORD, 180)).status).toBe(200);
    });

    it("limits the current password through the API too, though the change runs in a transaction", async () => {
      const { token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
      const change = (currentPassword: string) =>
        web().request("/api/v1/me/password", { method: "POST", token, body: JSON.stringify({ currentPassword, password: "a brand new passphrase", confirm: "a brand new passphrase" }) });
      for (let i = 0; i < SECRET_LIMITS.currentPassword.capacity; i++) expect((await change(`wrong ${i}`)).status).toBe(400);
      const refused = await change(TEST_PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("180");
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    });

    it("stops guessing the enrolment code after 10 tries and the password that turns two-factor off after 5, per account", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const jar = new CookieJar();
      await signIn(web(), user.email, TEST_PASSWORD, { jar });
      const page = (await (await web().get("/profile/two-factor", { jar })).text()).replace(/<!-- -->/g, "");
      const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page)![1]!;
      const confirm = (code: string) => web().postForm("/profile/two-factor", { intent: "confirm", code }, { jar });
      for (let i = 0; i < SECRET_LIMITS.enrolmentCode.capacity; i++) expect((await confirm(String(100000 + i))).status).toBe(400);
      const refusedCode = await confirm(await generate({ secret, epoch: Math.floor(TEST_NOW.getTime() / 1000) }));
      expect(refusedCode.status).toBe(429);
      expect(refusedCode.headers.get("retry-after")).toBe("90");

      const later = web(90);
      expect((await later.postForm("/profile/two-factor", { intent: "confirm", code: await generate({ secret, epoch: Math.floor(secondsAfter(90).getTime() / 1000) }) }, { jar })).status).toBe(200);
      const disable = (password: string) => later.postForm("/profile/two-factor", { intent: "disable", password }, { jar });
      for (let i = 0; i < SECRET_LIMITS.currentPassword.capacity; i++) expect((await disable(`wrong ${i}`)).status).toBe(400);
      const refused = await disable(TEST_PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("180");
      expect(alertsOf(await refused.text())).toContain("Te veel pogingen in korte tijd. Wacht 3 minuten en probeer het dan opnieuw.");
    });

    it("stops one address trying reset links after 30 in 10 minutes", async () => {
      const guesser = fresh();
      for (let i = 0; i < SECRET_LIMITS.linkPerAddress.capacity; i++) expect((await web().get(`/reset-password/guess-${i}`, { ip: guesser })).status).toBe(200);
      const refused = await web().get("/reset-password/guess-again", { ip: guesser });
      expect(refused.status).toBe(429);
      expect(refused.headers.get("retry-after")).toBe("20");
      expect(alertsOf(await refused.text())).toContain("Te veel pogingen in korte tijd. Wacht 20 seconden en probeer het dan opnieuw.");
      expect((await web().get("/invitation/guess-again", { ip: guesser })).status).toBe(429);
    });
  });
});
