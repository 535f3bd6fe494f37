import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWeeklyDigest } from "../../server/domains/digest/digest.service";
import { renderWeeklyDigestEmail } from "../../emails/render";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_PASSWORD } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string } };
type Upcoming = { organisationId: string; name: string; state: string; expectedState: string; onDate: string; reason: string };

/**
 * "Binnenkort koud" through the API, with the clock moved as SCHAKEL_NOW moves it. The test region
 * keeps one school holiday, Christmas 19 December 2026 – 3 January 2027 (16 days), so each date can
 * be counted by hand.
 */
describe("relationships that turn cold soon (GET /health/upcoming)", () => {
  let t: TestDatabase;
  let api: TestApp;
  let holderToken: string;
  let holderId: string;
  let adminToken: string;
  let partnerToken: string;
  let otherToken: string;
  let quietId: string;
  let christmasId: string;
  let elsewhereId: string;

  const send = async (app: TestApp, path: string, method = "GET", body?: unknown, token = holderToken) =>
    app.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const upcoming = async (query = "", token = holderToken, app = api) => {
    const response = await send(app, `/api/v1/health/upcoming${query}`, "GET", undefined, token);
    expect(response.status).toBe(200);
    return (await json(response)).items as Upcoming[];
  };

  /** A regular partner (cadence 120 days) with two contacts, last spoken to on `lastContact`. */
  async function partner(name: string, lastContact: string, token = holderToken) {
    const created = await json(await send(api, "/api/v1/organisations", "POST", { kind: "company", name, tier: "regular", accountHolderId: token === holderToken ? holderId : undefined }, token));
    const id = String(created.id);
    for (const person of ["Jan de Vries", "Petra Jansen"]) {
      const p = await json(await send(api, "/api/v1/people", "POST", { name: person }, token));
      await send(api, `/api/v1/people/${String(p.id)}/affiliations`, "POST", { organisationId: id, isPrimary: person === "Jan de Vries", startDate: "2024-01-01" }, token);
    }
    expect((await send(api, "/api/v1/interactions", "POST", { organisationId: id, kind: "visit", summary: "Bedrijfsbezoek", date: lastContact }, token)).status).toBe(201);
    return id;
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-11-23T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = holder.token;
    holderId = holder.user.id;
    adminToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    otherToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    const settings = await json(await send(api, "/api/v1/health/settings"));
    for (const holiday of settings.holidays as Array<{ id: string; name: string }>) {
      if (holiday.name !== "Kerstvakantie 2026-2027") await send(api, `/api/v1/health/settings/holidays/${holiday.id}`, "DELETE", undefined, adminToken);
    }
    quietId = await partner("Hulshof Installatietechniek", "2026-08-15"); // 100 days before 23 November
    christmasId = await partner("Sjöberg Techniek", "2026-08-25"); // 90 days before
    elsewhereId = await partner("Elders BV", "2026-08-15", otherToken);
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: quietId })).token;
  });
  afterAll(() => t?.drop());

  it("names the day a relationship 100 days without contact turns cooling (its cadence is 120 days), with the reason in Dutch", async () => {
    const items = await upcoming("?days=30");
    expect(items).toEqual([{
      organisationId: quietId, name: "Hulshof Installatietechniek", state: "healthy", expectedState: "cooling", onDate: "2026-12-14",
      reason: "Geen contact sinds 15 augustus 2026; op 14 december 2026 is de richttijd van 120 dagen voorbij (schoolvakanties tellen niet mee)",
    }]);
    // On that day the recompute itself says cooling; the day before it still says healthy.
    const state = async (day: string) => {
      const app = createTestApp(t.db, { now: `${day}T10:00:00Z` });
      await send(app, "/api/v1/health/recompute", "POST", undefined, adminToken);
      return (await json(await send(app, `/api/v1/organisations/${quietId}/health`))).state;
    };
    expect(await state("2026-12-13")).toBe("healthy");
    expect(await state("2026-12-14")).toBe("cooling");
    await send(api, "/api/v1/health/recompute", "POST", undefined, adminToken);
  });

  it("moves the day by the Christmas holiday's 16 days, and by nothing once the holiday is removed", async () => {
    const items = await upcoming("?days=60");
    expect(items.find((item) => item.organisationId === christmasId)).toMatchObject({ expectedState: "cooling", onDate: "2027-01-09" });
    // Without contact the first one turns cold at twice the cadence: not within these 60 days.
    expect(items.map((item) => item.organisationId)).toEqual([quietId, christmasId]);

    const settings = await json(await send(api, "/api/v1/health/settings"));
    const christmas = (settings.holidays as Array<{ id: string }>)[0]!;
    expect((await send(api, `/api/v1/health/settings/holidays/${christmas.id}`, "DELETE", undefined, adminToken)).status).toBe(204);
    expect((await upcoming("?days=60")).find((item) => item.organisationId === christmasId)?.onDate).toBe("2026-12-24");
    await send(api, "/api/v1/health/settings/holidays", "POST", { name: "Kerstvakantie 2026-2027", startDate: "2026-12-19", endDate: "2027-01-03" }, adminToken);
    expect((await upcoming("?days=60")).find((item) => item.organisationId === christmasId)?.onDate).toBe("2027-01-09");
  });

  it("says in the owner's weekly digest that the relationship turns cold before the Christmas holiday", async () => {
    const digest = await buildWeeklyDigest(t.db, holderId, { now: new Date("2026-11-23T05:00:00Z"), appUrl: "http://schakel.test" });
    expect(digest.upcoming).toMatchObject({ holiday: "kerstvakantie", items: [{ name: "Hulshof Installatietechniek", onDate: "2026-12-14" }] });
    const email = await renderWeeklyDigestEmail({
      locale: "nl", name: "Fatima", regionName: "Twente", today: digest.today, weekday: 1, relationships: [], overdueTasks: [], overdueCount: 0, openTasks: [], openCount: 0,
      upcoming: digest.upcoming, tasksUrl: "http://schakel.test/tasks", profileUrl: "http://schakel.test/profile",
    });
    // The plain-text part writes headings in capitals.
    expect(email.text).toContain("1 RELATIE WORDT KOUD VÓÓR DE KERSTVAKANTIE");
    expect(email.text).toContain("Koelt af op 14 december 2026");
    // A week before Christmas the same relationship falls after the holiday's start: "in de komende 30 dagen".
    const later = await buildWeeklyDigest(t.db, holderId, { now: new Date("2026-12-15T05:00:00Z"), appUrl: "http://schakel.test" });
    expect(later.upcoming.holiday).toBeNull();
    expect(later.upcoming.items.map((item) => item.name)).toEqual(["Sjöberg Techniek"]);
  });

  it("drops a relationship once a contact moment is logged", async () => {
    expect((await send(api, "/api/v1/interactions", "POST", { organisationId: quietId, kind: "call", summary: "Even bijgepraat", date: "2026-11-23" })).status).toBe(201);
    expect((await upcoming("?days=30")).map((item) => item.organisationId)).toEqual([]);
    expect((await upcoming("?days=60")).map((item) => item.organisationId)).toEqual([christmasId]);
  });

  it("keeps to the caller's region and own relationships on whose=mine, and refuses a partner and a horizon past 120 days", async () => {
    expect((await upcoming("?days=120")).map((item) => item.organisationId)).not.toContain(elsewhereId);
    expect((await upcoming("?days=120", otherToken)).map((item) => item.organisationId)).toEqual([elsewhereId]);
    expect(await upcoming("?days=60&whose=mine", adminToken)).toEqual([]);
    expect((await upcoming("?days=60&whose=mine")).map((item) => item.organisationId)).toEqual([christmasId]);
    expect((await send(api, "/api/v1/health/upcoming", "GET", undefined, partnerToken)).status).toBe(403);
    expect((await send(api, "/api/v1/health/upcoming?days=121")).status).toBe(400);
  });
});

