import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_LIMITS } from "../../server/auth/rate-limit";
import { sessionIdOf } from "../../server/auth/sessions";
import { alertsOf, CookieJar, createTestApp, sessionCookiesOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

const WRONG_PASSWORD_MESSAGE = "Het e-mailadres of wachtwoord klopt niet.";
const lockedMessage = (wait: string) => `Er is te vaak een verkeerd wachtwoord gegeven voor dit account. Om het te beschermen kan dat even niet: wacht ${wait} en probeer het dan opnieuw.`;
const LOCKED_MESSAGE = lockedMessage("15 minuten");

const minutesAfter = (moment: Date, minutes: number) => new Date(moment.getTime() + minutes * 60_000);

describe("signing in", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  let adminToken: string;
  // Each test signs in from its own address, so the per-address limit of one does not touch another.
  let nextAddress = 1;
  const freshAddress = () => `198.51.100.${nextAddress++}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    adminToken = (await makeUserWithToken(t.db, { regionId, role: "admin" })).token;
  });
  afterAll(() => t.drop());

  const signIn = (app: TestApp, email: string, password: string, options: { jar?: CookieJar; ip?: string } = {}) =>
    app.postForm("/sign-in", { email, password, redirectTo: "/" }, options);

  const sessionRowsOf = (userId: string) => t.db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute();

  const isSignedIn = async (app: TestApp, jar: CookieJar) => (await app.request("/api/v1/me", { jar })).status === 200;

  it("signs in with the right password and sets an HttpOnly, SameSite=Lax session cookie without Secure over http", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const jar = new CookieJar();

    const response = await signIn(web, user.email, TEST_PASSWORD, { jar, ip: freshAddress() });

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    const [cookie, ...more] = sessionCookiesOf(response);
    expect(more).toEqual([]);
    expect(cookie?.value).toMatch(/^\w{20,}$/);
    expect(cookie?.attributes.httponly).toBe(true);
    expect(String(cookie?.attributes.samesite).toLowerCase()).toBe("lax");
    expect(cookie?.attributes.secure).toBeUndefined();
    expect(cookie?.attributes.path).toBe("/");
    const me = await web.request("/api/v1/me", { jar });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { email: string }).email).toBe(user.email);
  });

  it("marks the session cookie Secure when Schakel is served over https", async () => {
    const secureWeb = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: "https://schakel.test" });
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });

    const response = await signIn(secureWeb, user.email, TEST_PASSWORD, { ip: freshAddress() });

    expect(response.status).toBe(302);
    const [cookie] = sessionCookiesOf(response);
    expect(cookie?.attributes.secure).toBe(true);
    expect(cookie?.attributes.httponly).toBe(true);
    expect(String(cookie?.attributes.samesite).toLowerCase()).toBe("lax");
  });

  it("accepts the address in any letter case and with surrounding spaces", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });

    const response = await signIn(web, `  ${user.email.toUpperCase()} `, TEST_PASSWORD, { ip: freshAddress() });

    expect(response.status).toBe(302);
    expect(sessionCookiesOf(response)).toHaveLength(1);
  });

  it("stores the password as an argon2id hash, never as the password itself", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });

    const row = await t.db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();

    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
  });

  it("gives a new session id at sign-in and ends the session the browser had before", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const ip = freshAddress();
    const jar = new CookieJar();
    await signIn(web, user.email, TEST_PASSWORD, { jar, ip });
    const before = jar.sessionId;
    expect(before).toBeDefined();

    const response = await signIn(web, user.email, TEST_PASSWORD, { jar, ip });

    expect(response.status).toBe(302);
    expect(jar.sessionId).toBeDefined();
    expect(jar.sessionId).not.toBe(before);
    // Only the token's SHA-256 is stored (decision 096), never the token in the cookie.
    expect((await sessionRowsOf(user.id)).map((row) => row.id)).toEqual([sessionIdOf(jar.sessionId!)]);
    expect(await isSignedIn(web, jar)).toBe(true);
    const old = new CookieJar();
    old.set("schakel_session", before!);
    expect(await isSignedIn(web, old)).toBe(false);
  });

  it("signs in even when the browser still sends a session cookie that has ended", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const jar = new CookieJar();
    jar.set("schakel_session", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

    const response = await signIn(web, user.email, TEST_PASSWORD, { jar, ip: freshAddress() });

    expect(response.status).toBe(302);
    // The browser applies Set-Cookie headers in order; the last one for the session must be the new session.
    const cookies = sessionCookiesOf(response);
    expect(cookies.at(-1)?.isRemoval).toBe(false);
    expect(await isSignedIn(web, jar)).toBe(true);
  });

  it("refuses a wrong password with 400 and a Dutch message, and sets no cookie", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });

    const response = await signIn(web, user.email, "not the password", { ip: freshAddress() });

    expect(response.status).toBe(400);
    expect(alertsOf(await response.text())).toContain(WRONG_PASSWORD_MESSAGE);
    expect(sessionCookiesOf(response)).toEqual([]);
    expect(await sessionRowsOf(user.id)).toEqual([]);
  });

  it("gives an unknown address the same answer as a wrong password", async () => {
    const response = await signIn(web, "nobody@example.nl", TEST_PASSWORD, { ip: freshAddress() });

    expect(response.status).toBe(400);
    expect(alertsOf(await response.text())).toContain(WRONG_PASSWORD_MESSAGE);
  });

  // Was "locks the account after 5 wrong passwords": a lock let anyone keep the owner out (issue 14, item 8).
  it("slows the account down after 5 wrong passwords from elsewhere: the 6th attempt, even with the right password, gets 429 with Retry-After", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    expect(SIGN_IN_LIMITS.accountDelayAfter).toBe(5);
    for (let attempt = 1; attempt <= 5; attempt++) {
      // From different addresses: the account is what is slowed down.
      const response = await signIn(web, user.email, `wrong password ${attempt}`, { ip: freshAddress() });
      expect(response.status, `attempt ${attempt}`).toBe(400);
    }

    const response = await signIn(web, user.email, TEST_PASSWORD, { ip: freshAddress() });

    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(alertsOf(await response.text())).toContain(lockedMessage("2 seconden"));
    expect(sessionCookiesOf(response)).toEqual([]);
    expect(await sessionRowsOf(user.id)).toEqual([]);
  });

  it("lets an address that guessed wrong 5 times sign in to that account again once the window has passed", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const ip = freshAddress();
    for (let attempt = 1; attempt <= SIGN_IN_LIMITS.perAccountAndAddress; attempt++) await signIn(web, user.email, "wrong password", { ip });
    const stillLocked = createTestApp(t.db, { remix: true, now: minutesAfter(TEST_NOW, SIGN_IN_LIMITS.windowMinutes - 1) });
    expect((await signIn(stillLocked, user.email, TEST_PASSWORD, { ip })).status).toBe(429);

    const later = createTestApp(t.db, { remix: true, now: minutesAfter(TEST_NOW, SIGN_IN_LIMITS.windowMinutes + 1) });
    const response = await signIn(later, user.email, TEST_PASSWORD, { ip });

    expect(response.status).toBe(302);
    expect(sessionCookiesOf(response)).toHaveLength(1);
  });

  it("locks an address that fails for many accounts, while other addresses can still sign in", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const attacker = freshAddress();
    for (let attempt = 1; attempt <= SIGN_IN_LIMITS.perAddress; attempt++) {
      // One failure per account, so no account reaches its own limit.
      const response = await signIn(web, `guess-${attempt}@example.nl`, "password123", { ip: attacker });
      expect(response.status, `attempt ${attempt}`).toBe(400);
    }

    const fromAttacker = await signIn(web, user.email, TEST_PASSWORD, { ip: attacker });
    expect(fromAttacker.status).toBe(429);
    expect(alertsOf(await fromAttacker.text())).toContain(LOCKED_MESSAGE);

    const fromElsewhere = await signIn(web, user.email, TEST_PASSWORD, { ip: freshAddress() });
    expect(fromElsewhere.status).toBe(302);

    const later = createTestApp(t.db, { remix: true, now: minutesAfter(TEST_NOW, SIGN_IN_LIMITS.windowMinutes + 1) });
    expect((await signIn(later, user.email, TEST_PASSWORD, { ip: attacker })).status).toBe(302);
  });

  it("refuses a deactivated user at sign-in and ends the session they already had", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const ip = freshAddress();
    const jar = new CookieJar();
    await signIn(web, user.email, TEST_PASSWORD, { jar, ip });
    expect(await isSignedIn(web, jar)).toBe(true);

    const deactivated = await web.request(`/api/v1/users/${user.id}/deactivate`, { method: "POST", token: adminToken, body: "{}" });
    expect(deactivated.status).toBe(200);

    expect(await isSignedIn(web, jar)).toBe(false);
    const page = await web.get("/", { jar });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toMatch(/^\/sign-in/);
    const response = await signIn(web, user.email, TEST_PASSWORD, { ip });
    expect(response.status).toBe(400);
    expect(alertsOf(await response.text())).toContain(WRONG_PASSWORD_MESSAGE);
    expect(await sessionRowsOf(user.id)).toEqual([]);
  });

  it("signing out deletes the session in the database and clears the cookie", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const jar = new CookieJar();
    await signIn(web, user.email, TEST_PASSWORD, { jar, ip: freshAddress() });
    const sessionId = jar.sessionId!;
    expect(await sessionRowsOf(user.id)).toHaveLength(1);

    const response = await web.postForm("/sign-out", {}, { jar });

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/sign-in?signedOut=1");
    expect(sessionCookiesOf(response).at(-1)?.isRemoval).toBe(true);
    expect(jar.sessionId).toBeUndefined();
    expect(await sessionRowsOf(user.id)).toEqual([]);
    const replayed = new CookieJar();
    replayed.set("schakel_session", sessionId);
    expect(await isSignedIn(web, replayed)).toBe(false);
  });
});
