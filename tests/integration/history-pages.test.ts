import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** The page as a reader sees it: tags and React's text separators gone, entities decoded, spaces collapsed. */
const visibleText = (html: string) =>
  html.replace(/<!-- -->/g, "").replace(/<\/?(strong|a|span|del|ins)\b[^>]*>/g, "").replace(/<[^>]+>/g, " ").replace(/&gt;/g, ">").replace(/&#x27;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");

describe("the history on the organisation and person pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const penvoerder = new CookieJar();
  const form = (fields: Record<string, string>) => ({ intent: "save", kind: "company", tier: "regular", status: "active", tags: "", ...fields });

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    for (const [jar, role, name] of [[holder, "accounthouder", "Hanna Houder"], [penvoerder, "penvoerder", "Piet Penvoerder"]] as const) {
      const user = await makeUser(t.db, { regionId: region.id, role, name });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("shows under Geschiedenis who changed which field of the organisation from what to what, newest first", async () => {
    const created = await web.postForm("/organisations/new", form({ name: "Geschiedenis BV", city: "Enschede" }), { jar: holder });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    await web.postForm(path, form({ name: "Geschiedenis BV", city: "Hengelo", tier: "strategic", version: "1" }), { jar: holder });
    await web.postForm(path, { intent: "add-contact", name: "Gerda Gids", role: "Hr" }, { jar: holder });

    const text = visibleText(await (await web.get(path, { jar: penvoerder })).text());
    expect(text).toContain("Geschiedenis");
    expect(text).toContain("plaats: Enschede → Hengelo");
    expect(text).toContain("contactfrequentie: Regulier → Strategisch");
    expect(text).toContain("Functie begonnen: Gerda Gids · Hanna Houder");
    const newest = text.indexOf("Functie begonnen");
    const changed = text.indexOf("Gewijzigd");
    const createdAt = text.indexOf("Aangemaakt");
    expect(newest).toBeGreaterThan(-1);
    expect(newest).toBeLessThan(changed);
    expect(changed).toBeLessThan(createdAt);
  });

  it("shows on a person's page which fields changed, without their values", async () => {
    const organisation = await t.db.selectFrom("organisations").select("id").where("name", "=", "Geschiedenis BV").executeTakeFirstOrThrow();
    const person = await t.db.selectFrom("people").select("id").where("name", "=", "Gerda Gids").executeTakeFirstOrThrow();
    const api = await makeUser(t.db, { regionId: (await t.db.selectFrom("organisations").select("region_id").where("id", "=", organisation.id).executeTakeFirstOrThrow()).region_id, role: "admin" });
    const { updatePerson } = await import("../../server/domains/people/people.service");
    await t.db.transaction().execute((trx) => updatePerson(trx, api.regionId, person.id, { version: 1, email: "gerda@gids.nl", phone: "0612345678" }, { actor: api, now: TEST_NOW }));

    const text = visibleText(await (await web.get(`/people/${person.id}`, { jar: holder })).text());
    expect(text).toContain("Geschiedenis");
    expect(text).toContain("gewijzigd: e-mail, telefoon");
    expect(text).toContain("Functie begonnen: Geschiedenis BV");
    // The values are on the page in the person's details, but not in the history.
    const history = text.slice(text.indexOf("Elke wijziging"), text.indexOf("Persoon archiveren"));
    expect(history).toContain("gewijzigd: e-mail, telefoon");
    expect(history).not.toContain("0612345678");
  });

  it("pages through a long history", async () => {
    const created = await web.postForm("/organisations/new", form({ name: "Veel Wijzigingen BV" }), { jar: holder });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    for (let version = 1; version <= 26; version++) {
      await web.postForm(path, form({ name: "Veel Wijzigingen BV", city: `Plaats ${version}`, version: String(version) }), { jar: holder });
    }
    const html = await (await web.get(path, { jar: holder })).text();
    expect(html).toContain("Oudere wijzigingen");
    const next = /href="([^"]*\?historyCursor=[^"#]+)#geschiedenis"/.exec(html)?.[1];
    expect(next).toBeDefined();
    const older = visibleText(await (await web.get(next!.replace(/&amp;/g, "&"), { jar: holder })).text());
    expect(older).toContain("Aangemaakt");
    expect(older).not.toContain("Oudere wijzigingen");
  });
});
