import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendRequestedSignInLinks } from "../../server/auth/sign-in-links";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, sessionCookiesOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW } from "../support/factories";
import { StatementRecorder } from "../support/statement-recorder";

// Partners sign in with an emailed single-use link (issue 18, item 2; decision 126).

const SENT = "Als er een partneraccount bij dit e-mailadres hoort, is de link onderweg. Hij is 15 minuten geldig. Kijk ook in uw map met ongewenste e-mail.";
const INVALID = "Deze inloglink werkt niet meer: hij is verlopen of al gebruikt. Vraag een nieuwe link aan.";
const THROTTLED = /^Er is net al een inloglink aangevraagd\. Wacht \d+ seconden en probeer het dan opnieuw\.$/;

const secondsAfter = (seconds: number) => new Date(TEST_NOW.getTime() + seconds * 1000);
// The same page for everyone but for its CSP nonce, which is new on every answer.
const withoutNonce = (html: string) => html.replace(/nonce="[^"]*"/g, 'nonce=""').replace(/"nonce":"[^"]*"/g, '"nonce":""');

describe("signing in with an emailed link", () => {
  let t: TestDatabase;
  let regionId: string;
  let organisationId: string;
  const apps = new Map<number, TestApp>();
  /** Schakel at a moment, seconds after TEST_NOW. */
  const at = (seconds = 0) => {
    if (!apps.has(seconds)) apps.set(seconds, createTestApp(t.db, { remix: true, now: secondsAfter(seconds) }));
    return apps.get(seconds)!;
  };
  let next = 1;
  /** A client address no other test uses, so the limits per sender do not carry over. */
  const fresh = () => `198.18.7.${next++}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    regionId = (await makeRegion(t.db)).id;
    organisationId = (await t.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name: "Installatiebedrijf Link" }).returning("id").executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t.drop());

  const makePartner = (options: { invited?: boolean } = {}) => makeUser(t.db, { regionId, role: "partner", organisationId, ...options });

  /** The form, then the email job's run that answers it (off the request path, as for password resets). */
  async function askLink(email: string, seconds = 0, init: { ip?: string; headers?: Record<string, string> } = {}) {
    const response = await at(seconds).postForm("/sign-in/link", { email }, { ip: init.ip ?? fresh(), ...(init.headers && { headers: init.headers }) });
    await sendRequestedSignInLinks(t.db, { now: secondsAfter(seconds), appUrl: at(seconds).appUrl });
    return response;
  }

  const linkEmailsTo = (address: string) =>
    t.db.selectFrom("email_outbox").select(["subject", "text", "html"]).where("to_address", "=", address).where("template", "=", "sign_in_link").orderBy("created_at").orderBy("id").execute();

  /** The path of the newest sign-in link in the mailbox. */
  async function linkFor(address: string) {
    const emails = await linkEmailsTo(address);
    const link = /http:\/\/schakel\.test(\/sign-in\/link\/[\w-]+)/.exec(emails.at(-1)?.text ?? "");
    expect(link, "a sign-in link in the email").not.toBeNull();
    return link![1]!;
  }

  const press = (link: string, seconds = 0, jar = new CookieJar()) => at(seconds).postForm(link, {}, { ip: fresh(), jar });

  it("answers a partner's, a staff member's and an unknown address with the same page, and mails a link to the partner only", async () => {
    const partner = await makePartner();
    const staff = await makeUser(t.db, { regionId, role: "accounthouder" });
    const pages: string[] = [];
    for (const email of [partner.email, staff.email, "niemand-hier@example.nl"]) {
      const before = Number((await t.db.selectFrom("sign_in_link_requests").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      const response = await at().postForm("/sign-in/link", { email }, { ip: fresh() });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(alertsOf(html)).toEqual([SENT]);
      pages.push(withoutNonce(html));
      // Every address takes the same path: one queued request, looked up later by the email job.
      const after = Number((await t.db.selectFrom("sign_in_link_requests").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      expect(after).toBe(before + 1);
    }
    expect(pages[1]).toBe(pages[0]);
    expect(pages[2]).toBe(pages[0]);

    expect(await sendRequestedSignInLinks(t.db, { now: TEST_NOW, appUrl: at().appUrl })).toEqual({ sent: 1 });
    const [email] = await linkEmailsTo(partner.email);
    expect(email?.subject).toBe("Uw inloglink voor Schakel");
    expect(email?.text).toContain("Deze link is 15 minuten geldig en werkt één keer.");
    expect(await linkEmailsTo(staff.email)).toEqual([]);
    expect(await linkEmailsTo("niemand-hier@example.nl")).toEqual([]);
  });

  it("does the same work, statement for statement, for a partner's, a staff member's and an unknown address", async () => {
    const partner = await makePartner();
    const staff = await makeUser(t.db, { regionId, role: "admin" });
    const recorder = new StatementRecorder();
    const recorded = createTestApp(t.db.withPlugin(recorder), { remix: true, now: TEST_NOW });
    const statementsOf = async (email: string) => {
      recorder.reset(recorded.services.db);
      expect((await recorded.postForm("/sign-in/link", { email }, { ip: fresh() })).status).toBe(200);
      return recorder.statements;
    };
    const known = await statementsOf(partner.email);
    expect(await statementsOf(staff.email)).toEqual(known);
    expect(await statementsOf("weer-niemand@example.nl")).toEqual(known);
    // Nothing about the account is read before the answer: no user lookup, no token, no email.
    expect(known.join("\n")).not.toMatch(/"users"|"user_tokens"|"email_outbox"/);
  });

  it("opens a confirm page that spends nothing, and signs the partner in to the portal with its button, once", async () => {
    const partner = await makePartner();
    await askLink(partner.email);
    const link = await linkFor(partner.email);

    // A mail scanner fetches the link (twice even): the link still works afterwards.
    for (let i = 0; i < 2; i++) {
      const page = await at().get(link, { ip: fresh() });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(">Inloggen</button>");
      expect(alertsOf(html)).toEqual([]);
      expect(sessionCookiesOf(page)).toEqual([]);
    }

    const jar = new CookieJar();
    const signedIn = await press(link, 0, jar);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe("/");
    expect(jar.sessionId).toBeDefined();
    const home = await at().get("/", { jar });
    expect(home.headers.get("location")).toBe("/portal");
    expect((await at().get("/portal", { jar })).status).toBe(200);

    // The same link, the second time: one clear message, a way to ask a new one, and no session.
    const again = await press(link);
    expect(again.status).toBe(422);
    const html = await again.text();
    expect(alertsOf(html)).toEqual([INVALID]);
    expect(html).toContain('href="/sign-in/link"');
    expect(sessionCookiesOf(again).filter((cookie) => !cookie.isRemoval)).toEqual([]);
    expect(alertsOf(await (await at().get(link, { ip: fresh() })).text())).toEqual([INVALID]);
  });

  it("counts the sign-in as a successful attempt and writes it in the audit log", async () => {
    const partner = await makePartner();
    await askLink(partner.email);
    const ip = fresh();
    expect((await at().postForm(await linkFor(partner.email), {}, { ip })).status).toBe(302);
    const attempts = await t.db.selectFrom("sign_in_attempts").select(["ip", "succeeded"]).where("email", "=", partner.email).execute();
    expect(attempts).toEqual([{ ip, succeeded: true }]);
    const audit = await t.db.selectFrom("audit_log").select(["action", "actor_id", "region_id"]).where("entity_id", "=", partner.id).where("action", "=", "user.sign_in_link").execute();
    expect(audit).toEqual([{ action: "user.sign_in_link", actor_id: partner.id, region_id: regionId }]);
  });

  it("works for 15 minutes by the app's clock and then says the link no longer works", async () => {
    const partner = await makePartner();
    await askLink(partner.email);
    const link = await linkFor(partner.email);

    expect(alertsOf(await (await at(15 * 60 - 1).get(link, { ip: fresh() })).text())).toEqual([]);
    expect(alertsOf(await (await at(15 * 60).get(link, { ip: fresh() })).text())).toEqual([INVALID]);
    const late = await press(link, 15 * 60);
    expect(late.status).toBe(422);
    expect(alertsOf(await late.text())).toEqual([INVALID]);
    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", partner.id).execute()).toEqual([]);
  });

  it("keeps an earlier link working when a new one is asked, and spends both when one is used", async () => {
    const partner = await makePartner();
    await askLink(partner.email);
    const first = await linkFor(partner.email);
    await askLink(partner.email, 61);
    const second = await linkFor(partner.email);
    expect(second).not.toBe(first);

    expect(alertsOf(await (await at(62).get(first, { ip: fresh() })).text())).toEqual([]);
    expect((await press(second, 62)).status).toBe(302);
    const stale = await press(first, 62);
    expect(stale.status).toBe(422);
    expect(alertsOf(await stale.text())).toEqual([INVALID]);
  });

  it("throttles a second request for the same address within a minute, whether or not it has an account", async () => {
    const partner = await makePartner();
    for (const email of [partner.email, "ook-niemand@example.nl"]) {
      expect((await askLink(email, 200)).status).toBe(200);
      const second = await askLink(email, 230);
      expect(second.status).toBe(429);
      expect(second.headers.get("retry-after")).toBe("30");
      expect(alertsOf(await second.text())).toEqual([expect.stringMatching(THROTTLED)]);
    }
    expect(await linkEmailsTo(partner.email)).toHaveLength(1);
    // After the minute, the next one goes.
    expect((await askLink(partner.email, 261)).status).toBe(200);
    expect(await linkEmailsTo(partner.email)).toHaveLength(2);
  });

  it("throttles one sender asking links for many addresses", async () => {
    const ip = fresh();
    const answers: number[] = [];
    for (let i = 0; i < 21; i++) answers.push((await at(400).postForm("/sign-in/link", { email: `veel-${i}@example.nl` }, { ip })).status);
    expect(answers.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(answers[20]).toBe(429);
  });

  it("refuses the link of a partner deactivated after it was sent", async () => {
    const partner = await makePartner();
    await askLink(partner.email);
    const link = await linkFor(partner.email);
    await t.db.updateTable("users").set({ active: false }).where("id", "=", partner.id).execute();

    expect(alertsOf(await (await at().get(link, { ip: fresh() })).text())).toEqual([INVALID]);
    const refused = await press(link);
    expect(refused.status).toBe(422);
    expect(alertsOf(await refused.text())).toEqual([INVALID]);
    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", partner.id).execute()).toEqual([]);
    // Nor does a deactivated partner get a new one.
    await askLink(partner.email, 500);
    expect(await linkEmailsTo(partner.email)).toHaveLength(1);
  });

  it("asks a partner with two-factor sign-in for the code after the link, and starts no session before it", async () => {
    const partner = await makePartner();
    await t.db.updateTable("users").set({ totp_secret: "v1:not-read-here", totp_enabled_at: TEST_NOW }).where("id", "=", partner.id).execute();
    await askLink(partner.email);
    const jar = new CookieJar();
    const response = await press(await linkFor(partner.email), 0, jar);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/sign-in\/code/);
    expect(jar.get("schakel_2fa")).toBeDefined();
    expect(jar.sessionId).toBeUndefined();
    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", partner.id).execute()).toEqual([]);
  });

  it("builds the link from the configured address, whatever host the request names", async () => {
    // A localhost run's configured address is http://localhost:3000; the request's proxy headers name
    // another host (the browser test asks from 127.0.0.1 and gets a localhost link too).
    const local = createTestApp(t.db, { remix: true, now: TEST_NOW, appUrl: null });
    const partner = await makePartner();
    const response = await local.postForm("/sign-in/link", { email: partner.email }, {
      ip: fresh(),
      headers: { "x-forwarded-host": "attacker.example", forwarded: "for=192.0.2.7;host=attacker.example;proto=https", "x-forwarded-server": "attacker.example" },
    });
    expect(response.status).toBe(200);
    await sendRequestedSignInLinks(t.db, { now: TEST_NOW, appUrl: local.services.config.appUrl });
    const [email] = await linkEmailsTo(partner.email);
    expect(email?.text).toMatch(/http:\/\/localhost:3000\/sign-in\/link\/[\w-]{40,}/);
    expect(`${email?.text} ${email?.html}`).not.toMatch(/attacker\.example/);
  });

  it("refuses a request from another site's page (CSRF) and queues nothing", async () => {
    const before = await t.db.selectFrom("sign_in_link_requests").select("id").execute();
    const response = await at().postForm("/sign-in/link", { email: "iemand@example.nl" }, { ip: fresh(), origin: "https://attacker.example" });
    expect(response.status).toBe(403);
    expect(await t.db.selectFrom("sign_in_link_requests").select("id").execute()).toEqual(before);
  });

  it("says which field is wrong when the address is not one", async () => {
    const response = await at().postForm("/sign-in/link", { email: "geen-adres" }, { ip: fresh() });
    expect(response.status).toBe(400);
    expect(fieldErrorOf(await response.text(), "email")).toBeTruthy();
  });

  describe("a partner invited without ever choosing a password", () => {
    const invitationLink = async (address: string) => {
      const email = await t.db.selectFrom("email_outbox").select("text").where("to_address", "=", address).where("template", "=", "invitation").executeTakeFirstOrThrow();
      return /http:\/\/schakel\.test(\/invitation\/[\w-]+)/.exec(email.text)![1]!;
    };

    it("may leave the password empty: accepting signs in, the account counts as joined, and a link signs in later", async () => {
      const partner = await makePartner({ invited: true });
      const link = await invitationLink(partner.email);
      const page = await (await at().get(link, { ip: fresh() })).text();
      expect(page).toContain("U kunt ook later inloggen met een link per e-mail.");

      const jar = new CookieJar();
      const accepted = await at().postForm(link, {}, { ip: fresh(), jar });
      expect(accepted.status).toBe(302);
      expect(accepted.headers.get("location")).toBe("/");
      expect((await at().get("/", { jar })).headers.get("location")).toBe("/portal");
      const row = await t.db.selectFrom("users").select(["password_hash", "joined_at"]).where("id", "=", partner.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ password_hash: null, joined_at: TEST_NOW });
      // The invitation is spent.
      expect(alertsOf(await (await at().get(link, { ip: fresh() })).text())).toEqual(["Deze uitnodiging is verlopen of al gebruikt. Vraag de beheerder om een nieuwe uitnodiging."]);

      await askLink(partner.email, 700);
      expect((await press(await linkFor(partner.email), 700)).status).toBe(302);
    });

    it("still asks staff to choose a password", async () => {
      const staff = await makeUser(t.db, { regionId, role: "accounthouder", invited: true });
      const link = await invitationLink(staff.email);
      expect(await (await at().get(link, { ip: fresh() })).text()).not.toContain("U kunt ook later inloggen met een link per e-mail.");
      const refused = await at().postForm(link, {}, { ip: fresh() });
      expect(refused.status).toBe(400);
      expect(fieldErrorOf(await refused.text(), "password")).toBe("Vul dit veld in.");
      expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", staff.id).execute()).toEqual([]);
    });

    it("counts a partner who got in by link as joined, no longer invited", async () => {
      const partner = await makePartner({ invited: true });
      await askLink(partner.email, 800);
      expect((await press(await linkFor(partner.email), 800)).status).toBe(302);
      const row = await t.db.selectFrom("users").select("joined_at").where("id", "=", partner.id).executeTakeFirstOrThrow();
      expect(row.joined_at).toEqual(secondsAfter(800));
    });
  });
});