type Lead = { id: string; personId: string; personName: string; fromOrganisationId: string | null; fromOrganisationName?: string | null; fromEndDate: string | null; toOrganisationId: string | null; toOrganisationName: string; since: string; version: number };

/** "Kansen": a contact who leaves a partner for an organisation that is not a partner becomes a lead. */
describe("leads from contacts who moved (GET /leads)", () => {
  let t: TestDatabase;
  let api: TestApp;
  let holderToken: string;
  let holderId: string;
  let partnerToken: string;
  let otherToken: string;
  let sjobergId: string;

  const send = async (path: string, method = "GET", body?: unknown, token = holderToken) =>
    api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const leads = async (token = holderToken) => (await json(await send("/api/v1/leads", "GET", undefined, token))).items as Lead[];
  const organisation = async (name: string, extra: Record<string, unknown> = {}) =>
    String((await json(await send("/api/v1/organisations", "POST", { kind: "company", name, tier: "regular", ...extra }))).id);
  async function contactAt(name: string, organisationId: string) {
    const person = await json(await send("/api/v1/people", "POST", { name }));
    await send(`/api/v1/people/${String(person.id)}/affiliations`, "POST", { organisationId, isPrimary: true, startDate: "2024-01-01" });
    return String(person.id);
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-11-23T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = holder.token;
    holderId = holder.user.id;
    otherToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    sjobergId = await organisation("Sjöberg Techniek");
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: sjobergId })).token;
  });
  afterAll(() => t?.drop());

  it("lists a contact who left a partner for a company not in Schakel, and turns it into a partner with that contact in one step", async () => {
    const jan = await contactAt("Jan de Vries", sjobergId);
    const moved = await send(`/api/v1/people/${jan}/new-job`, "POST", { organisationName: "Hulshof Installatietechniek", endDate: "2026-03-31", startDate: "2026-04-01" });
    expect(moved.status).toBe(201);
    expect(await json(moved)).toMatchObject({ started: null, ended: [{ organisationId: sjobergId, endDate: "2026-03-31" }] });
    const [lead, ...rest] = await leads();
    expect(rest).toEqual([]);
    expect(lead).toMatchObject({
      personId: jan, personName: "Jan de Vries", fromOrganisationId: sjobergId, fromEndDate: "2026-03-31",
      toOrganisationId: null, toOrganisationName: "Hulshof Installatietechniek", since: "2026-04-01",
    });

    expect(await leads(otherToken)).toEqual([]);
    expect((await send(`/api/v1/leads/${lead!.id}/convert`, "POST", { version: lead!.version }, otherToken)).status).toBe(404);
    expect((await send("/api/v1/leads", "GET", undefined, partnerToken)).status).toBe(403);
    expect((await send(`/api/v1/leads/${lead!.id}/convert`, "POST", { version: lead!.version }, partnerToken)).status).toBe(403);
    expect((await send(`/api/v1/leads/${lead!.id}/convert`, "POST", { version: lead!.version + 1 })).status).toBe(409);

    const converted = await send(`/api/v1/leads/${lead!.id}/convert`, "POST", { version: lead!.version, tier: "regular", accountHolderId: holderId });
    expect(converted.status).toBe(201);
    const { organisationId } = (await json(converted)) as { organisationId: string };
    expect(await leads()).toEqual([]);
    expect(await json(await send(`/api/v1/organisations/${organisationId}`))).toMatchObject({ name: "Hulshof Installatietechniek", status: "active", accountHolderId: holderId });
    const person = await json(await send(`/api/v1/people/${jan}`));
    expect(person.affiliations).toContainEqual(expect.objectContaining({ organisationId, isPrimary: true, startDate: "2026-04-01", endDate: null }));
    expect((await send(`/api/v1/leads/${lead!.id}/convert`, "POST", { version: lead!.version + 1 })).status).toBe(404);
  });

  it("lists a move to an organisation that is known but not a partner, and puts it away with who and when", async () => {
    const prospectId = await organisation("Bouwbedrijf Prospect", { status: "prospect" });
    const petra = await contactAt("Petra Jansen", sjobergId);
    expect((await send(`/api/v1/people/${petra}/new-job`, "POST", { organisationId: prospectId })).status).toBe(201);
    const [lead] = await leads();
    expect(lead).toMatchObject({ personName: "Petra Jansen", fromOrganisationId: sjobergId, toOrganisationId: prospectId, toOrganisationName: "Bouwbedrijf Prospect", since: "2026-11-23" });
    expect((await send(`/api/v1/leads/${lead!.id}/dismiss`, "POST", { version: lead!.version }, otherToken)).status).toBe(404);
    expect((await send(`/api/v1/leads/${lead!.id}/dismiss`, "POST", { version: lead!.version }, partnerToken)).status).toBe(403);
    expect((await send(`/api/v1/leads/${lead!.id}/dismiss`, "POST", { version: lead!.version })).status).toBe(204);
    expect(await leads()).toEqual([]);
    expect(await t.db.selectFrom("leads").select(["close_reason", "closed_by", "closed_at"]).where("id", "=", lead!.id).executeTakeFirst())
      .toEqual({ close_reason: "dismissed", closed_by: holderId, closed_at: new Date("2026-11-23T10:00:00Z") });
  });

  it("tells a partner's owner, by a task, that a known contact now works there, and makes no lead", async () => {
    const bakkerId = await organisation("Bakker Metaal", { accountHolderId: holderId });
    const kees = await contactAt("Kees Bakker", sjobergId);
    expect((await send(`/api/v1/people/${kees}/new-job`, "POST", { organisationId: bakkerId })).status).toBe(201);
    expect(await leads()).toEqual([]);
    const tasks = await t.db.selectFrom("tasks").select(["title", "assignee_id", "organisation_id"]).where("source", "=", "contact_joined").execute();
    expect(tasks).toEqual([{ title: "Bekend contact: Kees Bakker (eerder bij Sjöberg Techniek) werkt nu bij Bakker Metaal", assignee_id: holderId, organisation_id: bakkerId }]);
  });

  it("asks for either an organisation or a new employer's name, not both and not neither", async () => {
    const anna = await contactAt("Anna de Boer", sjobergId);
    for (const body of [{}, { organisationId: sjobergId, organisationName: "Iets BV" }]) {
      const refused = await send(`/api/v1/people/${anna}/new-job`, "POST", body);
      expect(refused.status).toBe(400);
      expect((await json(refused)).error).toMatchObject({ code: "VALIDATION_FAILED" });
    }
  });
});

