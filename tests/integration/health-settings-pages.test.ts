import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

describe("the Relatiesignalen settings page", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  let otherRegionId: string;
  let coordinatorId: string;
  let partnerUserId: string;
  const admin = new CookieJar();
  const holder = new CookieJar();

  const settingsOf = (id: string) =>
    t.db.selectFrom("region_health_settings")
      .select(["cadence_strategic_days as strategic", "cadence_regular_days as regular", "cadence_occasional_days as occasional", "coordinator_user_id as coordinator", "version"])
      .where("region_id", "=", id).executeTakeFirstOrThrow();
  const holidaysOf = (id: string) => t.db.selectFrom("school_holidays").select(["id", "name", "start_date as startDate", "end_date as endDate"]).where("region_id", "=", id).execute();
  const cadences = async (fields: Record<string, string> = {}) => {
    const current = await settingsOf(regionId);
    return {
      intent: "save-settings", version: String(current.version), coordinatorUserId: current.coordinator ?? "",
      cadenceStrategicDays: String(current.strategic), cadenceRegularDays: String(current.regular), cadenceOccasionalDays: String(current.occasional), ...fields,
    };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    otherRegionId = (await makeRegion(t.db)).id;
    const adminUser = await makeUser(t.db, { regionId, role: "admin", name: "Beheerder Bea" });
    const holderUser = await makeUser(t.db, { regionId, role: "accounthouder", name: "Coördinator Kees" });
    coordinatorId = holderUser.id;
    partnerUserId = (await makeUser(t.db, { regionId, role: "partner", name: "Partner Piet" })).id;
    await web.postForm("/sign-in", { email: adminUser.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: admin });
    await web.postForm("/sign-in", { email: holderUser.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
  });
  afterAll(() => t.drop());

  it("shows an admin the cadences, the coordinator choice, the coming holidays and a menu link to the page", async () => {
    const response = await web.get("/admin/health", { jar: admin });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("<h1>Relatiesignalen</h1>");
    expect(page).toMatch(/<a [^>]*aria-current="page"[^>]*href="\/admin\/health">Relatiesignalen<\/a>/);
    expect(page).toContain("Richttijd: hoe vaak moet er contact zijn.");
    expect(page).toMatch(/name="cadenceStrategicDays"[^>]*value="60"|value="60"[^>]*name="cadenceStrategicDays"/);
    expect(page).toContain("krijgt de vervolgacties van relaties zonder accounthouder");
    expect(page).toContain(`<option value="${coordinatorId}">Coördinator Kees</option>`);
    // A partner cannot be the coordinator: they are not offered.
    expect(page).not.toContain(partnerUserId);
    expect(page).toContain("Kerstvakantie 2026-2027");
    expect(page).toContain("Eerdere vakanties");
  });

  it("saves new cadences and the coordinator", async () => {
    const response = await web.postForm("/admin/health", await cadences({ cadenceStrategicDays: "45", cadenceOccasionalDays: "300", coordinatorUserId: coordinatorId }), { jar: admin });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(alertsOf(page)).toContain("De instellingen zijn opgeslagen en de relatiesignalen zijn opnieuw berekend.");
    expect(page).toContain(`<option value="${coordinatorId}" selected="">Coördinator Kees</option>`);
    expect(await settingsOf(regionId)).toEqual({ strategic: 45, regular: 120, occasional: 300, coordinator: coordinatorId, version: 2 });

    const cleared = await web.postForm("/admin/health", await cadences({ coordinatorUserId: "" }), { jar: admin });
    expect(cleared.status).toBe(200);
    expect((await settingsOf(regionId)).coordinator).toBeNull();
  });

  it("refuses zero or negative days with the message next to the field, keeping what was typed and changing nothing", async () => {
    const before = await settingsOf(regionId);
    const response = await web.postForm("/admin/health", await cadences({ cadenceRegularDays: "0", cadenceOccasionalDays: "-5", cadenceStrategicDays: "50" }), { jar: admin });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(fieldErrorOf(page, "cadenceRegularDays")).toBe("Vul een aantal dagen in van 1 tot 3650.");
    expect(fieldErrorOf(page, "cadenceOccasionalDays")).toBe("Vul een aantal dagen in van 1 tot 3650.");
    expect(fieldErrorOf(page, "cadenceStrategicDays")).toBeUndefined();
    expect(page).toMatch(/name="cadenceStrategicDays"[^>]*value="50"/);
    expect(await settingsOf(regionId)).toEqual(before);
  });

  it("tells an admin saving an outdated form that someone else changed the settings, and changes nothing", async () => {
    const stale = await cadences({ cadenceStrategicDays: "30" });
    await web.postForm("/admin/health", await cadences({ cadenceStrategicDays: "70" }), { jar: admin });
    const after = await settingsOf(regionId);

    const response = await web.postForm("/admin/health", stale, { jar: admin });
    expect(response.status).toBe(409);
    const page = await response.text();
    expect(alertsOf(page)).toContain("Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens.");
    // The form shows what is stored now, with the new version, not the outdated values.
    expect(page).toMatch(/name="cadenceStrategicDays"[^>]*value="70"/);
    expect(page).toContain(`name="version" value="${after.version}"`);
    expect(await settingsOf(regionId)).toEqual(after);
  });

  it("adds a school holiday and removes it again", async () => {
    const added = await web.postForm("/admin/health", { intent: "add-holiday", name: "Studiedag Twente", startDate: "2027-03-10", endDate: "2027-03-10" }, { jar: admin });
    expect(added.status).toBe(200);
    const page = await added.text();
    expect(alertsOf(page)).toContain("Studiedag Twente is toegevoegd.");
    expect(page).toContain("<td>Studiedag Twente</td><td>10 mrt 2027</td><td>10 mrt 2027</td>");
    const holiday = (await holidaysOf(regionId)).find((h) => h.name === "Studiedag Twente");
    expect(holiday).toMatchObject({ startDate: "2027-03-10", endDate: "2027-03-10" });

    const removed = await web.postForm("/admin/health", { intent: "remove-holiday", holidayId: holiday!.id, holidayName: "Studiedag Twente" }, { jar: admin });
    expect(removed.status).toBe(200);
    const after = await removed.text();
    expect(alertsOf(after)).toContain("Studiedag Twente is verwijderd.");
    expect(after).not.toContain("<td>Studiedag Twente</td>");
    expect((await holidaysOf(regionId)).map((h) => h.name)).not.toContain("Studiedag Twente");
  });

  it("refuses a holiday without a name or ending before it starts, with the message next to the field", async () => {
    const count = (await holidaysOf(regionId)).length;
    const unnamed = await web.postForm("/admin/health", { intent: "add-holiday", name: "  ", startDate: "2027-03-10", endDate: "2027-03-12" }, { jar: admin });
    expect(unnamed.status).toBe(400);
    expect(fieldErrorOf(await unnamed.text(), "name")).toBe("Vul dit veld in.");

    const backwards = await web.postForm("/admin/health", { intent: "add-holiday", name: "Omgekeerd", startDate: "2027-03-12", endDate: "2027-03-10" }, { jar: admin });
    expect(backwards.status).toBe(400);
    const page = await backwards.text();
    expect(fieldErrorOf(page, "endDate")).toBe("De einddatum kan niet voor de begindatum liggen.");
    expect(page).toMatch(/name="name"[^>]*value="Omgekeerd"/);
    expect(await holidaysOf(regionId)).toHaveLength(count);
  });

  it("does not remove another region's holiday", async () => {
    const [theirs] = await holidaysOf(otherRegionId);
    const response = await web.postForm("/admin/health", { intent: "remove-holiday", holidayId: theirs!.id, holidayName: theirs!.name }, { jar: admin });
    expect(response.status).toBe(404);
    expect((await holidaysOf(otherRegionId)).map((h) => h.id)).toContain(theirs!.id);
  });

  it("refuses an account holder the page and its changes, and leaves the link out of their menu", async () => {
    expect((await web.get("/admin/health", { jar: holder })).status).toBe(403);
    const before = await settingsOf(regionId);
    const response = await web.postForm("/admin/health", await cadences({ cadenceStrategicDays: "10" }), { jar: holder });
    expect(response.status).toBe(403);
    expect(await settingsOf(regionId)).toEqual(before);
    expect(await (await web.get("/", { jar: holder })).text()).not.toContain('href="/admin/health"');
  });

  it("sends a visitor who is not signed in to the sign-in page", async () => {
    const response = await web.get("/admin/health");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/sign-in?redirectTo=%2Fadmin%2Fhealth");
  });
});
