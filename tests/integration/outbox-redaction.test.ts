import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDACTED, redactSecrets } from "../../server/domains/email/outbox.service";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/*
 * Issue 14, finding 10(a): Beheer → E-mail showed live reset and invitation links to admins, so an
 * admin could take over any account of the region. The outbox shows them with the token redacted.
 */

/** Every substring of an email that could be a secret: 20 or more base64url characters, letters and digits, not a UUID. */
function secretsIn(content: string): string[] {
  return [...content.matchAll(/[A-Za-z0-9_-]{20,}/g)].map((m) => m[0]).filter((value) => /[A-Za-z]/.test(value) && /\d/.test(value) && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));
}

describe("redactSecrets", () => {
  it.each([
    ["https://schakel.example/reset-password/AbCdEf0123456789_-AbCdEf0123456789_-abcdefg", `https://schakel.example/reset-password/${REDACTED}`],
    ["https://schakel.example/invitation/short", `https://schakel.example/invitation/${REDACTED}`],
    ["https://schakel.example/setup?token=abc&x=1", `https://schakel.example/setup?token=${REDACTED}&x=1`],
    ["https://schakel.example/feeds/cal_AbCdEf0123456789AbCdEf0123456789.ics", `https://schakel.example/feeds/${REDACTED}.ics`],
    ["https://schakel.example/organisations/1b4e28ba-2fa1-41d2-883f-0016d3cca427", "https://schakel.example/organisations/1b4e28ba-2fa1-41d2-883f-0016d3cca427"],
    ["Beste Anna, welkom bij Schakel.", "Beste Anna, welkom bij Schakel."],
  ])("shows %j as %j", (content, expected) => {
    expect(redactSecrets(content)).toBe(expected);
  });
});

describe("an admin reading the outbox (the attack)", () => {
  let t: TestDatabase;
  let web: TestApp;
  let token: string;
  const jar = new CookieJar();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const admin = await makeUserWithToken(t.db, { regionId: (await makeRegion(t.db)).id, role: "admin" });
    token = admin.token;
    await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
  });
  afterAll(() => t.drop());

  it("sees every invitation and reset email with its link's token redacted, while the link itself still works", async () => {
    const invited = await web.request("/api/v1/users", { method: "POST", token, body: JSON.stringify({ email: "nieuw@example.nl", name: "Nieuwe Collega", role: "accounthouder" }) });
    expect(invited.status).toBe(201);
    const organisation = await web.request("/api/v1/organisations", { method: "POST", token, body: JSON.stringify({ kind: "company", name: "Hulshof", tier: "regular", status: "active", tags: [] }) });
    const { id: organisationId } = (await organisation.json()) as { id: string };
    expect((await web.request(`/api/v1/organisations/${organisationId}/partner-users`, { method: "POST", token, body: JSON.stringify({ email: "partner@example.nl", name: "Paula" }) })).status).toBeLessThan(300);
    const admin = await t.db.selectFrom("users").select("email").where("role", "=", "admin").executeTakeFirstOrThrow();
    expect((await web.postForm("/forgot-password", { email: admin.email })).status).toBe(200);
    await sendRequestedPasswordResets(t.db, { now: TEST_NOW, appUrl: web.appUrl });

    const emails = await t.db.selectFrom("email_outbox").select(["id", "template", "text", "html"]).execute();
    expect(new Set(emails.map((e) => e.template))).toEqual(new Set(["invitation", "password_reset"]));
    for (const email of emails) {
      const secrets = secretsIn(email.text);
      expect(secrets.length, `${email.template} carries a token`).toBeGreaterThan(0);
      const page = await (await web.get(`/admin/outbox/${email.id}`, { jar })).text();
      for (const secret of secrets) expect(page, `${email.template} shows its token`).not.toContain(secret);
      expect(page).toContain(REDACTED);
      const list = await (await web.get("/admin/outbox", { jar })).text();
      for (const secret of secrets) expect(list).not.toContain(secret);
    }

    // The stored email is untouched: the reset link in it still sets a password.
    const reset = emails.find((e) => e.template === "password_reset")!;
    const link = /\/reset-password\/[\w-]+/.exec(reset.text)![0];
    expect((await web.postForm(link, { password: "a brand new passphrase", confirm: "a brand new passphrase" })).status).toBe(302);
  });
});
