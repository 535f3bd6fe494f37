import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** Issue 5: the organisation's account holder invites its people to the partner portal. */
describe("inviting partner users", () => {
  let t: TestDatabase;
  let web: TestApp;
  let ownId: string;
  let othersId: string;
  let holderToken: string;
  let colleagueToken: string;
  let otherRegionToken: string;
  const holder = new CookieJar();

  const invite = (organisationId: string, body: unknown, token = holderToken) =>
    web.request(`/api/v1/organisations/${organisationId}/partner-users`, { token, method: "POST", body: JSON.stringify(body) });
  const partnerCount = async () => (await t.db.selectFrom("users").select("id").where("role", "=", "partner").execute()).length;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const owner = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = owner.token;
    colleagueToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    const create = async (name: string, accountHolderId?: string) =>
      ((await (await web.request("/api/v1/organisations", { token: holderToken, method: "POST", body: JSON.stringify({ kind: "company", name, accountHolderId }) })).json()) as { id: string }).id;
    ownId = await create("Hulshof Installatietechniek", owner.user.id);
    othersId = await create("Bouwbedrijf Te Lintelo");
    await web.postForm("/sign-in", { email: owner.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
    expect(await makeUser(t.db, { regionId: region.id, role: "admin" })).toBeDefined();
  });
  afterAll(() => t?.drop());

  it("lets the account holder invite someone of their partner, who gets an invitation email and belongs to that organisation", async () => {
    const response = await invite(ownId, { name: "Henk Wessels", email: "Henk@Hulshof.example" });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ name: "Henk Wessels", email: "henk@hulshof.example", role: "partner", organisationId: ownId });
    const email = await t.db.selectFrom("email_outbox").select(["to_address", "template"]).where("to_address", "=", "henk@hulshof.example").executeTakeFirstOrThrow();
    expect(email.template).toBe("invitation");
    const list = (await (await web.request(`/api/v1/organisations/${ownId}/partner-users`, { token: colleagueToken })).json()) as { items: Array<{ name: string; invited: boolean }> };
    expect(list.items).toEqual([expect.objectContaining({ name: "Henk Wessels", invited: true })]);
  });

  it("invites from the organisation page too, with the message next to a wrong field", async () => {
    const bad = await web.postForm(`/organisations/${ownId}`, { intent: "invite-partner", name: "Ilse Nijenhuis", email: "geen-adres" }, { jar: holder });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(fieldErrorOf(html.slice(html.indexOf('id="portal-users"')), "email")).toBe("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.");
    const good = await web.postForm(`/organisations/${ownId}`, { intent: "invite-partner", name: "Ilse Nijenhuis", email: "ilse@hulshof.example" }, { jar: holder });
    expect(alertsOf(await good.text())).toContain("De uitnodiging is verstuurd.");
    const page = await (await web.get(`/organisations/${ownId}`, { jar: holder })).text();
    expect(page).toContain("Ilse Nijenhuis");
  });

  it("refuses another account holder's organisation (403), another region (404) and a taken address, and invites nobody", async () => {
    const before = await partnerCount();
    expect((await invite(othersId, { name: "Gerrit", email: "gerrit@telintelo.example" })).status).toBe(403);
    expect((await invite(ownId, { name: "Gerrit", email: "gerrit@telintelo.example" }, colleagueToken)).status).toBe(403);
    expect((await invite(ownId, { name: "Gerrit", email: "gerrit@telintelo.example" }, otherRegionToken)).status).toBe(404);
    const taken = await invite(ownId, { name: "Henk", email: "henk@hulshof.example" });
    expect(taken.status).toBe(400);
    expect(await partnerCount()).toBe(before);
  });
});
