import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deactivateUser } from "../../server/domains/users/users.service";
import { AppError } from "../../server/errors";
import { alertsOf, CookieJar, createTestApp, sessionCookiesOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

const NEW_PASSWORD = "a brand new passphrase";
const USED_INVITATION_MESSAGE = "Deze uitnodiging is verlopen of al gebruikt. Vraag de beheerder om een nieuwe uitnodiging.";

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
type UserBody = { id: string; email: string; name: string; role: string; regionId: string; active: boolean; invited: boolean; version: number };

describe("inviting and managing users", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    adminToken = (await makeUserWithToken(t.db, { regionId, role: "admin", name: "Anna Admin" })).token;
  });
  afterAll(() => t.drop());

  const invite = (body: unknown, token = adminToken) => web.request("/api/v1/users", { method: "POST", token, body: JSON.stringify(body) });

  const counts = async () => ({
    users: Number((await t.db.selectFrom("users").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
    emails: Number((await t.db.selectFrom("email_outbox").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
    audit: Number((await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
  });

  const emailsTo = (address: string) =>
    t.db.selectFrom("email_outbox").select(["template", "subject", "text", "html", "status"]).where("to_address", "=", address).execute();

  /** The invitation link's path, as the invitee finds it in the email. */
  async function invitationPathFor(address: string) {
    const [email] = await emailsTo(address);
    const link = /http:\/\/schakel\.test(\/invitation\/[\w-]+)/.exec(email?.text ?? "");
    expect(link, "an invitation link in the email").not.toBeNull();
    return link![1]!;
  }

  it("invites a user by email: 201, and an email with a single-use link is queued", async () => {
    const response = await invite({ email: " Bram.Bakker@Example.nl ", name: "Bram Bakker", role: "accounthouder" });

    expect(response.status).toBe(201);
    const body = (await response.json()) as UserBody;
    expect(body).toMatchObject({ email: "bram.bakker@example.nl", name: "Bram Bakker", role: "accounthouder", regionId, active: true, invited: true });
    expect(body).not.toHaveProperty("passwordHash");
    expect(body).not.toHaveProperty("password_hash");
    const emails = await emailsTo("bram.bakker@example.nl");
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ template: "invitation", status: "pending" });
    expect(emails[0]!.text).toMatch(/http:\/\/schakel\.test\/invitation\/[\w-]{40,}/);
    expect(web.notified.length).toBeGreaterThan(0);
  });

  it("lets the invitee choose a password on the invitation page and signs them in", async () => {
    await invite({ email: "carla@example.nl", name: "Carla de Groot", role: "penvoerder" });
    const link = await invitationPathFor("carla@example.nl");

    const page = await web.get(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Carla de Groot");

    const jar = new CookieJar();
    const response = await web.postForm(link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD }, { jar });

    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
    expect(sessionCookiesOf(response)).toHaveLength(1);
    const me = await web.request("/api/v1/me", { jar });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: "carla@example.nl", role: "penvoerder" });
    const stored = await t.db.selectFrom("users").select("password_hash").where("email", "=", "carla@example.nl").executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it("refuses a second use of the invitation link and keeps the chosen password", async () => {
    await invite({ email: "dirk@example.nl", name: "Dirk Dekker", role: "accounthouder" });
    const link = await invitationPathFor("dirk@example.nl");
    expect((await web.postForm(link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(302);
    const hashAfterFirstUse = await t.db.selectFrom("users").select("password_hash").where("email", "=", "dirk@example.nl").executeTakeFirstOrThrow();

    const page = await web.get(link);
    expect(alertsOf(await page.text())).toContain(USED_INVITATION_MESSAGE);
    const jar = new CookieJar();
    const again = await web.postForm(link, { password: "someone else's password", confirm: "someone else's password" }, { jar });

    expect(again.status).toBe(422);
    expect(alertsOf(await again.text())).toContain(USED_INVITATION_MESSAGE);
    expect(jar.sessionId).toBeUndefined();
    const hashNow = await t.db.selectFrom("users").select("password_hash").where("email", "=", "dirk@example.nl").executeTakeFirstOrThrow();
    expect(hashNow.password_hash).toBe(hashAfterFirstUse.password_hash);
  });

  it("refuses an invitation link after seven days and leaves the account without a password", async () => {
    await invite({ email: "els@example.nl", name: "Els Elzinga", role: "accounthouder" });
    const link = await invitationPathFor("els@example.nl");
    const eightDaysLater = createTestApp(t.db, { remix: true, now: new Date(TEST_NOW.getTime() + 8 * 86_400_000) });

    const page = await eightDaysLater.get(link);
    expect(alertsOf(await page.text())).toContain(USED_INVITATION_MESSAGE);
    const response = await eightDaysLater.postForm(link, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });

    expect(response.status).toBe(422);
    expect(sessionCookiesOf(response)).toEqual([]);
    const row = await t.db.selectFrom("users").select("password_hash").where("email", "=", "els@example.nl").executeTakeFirstOrThrow();
    expect(row.password_hash).toBeNull();
  });

  it("refuses a malformed email address with 400 VALIDATION_FAILED on the email field and writes nothing", async () => {
    const before = await counts();

    const response = await invite({ email: "not-an-address", name: "Eva", role: "accounthouder" });

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.fields?.email).toEqual(expect.any(String));
    expect(Object.keys(body.error.fields ?? {})).toEqual(["email"]);
    expect(await counts()).toEqual(before);
  });

  it("refuses an unknown role with 400 on the role field", async () => {
    const before = await counts();

    const response = await invite({ email: "fleur@example.nl", name: "Fleur", role: "superuser" });

    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.fields?.role).toEqual(expect.any(String));
    expect(await counts()).toEqual(before);
  });

  it("refuses an address that already has an account with 400 on the email field", async () => {
    await makeUser(t.db, { regionId, role: "accounthouder", email: "gert@example.nl" });
    const before = await counts();

    const response = await invite({ email: "GERT@example.nl", name: "Gert again", role: "partner" });

    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.fields?.email).toMatch(/already/i);
    expect(await counts()).toEqual(before);
  });

  it("refuses an invitation from a non-admin with 403", async () => {
    const { token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    const before = await counts();

    const response = await invite({ email: "hans@example.nl", name: "Hans", role: "admin" }, token);

    expect(response.status).toBe(403);
    expect(((await response.json()) as ErrorBody).error.code).toBe("FORBIDDEN");
    expect(await counts()).toEqual(before);
  });

  it("refuses a role change with a stale version with 409 and leaves the role as it was", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const first = await web.request(`/api/v1/users/${user.id}`, { method: "PATCH", token: adminToken, body: JSON.stringify({ role: "penvoerder", version: user.version }) });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ role: "penvoerder", version: user.version + 1 });

    const stale = await web.request(`/api/v1/users/${user.id}`, { method: "PATCH", token: adminToken, body: JSON.stringify({ role: "partner", version: user.version }) });

    expect(stale.status).toBe(409);
    expect(((await stale.json()) as ErrorBody).error.code).toBe("CONFLICT");
    const now = (await (await web.request(`/api/v1/users/${user.id}`, { token: adminToken })).json()) as UserBody;
    expect(now).toMatchObject({ role: "penvoerder", version: user.version + 1 });
  });

  it("refuses to demote the region's last active admin with 422", async () => {
    const lone = await makeRegion(t.db);
    const { user: onlyAdmin, token } = await makeUserWithToken(t.db, { regionId: lone.id, role: "admin" });

    const response = await web.request(`/api/v1/users/${onlyAdmin.id}`, { method: "PATCH", token, body: JSON.stringify({ role: "accounthouder", version: onlyAdmin.version }) });

    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("RULE_VIOLATION");
    expect(body.error.message).toMatch(/at least one active administrator/);
    const row = await t.db.selectFrom("users").select(["role", "version"]).where("id", "=", onlyAdmin.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: "admin", version: onlyAdmin.version });
  });

  it("refuses to deactivate the region's last active admin", async () => {
    const lone = await makeRegion(t.db);
    const { user: onlyAdmin, token } = await makeUserWithToken(t.db, { regionId: lone.id, role: "admin" });

    // Through the API an admin can only reach the last admin by aiming at themselves.
    const response = await web.request(`/api/v1/users/${onlyAdmin.id}/deactivate`, { method: "POST", token, body: "{}" });
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).error.code).toBe("RULE_VIOLATION");

    // Without an acting admin (as the command line would), the rule itself answers.
    const refused = t.db.transaction().execute((trx) => deactivateUser(trx, lone.id, onlyAdmin.id, { actor: null, now: TEST_NOW, appUrl: web.appUrl }));
    await expect(refused).rejects.toThrow(AppError);
    await expect(refused).rejects.toMatchObject({ code: "RULE_VIOLATION", message: expect.stringMatching(/at least one active administrator/) });
    const row = await t.db.selectFrom("users").select("active").where("id", "=", onlyAdmin.id).executeTakeFirstOrThrow();
    expect(row.active).toBe(true);
  });

  it("deactivating a user ends their sessions and makes their API token answer 401", async () => {
    const { user, token } = await makeUserWithToken(t.db, { regionId, role: "penvoerder" });
    expect((await web.request("/api/v1/me", { token })).status).toBe(200);
    const jar = new CookieJar();
    expect((await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD }, { jar, ip: "203.0.113.7" })).status).toBe(302);
    expect((await web.request("/api/v1/me", { jar })).status).toBe(200);

    const response = await web.request(`/api/v1/users/${user.id}/deactivate`, { method: "POST", token: adminToken, body: "{}" });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: user.id, active: false });
    expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
    expect((await web.request("/api/v1/me", { jar })).status).toBe(401);
    const withToken = await web.request("/api/v1/me", { token });
    expect(withToken.status).toBe(401);
    expect(((await withToken.json()) as ErrorBody).error.code).toBe("UNAUTHENTICATED");
  });

  it("deactivates a user through a POST without a body, as an API client sends it", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });

    const response = await web.request(`/api/v1/users/${user.id}/deactivate`, { method: "POST", token: adminToken });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: user.id, active: false });
  });

  it("does not reveal or change a user of another region: 404", async () => {
    const other = await makeRegion(t.db);
    const stranger = await makeUser(t.db, { regionId: other.id, role: "accounthouder" });

    const patch = await web.request(`/api/v1/users/${stranger.id}`, { method: "PATCH", token: adminToken, body: JSON.stringify({ role: "admin", version: stranger.version }) });
    const deactivate = await web.request(`/api/v1/users/${stranger.id}/deactivate`, { method: "POST", token: adminToken, body: "{}" });

    expect(patch.status).toBe(404);
    expect(deactivate.status).toBe(404);
    const row = await t.db.selectFrom("users").select(["role", "active"]).where("id", "=", stranger.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: "accounthouder", active: true });
  });
});
