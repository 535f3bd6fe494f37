import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

describe("the activity pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const penvoerder = new CookieJar();
  const stranger = new CookieJar();
  let companyPath = "";
  let companyId = "";
  let schoolId = "";

  const signIn = async (jar: CookieJar, regionId: string, role: "accounthouder" | "penvoerder" | "admin") => {
    const user = await makeUser(t.db, { regionId, role });
    await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
  };
  const newOrganisation = async (name: string, kind: string) => {
    const created = await web.postForm("/organisations/new", { intent: "save", kind, name, tier: "regular", status: "active", tags: "" }, { jar: holder });
    return (created.headers.get("location") ?? "").replace(/\?.*$/, "");
  };
  const guestLesson = (extra: Record<string, string> = {}) => ({
    intent: "save", type: "guest_lesson", title: "Gastles installatietechniek", status: "planned", startDate: "2026-03-12", startTime: "10:30",
    organisationIds: companyId, schoolIds: schoolId, className: "3B", topic: "Warmtepompen", profiles: "PIE", ...extra,
  });
  const count = async () => (await t.db.selectFrom("activities").select("id").execute()).length;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-03-04T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    await signIn(holder, region.id, "accounthouder");
    await signIn(penvoerder, region.id, "penvoerder");
    await signIn(stranger, other.id, "admin");
    companyPath = await newOrganisation("Hulshof Installatietechniek", "company");
    companyId = companyPath.split("/").pop()!;
    schoolId = (await newOrganisation("Het Assink Lyceum vmbo", "vmbo")).split("/").pop()!;
  });
  afterAll(() => t.drop());

  it("offers the organisation chosen on its page, and shows schools and partners apart", async () => {
    const page = await (await web.get(`/activities/new?organisationId=${companyId}`, { jar: holder })).text();
    expect(page).toContain("Nieuwe activiteit");
    expect(page).toMatch(new RegExp(`<option value="${companyId}" selected="">Hulshof Installatietechniek</option>`));
    expect(page).toMatch(/name="schoolIds"[^>]*>[\s\S]*Het Assink Lyceum vmbo[\s\S]*?<\/select>/);
  });

  it("shows what is wrong next to the field and saves nothing: no school for a guest lesson, an end before the start, more places filled than offered", async () => {
    const noSchool = await web.postForm("/activities/new", guestLesson({ schoolIds: "" }), { jar: holder });
    expect(noSchool.status).toBe(400);
    expect(fieldErrorOf(await noSchool.text(), "schoolIds")).toBe("Kies de school (of scholen) waar dit plaatsvindt.");

    const endBefore = await web.postForm("/activities/new", guestLesson({ endDate: "2026-03-11" }), { jar: holder });
    expect(fieldErrorOf(await endBefore.text(), "endDate")).toBe("De einddatum kan niet voor de begindatum liggen.");

    const tooMany = await web.postForm("/activities/new", { intent: "save", type: "internship", title: "Stage", status: "offered", startDate: "2026-04-01", organisationIds: companyId, placesOffered: "2", placesFilled: "3" }, { jar: holder });
    expect(fieldErrorOf(await tooMany.text(), "placesFilled")).toBe("Er kunnen niet meer plaatsen bezet zijn dan er aangeboden zijn.");
    expect(await count()).toBe(0);
  });

  it("plans an offered guest lesson, refuses Afgerond without pupils reached, then marks it done and shows it on the organisation's page", async () => {
    const created = await web.postForm("/activities/new", guestLesson({ status: "offered" }), { jar: holder });
    expect(created.status).toBe(302);
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    let page = await (await web.get(`${path}?saved=1`, { jar: holder })).text();
    expect(alertsOf(page)).toContain("De activiteit is opgeslagen.");
    expect(page).toContain("Aangeboden");
    expect(page).toContain(">Inplannen<");

    page = await (await web.postForm(path, { intent: "plan", version: "1" }, { jar: holder })).text();
    expect(alertsOf(page)).toContain("De activiteit is ingepland.");
    expect(page).toContain(">Afgerond<");

    const missing = await web.postForm(path, { intent: "complete", version: "2", pupilsReached: "", teachersInvolved: "" }, { jar: holder });
    expect(missing.status).toBe(400);
    expect(fieldErrorOf(await missing.text(), "pupilsReached")).toBe("Vul dit in om de activiteit af te ronden (0 mag).");

    page = await (await web.postForm(path, { intent: "complete", version: "2", pupilsReached: "28", teachersInvolved: "2" }, { jar: holder })).text();
    expect(alertsOf(page)).toContain("De activiteit is afgerond.");
    expect(await t.db.selectFrom("activities").select(["status", "pupils_reached", "teachers_involved"]).executeTakeFirstOrThrow()).toEqual({ status: "done", pupils_reached: 28, teachers_involved: 2 });

    const organisationPage = await (await web.get(companyPath, { jar: holder })).text();
    expect(organisationPage).toContain("Gastles installatietechniek");
    expect(organisationPage).toContain("28 leerlingen bereikt");
    expect(organisationPage).toContain("Met Het Assink Lyceum vmbo");
  });

  it("changes an activity with the version read, and says so when someone else changed it first", async () => {
    const created = await web.postForm("/activities/new", guestLesson({ title: "Gastles zonnepanelen" }), { jar: holder });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    const saved = await web.postForm(path, guestLesson({ title: "Gastles zonnepanelen en laadpalen", version: "1" }), { jar: holder });
    expect(alertsOf(await saved.text())).toContain("De wijzigingen zijn opgeslagen.");
    const stale = await web.postForm(path, guestLesson({ title: "Oude versie", version: "1" }), { jar: holder });
    expect(stale.status).toBe(409);
    expect(alertsOf(await stale.text())).toContain("Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens.");
  });

  it("lists activities with filters on type, status and school year", async () => {
    await web.postForm("/activities/new", { intent: "save", type: "company_visit", title: "Bedrijfsbezoek vorig jaar", status: "done", startDate: "2025-05-20", organisationIds: companyId, schoolIds: schoolId, pupilsReached: "40", teachersInvolved: "3" }, { jar: holder });
    const all = await (await web.get("/activities?when=all", { jar: holder })).text();
    expect(all).toContain("Bedrijfsbezoek vorig jaar");
    expect(all).toContain("Gastles installatietechniek");
    const visits = await (await web.get("/activities?when=all&type=company_visit", { jar: holder })).text();
    expect(visits).toContain("Bedrijfsbezoek vorig jaar");
    expect(visits).not.toContain("Gastles installatietechniek");
    const thisYear = await (await web.get("/activities?when=all&schoolYear=2025-2026&status=done", { jar: holder })).text();
    expect(thisYear).toContain("Gastles installatietechniek");
    expect(thisYear).not.toContain("Bedrijfsbezoek vorig jaar");
    const none = await (await web.get("/activities?profile=Groen", { jar: holder })).text();
    expect(none).toContain("Er zijn geen activiteiten die aan deze filters voldoen.");

    // Without a choice the list opens on what is coming; what is over is under "Voorbij".
    const upcoming = await (await web.get("/activities", { jar: holder })).text();
    expect(upcoming).toContain("Gastles installatietechniek");
    expect(upcoming).not.toContain("Bedrijfsbezoek vorig jaar");
    const past = await (await web.get("/activities?when=past", { jar: holder })).text();
    expect(past).toContain("Bedrijfsbezoek vorig jaar");
    expect(past).not.toContain("Gastles installatietechniek");

    const firstPage = await (await web.get("/activities?when=all&limit=1", { jar: holder })).text();
    const next = /href="[^"?]*\?([^"]*cursor=[^"]*)"/.exec(firstPage)?.[1]?.replace(/&amp;/g, "&");
    expect(next).toBeTruthy();
    expect((await web.get(`/activities?${next}`, { jar: holder })).status).toBe(200);
  });

  it("lets a penvoerder read, plan only with partners he keeps (not change this one), and answers 404 to another region", async () => {
    const list = await (await web.get("/activities", { jar: penvoerder })).text();
    expect(list).toContain("Gastles installatietechniek");
    expect(list).toContain("Nieuwe activiteit");
    expect((await web.get("/activities/new", { jar: penvoerder })).status).toBe(200);
    const activity = await t.db.selectFrom("activities").select("id").executeTakeFirstOrThrow();
    const detail = await (await web.get(`/activities/${activity.id}`, { jar: penvoerder })).text();
    expect(detail).not.toContain(">Wijzigen<");
    expect((await web.postForm(`/activities/${activity.id}`, { intent: "cancel", version: "1" }, { jar: penvoerder })).status).toBe(403);
    expect((await web.get(`/activities/${activity.id}`, { jar: stranger })).status).toBe(404);
    expect((await web.postForm(`/activities/${activity.id}`, { intent: "cancel", version: "1" }, { jar: stranger })).status).toBe(404);
  });
});
