import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";

// Issue 14, item 7: API tokens outlived every way of taking an account back. A password change, a
// reset and "sign out everywhere" now revoke them (the owner is told), minting one asks for the
// password (and the code) again, and a token obeys the region's two-factor requirement.

const NOW = new Date("2026-11-23T10:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const text = async (response: Response) => (await response.text()).replace(/<!-- -->/g, "");
const NEW_PASSWORD = "a brand new passphrase";
/** The API tokens card of the profile page (the password form above it has a "password" field too). */
const tokensCard = async (response: Response) => {
  const html = await text(response);
  return html.slice(html.indexOf('aria-labelledby="tokens"'));
};

describe("API tokens after the account is taken back", () => {
  let t: TestDatabase;
  let regionId: string;
  const apps = new Map<number, TestApp>();
  const web = (minutes = 0) => {
    if (!apps.has(minutes)) apps.set(minutes, createTestApp(t.db, { remix: true, now: at(minutes) }));
    return apps.get(minutes)!;
  };
  const signIn = async (email: string, jar = new CookieJar()) => {
    const response = await web().postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    expect(response.status).toBe(302);
    return jar;
  };
  const apiStatus = async (token: string) => (await web().request("/api/v1/me", { token })).status;
  const revokedEmailsTo = (email: string) =>
    t.db.selectFrom("email_outbox").select(["subject", "text"]).where("to_address", "=", email).where("template", "=", "api_tokens_revoked").execute();

  /** Turns two-factor sign-in on through the page; returns the secret the page showed. */
  async function enrol(jar: CookieJar, minutes = 0) {
    const page = await text(await web(minutes).get("/profile/two-factor", { jar }));
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page)![1]!;
    const code = await generate({ secret, epoch: Math.floor(at(minutes).getTime() / 1000) });
    expect((await web(minutes).postForm("/profile/two-factor", { intent: "confirm", code }, { jar })).status).toBe(200);
    return secret;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    regionId = (await makeRegion(t.db)).id;
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("a token made before a password change stops working after it; the owner is told on the page and by email", async () => {
    const { user, token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    expect(await apiStatus(token)).toBe(200);
    const jar = await signIn(user.email);

    const changed = await web().postForm("/profile", { intent: "change-password", currentPassword: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, { jar });

    expect(changed.status).toBe(200);
    expect(alertsOf(await text(changed))).toContain("Uw API-tokens (1) zijn ingetrokken: maak nieuwe voor uw scripts.");
    expect(await apiStatus(token)).toBe(401);
    const [email, ...more] = await revokedEmailsTo(user.email);
    expect(more).toEqual([]);
    expect(email?.subject).toBe("Uw API-tokens voor Schakel zijn ingetrokken (1)");
    expect(email?.text).toContain("Uw wachtwoord is gewijzigd");
  });

  it("a password change through the API revokes the caller's tokens too, and says how many", async () => {
    const { user, token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    const jar = await signIn(user.email);
    const response = await web().request("/api/v1/me/password", {
      method: "POST", jar, headers: { origin: web().appUrl }, body: JSON.stringify({ currentPassword: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ apiTokensRevoked: 1 });
    expect(await apiStatus(token)).toBe(401);
  });

  it("a token stops working once the password is reset through the emailed link; the sign-in page and an email say so", async () => {
    const { user, token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    await web().postForm("/forgot-password", { email: user.email });
    await sendRequestedPasswordResets(t.db, { now: at(0), appUrl: "http://localhost" });
    const resetMail = await t.db.selectFrom("email_outbox").select("text").where("to_address", "=", user.email).where("template", "=", "password_reset").executeTakeFirstOrThrow();
    const link = /\/reset-password\/([\w-]+)/.exec(resetMail.text)![1]!;

    const reset = await web().postForm(`/reset-password/${link}`, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });

    expect(reset.status).toBe(302);
    expect(reset.headers.get("location")).toBe("/sign-in?passwordSet=1&tokensRevoked=1");
    expect(alertsOf(await text(await web().get(reset.headers.get("location")!)))).toContain(
      "Ook uw API-tokens (1) zijn ingetrokken; scripts die ze gebruiken hebben een nieuw token nodig.",
    );
    expect(await apiStatus(token)).toBe(401);
    expect((await revokedEmailsTo(user.email)).map((m) => m.text).join()).toContain("Uw wachtwoord is opnieuw ingesteld");
  });

  it("signing out everywhere stops the tokens too, from the sign-out page and from the profile", async () => {
    const first = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    const signOut = await web().postForm("/sign-out", { everywhere: "on" }, { jar: await signIn(first.user.email) });
    expect(signOut.headers.get("location")).toBe("/sign-in?signedOut=1&tokensRevoked=1");
    expect(await apiStatus(first.token)).toBe(401);
    expect(await revokedEmailsTo(first.user.email)).toHaveLength(1);

    const second = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    const ended = await web().postForm("/profile", { intent: "end-other-sessions" }, { jar: await signIn(second.user.email) });
    expect(alertsOf(await text(ended))).toContain("Ook uw API-tokens (1) zijn ingetrokken; scripts die ze gebruiken hebben een nieuw token nodig.");
    expect(await apiStatus(second.token)).toBe(401);
  });

  it("signing out here only, or with no tokens, revokes nothing and sends no email", async () => {
    const { user, token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    const signOut = await web().postForm("/sign-out", {}, { jar: await signIn(user.email) });
    expect(signOut.headers.get("location")).toBe("/sign-in?signedOut=1");
    expect(await apiStatus(token)).toBe(200);
    const plain = await makeUser(t.db, { regionId, role: "accounthouder" });
    await web().postForm("/sign-out", { everywhere: "on" }, { jar: await signIn(plain.email) });
    expect(await revokedEmailsTo(plain.email)).toEqual([]);
  });

  it("a stolen session cannot mint a token: without the password, or with a wrong one, nothing is made", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const jar = await signIn(user.email);
    const tokensOf = () => t.db.selectFrom("api_tokens").select("id").where("user_id", "=", user.id).execute();

    const bare = await web().postForm("/profile", { intent: "create-token", name: "exfiltrate" }, { jar });
    expect(bare.status).toBe(400);
    expect(fieldErrorOf(await tokensCard(bare), "password")).toBeTruthy();
    const wrong = await web().postForm("/profile", { intent: "create-token", name: "exfiltrate", password: "guessed wrong" }, { jar });
    expect(wrong.status).toBe(400);
    expect(fieldErrorOf(await tokensCard(wrong), "password")).toBe("Het wachtwoord klopt niet.");
    expect(await tokensOf()).toEqual([]);

    const made = await web().postForm("/profile", { intent: "create-token", name: "my script", password: TEST_PASSWORD }, { jar });
    const token = /data-testid="new-token">([^<]+)</.exec(await text(made))?.[1];
    expect(token).toMatch(/^skl_/);
    expect(await apiStatus(token!)).toBe(200);
  });

  it("with two-factor sign-in on, minting a token also needs a current code", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const jar = await signIn(user.email);
    const secret = await enrol(jar);
    const tokensOf = () => t.db.selectFrom("api_tokens").select("id").where("user_id", "=", user.id).execute();

    const noCode = await web(1).postForm("/profile", { intent: "create-token", name: "x", password: TEST_PASSWORD }, { jar });
    expect(noCode.status).toBe(400);
    expect(fieldErrorOf(await tokensCard(noCode), "code")).toBe("Vul de code uit uw authenticator-app in.");
    const wrongCode = await web(1).postForm("/profile", { intent: "create-token", name: "x", password: TEST_PASSWORD, code: "000000" }, { jar });
    expect(fieldErrorOf(await tokensCard(wrongCode), "code")).toBe("Die code klopt niet.");
    expect(await tokensOf()).toEqual([]);

    const code = await generate({ secret, epoch: Math.floor(at(2).getTime() / 1000) });
    const made = await web(2).postForm("/profile", { intent: "create-token", name: "x", password: TEST_PASSWORD, code }, { jar });
    expect(await text(made)).toMatch(/data-testid="new-token">skl_/);
    expect(await tokensOf()).toHaveLength(1);
  });

  it("a token of a penvoerder whose region requires two factors, who has none, is refused with 403 TWO_FACTOR_REQUIRED until it is set up", async () => {
    const strictRegion = (await makeRegion(t.db)).id;
    const penvoerder = await makeUserWithToken(t.db, { regionId: strictRegion, role: "penvoerder" });
    const holder = await makeUserWithToken(t.db, { regionId: strictRegion, role: "accounthouder" });
    await t.db.updateTable("regions").set({ require_two_factor: true }).where("id", "=", strictRegion).execute();

    const refused = await web().request("/api/v1/organisations", { token: penvoerder.token });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("TWO_FACTOR_REQUIRED");
    // A session of the same person gets the same answer from the API.
    const jar = await signIn(penvoerder.user.email);
    const bySession = await web().get("/api/v1/organisations", { jar });
    expect(((await bySession.json()) as { error: { code: string } }).error.code).toBe("TWO_FACTOR_REQUIRED");
    // Roles the requirement does not cover are not affected.
    expect((await web().request("/api/v1/organisations", { token: holder.token })).status).toBe(200);

    await enrol(jar);
    expect((await web().request("/api/v1/organisations", { token: penvoerder.token })).status).toBe(200);
  });
});
