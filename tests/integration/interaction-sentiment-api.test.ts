import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string; fields?: Record<string, string> } };
type Reason = { code: string; state: string; since: string; message: string; nextStep: string };

/**
 * The account holder's own view of a contact moment (goed / neutraal / zorgen) through the API, and
 * "zorgen" as a health signal until a later moment says good or neutral (decision 137). The clock
 * is moved as SCHAKEL_NOW moves it.
 */
describe("how a contact moment went (sentiment) and the concern signal", () => {
  let t: TestDatabase;
  let api: TestApp;
  let holderToken: string;
  let partnerToken: string;
  let adminToken: string;
  let orgId: string;

  const at = (day: string) => createTestApp(t.db, { now: `${day}T10:00:00Z` });
  const send = async (app: TestApp, path: string, method = "GET", body?: unknown, token = holderToken) =>
    app.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const health = async (app: TestApp, id = orgId) => {
    await send(app, "/api/v1/health/recompute", "POST", undefined, adminToken);
    return json(await send(app, `/api/v1/organisations/${id}/health`));
  };
  const log = async (app: TestApp, body: Record<string, unknown>) => {
    const response = await send(app, "/api/v1/interactions", "POST", { organisationId: orgId, kind: "call", ...body });
    expect(response.status).toBe(201);
    return json(response);
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = at("2026-10-05");
    const region = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = holder.token;
    adminToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    const created = await json(await send(api, "/api/v1/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek", tier: "regular", accountHolderId: holder.user.id }));
    orgId = String(created.id);
    // Two contacts, so nothing else than the view makes it less than healthy.
    for (const person of ["Jan de Vries", "Petra Jansen"]) {
      const p = await json(await send(api, "/api/v1/people", "POST", { name: person }));
      await send(api, `/api/v1/people/${String(p.id)}/affiliations`, "POST", { organisationId: orgId, isPrimary: person === "Jan de Vries", startDate: "2024-01-01" });
    }
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: orgId })).token;
  });
  afterAll(() => t?.drop());

  it("a moment logged without a view answers sentiment null and leaves the relationship healthy", async () => {
    const logged = await log(api, { summary: "Kennismaking", date: "2026-10-01" });
    expect(logged.sentiment).toBeNull();
    expect((await health(api)).state).toBe("healthy");
  });

  it("refuses a view that is not good, neutral or concerned", async () => {
    const response = await send(api, "/api/v1/interactions", "POST", { organisationId: orgId, kind: "call", summary: "x", sentiment: "great" });
    expect(response.status).toBe(400);
    expect((await json(response)).error?.fields).toHaveProperty("sentiment");
  });

  it("'zorgen' makes the relationship cooling, with the note (shortened) as the reason, and the timeline shows it", async () => {
    const note = `Nieuwe directeur wil minder stageplekken aanbieden en twijfelt aan de samenwerking. ${"Het gesprek was moeizaam en er is geen vervolgafspraak gemaakt. ".repeat(3)}`;
    const logged = await log(api, { summary: note, date: "2026-10-05", sentiment: "concerned" });
    expect(logged.sentiment).toBe("concerned");
    const now = await health(api);
    expect(now.state).toBe("cooling");
    const reason = (now.reasons as Reason[]).find((r) => r.code === "account_holder_concerned")!;
    expect(reason).toMatchObject({ state: "cooling", since: "2026-10-05" });
    expect(reason.message).toMatch(/^Fatima El Amrani had zorgen na het contact van 5 oktober 2026: “Nieuwe directeur wil minder stageplekken/);
    expect(reason.message).toMatch(/…”$/);
    expect(reason.message.length).toBeLessThan(260);
    expect(reason.nextStep).toContain("goed");
    const timeline = await json(await send(api, `/api/v1/organisations/${orgId}/timeline`));
    expect((timeline.items as Array<{ id: string; sentiment?: string | null }>).find((item) => item.id === logged.id)?.sentiment).toBe("concerned");
    const listed = await json(await send(api, `/api/v1/interactions?organisationId=${orgId}`));
    expect((listed.items as Array<{ id: string; sentiment: string | null }>).find((item) => item.id === logged.id)?.sentiment).toBe("concerned");
    // The list of relationships by health shows it too.
    const cooling = await json(await send(api, "/api/v1/health?state=cooling"));
    expect((cooling.items as Array<{ organisationId: string }>).map((item) => item.organisationId)).toContain(orgId);
  });

  it("the concern lasts while time passes, and the forecast agrees: it is no news ahead", async () => {
    const later = at("2026-11-16");
    const then = await health(later);
    expect(then.state).toBe("cooling");
    expect((then.reasons as Reason[]).map((r) => r.code)).toEqual(["account_holder_concerned"]);
    const upcoming = await json(await send(later, "/api/v1/health/upcoming?days=30"));
    expect(upcoming.items).toEqual([]);
  });

  it("a later moment without a view (a captured mail, a quick note) does not clear it", async () => {
    const later = at("2026-11-20");
    await log(later, { summary: "Korte mail over de planning", date: "2026-11-20" });
    expect((await health(later)).state).toBe("cooling");
  });

  it("a later moment marked good or neutral clears it", async () => {
    const later = at("2026-12-01");
    await log(later, { summary: "Goed gesprek met de directeur", date: "2026-12-01", sentiment: "neutral" });
    const now = await health(later);
    expect(now.state).toBe("healthy");
    expect(now.reasons).toEqual([]);
  });

  it("a moment corrected to 'zorgen' counts as the latest view again; corrected back, it clears", async () => {
    const later = at("2026-12-03");
    const logged = await log(later, { summary: "Stageplekken op de tocht", date: "2026-12-03" });
    const patched = await send(later, `/api/v1/interactions/${String(logged.id)}`, "PATCH", { sentiment: "concerned", version: logged.version });
    expect(patched.status).toBe(200);
    const corrected = await json(patched);
    expect(corrected.sentiment).toBe("concerned");
    expect((await health(later)).state).toBe("cooling");
    const back = await send(later, `/api/v1/interactions/${String(logged.id)}`, "PATCH", { sentiment: null, version: corrected.version });
    expect((await json(back)).sentiment).toBeNull();
    // The view before it (neutral, 1 December) is the latest again.
    expect((await health(later)).state).toBe("healthy");
  });

  it("a deleted 'zorgen' moment no longer counts", async () => {
    const later = at("2026-12-04");
    const logged = await log(later, { summary: "Zorgen", date: "2026-12-04", sentiment: "concerned" });
    expect((await health(later)).state).toBe("cooling");
    expect((await send(later, `/api/v1/interactions/${String(logged.id)}`, "DELETE")).status).toBe(200);
    expect((await health(later)).state).toBe("healthy");
  });

  it("a moment captured from mail has no view and cannot be given one", async () => {
    const { id } = await t.db.insertInto("interactions").values({
      region_id: (await t.db.selectFrom("organisations").select("region_id").where("id", "=", orgId).executeTakeFirstOrThrow()).region_id,
      organisation_id: orgId, kind: "email", date: "2026-12-04", user_id: null, summary: "Re: planning", source: "email", created_at: new Date("2026-12-04T09:00:00Z"),
    }).returning("id").executeTakeFirstOrThrow();
    const response = await send(api, `/api/v1/interactions/${id}`, "PATCH", { sentiment: "concerned", version: 1 }, adminToken);
    expect(response.status).toBe(400);
    expect((await json(response)).error?.fields).toHaveProperty("sentiment");
  });

  it("a partner neither logs a view nor sees one", async () => {
    expect((await send(api, "/api/v1/interactions", "POST", { organisationId: orgId, kind: "call", summary: "x", sentiment: "good" }, partnerToken)).status).toBe(403);
    expect((await send(api, `/api/v1/organisations/${orgId}/timeline`, "GET", undefined, partnerToken)).status).toBe(403);
  });
});
