import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** Sharing between regions (issue 5): a training opened to a named region shows in its calendar, and nothing else does. */
describe("activities shared with another region", () => {
  let t: TestDatabase;
  let web: TestApp;
  let ownerToken: string;
  let guestToken: string;
  let thirdToken: string;
  let sharedId: string;
  let guestRegionId: string;
  const guest = new CookieJar();

  const send = (path: string, method: string, body: unknown, token = ownerToken) => web.request(path, { token, method, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const owner = await makeRegion(t.db, { name: "STO Twente" });
    const guestRegion = await makeRegion(t.db, { name: "STO Achterhoek" });
    const third = await makeRegion(t.db, { name: "STO Zwolle" });
    guestRegionId = guestRegion.id;
    ownerToken = (await makeUserWithToken(t.db, { regionId: owner.id, role: "accounthouder" })).token;
    guestToken = (await makeUserWithToken(t.db, { regionId: guestRegion.id, role: "accounthouder" })).token;
    thirdToken = (await makeUserWithToken(t.db, { regionId: third.id, role: "accounthouder" })).token;
    const guestUser = await makeUser(t.db, { regionId: guestRegion.id, role: "admin" });
    await web.postForm("/sign-in", { email: guestUser.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: guest });

    const partner = (await (await send("/api/v1/organisations", "POST", { kind: "company", name: "Geheim Partner BV" })).json()) as { id: string };
    const training = await send("/api/v1/activities", "POST", {
      type: "training", title: "Docentscholing warmtepompen", startDate: "2026-12-09", startTime: "13:00", endTime: "16:00", location: "Hengelo",
      organisationIds: [partner.id], sharedWithRegionIds: [guestRegion.id],
    });
    expect(training.status).toBe(201);
    sharedId = ((await training.json()) as { id: string }).id;
    await send("/api/v1/activities", "POST", { type: "training", title: "Alleen voor Twente", startDate: "2026-12-10", organisationIds: [partner.id] });
  });
  afterAll(() => t?.drop());

  it("shows the shared training to the named region through the API, with only what a calendar needs", async () => {
    const response = await send("/api/v1/activities/shared?from=2026-12-01&to=2026-12-31", "GET", undefined, guestToken);
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Array<Record<string, unknown>> };
    expect(items).toEqual([{
      id: sharedId, type: "training", title: "Docentscholing warmtepompen", startDate: "2026-12-09", endDate: "2026-12-09",
      startTime: "13:00", endTime: "16:00", status: "planned", location: "Hengelo", regionName: "STO Twente",
    }]);
    expect(JSON.stringify(items)).not.toContain("Geheim Partner");
    // The activity itself stays the owning region's: the guest region cannot open or change it.
    expect((await send(`/api/v1/activities/${sharedId}`, "GET", undefined, guestToken)).status).toBe(404);
    expect((await send(`/api/v1/activities/${sharedId}`, "PATCH", { version: 1, title: "Overgenomen" }, guestToken)).status).toBe(404);
    // A region it was not shared with sees nothing.
    expect(((await (await send("/api/v1/activities/shared?from=2026-12-01&to=2026-12-31", "GET", undefined, thirdToken)).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("puts it in the guest region's calendar page and feed, marked with the owning region", async () => {
    const page = await (await web.get("/activities/calendar?view=month&date=2026-12-01", { jar: guest })).text();
    expect(page).toContain("13:00 Docentscholing warmtepompen (gedeeld door STO Twente)");
    expect(page).not.toContain("Alleen voor Twente");
    expect(page).not.toContain(`/activities/${sharedId}`);
    const made = await web.postForm("/profile", { intent: "create-feed", owner: "region" }, { jar: guest });
    const url = /data-testid="feed-url-region">([^<]+)</.exec(await made.text())?.[1] ?? "";
    const ics = await (await web.get(new URL(url).pathname)).text();
    const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent));
    expect(events.map((event) => event.summary)).toEqual(["Scholing: Docentscholing warmtepompen (gedeeld door STO Twente)"]);
    expect(ics).not.toContain("Geheim Partner");
  });

  it("refuses sharing with an unknown region or with the own region, and writes nothing", async () => {
    const before = Number((await t.db.selectFrom("activities").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    const partner = await t.db.selectFrom("organisations").select("id").where("name", "=", "Geheim Partner BV").executeTakeFirstOrThrow();
    const base = { type: "training", title: "Open dag", startDate: "2026-12-12", organisationIds: [partner.id] };
    const unknown = await send("/api/v1/activities", "POST", { ...base, sharedWithRegionIds: ["00000000-0000-4000-8000-000000000000"] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { fields: Record<string, string> } }).error.fields).toHaveProperty("sharedWithRegionIds");
    const own = await send("/api/v1/activities", "POST", { ...base, sharedWithRegionIds: [(await t.db.selectFrom("regions").select("id").where("name", "=", "STO Twente").executeTakeFirstOrThrow()).id] });
    expect(own.status).toBe(400);
    expect(Number((await t.db.selectFrom("activities").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)).toBe(before);
    expect(guestRegionId).toBeDefined();
  });
});