/**
 * Every way a move is recorded follows the person (decision 142): the move API, and a partner saying
 * in the portal (page or API) where a colleague who left went. And "Kansen" pages like every list.
 */
describe("leads from every way a move is recorded, and their pages", () => {
  let t: TestDatabase;
  let api: TestApp;
  let holderToken: string;
  let holderId: string;
  let partnerToken: string;
  let sjobergId: string;
  const partnerJar = new CookieJar();

  const send = async (path: string, method = "GET", body?: unknown, token = holderToken) =>
    api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const openLeads = async () => t.db.selectFrom("leads").select(["id", "person_id", "from_organisation_id", "to_organisation_id", "to_organisation_name", "since"]).where("closed_at", "is", null).orderBy("created_at").execute();
  const organisation = async (name: string, extra: Record<string, unknown> = {}) =>
    String((await json(await send("/api/v1/organisations", "POST", { kind: "company", name, tier: "regular", ...extra }))).id);
  async function contactAt(name: string, organisationId: string) {
    const person = await json(await send("/api/v1/people", "POST", { name }));
    const job = await json(await send(`/api/v1/people/${String(person.id)}/affiliations`, "POST", { organisationId, isPrimary: false, startDate: "2024-01-01" }));
    return { personId: String(person.id), jobId: String(job.id) };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-11-23T10:00:00Z", remix: true });
    const region = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = holder.token;
    holderId = holder.user.id;
    sjobergId = await organisation("Sjöberg Techniek");
    const partner = await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: sjobergId, email: "paula@sjoberg.example" });
    partnerToken = partner.token;
    await api.postForm("/sign-in", { email: partner.user.email, password: TEST_PASSWORD, redirectTo: "/portal" }, { jar: partnerJar });
  });
  afterAll(() => t?.drop());
  beforeEach(async () => {
    await t.db.deleteFrom("leads").execute();
    await t.db.deleteFrom("tasks").execute();
  });

  it("POST /people/{id}/move to an organisation that is not a partner is a lead; to a partner, a task for its owner", async () => {
    const prospectId = await organisation("Bouwbedrijf Prospect", { status: "prospect" });
    const { personId } = await contactAt("Jan de Vries", sjobergId);
    const moved = await send(`/api/v1/people/${personId}/move`, "POST", { fromOrganisationId: sjobergId, toOrganisationId: prospectId, date: "2026-11-01" });
    expect(moved.status).toBe(201);
    const [lead, ...rest] = await openLeads();
    expect(rest).toEqual([]);
    expect(lead).toMatchObject({ person_id: personId, from_organisation_id: sjobergId, to_organisation_id: prospectId, since: "2026-11-01" });
    expect((await json(moved)).leadId).toBe(lead!.id);

    const bakkerId = await organisation("Bakker Metaal", { accountHolderId: holderId });
    const { personId: kees } = await contactAt("Kees Bakker", sjobergId);
    const toPartner = await send(`/api/v1/people/${kees}/move`, "POST", { fromOrganisationId: sjobergId, toOrganisationId: bakkerId, date: "2026-11-01" });
    expect(await json(toPartner)).toMatchObject({ leadId: null, started: { organisationId: bakkerId } });
    expect(await openLeads()).toHaveLength(1);
    expect(await t.db.selectFrom("tasks").select(["title", "assignee_id", "organisation_id"]).where("source", "=", "contact_joined").execute())
      .toEqual([{ title: "Bekend contact: Kees Bakker (eerder bij Sjöberg Techniek) werkt nu bij Bakker Metaal", assignee_id: holderId, organisation_id: bakkerId }]);
  });

  it("the portal's leave form takes an optional new employer: a name only becomes a lead carrying it, and no organisation", async () => {
    const { personId, jobId } = await contactAt("Anouk Jansen", sjobergId);
    const organisationsBefore = await t.db.selectFrom("organisations").select("id").execute();
    const page = await (await api.get("/portal", { jar: partnerJar })).text();
    expect(page).toContain("Nieuwe werkgever (als bekend)");
    const left = await api.postForm("/portal", { intent: "end-contact", affiliationId: jobId, endDate: "2026-11-20", endReason: "left_organisation", newEmployerName: " Hulshof Installatietechniek " }, { jar: partnerJar });
    expect(left.status).toBe(200);
    expect(await left.text()).toContain("Het vertrek is opgeslagen.");
    expect(await openLeads()).toEqual([expect.objectContaining({ person_id: personId, from_organisation_id: sjobergId, to_organisation_id: null, to_organisation_name: "Hulshof Installatietechniek", since: "2026-11-20" })]);
    expect(await t.db.selectFrom("organisations").select("id").execute()).toHaveLength(organisationsBefore.length);
    const [lead] = (await json(await send("/api/v1/leads"))).items as Lead[];
    expect(lead).toMatchObject({ personName: "Anouk Jansen", fromOrganisationName: "Sjöberg Techniek", toOrganisationName: "Hulshof Installatietechniek" });
  });

  it("a partner naming a partner of the region (by the API) tells that partner's owner, and the name of another reason is refused", async () => {
    const bouwId = await organisation("Van Dijk Bouw", { accountHolderId: holderId });
    const { personId, jobId } = await contactAt("Sara Visser", sjobergId);
    const refused = await send(`/api/v1/affiliations/${jobId}/end`, "POST", { endReason: "other_role", newEmployerName: "Van Dijk Bouw" }, partnerToken);
    expect(refused.status).toBe(400);
    expect((await json(refused)).error).toMatchObject({ code: "VALIDATION_FAILED", fields: { newEmployerName: expect.any(String) } });
    const ended = await send(`/api/v1/affiliations/${jobId}/end`, "POST", { endReason: "left_organisation", newEmployerName: "van dijk bouw" }, partnerToken);
    expect(ended.status).toBe(200);
    expect(await openLeads()).toEqual([]);
    expect(await t.db.selectFrom("tasks").select(["title", "assignee_id", "organisation_id"]).where("source", "=", "contact_joined").execute())
      .toEqual([{ title: "Bekend contact: Sara Visser (eerder bij Sjöberg Techniek) werkt nu bij Van Dijk Bouw", assignee_id: holderId, organisation_id: bouwId }]);
    // Second-hand: no job at the partner is recorded from a name.
    expect(await t.db.selectFrom("affiliations").select("id").where("person_id", "=", personId).where("organisation_id", "=", bouwId).execute()).toEqual([]);
  });

  it("GET /leads is a keyset page (since, then id, newest first) that a crafted cursor cannot break", async () => {
    for (const [i, day] of ["2026-10-01", "2026-10-02", "2026-10-02", "2026-10-03", "2026-10-04"].entries()) {
      const { personId } = await contactAt(`Vertrokken ${i}`, sjobergId);
      expect((await send(`/api/v1/people/${personId}/new-job`, "POST", { organisationName: `Nieuw bedrijf ${i}`, startDate: day })).status).toBe(201);
    }
    const seen: Lead[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = await json(await send(`/api/v1/leads?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));
      seen.push(...(body.items as Lead[]));
      cursor = body.nextCursor as string | null;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((lead) => lead.since)).toEqual(["2026-10-04", "2026-10-03", "2026-10-02", "2026-10-02", "2026-10-01"]);
    expect(new Set(seen.map((lead) => lead.id)).size).toBe(5);
    expect((await send("/api/v1/leads?cursor=bm9wZQ")).status).toBe(400);
    expect((await send("/api/v1/leads?limit=201")).status).toBe(400);
  });
});
