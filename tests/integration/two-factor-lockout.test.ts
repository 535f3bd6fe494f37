import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECOND_FACTOR_LIMITS } from "../../server/auth/second-factor-lockout";
import { alertsOf, CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

// Issue 14, item 4: the five-try limit was per challenge, and a right password made a new one, so
// someone who knew the password could guess codes for ever. Time moves with the clock, never by sleeping.

const NOW = new Date("2026-11-23T10:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const codeAt = (secret: string, date: Date) => generate({ secret, epoch: Math.floor(date.getTime() / 1000) });
const text = async (response: Response) => (await response.text()).replace(/<!-- -->/g, "");
const lockedMessage = (wait: string) =>
  `Er zijn te veel verkeerde codes ingevuld voor dit account. Om het te beschermen kan inloggen met een code pas weer over ${wait}. De eigenaar van het account heeft een e-mail gekregen.`;

describe("two-factor codes cannot be guessed across challenges", () => {
  let t: TestDatabase;
  const apps = new Map<number, TestApp>();
  const web = (minutes = 0) => {
    if (!apps.has(minutes)) apps.set(minutes, createTestApp(t.db, { remix: true, now: at(minutes) }));
    return apps.get(minutes)!;
  };
  let regionId: string;
  let nextAddress = 1;

  beforeAll(async () => {
    t = await createTestDatabase();
    regionId = (await makeRegion(t.db)).id;
  });
  afterAll(() => t.drop());

  /** A user with two-factor sign-in on, set up through the page; returns the user and the app's secret. */
  async function userWithTwoFactor(locale: "nl" | "en" = "nl") {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    if (locale === "en") await t.db.updateTable("users").set({ locale }).where("id", "=", user.id).execute();
    const jar = new CookieJar();
    await web().postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar, ip: `203.0.113.${nextAddress++}` });
    const page = await text(await web().get("/profile/two-factor", { jar }));
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page)![1]!;
    expect((await web().postForm("/profile/two-factor", { intent: "confirm", code: await codeAt(secret, at(0)) }, { jar })).status).toBe(200);
    return { user, secret };
  }

  /** The attacker knows the password: each sign-in gives a fresh challenge (a new browser). */
  async function challenge(email: string, minutes: number) {
    const jar = new CookieJar();
    const response = await web(minutes).postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/" }, { jar, ip: "198.51.100.66" });
    expect(response.headers.get("location")).toMatch(/^\/sign-in\/code/);
    return jar;
  }

  const enterCode = (jar: CookieJar, code: string, minutes: number) => web(minutes).postForm("/sign-in/code", { code, redirectTo: "/" }, { jar });

  const lockoutEmailsTo = (address: string) =>
    t.db.selectFrom("email_outbox").select(["subject", "text"]).where("to_address", "=", address).where("template", "=", "two_factor_lockout").execute();

  /** Wrong codes spread over many challenges, four each (under the per-challenge limit): returns the last answer. */
  async function guessAcrossChallenges(email: string, wrongCodes: number, minutes: number) {
    let last: Response | undefined;
    let jar = await challenge(email, minutes);
    for (let guess = 0; guess < wrongCodes; guess++) {
      if (guess > 0 && guess % 4 === 0) jar = await challenge(email, minutes);
      last = await enterCode(jar, String(100000 + guess), minutes);
    }
    return last!;
  }

  it("locks the code step after 10 wrong codes over many challenges, refuses even the right code while locked, and emails the owner", async () => {
    const { user, secret } = await userWithTwoFactor();
    expect(SECOND_FACTOR_LIMITS.failuresBeforeLockout).toBe(10);

    const ninth = await guessAcrossChallenges(user.email, 9, 1);
    expect(ninth.status).toBe(400);
    expect(await lockoutEmailsTo(user.email)).toEqual([]);

    const tenth = await enterCode(await challenge(user.email, 1), "999999", 1);
    expect(tenth.status).toBe(429);
    expect(tenth.headers.get("retry-after")).toBe(String(15 * 60));
    expect(alertsOf(await text(tenth))).toContain(lockedMessage("15 minuten"));

    // The right password and then the right code: still refused, and no session.
    const owner = await challenge(user.email, 2);
    const right = await enterCode(owner, await codeAt(secret, at(2)), 2);
    expect(right.status).toBe(429);
    expect(owner.sessionId).toBeUndefined();
    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toHaveLength(1);

    const [email, ...more] = await lockoutEmailsTo(user.email);
    expect(more).toEqual([]);
    expect(email!.subject).toBe("Inloggen op uw Schakel-account is tegengehouden");
    expect(email!.text).toContain("10 keer een verkeerde code");
    expect(email!.text).toContain("23 november om 11:16");
    expect(email!.text).toContain("Wijzig het zo snel mogelijk");
    expect(web(1).notified.length).toBeGreaterThan(0);

    // Once the lockout has passed the right code works again.
    const later = await challenge(user.email, 17);
    const afterwards = await enterCode(later, await codeAt(secret, at(17)), 17);
    expect(afterwards.status).toBe(302);
    expect(later.sessionId).toBeTruthy();
  });

  it("makes each further lockout last twice as long, and tells the owner each time", async () => {
    const { user } = await userWithTwoFactor();
    expect((await guessAcrossChallenges(user.email, 10, 1)).headers.get("retry-after")).toBe(String(15 * 60));
    // The first lockout ends at minute 16; ten more wrong codes lock it for half an hour.
    const second = await guessAcrossChallenges(user.email, 10, 20);
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe(String(30 * 60));
    expect(alertsOf(await text(second))).toContain(lockedMessage("30 minuten"));
    expect(await lockoutEmailsTo(user.email)).toHaveLength(2);
  });

  it("does not count wrong codes older than the window, and a right code starts the count again", async () => {
    const { user, secret } = await userWithTwoFactor();
    await guessAcrossChallenges(user.email, 9, 1);
    // Two hours later the old guesses no longer count.
    expect((await guessAcrossChallenges(user.email, 9, 121)).status).toBe(400);
    const owner = await challenge(user.email, 122);
    expect((await enterCode(owner, await codeAt(secret, at(122)), 122)).status).toBe(302);
    expect((await guessAcrossChallenges(user.email, 9, 123)).status).toBe(400);
    expect(await lockoutEmailsTo(user.email)).toEqual([]);
  });

  it("writes the owner's email in English for an English-speaking user", async () => {
    const { user } = await userWithTwoFactor("en");
    expect((await guessAcrossChallenges(user.email, 10, 1)).status).toBe(429);
    const [email] = await lockoutEmailsTo(user.email);
    expect(email!.subject).toBe("Signing in to your Schakel account was stopped");
    expect(email!.text).toContain("a wrong two-factor code was entered 10 times");
  });
});
