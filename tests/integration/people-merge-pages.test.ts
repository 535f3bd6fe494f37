import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

describe("merging two people from the person page", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  const holder = new CookieJar();
  const partner = new CookieJar();

  const person = async (name: string, values: { email?: string; phone?: string; regionId?: string } = {}) =>
    t.db
      .insertInto("people")
      .values({ region_id: values.regionId ?? regionId, name, email: values.email ?? null, phone: values.phone ?? null })
      .returning("id")
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    for (const [jar, role] of [[holder, "accounthouder"], [partner, "partner"]] as const) {
      const user = await makeUser(t.db, { regionId, role });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("offers people with a similar name, and merges the chosen one into this person", async () => {
    const keep = await person("Jan-Willem Bosman", { email: "jw@bosman.nl" });
    const duplicate = await person("Jan Willem Bosma", { phone: "06-11112222" });
    await person("Karin Akkerman");
    const acme = await t.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name: "Bosman Bouw" }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("affiliations").values({ region_id: regionId, person_id: duplicate.id, organisation_id: acme.id, role: "Uitvoerder", start_date: "2024-05-01" }).execute();

    const page = await (await web.get(`/people/${keep.id}`, { jar: holder })).text();
    expect(page).toContain("Samenvoegen met…");
    expect(page).toContain(`<option value="${duplicate.id}">Jan Willem Bosma · Bosman Bouw</option>`);
    expect(page).not.toContain("Karin Akkerman");

    // Another name can be looked up in the box.
    const searched = await (await web.get(`/people/${keep.id}?mergeQ=akkerman`, { jar: holder })).text();
    expect(searched).toContain("Karin Akkerman");

    const merged = await web.postForm(`/people/${keep.id}`, { intent: "merge", duplicateId: duplicate.id }, { jar: holder });
    expect(merged.status).toBe(200);
    expect(alertsOf(await merged.text())).toContain("De personen zijn samengevoegd.");
    const after = await (await web.get(`/people/${keep.id}`, { jar: holder })).text();
    expect(after).toContain("Bosman Bouw");
    expect(after).toContain("06-11112222");
    expect(after).toContain("Dubbele persoon samengevoegd");
    const gone = await (await web.get(`/people/${duplicate.id}`, { jar: holder })).text();
    expect(gone).toContain("Gearchiveerd op");
    expect(gone).toContain("Samengevoegd in een andere persoon en gearchiveerd");
  });

  it("shows why a merge is refused next to the field, and refuses another region's person and partner users", async () => {
    const keep = await person("Lotte Jansen");
    const missing = await web.postForm(`/people/${keep.id}`, { intent: "merge" }, { jar: holder });
    expect(missing.status).toBe(400);
    expect(fieldErrorOf(await missing.text(), "duplicateId")).toBe("Vul dit veld in.");

    const self = await web.postForm(`/people/${keep.id}`, { intent: "merge", duplicateId: keep.id }, { jar: holder });
    expect(self.status).toBe(422);
    expect(fieldErrorOf(await self.text(), "duplicateId")).toBe("Een persoon kan niet met zichzelf worden samengevoegd.");

    const foreign = await person("Lotte Janssen", { regionId: (await makeRegion(t.db)).id });
    const elsewhere = await web.postForm(`/people/${keep.id}`, { intent: "merge", duplicateId: foreign.id }, { jar: holder });
    expect(elsewhere.status).toBe(404);
    expect(await (await web.get(`/people/${keep.id}`, { jar: holder })).text()).not.toContain("Lotte Janssen");
    expect((await web.postForm(`/people/${keep.id}`, { intent: "merge", duplicateId: foreign.id }, { jar: partner })).status).toBe(403);
  });
});
