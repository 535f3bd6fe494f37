import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string; fields?: Record<string, string> } };
type Reason = { code: string; state: string; message: string; since: string; nextStep: string };

/** The health API of API.md, with the clock pinned by the test app as SCHAKEL_NOW pins it. */
describe("the relationship health API", () => {
  let t: TestDatabase;
  let api: TestApp;
  let holderToken: string;
  let adminToken: string;
  let partnerToken: string;
  let otherRegionToken: string;
  let quietId: string;

  const send = (path: string, method: string, body?: unknown, token = holderToken) =>
    api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-11-23T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    holderToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" })).token;
    adminToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;

    const created = await json(await send("/api/v1/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek", tier: "occasional" }));
    quietId = String(created.id);
    const person = await json(await send("/api/v1/people", "POST", { name: "Jan de Vries" }));
    const job = await json(await send(`/api/v1/people/${String(person.id)}/affiliations`, "POST", { organisationId: quietId, isPrimary: true, startDate: "2024-01-01" }));
    await send("/api/v1/interactions", "POST", { organisationId: quietId, kind: "visit", summary: "Kennismaking", date: "2026-02-02" });
    const ended = await send(`/api/v1/affiliations/${String(job.id)}/end`, "POST", { endDate: "2026-03-03", endReason: "left_organisation" });
    expect(ended.status).toBe(200);
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: quietId })).token;
  });
  afterAll(() => t?.drop());

  it("answers an organisation's state with its reasons as Dutch sentences, each with a date and a next step", async () => {
    const response = await send(`/api/v1/organisations/${quietId}/health`, "GET");
    expect(response.status).toBe(200);
    const health = await json(response);
    expect(health).toMatchObject({ organisationId: quietId, state: "cold", lastContactDate: "2026-02-02", snooze: null });
    const reasons = health.reasons as Reason[];
    expect(reasons.map((r) => r.code).sort()).toEqual(["contact_left", "no_contact_person"]);
    expect(reasons.find((r) => r.code === "contact_left")).toMatchObject({
      state: "cold", since: "2026-03-03", message: "Jan de Vries (primair contact) is op 3 maart 2026 vertrokken; sindsdien geen contact",
    });
  });

  it("lists the region's cold relationships with ?state=cold, and nothing of another region", async () => {
    const cold = await json(await send("/api/v1/health?state=cold", "GET"));
    expect((cold.items as Array<{ organisationId: string }>).map((i) => i.organisationId)).toEqual([quietId]);
    const healthy = await json(await send("/api/v1/health?state=healthy", "GET"));
    expect(healthy.items).toEqual([]);
    const elsewhere = await json(await send("/api/v1/health?state=cold", "GET", undefined, otherRegionToken));
    expect(elsewhere.items).toEqual([]);
    expect(await json(await send("/api/v1/health/counts", "GET"))).toMatchObject({ cold: 1, cooling: 0, watch: 0, healthy: 0, snoozed: 0 });
  });

  it("refuses a partner (403) and hides the organisation from another region (404)", async () => {
    expect((await send(`/api/v1/organisations/${quietId}/health`, "GET", undefined, partnerToken)).status).toBe(403);
    expect((await send("/api/v1/health", "GET", undefined, partnerToken)).status).toBe(403);
    expect((await send(`/api/v1/organisations/${quietId}/health`, "GET", undefined, otherRegionToken)).status).toBe(404);
    expect((await send(`/api/v1/organisations/${quietId}/snooze`, "POST", { weeks: 2, reason: "x" }, otherRegionToken)).status).toBe(404);
  });

  it("refuses a snooze without a reason with a message on the field, and snoozes nothing", async () => {
    const response = await send(`/api/v1/organisations/${quietId}/snooze`, "POST", { weeks: 4, reason: "  " });
    expect(response.status).toBe(400);
    expect((await json(response)).error?.fields).toHaveProperty("reason");
    expect(await t.db.selectFrom("health_snoozes").select("id").execute()).toEqual([]);

    const snoozed = await send(`/api/v1/organisations/${quietId}/snooze`, "POST", { weeks: 2, reason: "Nieuwe contactpersoon begint in december" });
    expect(snoozed.status).toBe(201);
    expect(await json(snoozed)).toEqual({ until: "2026-12-07", reason: "Nieuwe contactpersoon begint in december" });
    const listed = await json(await send("/api/v1/health?state=cold&includeSnoozed=false", "GET"));
    expect(listed.items).toEqual([]);
    expect((await send(`/api/v1/organisations/${quietId}/snooze`, "DELETE")).status).toBe(204);
    expect(((await json(await send("/api/v1/health?state=cold&includeSnoozed=false", "GET"))).items as unknown[]).length).toBe(1);
  });

  it("lets only an admin recompute and change cadences; a cadence of zero is refused and changes nothing", async () => {
    expect((await send("/api/v1/health/recompute", "POST")).status).toBe(403);
    const run = await send("/api/v1/health/recompute", "POST", undefined, adminToken);
    expect(run.status).toBe(200);
    expect(await json(run)).toMatchObject({ organisations: 1, changed: 0 });

    const settings = await json(await send("/api/v1/health/settings", "GET"));
    const refused = await send("/api/v1/health/settings", "PATCH", { version: settings.version, cadenceStrategicDays: 0, cadenceRegularDays: 120, cadenceOccasionalDays: 240 }, adminToken);
    expect(refused.status).toBe(400);
    expect((await json(refused)).error?.fields).toHaveProperty("cadenceStrategicDays");
    expect(await json(await send("/api/v1/health/settings", "GET"))).toEqual(settings);
    expect((await send("/api/v1/health/settings", "PATCH", { version: settings.version, cadenceStrategicDays: 30, cadenceRegularDays: 120, cadenceOccasionalDays: 240 })).status).toBe(403);
  });

  it("keeps each state change, so the organisation shows its trend and the region its counts per day", async () => {
    const history = await json(await send(`/api/v1/organisations/${quietId}/health/history`, "GET"));
    // Added without contacts (cold), a contact joined (healthy), the contact left (cold).
    expect((history.items as Array<{ state: string }>).map((h) => h.state)).toEqual(["cold", "healthy", "cold"]);
    const trend = await json(await send("/api/v1/health/trend?from=2026-08-01&to=2026-11-23", "GET"));
    expect(trend.items).toEqual([{ day: "2026-11-23", healthy: 0, watch: 0, cooling: 0, cold: 1 }]);
    expect((await send("/api/v1/health/trend?from=2026-11-23&to=2026-08-01", "GET")).status).toBe(400);
  });
});
