import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

type Activity = { id: string; version: number };

/** Private iCalendar feeds (issue 5): made on the profile page, read by calendar apps, revocable. */
describe("calendar feeds", () => {
  let t: TestDatabase;
  let web: TestApp;
  let holderToken: string;
  let lessonId: string;
  let otherId: string;
  const holder = new CookieJar();
  const admin = new CookieJar();
  const elsewhere = new CookieJar();

  const api = (path: string, method: string, body: unknown) => web.request(path, { token: holderToken, method, body: JSON.stringify(body) });
  const feedUrl = (html: string, owner: "user" | "region") => new RegExp(`data-testid="feed-url-${owner}">([^<]+)<`).exec(html)?.[1] ?? "";
  const events = (ics: string) => {
    const component = new ICAL.Component(ICAL.parse(ics));
    return component.getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent));
  };
  const makeFeed = async (jar: CookieJar, owner: "user" | "region") => {
    const response = await web.postForm("/profile", { intent: "create-feed", owner }, { jar });
    expect(response.status).toBe(200);
    return new URL(feedUrl(await response.text(), owner)).pathname;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const { user, token } = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = token;
    const adminUser = await makeUser(t.db, { regionId: region.id, role: "admin" });
    const otherUser = await makeUser(t.db, { regionId: other.id, role: "admin" });
    for (const [jar, email] of [[holder, user.email], [admin, adminUser.email], [elsewhere, otherUser.email]] as const) {
      await web.postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
    const own = (await (await api("/api/v1/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek", accountHolderId: user.id })).json()) as { id: string };
    const school = (await (await api("/api/v1/organisations", "POST", { kind: "vmbo", name: "Het Erasmus" })).json()) as { id: string };
    const notMine = (await (await api("/api/v1/organisations", "POST", { kind: "company", name: "Bouwbedrijf Te Lintelo" })).json()) as { id: string };
    const lesson = (await (await api("/api/v1/activities", "POST", {
      type: "guest_lesson", title: "Gastles zonnepanelen", startDate: "2026-12-03", startTime: "10:30", endTime: "11:20", organisationIds: [own.id], schoolIds: [school.id],
    })).json()) as Activity;
    lessonId = lesson.id;
    // Entered by the admin for an organisation the account holder does not own: not in their feed.
    const adminToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    const visit = await web.request("/api/v1/activities", { token: adminToken, method: "POST", body: JSON.stringify({ type: "company_visit", title: "Bezoek bouwplaats", startDate: "2026-12-10", endDate: "2026-12-11", organisationIds: [notMine.id] }) });
    otherId = ((await visit.json()) as Activity).id;
  });
  afterAll(() => t?.drop());

  it("gives an account holder a private address with the activities of their partners, as valid iCalendar", async () => {
    const path = await makeFeed(holder, "user");
    expect(path).toMatch(/^\/feeds\/cal_[A-Za-z0-9_-]+\.ics$/);
    const response = await web.get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const list = events(await response.text());
    expect(list.map((event) => event.summary)).toEqual(["Gastles: Gastles zonnepanelen"]);
    expect(list[0]!.uid).toBe(`${lessonId}@schakel`);
    expect(list[0]!.startDate.toString()).toBe("2026-12-03T10:30:00");
    expect(list[0]!.component.getFirstProperty("dtstart")?.getParameter("tzid")).toBe("Europe/Amsterdam");
    const page = await (await web.get("/profile", { jar: holder })).text();
    expect(page).toContain("Er is een adres actief sinds");
    expect(page).not.toContain(path);
  });

  it("changes when an activity moves", async () => {
    const path = await makeFeed(holder, "user");
    const current = (await (await web.request(`/api/v1/activities/${lessonId}`, { token: holderToken })).json()) as Activity;
    const moved = await api(`/api/v1/activities/${lessonId}`, "PATCH", { version: current.version, startDate: "2026-12-17", endDate: "2026-12-17" });
    expect(moved.status).toBe(200);
    const [event] = events(await (await web.get(path)).text());
    expect(event!.startDate.toString()).toBe("2026-12-17T10:30:00");
  });

  it("gives the region's admin a feed with all the region's activities, all-day ones as dates", async () => {
    const path = await makeFeed(admin, "region");
    const list = events(await (await web.get(path)).text());
    expect(list.map((event) => event.uid).sort()).toEqual([`${lessonId}@schakel`, `${otherId}@schakel`].sort());
    const visit = list.find((event) => event.uid === `${otherId}@schakel`)!;
    expect(visit.startDate.isDate).toBe(true);
    expect(visit.startDate.toString()).toBe("2026-12-10");
    expect(visit.endDate.toString()).toBe("2026-12-12");
    // An account holder cannot make the region's feed.
    expect((await web.postForm("/profile", { intent: "create-feed", owner: "region" }, { jar: holder })).status).toBe(403);
  });

  it("answers 404 for a revoked, replaced or guessed address, and another region's feed shows nothing of this one", async () => {
    const old = await makeFeed(holder, "user");
    const replacement = await makeFeed(holder, "user");
    expect((await web.get(old)).status).toBe(404);
    expect((await web.get(replacement)).status).toBe(200);
    const revoked = await web.postForm("/profile", { intent: "revoke-feed", owner: "user" }, { jar: holder });
    expect(alertsOf(await revoked.text())).toContain("Het agenda-adres is ingetrokken.");
    expect((await web.get(replacement)).status).toBe(404);
    expect((await web.get("/feeds/cal_guessed-address-that-does-not-exist.ics")).status).toBe(404);
    expect((await web.get("/feeds/anything.ics")).status).toBe(404);
    const foreign = await makeFeed(elsewhere, "region");
    expect(events(await (await web.get(foreign)).text())).toEqual([]);
  });
});
