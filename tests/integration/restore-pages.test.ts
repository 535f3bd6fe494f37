import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

describe("archiving with undo on the pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  const holder = new CookieJar();
  const penvoerder = new CookieJar();
  const form = (fields: Record<string, string>) => ({ intent: "save", kind: "company", tier: "regular", status: "active", tags: "", ...fields });
  const create = async (fields: Record<string, string>) => {
    const created = await web.postForm("/organisations/new", form(fields), { jar: holder });
    expect(created.status).toBe(302);
    return (created.headers.get("location") ?? "").replace(/\?.*$/, "");
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    for (const [jar, role] of [[holder, "accounthouder"], [penvoerder, "penvoerder"]] as const) {
      const user = await makeUser(t.db, { regionId, role });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("says an archived organisation is archived, offers Ongedaan maken, and brings it back", async () => {
    const path = await create({ name: "Archief Techniek" });
    const archived = await web.postForm(path, { intent: "archive" }, { jar: holder });
    expect(archived.status).toBe(302);
    const listPath = archived.headers.get("location") ?? "";
    expect(listPath).toBe(`/organisations?undo=${path.split("/")[2]}`);
    const list = await (await web.get(listPath, { jar: holder })).text();
    expect(alertsOf(list).join(" ")).toContain("Archief Techniek is gearchiveerd.");
    expect(list).toContain("Ongedaan maken");
    expect(list).not.toContain(`<a href="${path}">Archief Techniek</a>`);

    const undone = await web.postForm(path, { intent: "restore" }, { jar: holder });
    expect(undone.status).toBe(302);
    expect(undone.headers.get("location")).toBe(`${path}?restored=1`);
    const page = await (await web.get(`${path}?restored=1`, { jar: holder })).text();
    expect(alertsOf(page)).toContain("Teruggezet uit het archief.");
    expect(await (await web.get("/organisations?q=archief", { jar: holder })).text()).toContain("Archief Techniek");
  });

  it("finds archived organisations under the Gearchiveerd filter and shows their page read-only with Terugzetten", async () => {
    const path = await create({ name: "Oud Archief BV" });
    await web.postForm(path, { intent: "archive" }, { jar: holder });
    const current = await (await web.get("/organisations?q=oud%20archief", { jar: holder })).text();
    expect(current).toContain("Geen organisaties gevonden.");
    const archivedList = await (await web.get("/organisations?q=oud%20archief&archived=true", { jar: holder })).text();
    expect(archivedList).toContain("Oud Archief BV");

    const page = await (await web.get(path, { jar: holder })).text();
    expect(alertsOf(page).join(" ")).toContain("Gearchiveerd op");
    expect(page).toContain("Terugzetten");
    expect(page).not.toContain("Gegevens wijzigen");
    expect(page).toContain("Gearchiveerd");
    // A penvoerder reads the archived page but has no button to restore it.
    const readOnly = await (await web.get(path, { jar: penvoerder })).text();
    expect(readOnly).not.toContain("Terugzetten");
    expect((await web.postForm(path, { intent: "restore" }, { jar: penvoerder })).status).toBe(403);
  });

  it("says why an organisation cannot be restored when its KvK number is taken meanwhile", async () => {
    const path = await create({ name: "Eerste Nummer BV", kvkNumber: "11223344" });
    await web.postForm(path, { intent: "archive" }, { jar: holder });
    await create({ name: "Tweede Nummer BV", kvkNumber: "11223344" });
    const refused = await web.postForm(path, { intent: "restore" }, { jar: holder });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(alertsOf(html).join(" ")).toContain("Er is al een organisatie met dit KvK-nummer in deze regio.");
    expect(html).toContain("Bekijk Tweede Nummer BV");
  });

  it("archives a person from their page and undoes it there", async () => {
    const person = await t.db.insertInto("people").values({ region_id: regionId, name: "Ruud Terug" }).returning("id").executeTakeFirstOrThrow();
    const archived = await web.postForm(`/people/${person.id}`, { intent: "archive" }, { jar: holder });
    expect(archived.status).toBe(200);
    const html = await archived.text();
    expect(alertsOf(html)).toContain("Ruud Terug is gearchiveerd.");
    expect(html).toContain("Ongedaan maken");
    expect(await (await web.get("/people?q=ruud", { jar: holder })).text()).not.toContain("Ruud Terug");

    const undone = await web.postForm(`/people/${person.id}`, { intent: "restore" }, { jar: holder });
    expect(alertsOf(await undone.text())).toContain("Teruggezet uit het archief.");
    expect(await (await web.get("/people?q=ruud", { jar: holder })).text()).toContain("Ruud Terug");
  });
});
