import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_PASSWORD } from "../support/factories";

type View = { id: string; list: string; name: string; query: string; shared: boolean; createdByName: string; version: number; archivedAt: string | null };
type Body = View & { items: View[]; error?: { code: string; fields?: Record<string, string> } };

/** Saved views: a list's filters and sort under a name, one's own or shared with the region. */
describe("/api/v1/views", () => {
  let t: TestDatabase;
  let web: TestApp;
  const tokens: Record<string, string> = {};
  const holderJar = new CookieJar();
  const colleagueJar = new CookieJar();

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const response = await web.request(`/api/v1${path}`, { method, token: tokens[who], ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Body };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-03-04T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db, { name: "STO Elders", slug: "elders" });
    const organisation = await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Hulshof Installatietechniek", tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).returning("id").executeTakeFirstOrThrow();
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    tokens.holder = holder.token;
    const colleague = await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder", name: "Joost Kamphuis" });
    tokens.colleague = colleague.token;
    tokens.admin = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    tokens.partner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: organisation.id })).token;
    tokens.elsewhere = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    await web.postForm("/sign-in", { email: holder.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holderJar });
    await web.postForm("/sign-in", { email: colleague.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: colleagueJar });
    await makeUser(t.db, { regionId: region.id, role: "accounthouder" });
  });
  afterAll(() => t.drop());

  it("saves a shared view with its query normalised by the list's own rules, and colleagues of the region see it", async () => {
    const created = await call("holder", "POST", "/views", { list: "organisations", name: "Koude strategische partners", query: "?sort=health&limit=20&cursor=abc&tier=strategic&bogus=1&dir=sideways&q=%20metaal%20", shared: true });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ list: "organisations", name: "Koude strategische partners", query: "q=metaal&tier=strategic&sort=health", shared: true, createdByName: "Fatima El Amrani", version: 1 });
    const colleagues = await call("colleague", "GET", "/views?list=organisations");
    expect(colleagues.body.items.map((view) => view.name)).toContain("Koude strategische partners");
    expect((await call("colleague", "GET", "/views?list=people")).body.items).toEqual([]);
  });

  it("keeps a private view to whoever saved it: a colleague neither sees nor changes it", async () => {
    const created = await call("holder", "POST", "/views", { list: "people", name: "Zonder e-mail", query: "hasEmail=false&sort=organisation&dir=desc" });
    expect(created.body).toMatchObject({ shared: false, query: "hasEmail=false&sort=organisation&dir=desc" });
    expect((await call("holder", "GET", "/views")).body.items.map((view) => view.name)).toContain("Zonder e-mail");
    expect((await call("colleague", "GET", "/views")).body.items.map((view) => view.name)).not.toContain("Zonder e-mail");
    expect((await call("admin", "PATCH", `/views/${created.body.id}`, { version: 1, name: "Van mij" })).status).toBe(404);
    expect((await call("colleague", "DELETE", `/views/${created.body.id}`)).status).toBe(404);
  });

  it("refuses a filter the list would refuse, and writes nothing", async () => {
    const before = (await call("holder", "GET", "/views")).body.items.length;
    const refused = await call("holder", "POST", "/views", { list: "organisations", name: "Kapot", query: "tier=platinum" });
    expect(refused.status).toBe(400);
    expect(refused.body.error?.fields?.query).toBeDefined();
    expect((await call("holder", "POST", "/views", { list: "organisations", name: "   ", query: "" })).body.error?.fields?.name).toBeDefined();
    expect((await call("holder", "POST", "/views", { list: "tasks", name: "Elders", query: "" })).status).toBe(400);
    expect((await call("holder", "GET", "/views")).body.items).toHaveLength(before);
  });

  it("lets the creator or an admin rename a shared view, not another colleague, and detects a stale version", async () => {
    const { body: view } = await call("holder", "POST", "/views", { list: "organisations", name: "Strategisch", query: "tier=strategic", shared: true });
    const refused = await call("colleague", "PATCH", `/views/${view.id}`, { version: 1, name: "Van Joost" });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("FORBIDDEN");
    const renamed = await call("holder", "PATCH", `/views/${view.id}`, { version: 1, name: "Strategische partners" });
    expect(renamed.body).toMatchObject({ name: "Strategische partners", version: 2 });
    // Someone who read version 1 and saves now changes nothing.
    const stale = await call("admin", "PATCH", `/views/${view.id}`, { version: 1, name: "Oud" });
    expect(stale.status).toBe(409);
    expect((await call("admin", "PATCH", `/views/${view.id}`, { version: 2, shared: false })).body).toMatchObject({ name: "Strategische partners", shared: false, version: 3 });
  });

  it("archives a view on delete: it leaves every list of views and cannot be changed after", async () => {
    const { body: view } = await call("holder", "POST", "/views", { list: "organisations", name: "Tijdelijk", query: "", shared: true });
    expect((await call("colleague", "DELETE", `/views/${view.id}`)).status).toBe(403);
    const archived = await call("holder", "DELETE", `/views/${view.id}`);
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).not.toBeNull();
    expect((await call("colleague", "GET", "/views")).body.items.map((v) => v.id)).not.toContain(view.id);
    expect((await call("holder", "PATCH", `/views/${view.id}`, { version: archived.body.version, name: "Terug" })).status).toBe(404);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", view.id).orderBy("id").execute();
    expect(audit.map((entry) => entry.action)).toEqual(["saved_view.create", "saved_view.archive"]);
  });

  it("keeps another region's views out of sight and out of reach", async () => {
    const { body: view } = await call("holder", "POST", "/views", { list: "organisations", name: "Alleen Twente", query: "", shared: true });
    expect((await call("elsewhere", "GET", "/views")).body.items.map((v) => v.name)).not.toContain("Alleen Twente");
    expect((await call("elsewhere", "PATCH", `/views/${view.id}`, { version: 1, name: "Van ons" })).status).toBe(404);
    expect((await call("elsewhere", "DELETE", `/views/${view.id}`)).status).toBe(404);
  });

  it("keeps a view of the activities list: its tab, filters and sort, and opens it on the page with the view marked", async () => {
    const created = await call("holder", "POST", "/views", { list: "activities", name: "Gastlessen A–Z", query: "when=past&cursor=x&dir=desc&sort=title&type=guest_lesson&bogus=1&limit=5" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ list: "activities", query: "type=guest_lesson&sort=title&dir=desc&when=past" });
    expect((await call("holder", "POST", "/views", { list: "activities", name: "Kapot", query: "type=borrel" })).status).toBe(400);
    expect((await call("holder", "POST", "/views", { list: "activities", name: "Oud", query: "order=soonest" })).body.query).toBe("order=soonest");
    const page = await (await web.get("/activities?type=guest_lesson&sort=title&dir=desc&when=past", { jar: holderJar })).text();
    expect(page).toMatch(/<a aria-current="page"[^>]*href="\/activities\?type=guest_lesson&amp;sort=title&amp;dir=desc&amp;when=past">Gastlessen A–Z/);
    const saved = await web.postForm("/activities?when=all&sort=partner", { intent: "saveView", name: "Op partner", query: "when=all&sort=partner" }, { jar: holderJar });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe("/activities?sort=partner&when=all");
  });

  it("refuses a partner user every view route", async () => {
    expect((await call("partner", "GET", "/views")).status).toBe(403);
    expect((await call("partner", "POST", "/views", { list: "organisations", name: "Portaal", query: "" })).status).toBe(403);
  });

  it("saves a view from the list page and opens it, and a colleague finds it among the list's views", async () => {
    const saved = await web.postForm("/organisations?tier=strategic&sort=health", { intent: "saveView", name: "Strategisch op gezondheid", shared: "on", query: "tier=strategic&sort=health&cursor=x" }, { jar: holderJar });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe("/organisations?tier=strategic&sort=health");
    const page = await (await web.get("/organisations?tier=strategic&sort=health", { jar: colleagueJar })).text();
    expect(page).toMatch(/<a aria-current="page"[^>]*href="\/organisations\?tier=strategic&amp;sort=health">Strategisch op gezondheid/);
    const empty = await web.postForm("/people", { intent: "saveView", name: "", query: "" }, { jar: holderJar });
    expect(empty.status).toBe(400);
    expect(fieldErrorOf(await empty.text(), "name")).toBeTruthy();
  });
});
