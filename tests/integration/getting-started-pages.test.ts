import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** The checklist's steps as the page shows them: link, label and whether it is done. */
function stepsOf(html: string) {
  const list = /data-testid="getting-started"[\s\S]*?<ol[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1];
  if (list === undefined) return null;
  return [...list.matchAll(/<li data-done="(true|false)"><a[^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map(([, done, href, label]) => ({ href, label, done: done === "true" }));
}

describe("a new region's first steps", () => {
  let t: TestDatabase;
  let web: TestApp;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
  });
  afterAll(() => t.drop());

  const newRegion = async () => {
    const region = await makeRegion(t.db);
    const admin = await makeUser(t.db, { regionId: region.id, role: "admin" });
    const jar = new CookieJar();
    expect((await web.postForm("/sign-in", { email: admin.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar })).status).toBe(302);
    return { regionId: region.id, jar };
  };
  const startPage = async (jar: CookieJar) => stepsOf(await (await web.get("/", { jar })).text());

  it("shows a new region's admin four first steps on the start page, none done, each linking to where it is taken", async () => {
    const { jar } = await newRegion();

    expect(await startPage(jar)).toEqual([
      { href: "/imports/organisations", label: "Partners importeren", done: false },
      { href: "/admin/users", label: "Collega&#x27;s uitnodigen", done: false },
      { href: "/admin/health", label: "Contactfrequenties en schoolvakanties instellen", done: false },
      { href: "/organisations", label: "Een eerste partner uitnodigen (op de pagina van de organisatie)", done: false },
    ]);
    expect(await (await web.get("/", { jar })).text()).toContain("Nog 4 stappen te gaan.");
  });

  it("ticks off each step as the data shows it done, and leaves the start page once every step is", async () => {
    const { regionId, jar } = await newRegion();

    const organisation = await t.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name: "Hulshof Installatietechniek" }).returning("id").executeTakeFirstOrThrow();
    expect((await startPage(jar))!.map((s) => s.done)).toEqual([true, false, false, false]);

    await makeUser(t.db, { regionId, role: "accounthouder", invited: true });
    await t.db.updateTable("region_health_settings").set((eb) => ({ version: eb("version", "+", 1), cadence_regular_days: 60 })).where("region_id", "=", regionId).execute();
    const html = await (await web.get("/", { jar })).text();
    expect(stepsOf(html)!.map((s) => s.done)).toEqual([true, true, true, false]);
    expect(html).toContain("Nog 1 stap te gaan.");

    await makeUser(t.db, { regionId, role: "partner", organisationId: organisation.id, invited: true });
    expect(await startPage(jar)).toBeNull();
    const own = await (await web.get("/getting-started", { jar })).text();
    expect(stepsOf(own)!.every((s) => s.done)).toBe(true);
    expect(own).toContain("Alle stappen zijn gedaan.");
  });

  it("counts a school holiday added after the region was made as the holidays looked at", async () => {
    const { regionId, jar } = await newRegion();

    await t.db.insertInto("school_holidays").values({ region_id: regionId, name: "Extra vrije week", start_date: "2027-03-01", end_date: "2027-03-05", created_at: new Date(TEST_NOW.getTime() + 60_000) }).execute();

    expect((await startPage(jar))!.map((s) => s.done)).toEqual([false, false, true, false]);
  });

  it("puts the list away for the admin's own region when hidden; its own page keeps it, and another region still sees its own", async () => {
    const own = await newRegion();
    const other = await newRegion();

    const hidden = await web.postForm("/getting-started", { intent: "dismiss" }, { jar: own.jar });

    expect(hidden.status).toBe(302);
    expect(hidden.headers.get("location")).toBe("/");
    expect(await startPage(own.jar)).toBeNull();
    expect(stepsOf(await (await web.get("/getting-started", { jar: own.jar })).text())).toHaveLength(4);
    expect(await startPage(other.jar)).toHaveLength(4);
    const audit = await t.db.selectFrom("audit_log").select(["action", "region_id"]).where("action", "=", "region.getting_started_dismissed").execute();
    expect(audit).toEqual([{ action: "region.getting_started_dismissed", region_id: own.regionId }]);
  });

  it("shows the list to no other role, and refuses another role's attempt to hide it", async () => {
    const { regionId, jar: adminJar } = await newRegion();
    const holder = await makeUser(t.db, { regionId, role: "accounthouder" });
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email: holder.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });

    expect(await startPage(jar)).toBeNull();
    expect((await web.get("/getting-started", { jar })).status).toBe(403);
    expect((await web.postForm("/getting-started", { intent: "dismiss" }, { jar })).status).toBe(403);
    expect(await startPage(adminJar)).toHaveLength(4);
  });
});
