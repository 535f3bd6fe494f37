import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

/** "Snel vastleggen" (/log): a contact moment from a phone in three taps and one sentence. */
describe("the quick-log page", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const partnerJar = new CookieJar();
  const ids: Record<string, string> = {};

  async function organisation(regionId: string, name: string, accountHolderId: string | null, state?: "cold" | "cooling" | "healthy", since = "2026-01-10") {
    const { id } = await t.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name, city: "Enschede", account_holder_id: accountHolderId, tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).returning("id").executeTakeFirstOrThrow();
    if (state) await t.db.insertInto("organisation_health").values({ organisation_id: id, region_id: regionId, state, reasons: sql`'[]'::jsonb`, state_since: since, last_contact_date: null, computed_at: new Date("2026-03-01T00:00:00Z") }).execute();
    return id;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-03-04T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db, { name: "STO Elders", slug: "elders" });
    const user = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const colleague = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Kees Collega" });
    ids.user = user.id;
    ids.cooling = await organisation(region.id, "Afkoelend Installatiebedrijf", user.id, "cooling", "2026-02-01");
    ids.cold = await organisation(region.id, "Koude Metaal B.V.", user.id, "cold", "2026-02-15");
    ids.healthy = await organisation(region.id, "Gezonde Bouw", user.id, "healthy");
    ids.colleagues = await organisation(region.id, "Koud bij Kees", colleague.id, "cold");
    ids.elsewhere = await organisation(other.id, "Koude Metaal Elders", null, "cold");
    const partner = await makeUser(t.db, { regionId: region.id, role: "partner", organisationId: ids.healthy });
    await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
    await web.postForm("/sign-in", { email: partner.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: partnerJar });
  });
  afterAll(() => t.drop());

  it("offers the account holder's own cold relationships first, then cooling ones, and no one else's", async () => {
    const page = await (await web.get("/log", { jar: holder })).text();
    const cold = page.indexOf("Koude Metaal B.V.");
    const cooling = page.indexOf("Afkoelend Installatiebedrijf");
    expect(cold).toBeGreaterThan(0);
    expect(cooling).toBeGreaterThan(cold);
    expect(page).toContain("vraagt aandacht");
    expect(page).not.toContain("Gezonde Bouw");
    expect(page).not.toContain("Koud bij Kees");
    expect(page).not.toContain("Koude Metaal Elders");
  });

  it("finds any organisation of the region by name, never another region's", async () => {
    const page = await (await web.get("/log?q=koud", { jar: holder })).text();
    expect(page).toContain("Koud bij Kees");
    expect(page).toContain("Koude Metaal B.V.");
    expect(page).not.toContain("Koude Metaal Elders");
  });

  it("logs a call dated today with one sentence, and the relationship counts the contact at once", async () => {
    const saved = await web.postForm("/log", { organisationId: ids.cold!, kind: "call", summary: "Gebeld over stageplekken" }, { jar: holder });
    expect(saved.status).toBe(200);
    expect(alertsOf(await saved.text()).join(" ")).toContain("Vastgelegd bij Koude Metaal B.V.");
    const row = await t.db.selectFrom("interactions").select(["date", "kind", "user_id", "summary"]).where("organisation_id", "=", ids.cold!).executeTakeFirstOrThrow();
    expect(row).toEqual({ date: "2026-03-04", kind: "call", user_id: ids.user, summary: "Gebeld over stageplekken" });
    const health = await t.db.selectFrom("organisation_health").select(["last_contact_date", "reasons"]).where("organisation_id", "=", ids.cold!).executeTakeFirstOrThrow();
    expect(health.last_contact_date).toBe("2026-03-04");
    // Still cold for want of a contact person, no longer for silence.
    expect(JSON.stringify(health.reasons)).toContain("no_contact_person");
    expect(JSON.stringify(health.reasons)).not.toMatch(/silen|no_contact"/);
    // A colleague's relationship she logged contact with is offered next time, as recent contact.
    await web.postForm("/log", { organisationId: ids.colleagues!, kind: "visit", summary: "Rondleiding gehad" }, { jar: holder });
    const next = await (await web.get("/log", { jar: holder })).text();
    expect(next).toContain("Koud bij Kees");
    expect(next).toContain("recent contact");
  });

  it("asks for the sentence and writes nothing without it", async () => {
    const before = await t.db.selectFrom("interactions").select(({ fn }) => fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const refused = await web.postForm("/log", { organisationId: ids.cooling!, kind: "call", summary: "" }, { jar: holder });
    expect(refused.status).toBe(400);
    expect(fieldErrorOf(await refused.text(), "summary")).toBe("Vul dit veld in.");
    const after = await t.db.selectFrom("interactions").select(({ fn }) => fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("refuses another region's organisation and a partner user, writing nothing", async () => {
    const elsewhere = await web.postForm("/log", { organisationId: ids.elsewhere!, kind: "call", summary: "Sluipweg" }, { jar: holder });
    expect(elsewhere.status).toBe(404);
    const partner = await web.postForm("/log", { organisationId: ids.healthy!, kind: "call", summary: "Ik ben partner" }, { jar: partnerJar });
    expect(partner.status).toBe(403);
    expect(await t.db.selectFrom("interactions").select("id").where("summary", "in", ["Sluipweg", "Ik ben partner"]).execute()).toEqual([]);
  });
});
