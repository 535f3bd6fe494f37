import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** The activities calendar: a month or a week, Monday first, with only the caller's region in it. */
describe("the activities calendar", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const elsewhere = new CookieJar();
  const partner = new CookieJar();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const { user, token } = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" });
    const send = (path: string, body: unknown) => web.request(path, { token, method: "POST", body: JSON.stringify(body) });
    const company = (await (await send("/api/v1/organisations", { kind: "company", name: "Hulshof Installatietechniek" })).json()) as { id: string };
    const school = (await (await send("/api/v1/organisations", { kind: "vmbo", name: "Het Erasmus" })).json()) as { id: string };
    await send("/api/v1/activities", { type: "guest_lesson", title: "Gastles zonnepanelen", startDate: "2026-12-03", startTime: "10:30", endTime: "11:20", organisationIds: [company.id], schoolIds: [school.id] });
    await send("/api/v1/activities", { type: "internship", title: "Stage installatietechniek", startDate: "2026-11-02", endDate: "2027-01-29", organisationIds: [company.id], schoolIds: [school.id], placesOffered: 2 });
    await send("/api/v1/activities", { type: "company_visit", title: "Afgelast bezoek", startDate: "2026-12-08", endDate: "2026-12-08", organisationIds: [company.id], status: "offered" }).then(async (response) => {
      const created = (await response.json()) as { id: string; version: number };
      await web.request(`/api/v1/activities/${created.id}`, { token, method: "PATCH", body: JSON.stringify({ version: created.version, status: "cancelled" }) });
    });
    const otherUser = await makeUser(t.db, { regionId: other.id, role: "admin" });
    const partnerUser = await makeUser(t.db, { regionId: region.id, role: "partner", organisationId: company.id });
    for (const [jar, email] of [[holder, user.email], [elsewhere, otherUser.email], [partner, partnerUser.email]] as const) {
      await web.postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t?.drop());

  it("shows the month with the guest lesson on its day, the internship above the grid, and no cancelled visit", async () => {
    const html = await (await web.get("/activities/calendar?view=month&date=2026-12-01", { jar: holder })).text();
    expect(html).toContain("Kalender: december 2026");
    expect(html).toMatch(/<span class="calendar-day">3<\/span><ul class="calendar-items"><li class="calendar-item calendar-item-planned"><a [^>]*>10:30 Gastles zonnepanelen<\/a>/);
    expect(html).toContain("Loopt in deze periode");
    expect(html).toContain("Stage installatietechniek");
    expect(html).not.toContain("Afgelast bezoek");
    expect(html).toContain("?view=month&amp;date=2027-01-01");
  });

  it("shows a week, Monday first, and another region's calendar stays empty", async () => {
    const week = await (await web.get("/activities/calendar?view=week&date=2026-12-03", { jar: holder })).text();
    expect(week).toContain("Gastles zonnepanelen");
    expect(week).toMatch(/<th scope="col">ma<\/th>/);
    const foreign = await (await web.get("/activities/calendar?view=week&date=2026-12-03", { jar: elsewhere })).text();
    expect(foreign).not.toContain("Gastles zonnepanelen");
    expect((await web.get("/activities/calendar", { jar: partner })).status).toBe(403);
    expect((await web.get("/activities/calendar?view=year", { jar: holder })).status).toBe(400);
  });
});
