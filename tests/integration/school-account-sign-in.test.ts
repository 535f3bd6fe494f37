import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseInput } from "../../server/validation";
import { saveOidcProvider } from "../../server/auth/oidc-settings";
import { OidcProviderInput } from "../../server/auth/oidc-settings.schemas";
import { createSecretBox } from "../../server/auth/secret-key";
import { hashSecret } from "../../server/auth/secrets";
import { alertsOf, CookieJar, createTestApp, TEST_APP_URL, TEST_SECRET_KEY, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { signInAtProvider, startTestProvider, type TestProvider } from "../support/oidc-provider";

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64"));
const MESSAGES = {
  unknown: "Er is in Schakel geen account voor dit schoolaccount. Vraag de beheerder van uw regio om een uitnodiging.",
  deactivated: "Uw account in Schakel is gedeactiveerd. Vraag de beheerder van uw regio om hulp.",
  state: "Het inloggen met uw schoolaccount kon niet worden afgemaakt: het verzoek was verlopen of niet van deze browser. Probeer het opnieuw.",
  invalid: "Het antwoord van de inlogdienst van uw school was niet geldig. U bent niet ingelogd.",
  unavailable: "Het inloggen met uw schoolaccount lukt nu niet: de inlogdienst van uw school antwoordt niet. Probeer het later opnieuw of log in met uw wachtwoord.",
  unverified: "Uw schoolaccount gaf geen bevestigd e-mailadres door. Vraag de beheerder van uw school of regio om hulp.",
  onlySchoolAccount: "Uw regio laat medewerkers alleen inloggen met hun schoolaccount. Gebruik de knop hieronder.",
};

describe("signing in with the school's account", () => {
  let t: TestDatabase;
  let web: TestApp;
  let idp: TestProvider;
  let other: TestProvider;
  let region: { id: string; slug: string };
  let domainRegion: { id: string; slug: string };
  let nextAddress = 1;
  const freshAddress = () => `203.0.113.${nextAddress++}`;

  const configure = async (regionId: string, provider: TestProvider, extra: Record<string, unknown> = {}) =>
    saveOidcProvider(t.db, box, regionId, parseInput(OidcProviderInput, {
      issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret, label: "Microsoft", ...extra,
    }), { actorId: null, now: TEST_NOW });

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    idp = await startTestProvider();
    other = await startTestProvider();
    region = await makeRegion(t.db);
    domainRegion = await makeRegion(t.db);
    await configure(region.id, idp, { domains: "school.nl" });
    await configure(domainRegion.id, other, { domains: "college.nl", provision: "domain", role: "accounthouder", label: "Google Workspace" });
  });
  afterAll(async () => {
    await idp.stop();
    await other.stop();
    await t.drop();
  });

  /** Starts at Schakel, signs in at the provider, and returns Schakel's answer at the callback. */
  const signInThrough = async (slug: string, subject: string, jar = new CookieJar(), ip = freshAddress()) => {
    const started = await web.get(`/auth/oidc/${slug}`, { jar, ip });
    expect(started.status).toBe(302);
    const back = await signInAtProvider(started.headers.get("location")!, subject);
    return { back, answer: await web.get(`${back.pathname}${back.search}`, { jar, ip }), jar };
  };
  const isSignedIn = async (jar: CookieJar) => (await web.request("/api/v1/me", { jar })).status === 200;
  const refusalShown = async (answer: Response, jar: CookieJar) => {
    expect(answer.status).toBe(302);
    const page = await web.get(answer.headers.get("location")!, { jar });
    return alertsOf(await page.text());
  };
  const auditActions = async (regionId: string) =>
    (await t.db.selectFrom("audit_log").select(["action", "after"]).where("region_id", "=", regionId).orderBy("id").execute());

  it("sends the browser to the provider with PKCE, state and nonce, and the callback address built from the configured address", async () => {
    const jar = new CookieJar();
    const started = await web.get(`/auth/oidc/${region.slug}`, { jar, headers: { host: "schakel.test", "x-forwarded-host": "evil.example" } });
    const location = new URL(started.headers.get("location")!);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get("redirect_uri")).toBe(`${TEST_APP_URL}/auth/oidc/callback`);
    expect(location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(location.searchParams.get("scope")).toBe("openid email profile");
    expect(location.searchParams.get("nonce")).toBeTruthy();
    expect(jar.get("schakel_oidc")).toBe(location.searchParams.get("state"));
    const cookie = started.headers.getSetCookie().find((line) => line.startsWith("schakel_oidc="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/auth\/oidc/);
  });

  it("signs an invited, active staff member in, links the stable subject, and audits the sign-in", async () => {
    const user = await makeUser(t.db, { regionId: region.id, role: "accounthouder", email: "jan@school.nl" });
    idp.account("sub-jan", { email: "jan@school.nl", emailVerified: true, name: "Jan" });
    const { answer, jar } = await signInThrough(region.slug, "sub-jan");

    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("/");
    expect(await isSignedIn(jar)).toBe(true);
    expect(jar.get("schakel_oidc")).toBeUndefined();
    const identity = await t.db.selectFrom("user_identities").select(["user_id", "subject", "issuer"]).where("subject", "=", "sub-jan").executeTakeFirstOrThrow();
    expect(identity).toEqual({ user_id: user.id, subject: "sub-jan", issuer: idp.issuer });
    expect((await auditActions(region.id)).map((a) => a.action)).toContain("user.sign_in_school_account");
    const attempt = await t.db.selectFrom("sign_in_attempts").select("succeeded").where("email", "=", "jan@school.nl").executeTakeFirstOrThrow();
    expect(attempt.succeeded).toBe(true);
  });

  it("once linked, matches on the subject even when the provider reports another address", async () => {
    idp.account("sub-jan", { email: "j.jansen@school.nl", emailVerified: true });
    const { jar } = await signInThrough(region.slug, "sub-jan");
    expect(await isSignedIn(jar)).toBe(true);
  });

  it("refuses an address the provider has not verified, and creates nothing", async () => {
    await makeUser(t.db, { regionId: region.id, role: "accounthouder", email: "onbevestigd@school.nl" });
    idp.account("sub-unverified", { email: "onbevestigd@school.nl", emailVerified: false });
    const { answer, jar } = await signInThrough(region.slug, "sub-unverified");
    expect(await refusalShown(answer, jar)).toContain(MESSAGES.unverified);
    expect(await isSignedIn(jar)).toBe(false);
    expect(await t.db.selectFrom("user_identities").select("id").where("subject", "=", "sub-unverified").execute()).toEqual([]);
  });

  it("refuses someone unknown under invited, with one Dutch message, and records the attempt", async () => {
    idp.account("sub-stranger", { email: "vreemde@school.nl", emailVerified: true });
    const usersBefore = (await t.db.selectFrom("users").select("id").execute()).length;
    const { answer, jar } = await signInThrough(region.slug, "sub-stranger");
    expect(await refusalShown(answer, jar)).toEqual([MESSAGES.unknown]);
    expect(await isSignedIn(jar)).toBe(false);
    expect((await t.db.selectFrom("users").select("id").execute()).length).toBe(usersBefore);
    const refused = (await auditActions(region.id)).filter((a) => a.action === "sign_in.school_account_refused").map((a) => (a.after as { reason: string }).reason);
    expect(refused).toContain("unknown");
    const attempt = await t.db.selectFrom("sign_in_attempts").select("succeeded").where("email", "=", "vreemde@school.nl").executeTakeFirstOrThrow();
    expect(attempt.succeeded).toBe(false);
  });

  it("never lets a deactivated user in, whatever the provider says", async () => {
    const user = await makeUser(t.db, { regionId: region.id, role: "accounthouder", email: "weg@school.nl" });
    await t.db.updateTable("users").set({ active: false, deactivated_at: TEST_NOW }).where("id", "=", user.id).where("region_id", "=", region.id).execute();
    idp.account("sub-gone", { email: "weg@school.nl", emailVerified: true, amr: ["pwd", "mfa"] });
    const { answer, jar } = await signInThrough(region.slug, "sub-gone");
    expect(await refusalShown(answer, jar)).toEqual([MESSAGES.deactivated]);
    expect(await isSignedIn(jar)).toBe(false);
  });

  it("gives a new account under domain, with the configured role, and tells the region's admins", async () => {
    const admin = await makeUser(t.db, { regionId: domainRegion.id, role: "admin" });
    other.account("sub-new", { email: "nieuw@college.nl", emailVerified: true, name: "Nieuwe Docent" });
    const { jar } = await signInThrough(domainRegion.slug, "sub-new");
    expect(await isSignedIn(jar)).toBe(true);
    const created = await t.db.selectFrom("users").select(["role", "region_id", "name", "password_hash"]).where("email", "=", "nieuw@college.nl").executeTakeFirstOrThrow();
    expect(created).toEqual({ role: "accounthouder", region_id: domainRegion.id, name: "Nieuwe Docent", password_hash: null });
    const mail = await t.db.selectFrom("email_outbox").select(["to_address", "subject"]).where("template", "=", "school_account_created").execute();
    expect(mail).toEqual([{ to_address: admin.email, subject: "Nieuw account via schoolaccount: Nieuwe Docent" }]);
  });

  it("does not provision an address outside the listed domains", async () => {
    other.account("sub-outside", { email: "iemand@elders.nl", emailVerified: true });
    const { answer, jar } = await signInThrough(domainRegion.slug, "sub-outside");
    expect(await refusalShown(answer, jar)).toEqual(["Dit schoolaccount hoort niet bij een domein van deze regio."]);
    expect(await t.db.selectFrom("users").select("id").where("email", "=", "iemand@elders.nl").execute()).toEqual([]);
  });

  it("refuses an answer with a state this browser did not start (forged or tampered)", async () => {
    idp.account("sub-jan", { email: "jan@school.nl", emailVerified: true });
    const { back } = await (async () => {
      const jar = new CookieJar();
      const started = await web.get(`/auth/oidc/${region.slug}`, { jar });
      return { back: await signInAtProvider(started.headers.get("location")!, "sub-jan") };
    })();
    // Another browser (no state cookie) follows the address: login CSRF.
    const victim = new CookieJar();
    const answer = await web.get(`${back.pathname}${back.search}`, { jar: victim });
    expect(await refusalShown(answer, victim)).toEqual([MESSAGES.state]);
    // The right browser with its state changed in the address.
    const jar = new CookieJar();
    const started = await web.get(`/auth/oidc/${region.slug}`, { jar });
    const returned = await signInAtProvider(started.headers.get("location")!, "sub-jan");
    returned.searchParams.set("state", `${returned.searchParams.get("state")}x`);
    const tampered = await web.get(`${returned.pathname}${returned.search}`, { jar });
    expect(await refusalShown(tampered, jar)).toEqual([MESSAGES.state]);
    expect(await isSignedIn(jar)).toBe(false);
  });

  it("refuses an ID token whose nonce is not the one this sign-in sent", async () => {
    const jar = new CookieJar();
    const started = await web.get(`/auth/oidc/${region.slug}`, { jar });
    await t.db.updateTable("oidc_sign_in_states").set({ nonce: "another-nonce" }).where("region_id", "=", region.id).where("state_hash", "=", hashSecret(jar.get("schakel_oidc")!)).execute();
    const back = await signInAtProvider(started.headers.get("location")!, "sub-jan");
    const answer = await web.get(`${back.pathname}${back.search}`, { jar });
    expect(await refusalShown(answer, jar)).toEqual([MESSAGES.invalid]);
    expect(await isSignedIn(jar)).toBe(false);
  });

  it("takes an answer once: the same callback again, or its code under a new state, is refused", async () => {
    const { back, answer, jar } = await signInThrough(region.slug, "sub-jan");
    expect(await isSignedIn(jar)).toBe(true);
    expect(answer.status).toBe(302);
    // The same answer replayed by someone who saw it: the state is spent.
    const thief = new CookieJar();
    thief.set("schakel_oidc", back.searchParams.get("state")!);
    expect(await refusalShown(await web.get(`${back.pathname}${back.search}`, { jar: thief }), thief)).toEqual([MESSAGES.state]);
    // The spent code under a fresh state of the thief's own: the provider refuses the code.
    const started = await web.get(`/auth/oidc/${region.slug}`, { jar: thief });
    const state = new URL(started.headers.get("location")!).searchParams.get("state")!;
    const replay = new URL(back);
    replay.searchParams.set("state", state);
    expect(await refusalShown(await web.get(`${replay.pathname}${replay.search}`, { jar: thief }), thief)).toEqual([MESSAGES.invalid]);
    expect(await isSignedIn(thief)).toBe(false);
  });

  it("refuses a code from another provider or client (wrong issuer and audience)", async () => {
    other.account("sub-jan", { email: "jan@school.nl", emailVerified: true });
    // A code and issuer of the other provider, answered to a sign-in this browser started at the region's own.
    const jar = new CookieJar();
    const started = await web.get(`/auth/oidc/${region.slug}`, { jar });
    const state = new URL(started.headers.get("location")!).searchParams.get("state")!;
    const otherStart = new CookieJar();
    const foreignStart = await web.get(`/auth/oidc/${domainRegion.slug}`, { jar: otherStart });
    const foreign = await signInAtProvider(foreignStart.headers.get("location")!, "sub-jan");
    foreign.searchParams.set("state", state);
    expect(await refusalShown(await web.get(`${foreign.pathname}${foreign.search}`, { jar }), jar)).toEqual([MESSAGES.invalid]);
    // The same, without the iss parameter that gives it away: the region's provider does not know the code.
    const jar2 = new CookieJar();
    const started2 = await web.get(`/auth/oidc/${region.slug}`, { jar: jar2 });
    const foreignStart2 = await web.get(`/auth/oidc/${domainRegion.slug}`, { jar: new CookieJar() });
    const foreign2 = await signInAtProvider(foreignStart2.headers.get("location")!, "sub-jan");
    foreign2.searchParams.set("state", new URL(started2.headers.get("location")!).searchParams.get("state")!);
    foreign2.searchParams.delete("iss");
    expect(await refusalShown(await web.get(`${foreign2.pathname}${foreign2.search}`, { jar: jar2 }), jar2)).toEqual([MESSAGES.invalid]);
    expect(await isSignedIn(jar)).toBe(false);
    expect(await isSignedIn(jar2)).toBe(false);
  });

  it("refuses a state that has expired (ten minutes)", async () => {
    const jar = new CookieJar();
    const started = await web.get(`/auth/oidc/${region.slug}`, { jar });
    const back = await signInAtProvider(started.headers.get("location")!, "sub-jan");
    const later = createTestApp(t.db, { remix: true, now: new Date(TEST_NOW.getTime() + 11 * 60_000) });
    const answer = await later.get(`${back.pathname}${back.search}`, { jar });
    expect(answer.headers.get("location")).toBe("/sign-in?schoolAccountError=state");
  });

  it("skips Schakel's own code step when the provider did a second factor, and asks it when not", async () => {
    const user = await makeUser(t.db, { regionId: region.id, role: "admin", email: "beheer@school.nl" });
    await t.db.updateTable("users").set({ totp_enabled_at: TEST_NOW, totp_secret: "v1:placeholder" }).where("id", "=", user.id).where("region_id", "=", region.id).execute();
    idp.account("sub-admin", { email: "beheer@school.nl", emailVerified: true, amr: ["pwd"] });
    const withoutMfa = await signInThrough(region.slug, "sub-admin");
    expect(withoutMfa.answer.headers.get("location")).toBe("/sign-in/code?redirectTo=%2F");
    expect(await isSignedIn(withoutMfa.jar)).toBe(false);

    idp.account("sub-admin", { email: "beheer@school.nl", emailVerified: true, amr: ["pwd", "mfa"] });
    const withMfa = await signInThrough(region.slug, "sub-admin");
    expect(withMfa.answer.headers.get("location")).toBe("/");
    expect(await isSignedIn(withMfa.jar)).toBe(true);
  });

  it("meets the region's two-factor requirement with the provider's second factor, and asks to set one up without it", async () => {
    const strict = await makeRegion(t.db);
    const strictIdp = await startTestProvider();
    try {
      await configure(strict.id, strictIdp);
      await t.db.updateTable("regions").set({ require_two_factor: true }).where("id", "=", strict.id).execute();
      await makeUser(t.db, { regionId: strict.id, role: "admin", email: "strikt@voorbeeld.nl" });
      strictIdp.account("sub-strict", { email: "strikt@voorbeeld.nl", emailVerified: true, amr: ["mfa"] });
      const withMfa = await signInThrough(strict.slug, "sub-strict");
      expect((await web.get("/", { jar: withMfa.jar })).status).toBe(200);

      strictIdp.account("sub-strict", { email: "strikt@voorbeeld.nl", emailVerified: true, amr: ["pwd"] });
      const withoutMfa = await signInThrough(strict.slug, "sub-strict");
      const home = await web.get("/", { jar: withoutMfa.jar });
      expect(home.headers.get("location")).toBe("/profile/two-factor");
    } finally {
      await strictIdp.stop();
    }
  });

  it("says so in Dutch when the provider is down, and password sign-in still works", async () => {
    const down = await makeRegion(t.db);
    const downIdp = await startTestProvider();
    await configure(down.id, downIdp);
    const user = await makeUser(t.db, { regionId: down.id, role: "accounthouder" });
    await downIdp.stop();
    const jar = new CookieJar();
    const started = await web.get(`/auth/oidc/${down.slug}`, { jar });
    expect(started.headers.get("location")).toBe("/sign-in?schoolAccountError=unavailable");
    expect(await refusalShown(started, jar)).toEqual([MESSAGES.unavailable]);
    const password = await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    expect(password.status).toBe(302);
    expect(await isSignedIn(jar)).toBe(true);
  });

  it("refuses the provider's own error without echoing its text", async () => {
    const jar = new CookieJar();
    const started = await web.get(`/auth/oidc/${region.slug}`, { jar });
    const state = new URL(started.headers.get("location")!).searchParams.get("state")!;
    const answer = await web.get(`/auth/oidc/callback?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=${state}`, { jar });
    expect(answer.headers.get("location")).toBe("/sign-in?schoolAccountError=provider");
    const page = await (await web.get("/sign-in?schoolAccountError=provider", { jar })).text();
    expect(page).not.toContain("<script>alert(1)");
    expect(alertsOf(page)).toEqual(["Uw schoolaccount gaf geen toestemming om in te loggen. Probeer het opnieuw, of log in met uw wachtwoord."]);
  });

  it("shows an unknown refusal code as nothing at all", async () => {
    const page = await (await web.get("/sign-in?schoolAccountError=%3Cb%3Ehi")).text();
    expect(alertsOf(page)).toEqual([]);
  });

  it("shows 'Inloggen met <label>' for every configured region on the sign-in page", async () => {
    const page = await (await web.get("/sign-in")).text();
    expect(page).toContain(`href="/auth/oidc/${region.slug}"`);
    expect(page).toContain("Inloggen met Google Workspace");
  });

  it("refuses a password to staff of a region that signs in with the school account only; partners keep theirs", async () => {
    const strictRegion = await makeRegion(t.db);
    const strictIdp = await startTestProvider();
    try {
      await configure(strictRegion.id, strictIdp, { schoolAccountOnly: true });
      const staff = await makeUser(t.db, { regionId: strictRegion.id, role: "accounthouder" });
      const refused = await web.postForm("/sign-in", { email: staff.email, password: TEST_PASSWORD, redirectTo: "/" }, { ip: freshAddress() });
      expect(refused.status).toBe(400);
      expect(alertsOf(await refused.text())).toContain(MESSAGES.onlySchoolAccount);
      const wrong = await web.postForm("/sign-in", { email: staff.email, password: "wrong password!", redirectTo: "/" }, { ip: freshAddress() });
      expect(alertsOf(await wrong.text())).toEqual(["Het e-mailadres of wachtwoord klopt niet."]);
    } finally {
      await strictIdp.stop();
    }
  });

  it("links the school account to a signed-in user's password account from the profile", async () => {
    const user = await makeUser(t.db, { regionId: region.id, role: "penvoerder", email: "penvoerder@anders.nl" });
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar, ip: freshAddress() });
    idp.account("sub-penvoerder", { email: "p.voerder@school.nl", emailVerified: true });
    const started = await web.get(`/auth/oidc/${region.slug}?mode=link`, { jar });
    const back = await signInAtProvider(started.headers.get("location")!, "sub-penvoerder");
    const answer = await web.get(`${back.pathname}${back.search}`, { jar });
    expect(answer.headers.get("location")).toBe("/profile?schoolAccount=linked");
    const link = await t.db.selectFrom("user_identities").select("user_id").where("subject", "=", "sub-penvoerder").executeTakeFirstOrThrow();
    expect(link.user_id).toBe(user.id);
    // From now on the school account signs this user in, though its address differs.
    const { jar: fresh } = await signInThrough(region.slug, "sub-penvoerder");
    expect(await isSignedIn(fresh)).toBe(true);
  });
});
