import { sql } from "kysely";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_PASSWORD } from "../support/factories";

const NOW = new Date("2026-11-23T10:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const DAY_MINUTES = 24 * 60;
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);
const codeAt = (secret: string, date: Date) => generate({ secret, epoch: epoch(date) });
const text = async (response: Response) => (await response.text()).replace(/<!-- -->/g, "");

describe("accounts: two-factor sign-in, sessions and passwords", () => {
  let t: TestDatabase;
  /** The same Schakel at different moments: the clock moves, the database stays. */
  const apps = new Map<number, TestApp>();
  const web = (minutes = 0) => {
    if (!apps.has(minutes)) apps.set(minutes, createTestApp(t.db, { remix: true, now: at(minutes) }));
    return apps.get(minutes)!;
  };
  let regionId: string;

  const signInWithPassword = (email: string, jar: CookieJar, minutes = 0) =>
    web(minutes).postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });

  /** Enrols a user through the page and returns the secret and the recovery codes it showed. */
  async function enrol(jar: CookieJar, minutes = 0) {
    const page = await text(await web(minutes).get("/profile/two-factor", { jar }));
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page)?.[1];
    expect(secret).toBeTruthy();
    const confirmed = await web(minutes).postForm("/profile/two-factor", { intent: "confirm", code: await codeAt(secret!, at(minutes)) }, { jar });
    expect(confirmed.status).toBe(200);
    const html = await text(confirmed);
    const codes = [...html.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    return { secret: secret!, codes, html };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    regionId = (await makeRegion(t.db)).id;
  });
  afterAll(() => t.drop());

  describe("two-factor sign-in", () => {
    let email: string;
    let secret: string;
    let codes: string[];

    beforeAll(async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder", name: "Tim Twee" });
      email = user.email;
      const jar = new CookieJar();
      await signInWithPassword(email, jar);
      await web().get("/profile/two-factor", { jar });
      const wrong = await web().postForm("/profile/two-factor", { intent: "confirm", code: "000000" }, { jar });
      expect(wrong.status).toBe(400);
      expect(fieldErrorOf(await text(wrong), "code")).toContain("Deze code klopt niet");
      expect((await t.db.selectFrom("users").select("totp_enabled_at").where("id", "=", user.id).executeTakeFirstOrThrow()).totp_enabled_at).toBeNull();
      ({ secret, codes } = await enrol(jar));
    });

    it("is set up by scanning the code and confirming one: ten recovery codes are shown once, and the audit log has it", async () => {
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      const stored = await t.db.selectFrom("user_recovery_codes").innerJoin("users", "users.id", "user_recovery_codes.user_id").select("code_hash").where("users.email", "=", email).execute();
      expect(stored).toHaveLength(10);
      // Only hashes are kept.
      expect(stored.map((r) => r.code_hash)).not.toContain(codes[0]);
      const audit = await t.db.selectFrom("audit_log").select("action").where("action", "=", "user.two_factor_enable").execute();
      expect(audit).toHaveLength(1);
    });

    it("asks for the code after the password: no session until the code is right, and a wrong code says how many tries are left", async () => {
      const jar = new CookieJar();
      const password = await signInWithPassword(email, jar, 1);
      expect(password.status).toBe(302);
      expect(password.headers.get("location")).toBe("/sign-in/code?redirectTo=%2F");
      expect(jar.sessionId).toBeUndefined();
      expect(jar.get("schakel_2fa")).toBeTruthy();
      // The dashboard is still closed.
      expect((await web(1).get("/", { jar })).headers.get("location")).toMatch(/^\/sign-in/);

      const wrong = await web(1).postForm("/sign-in/code", { code: "123456", redirectTo: "/" }, { jar });
      expect(wrong.status).toBe(400);
      expect(fieldErrorOf(await text(wrong), "code")).toBe("Deze code klopt niet. U kunt het nog 4 keer proberen.");
      const right = await web(1).postForm("/sign-in/code", { code: await codeAt(secret, at(1)), redirectTo: "/" }, { jar });
      expect(right.status).toBe(302);
      expect(jar.sessionId).toBeTruthy();
      expect(jar.get("schakel_2fa")).toBeUndefined();
      expect((await web(1).get("/", { jar })).status).toBe(200);
    });

    it("does not accept the same code twice, even at a new sign-in in the same half minute", async () => {
      const jar = new CookieJar();
      await signInWithPassword(email, jar, 1);
      const replay = await web(1).postForm("/sign-in/code", { code: await codeAt(secret, at(1)), redirectTo: "/" }, { jar });
      expect(replay.status).toBe(400);
      expect(jar.sessionId).toBeUndefined();
    });

    it("lets a recovery code in once, typed in any case with spaces; the second time it is refused", async () => {
      const first = new CookieJar();
      await signInWithPassword(email, first, 2);
      const typed = ` ${codes[3]!.toUpperCase().replace("-", " ")} `;
      expect((await web(2).postForm("/sign-in/code", { code: typed, redirectTo: "/" }, { jar: first })).status).toBe(302);
      expect(first.sessionId).toBeTruthy();
      const again = new CookieJar();
      await signInWithPassword(email, again, 2);
      expect((await web(2).postForm("/sign-in/code", { code: codes[3]!, redirectTo: "/" }, { jar: again })).status).toBe(400);
      const status = await text(await web(2).get("/profile/two-factor", { jar: first }));
      expect(status).toContain("U heeft nog 9 ongebruikte herstelcodes.");
    });

    it("sends the person back to the password after ten minutes, or after five wrong codes", async () => {
      const slow = new CookieJar();
      await signInWithPassword(email, slow, 3);
      const late = await web(14).postForm("/sign-in/code", { code: await codeAt(secret, at(14)), redirectTo: "/" }, { jar: slow });
      expect(late.status).toBe(302);
      expect(late.headers.get("location")).toBe("/sign-in?codeExpired=1");
      expect(slow.sessionId).toBeUndefined();

      const guesser = new CookieJar();
      await signInWithPassword(email, guesser, 15);
      for (let i = 0; i < 4; i++) expect((await web(15).postForm("/sign-in/code", { code: String(100000 + i), redirectTo: "/" }, { jar: guesser })).status).toBe(400);
      const fifth = await web(15).postForm("/sign-in/code", { code: "999999", redirectTo: "/" }, { jar: guesser });
      expect(fifth.headers.get("location")).toBe("/sign-in?codeExpired=1");
      // Even the right code does not help now: the challenge is gone.
      const after = await web(15).postForm("/sign-in/code", { code: await codeAt(secret, at(15)), redirectTo: "/" }, { jar: guesser });
      expect(after.headers.get("location")).toBe("/sign-in?codeExpired=1");
      expect(guesser.sessionId).toBeUndefined();
      const page = await text(await web(15).get("/sign-in?codeExpired=1"));
      expect(alertsOf(page)).toContain("Het inloggen duurde te lang of er waren te veel verkeerde codes. Log opnieuw in.");
    });

    it("is turned off only with the password", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const jar = new CookieJar();
      await signInWithPassword(user.email, jar);
      const enrolled = await enrol(jar);
      const wrong = await web().postForm("/profile/two-factor", { intent: "disable", password: "not it" }, { jar });
      expect(wrong.status).toBe(400);
      expect(fieldErrorOf(await text(wrong), "password")).toBe("Het wachtwoord klopt niet.");
      expect((await web().postForm("/profile/two-factor", { intent: "disable", password: TEST_PASSWORD }, { jar })).status).toBe(200);
      const row = await t.db.selectFrom("users").select(["totp_enabled_at", "totp_secret"]).where("id", "=", user.id).executeTakeFirstOrThrow();
      // The page offers to set it up again, with a new secret: the old app entry is worthless.
      expect(row.totp_enabled_at).toBeNull();
      expect(row.totp_secret).not.toBe(enrolled.secret);
      expect(await t.db.selectFrom("user_recovery_codes").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
    });
  });

  describe("a region that requires two-factor sign-in of admins and penvoerders", () => {
    let admin: Awaited<ReturnType<typeof makeUserWithToken>>;
    let region2: string;

    beforeAll(async () => {
      region2 = (await makeRegion(t.db)).id;
      admin = await makeUserWithToken(t.db, { regionId: region2, role: "admin" });
    });

    it("is switched on by an admin only: an account holder's API call is refused and changes nothing", async () => {
      const holder = await makeUserWithToken(t.db, { regionId: region2, role: "accounthouder" });
      const refused = await web().request("/api/v1/region/security", { token: holder.token, method: "PATCH", body: JSON.stringify({ requireTwoFactor: true }) });
      expect(refused.status).toBe(403);
      expect((await t.db.selectFrom("regions").select("require_two_factor").where("id", "=", region2).executeTakeFirstOrThrow()).require_two_factor).toBe(false);
      const jar = new CookieJar();
      await signInWithPassword(admin.user.email, jar);
      const saved = await web().postForm("/admin/users", { intent: "two-factor-requirement", requireTwoFactor: "on" }, { jar });
      expect(alertsOf(await text(saved))).toContain("De instelling voor tweestapsverificatie is opgeslagen.");
      expect((await t.db.selectFrom("regions").select("require_two_factor").where("id", "=", region2).executeTakeFirstOrThrow()).require_two_factor).toBe(true);
    });

    it("sends a penvoerder without a second factor to set it up before anything else opens; an account holder is not affected", async () => {
      const penvoerder = await makeUser(t.db, { regionId: region2, role: "penvoerder" });
      const jar = new CookieJar();
      await signInWithPassword(penvoerder.email, jar);
      for (const path of ["/", "/organisations", "/commitments", "/profile"]) {
        const page = await web().get(path, { jar });
        expect(page.status).toBe(303);
        expect(page.headers.get("location")).toBe("/profile/two-factor");
      }
      const api = await web().get("/api/v1/organisations", { jar });
      expect(api.status).toBe(403);
      const setup = await text(await web().get("/profile/two-factor", { jar }));
      expect(alertsOf(setup)).toContain("Uw regio vraagt tweestapsverificatie voor uw rol. Stel het nu in; daarna kunt u verder.");
      await enrol(jar);
      expect((await web().get("/", { jar })).status).toBe(200);
      // Required, so it cannot be turned off again.
      const off = await web().postForm("/profile/two-factor", { intent: "disable", password: TEST_PASSWORD }, { jar });
      expect(off.status).toBe(422);
      expect((await t.db.selectFrom("users").select("totp_enabled_at").where("id", "=", penvoerder.id).executeTakeFirstOrThrow()).totp_enabled_at).not.toBeNull();

      const holder = await makeUser(t.db, { regionId: region2, role: "accounthouder" });
      const holderJar = new CookieJar();
      await signInWithPassword(holder.email, holderJar);
      expect((await web().get("/organisations", { jar: holderJar })).status).toBe(200);
    });
  });

  describe("sessions", () => {
    it("lists where the person is signed in, without the session secrets, and ends another one", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const laptop = new CookieJar();
      const phone = new CookieJar();
      await web().postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: laptop, headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" } });
      await web().postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: phone, headers: { "user-agent": "Mozilla/5.0 (Linux; Android 15) Chrome/140.0 Mobile Safari/537.36" } });
      const page = await text(await web().get("/profile", { jar: laptop }));
      expect(page).toContain("Firefox · Linux");
      expect(page).toContain("Chrome · Android");
      expect(page).not.toContain(laptop.sessionId!);
      expect(page).not.toContain(phone.sessionId!);

      const listed = (await (await web().get("/api/v1/me/sessions", { jar: laptop })).json()) as { items: Array<{ id: string; current: boolean }> };
      expect(listed.items).toHaveLength(2);
      const other = listed.items.find((s) => !s.current)!;
      const ended = await web().postForm("/profile", { intent: "end-session", sessionId: other.id }, { jar: laptop });
      expect(alertsOf(await text(ended))).toContain("Die sessie is beëindigd.");
      expect((await web().get("/", { jar: phone })).headers.get("location")).toMatch(/^\/sign-in/);
      expect((await web().get("/", { jar: laptop })).status).toBe(200);
    });

    it("refuses to end someone else's session (404) and leaves it alone", async () => {
      const alice = await makeUser(t.db, { regionId, role: "accounthouder" });
      const bob = await makeUser(t.db, { regionId, role: "accounthouder" });
      const aliceJar = new CookieJar();
      const bobJar = new CookieJar();
      await signInWithPassword(alice.email, aliceJar);
      await signInWithPassword(bob.email, bobJar);
      const bobs = (await (await web().get("/api/v1/me/sessions", { jar: bobJar })).json()) as { items: Array<{ id: string }> };
      const refused = await web().request(`/api/v1/me/sessions/${bobs.items[0]!.id}`, { method: "DELETE", jar: aliceJar, headers: { origin: "http://schakel.test" } });
      expect(refused.status).toBe(404);
      expect((await web().get("/", { jar: bobJar })).status).toBe(200);
    });

    it("signs out everywhere when asked, and ends a session whose time is up", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const one = new CookieJar();
      const two = new CookieJar();
      await signInWithPassword(user.email, one);
      await signInWithPassword(user.email, two);
      await web().postForm("/sign-out", { everywhere: "on" }, { jar: one });
      expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
      expect((await web().get("/", { jar: two })).headers.get("location")).toMatch(/^\/sign-in/);

      // Time is read from the process clock (SCHAKEL_NOW): fifteen days on, untouched, it has ended.
      const three = new CookieJar();
      await signInWithPassword(user.email, three);
      expect((await web().get("/", { jar: three })).status).toBe(200);
      const later = await web(15 * DAY_MINUTES).get("/", { jar: three });
      expect(later.headers.get("location")).toMatch(/^\/sign-in/);
      expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
    });

    it("renews a session that is used in its second half, so an active person stays signed in", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const jar = new CookieJar();
      await signInWithPassword(user.email, jar);
      // Used on day 10 (second half of 14 days): renewed to day 24, with a fresh cookie.
      const response = await web(10 * DAY_MINUTES).get("/", { jar });
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith("schakel_session=") && /Max-Age=1209600/.test(cookie))).toBe(true);
      const { expires_at } = await t.db.selectFrom("sessions").select("expires_at").where("user_id", "=", user.id).executeTakeFirstOrThrow();
      expect(new Date(expires_at).getTime()).toBe(at(24 * DAY_MINUTES).getTime());
      // Day 20 is past the first expiry (day 14) but within the renewed one.
      expect((await web(20 * DAY_MINUTES).get("/", { jar })).status).toBe(200);
    });
  });

  describe("changing the password", () => {
    it("needs the current password, then ends every other session and keeps this one", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const here = new CookieJar();
      const elsewhere = new CookieJar();
      await signInWithPassword(user.email, here);
      await signInWithPassword(user.email, elsewhere);
      const { password_hash: before } = await t.db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();

      const wrong = await web().postForm("/profile", { intent: "change-password", currentPassword: "guess", password: "a much longer secret", confirm: "a much longer secret" }, { jar: here });
      expect(wrong.status).toBe(400);
      expect(fieldErrorOf(await text(wrong), "currentPassword")).toBe("Het huidige wachtwoord klopt niet.");
      const differ = await web().postForm("/profile", { intent: "change-password", currentPassword: TEST_PASSWORD, password: "a much longer secret", confirm: "another secret" }, { jar: here });
      expect(differ.status).toBe(400);
      expect(fieldErrorOf(await text(differ), "confirm")).toBeTruthy();
      expect((await t.db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow()).password_hash).toBe(before);
      expect((await web().get("/", { jar: elsewhere })).status).toBe(200);

      const changed = await web().postForm("/profile", { intent: "change-password", currentPassword: TEST_PASSWORD, password: "a much longer secret", confirm: "a much longer secret" }, { jar: here });
      expect(alertsOf(await text(changed))).toContain("Uw wachtwoord is gewijzigd. Op andere plekken bent u uitgelogd.");
      expect((await web().get("/", { jar: here })).status).toBe(200);
      expect((await web().get("/", { jar: elsewhere })).headers.get("location")).toMatch(/^\/sign-in/);
      const fresh = new CookieJar();
      expect((await web().postForm("/sign-in", { email: user.email, password: "a much longer secret", redirectTo: "/" }, { jar: fresh })).status).toBe(302);
      expect(fresh.sessionId).toBeTruthy();
      expect(await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", user.id).where("action", "=", "user.change_password").execute()).toHaveLength(1);
    });
  });

  it("keeps the audit trail of the region's two-factor requirement", async () => {
    const { rows } = await sql<{ action: string }>`select action from audit_log where action = 'region.two_factor_requirement'`.execute(t.db);
    expect(rows.length).toBeGreaterThanOrEqual(1);
  });
});
