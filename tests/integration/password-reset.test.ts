import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";

const SENT_MESSAGE = "Als er een account bij dit e-mailadres hoort, is de link onderweg. Kijk ook in uw map met ongewenste e-mail.";
const INVALID_LINK_MESSAGE = "Deze link is verlopen of al gebruikt. Vraag een nieuwe link aan.";
const NEW_PASSWORD = "a brand new passphrase";

const minutesAfter = (moment: Date, minutes: number) => new Date(moment.getTime() + minutes * 60_000);

describe("resetting a forgotten password", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  let nextAddress = 1;
  const freshAddress = () => `198.51.100.${nextAddress++}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
  });
  afterAll(() => t.drop());

  /** The form, then the email job's run that answers it (decision 098: the link is sent off the request path). */
  const requestReset = async (email: string, app = web) => {
    const response = await app.postForm("/forgot-password", { email }, { ip: freshAddress() });
    await sendRequestedPasswordResets(t.db, { now: TEST_NOW, appUrl: web.appUrl });
    return response;
  };

  const resetEmailsTo = (address: string) =>
    t.db.selectFrom("email_outbox").select(["template", "subject", "text", "html"]).where("to_address", "=", address).where("template", "=", "password_reset").execute();

  const outboxSize = async () => Number((await t.db.selectFrom("email_outbox").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  const passwordHashOf = async (userId: string) =>
    (await t.db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow()).password_hash;

  /** The path of the newest reset link in the user's mailbox. */
  async function resetLinkFor(address: string) {
    const emails = await resetEmailsTo(address);
    const link = /http:\/\/schakel\.test(\/reset-password\/[\w-]+)/.exec(emails.at(-1)?.text ?? "");
    expect(link, "a reset link in the email").not.toBeNull();
    return link![1]!;
  }

  const choosePassword = (link: string, password: string, app = web) => app.postForm(link, { password, confirm: password });

  const signIn = (email: string, password: string, jar?: CookieJar) =>
    web.postForm("/sign-in", { email, password }, { ip: freshAddress(), ...(jar ? { jar } : {}) });

  // The same page for everyone but for its CSP nonce, which is new on every answer.
  const withoutNonce = (html: string) => html.replace(/nonce="[^"]*"/g, 'nonce=""').replace(/"nonce":"[^"]*"/g, '"nonce":""');

  it("queues exactly one email with a reset link and says the link is on its way", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });

    const response = await requestReset(user.email);

    expect(response.status).toBe(200);
    expect(alertsOf(await response.text())).toContain(SENT_MESSAGE);
    const emails = await resetEmailsTo(user.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toMatch(/http:\/\/schakel\.test\/reset-password\/[\w-]{40,}/);
  });

  it("lets the link set a new password once: the new password works and the old one no longer does", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    await requestReset(user.email);
    const link = await resetLinkFor(user.email);

    const page = await web.get(link);
    expect(page.status).toBe(200);
    expect(alertsOf(await page.text())).not.toContain(INVALID_LINK_MESSAGE);
    const response = await choosePassword(link, NEW_PASSWORD);

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/sign-in?passwordSet=1");
    expect((await signIn(user.email, NEW_PASSWORD)).status).toBe(302);
    expect((await signIn(user.email, TEST_PASSWORD)).status).toBe(400);
  });

  it("refuses a link that was already used, with a clear message, and keeps the password", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    await requestReset(user.email);
    const link = await resetLinkFor(user.email);
    expect((await choosePassword(link, NEW_PASSWORD)).status).toBe(302);
    const hashAfterReset = await passwordHashOf(user.id);

    const page = await web.get(link);
    expect(alertsOf(await page.text())).toContain(INVALID_LINK_MESSAGE);
    const again = await choosePassword(link, "an attacker's passphrase");

    expect(again.status).toBe(422);
    expect(alertsOf(await again.text())).toContain(INVALID_LINK_MESSAGE);
    expect(await passwordHashOf(user.id)).toBe(hashAfterReset);
  });

  it("refuses a link older than one hour, with a clear message, and changes nothing", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    await requestReset(user.email);
    const link = await resetLinkFor(user.email);
    const hashBefore = await passwordHashOf(user.id);
    const tokensBefore = await t.db.selectFrom("user_tokens").select(["id", "used_at"]).where("user_id", "=", user.id).execute();

    const justInTime = createTestApp(t.db, { remix: true, now: minutesAfter(TEST_NOW, 59) });
    expect(alertsOf(await (await justInTime.get(link)).text())).not.toContain(INVALID_LINK_MESSAGE);

    const anHourLater = createTestApp(t.db, { remix: true, now: minutesAfter(TEST_NOW, 61) });
    const page = await anHourLater.get(link);
    expect(alertsOf(await page.text())).toContain(INVALID_LINK_MESSAGE);
    const response = await choosePassword(link, NEW_PASSWORD, anHourLater);

    expect(response.status).toBe(422);
    expect(alertsOf(await response.text())).toContain(INVALID_LINK_MESSAGE);
    expect(await passwordHashOf(user.id)).toBe(hashBefore);
    expect(await t.db.selectFrom("user_tokens").select(["id", "used_at"]).where("user_id", "=", user.id).execute()).toEqual(tokensBefore);
  });

  it("ends every other session of the account when the password is reset", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const laptop = new CookieJar();
    const phone = new CookieJar();
    expect((await signIn(user.email, TEST_PASSWORD, laptop)).status).toBe(302);
    expect((await signIn(user.email, TEST_PASSWORD, phone)).status).toBe(302);
    expect((await web.request("/api/v1/me", { jar: laptop })).status).toBe(200);

    await requestReset(user.email);
    expect((await choosePassword(await resetLinkFor(user.email), NEW_PASSWORD)).status).toBe(302);

    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
    expect((await web.request("/api/v1/me", { jar: laptop })).status).toBe(401);
    expect((await web.request("/api/v1/me", { jar: phone })).status).toBe(401);
  });

  it("gives an unknown address the same answer and queues nothing", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const known = await requestReset(user.email);
    const before = await outboxSize();

    const unknown = await requestReset("nobody-here@example.nl");

    expect(unknown.status).toBe(known.status);
    const page = await unknown.text();
    expect(alertsOf(page)).toContain(SENT_MESSAGE);
    expect(withoutNonce(page)).toBe(withoutNonce(await known.text()));
    expect(await outboxSize()).toBe(before);
  });

  it("queues nothing for a deactivated account, with the same answer", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    await t.db.updateTable("users").set({ active: false }).where("id", "=", user.id).execute();
    const before = await outboxSize();

    const response = await requestReset(user.email);

    expect(response.status).toBe(200);
    expect(alertsOf(await response.text())).toContain(SENT_MESSAGE);
    expect(await outboxSize()).toBe(before);
  });

  it("replaces an earlier link when a new one is requested", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    await requestReset(user.email);
    const first = await resetLinkFor(user.email);
    await requestReset(user.email);
    const second = await resetLinkFor(user.email);
    expect(second).not.toBe(first);

    expect((await choosePassword(first, NEW_PASSWORD)).status).toBe(422);
    expect((await choosePassword(second, NEW_PASSWORD)).status).toBe(302);
  });

  it("shows a message on the email field for a malformed address and queues nothing", async () => {
    const before = await outboxSize();

    const response = await requestReset("not an address");

    expect(response.status).toBe(400);
    expect(fieldErrorOf(await response.text(), "email")).toBe("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.");
    expect(await outboxSize()).toBe(before);
  });

  it("keeps the link usable when the two new passwords differ", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    await requestReset(user.email);
    const link = await resetLinkFor(user.email);
    const hashBefore = await passwordHashOf(user.id);

    const response = await web.postForm(link, { password: NEW_PASSWORD, confirm: "something else entirely" });

    expect(response.status).toBe(400);
    expect(fieldErrorOf(await response.text(), "confirm")).toBe("De twee wachtwoorden zijn niet gelijk.");
    expect(await passwordHashOf(user.id)).toBe(hashBefore);
    expect((await choosePassword(link, NEW_PASSWORD)).status).toBe(302);
  });
});
