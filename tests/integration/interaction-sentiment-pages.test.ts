import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

/** "Hoe ging het?" on the three forms that log or correct a contact moment, and in the timeline (decision 137). */
describe("the account holder's view on the contact-moment forms", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  let orgId: string;

  // The clock stands still here, so moments are told apart by what they say.
  const moment = (summary: string) => t.db.selectFrom("interactions").select(["id", "sentiment", "version", "summary"]).where("organisation_id", "=", orgId).where("summary", "=", summary).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-10-05T10:00:00Z" });
    const region = await makeRegion(t.db);
    const user = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    ({ id: orgId } = await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Hulshof Installatietechniek", account_holder_id: user.id, tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).returning("id").executeTakeFirstOrThrow());
    await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
  });
  afterAll(() => t?.drop());

  it("the organisation's log form asks how it went, saves 'zorgen', and the timeline and health show it", async () => {
    const page = await (await web.get(`/organisations/${orgId}`, { jar: holder })).text();
    expect(page).toContain("Hoe ging het?");
    expect(page).toContain("Niet gezegd");
    const saved = await web.postForm(`/organisations/${orgId}`, { intent: "log-interaction", kind: "visit", date: "2026-10-05", summary: "Directeur twijfelt aan stageplekken", sentiment: "concerned" }, { jar: holder });
    expect(saved.status).toBeLessThan(400);
    expect((await moment("Directeur twijfelt aan stageplekken")).sentiment).toBe("concerned");
    const after = await (await web.get(`/organisations/${orgId}`, { jar: holder })).text();
    expect(after).toContain("ging: zorgen");
    expect(after).toContain("Fatima El Amrani had zorgen na het contact van 5 oktober 2026: “Directeur twijfelt aan stageplekken”");
  });

  it("the quick-log saves a view, and leaving it out saves none", async () => {
    expect(await (await web.get("/log", { jar: holder })).text()).toContain("Hoe ging het?");
    await web.postForm("/log", { organisationId: orgId, kind: "call", summary: "Even gebeld", sentiment: "good" }, { jar: holder });
    expect((await moment("Even gebeld")).sentiment).toBe("good");
    await web.postForm("/log", { organisationId: orgId, kind: "call", summary: "Nog eens gebeld" }, { jar: holder });
    expect((await moment("Nog eens gebeld")).sentiment).toBeNull();
  });

  it("the edit form shows the stored view and changes it", async () => {
    const before = await moment("Nog eens gebeld");
    const form = await (await web.get(`/interactions/${before.id}/edit`, { jar: holder })).text();
    expect(form.match(/<input[^>]*name="sentiment"[^>]*>/g)?.find((input) => input.includes("checked"))).toContain(`value=""`);
    const saved = await web.postForm(`/interactions/${before.id}/edit`, { intent: "save", version: String(before.version), kind: "call", date: "2026-10-05", summary: before.summary, sentiment: "neutral" }, { jar: holder });
    expect(saved.status).toBe(302);
    expect((await moment("Nog eens gebeld")).sentiment).toBe("neutral");
    const checked = (html: string) => html.match(/<input[^>]*name="sentiment"[^>]*>/g)?.find((input) => input.includes("checked"));
    expect(checked(await (await web.get(`/interactions/${before.id}/edit`, { jar: holder })).text())).toContain(`value="neutral"`);
  });

  it("'Aandacht nodig' logs a view with the contact moment too", async () => {
    const saved = await web.postForm("/attention", { intent: "log-interaction", organisationId: orgId, kind: "call", date: "2026-10-05", summary: "Teruggebeld na de zorgen", sentiment: "good" }, { jar: holder });
    expect(saved.status).toBe(200);
    expect((await moment("Teruggebeld na de zorgen")).sentiment).toBe("good");
  });

  it("refuses an unknown view with the message next to the field, saving nothing", async () => {
    const before = await t.db.selectFrom("interactions").select((eb) => eb.fn.countAll<number>().as("n")).where("organisation_id", "=", orgId).executeTakeFirstOrThrow();
    const refused = await web.postForm("/log", { organisationId: orgId, kind: "call", summary: "x", sentiment: "great" }, { jar: holder });
    expect(refused.status).toBe(400);
    const after = await t.db.selectFrom("interactions").select((eb) => eb.fn.countAll<number>().as("n")).where("organisation_id", "=", orgId).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
