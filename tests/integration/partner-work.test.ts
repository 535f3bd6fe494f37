import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

/**
 * Who works which partner (server/auth/permissions.ts): account holders and admins every partner of
 * the region; the penvoerder the organisations he owns, or every partner once the region decides so;
 * every staff member logs the contact they had.
 */
describe("a penvoerder works the partners he owns", () => {
  let t: TestDatabase;
  let api: TestApp;
  let admin: string;
  let holder: string;
  let penvoerder: string;
  let penvoerderId: string;
  let holderId: string;
  let otherAdmin: string;
  let own: { id: string; version: number };
  let notOwn: { id: string; version: number };

  const send = (path: string, method: string, token: string, body?: unknown) =>
    api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const organisation = async (name: string, accountHolderId: string) => {
    const response = await send("/api/v1/organisations", "POST", admin, { kind: "company", name, accountHolderId });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; version: number };
  };
  const nameOf = async (id: string) => (await t.db.selectFrom("organisations").select("name").where("id", "=", id).executeTakeFirstOrThrow()).name;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-12-07T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    admin = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    const h = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holder = h.token;
    holderId = h.user.id;
    const p = await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder", name: "Pieter Penvoerder" });
    penvoerder = p.token;
    penvoerderId = p.user.id;
    otherAdmin = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    own = await organisation("Sjöberg Techniek", penvoerderId);
    notOwn = await organisation("Hulshof Installatietechniek", holderId);
  });
  afterAll(() => t.drop());

  it("changes his own organisation, plans an activity with it and invites its people", async () => {
    const changed = await send(`/api/v1/organisations/${own.id}`, "PATCH", penvoerder, { version: own.version, city: "Hengelo" });
    expect(changed.status).toBe(200);
    own = (await changed.json()) as typeof own;
    const activity = await send("/api/v1/activities", "POST", penvoerder, { type: "company_visit", title: "Bedrijfsbezoek", startDate: "2027-01-20", organisationIds: [own.id] });
    expect(activity.status).toBe(201);
    const invited = await send(`/api/v1/organisations/${own.id}/partner-users`, "POST", penvoerder, { email: "hr@sjoberg.example", name: "Anna de Wit" });
    expect(invited.status).toBe(201);
  });

  it("is refused the organisation of another owner, and nothing changes", async () => {
    const changed = await send(`/api/v1/organisations/${notOwn.id}`, "PATCH", penvoerder, { version: notOwn.version, name: "Overgenomen" });
    expect(changed.status).toBe(403);
    expect(await nameOf(notOwn.id)).toBe("Hulshof Installatietechniek");
    expect((await send(`/api/v1/organisations/${notOwn.id}`, "DELETE", penvoerder)).status).toBe(403);
    const activity = await send("/api/v1/activities", "POST", penvoerder, { type: "company_visit", title: "Bezoek", startDate: "2027-01-20", organisationIds: [notOwn.id] });
    expect(activity.status).toBe(403);
    expect((await send(`/api/v1/organisations/${notOwn.id}/partner-users`, "POST", penvoerder, { email: "x@hulshof.example", name: "X" })).status).toBe(403);
    const archived = await t.db.selectFrom("organisations").select("archived_at").where("id", "=", notOwn.id).executeTakeFirstOrThrow();
    expect(archived.archived_at).toBeNull();
  });

  it("logs a contact moment with any partner: every staff member records the contact they had", async () => {
    const logged = await send("/api/v1/interactions", "POST", penvoerder, { organisationId: notOwn.id, kind: "call", summary: "Cofinanciering besproken" });
    expect(logged.status).toBe(201);
  });

  it("works every partner once the region's admin lets every staff member do so, and not after it is switched back", async () => {
    expect((await send("/api/v1/region/partner-work", "PATCH", holder, { everyStaffMember: true })).status).toBe(403);
    const set = await send("/api/v1/region/partner-work", "PATCH", admin, { everyStaffMember: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ everyStaffMember: true });
    expect(await (await send("/api/v1/region/partner-work", "GET", penvoerder)).json()).toEqual({ everyStaffMember: true });
    const audit = await t.db.selectFrom("audit_log").select(["action", "after"]).where("action", "=", "region.partner_work").execute();
    expect(audit).toEqual([{ action: "region.partner_work", after: { everyStaffMember: true } }]);

    const changed = await send(`/api/v1/organisations/${notOwn.id}`, "PATCH", penvoerder, { version: notOwn.version, city: "Enschede" });
    expect(changed.status).toBe(200);
    notOwn = (await changed.json()) as typeof notOwn;

    expect((await send("/api/v1/region/partner-work", "PATCH", admin, { everyStaffMember: false })).status).toBe(200);
    expect((await send(`/api/v1/organisations/${notOwn.id}`, "PATCH", penvoerder, { version: notOwn.version, city: "Almelo" })).status).toBe(403);
  });

  it("leaves another region's rule alone", async () => {
    expect((await send("/api/v1/region/partner-work", "PATCH", otherAdmin, { everyStaffMember: true })).status).toBe(200);
    expect(await (await send("/api/v1/region/partner-work", "GET", penvoerder)).json()).toEqual({ everyStaffMember: false });
    expect((await send(`/api/v1/organisations/${notOwn.id}`, "PATCH", penvoerder, { version: notOwn.version, city: "Almelo" })).status).toBe(403);
  });

  it("refuses a body that is not a yes or no", async () => {
    const response = await send("/api/v1/region/partner-work", "PATCH", admin, { everyStaffMember: "ja" });
    expect(response.status).toBe(400);
  });
});
