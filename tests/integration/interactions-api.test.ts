import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string; fields?: Record<string, string> } };
type TimelineItem = { type: string; date: string; userName?: string; personName?: string; endReason?: string | null; summary?: string; personNames?: string[] };

describe("contact moments and the organisation timeline", () => {
  let t: TestDatabase;
  let api: TestApp;
  let regionId: string;
  let holderToken: string;
  let holderId: string;
  let colleagueId: string;
  let partnerToken: string;
  let otherRegionToken: string;

  const send = (path: string, method: string, body?: unknown, token = holderToken, app = api) =>
    app.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async (response: Response) => (await response.json()) as Body;
  const createOrganisation = async (name: string, extra: Record<string, unknown> = {}, app = api) => {
    const response = await send("/api/v1/organisations", "POST", { kind: "company", name, ...extra }, holderToken, app);
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; version: number };
  };
  const createPerson = async (name: string, organisationId: string, startDate = "2025-06-01") => {
    const person = (await json(await send("/api/v1/people", "POST", { name }))) as { id: string };
    const affiliation = await send(`/api/v1/people/${person.id}/affiliations`, "POST", { organisationId, role: "Werkvoorbereider", startDate });
    expect(affiliation.status).toBe(201);
    return { personId: person.id, affiliationId: ((await affiliation.json()) as { id: string }).id };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-03-04T10:00:00Z" });
    const region = await makeRegion(t.db);
    regionId = region.id;
    const other = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = holder.token;
    holderId = holder.user.id;
    colleagueId = (await makeUser(t.db, { regionId, role: "accounthouder", name: "Joost Kamphuis" })).id;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    const own = await createOrganisation("Partner Eigen BV");
    partnerToken = (await makeUserWithToken(t.db, { regionId, role: "partner", organisationId: own.id })).token;
  });
  afterAll(() => t.drop());

  it("logs a contact moment with only organisation, kind and summary on today's date", async () => {
    const organisation = await createOrganisation("Hulshof Installatietechniek");
    const response = await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "call", summary: "Stageplaatsen besproken" });
    expect(response.status).toBe(201);
    const logged = await json(response);
    expect(logged).toMatchObject({ organisationId: organisation.id, kind: "call", date: "2026-03-04", userId: holderId, personIds: [], nextStep: null, task: null });

    const list = await json(await api.request(`/api/v1/interactions?organisationId=${organisation.id}`, { token: holderToken }));
    expect((list.items as Array<{ summary: string }>).map((i) => i.summary)).toEqual(["Stageplaatsen besproken"]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", String(logged.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(["interaction.create"]);
  });

  it("turns a next step with a date into an open task for the logger, shown in their tasks", async () => {
    const organisation = await createOrganisation("Twentse Metaal");
    const { personId } = await createPerson("Anouk Jansen", organisation.id);
    const response = await send("/api/v1/interactions", "POST", {
      organisationId: organisation.id, kind: "meeting", date: "2026-03-02", summary: "Gastles afgesproken", personIds: [personId],
      nextStep: "Datum gastles bevestigen", nextStepDate: "2026-03-10",
    });
    expect(response.status).toBe(201);
    const logged = await json(response);
    expect(logged).toMatchObject({ date: "2026-03-02", personIds: [personId], nextStep: "Datum gastles bevestigen" });
    expect(logged.task).toMatchObject({ title: "Datum gastles bevestigen", dueDate: "2026-03-10", status: "open", source: "manual", assigneeId: holderId, interactionId: logged.id });

    const tasks = await json(await api.request("/api/v1/tasks", { token: holderToken }));
    expect(tasks.items).toEqual(expect.arrayContaining([
      expect.objectContaining({ title: "Datum gastles bevestigen", organisationId: organisation.id, organisationName: "Twentse Metaal", isOverdue: false }),
    ]));
  });

  it("keeps a next step without a date as text only, and asks what to do for a date alone", async () => {
    const organisation = await createOrganisation("Bouwbedrijf Oldenzaal");
    const logged = await json(await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "email", summary: "Offerte", nextStep: "Nabellen" }));
    expect(logged).toMatchObject({ nextStep: "Nabellen", task: null });
    const dateOnly = await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "email", summary: "Offerte", nextStepDate: "2026-04-01" });
    expect(dateOnly.status).toBe(400);
    expect((await json(dateOnly)).error?.fields?.nextStep).toBeDefined();
  });

  it("refuses a person not connected to the organisation, and writes nothing", async () => {
    const organisation = await createOrganisation("Van Dijk Techniek");
    const elsewhere = await createOrganisation("Elders BV");
    const { personId } = await createPerson("Pieter Bos", elsewhere.id);
    const response = await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "visit", summary: "Rondleiding", personIds: [personId] });
    expect(response.status).toBe(400);
    expect((await json(response)).error?.fields?.personIds).toBeDefined();
    const count = await t.db.selectFrom("interactions").select((eb) => eb.fn.countAll<string>().as("n")).where("organisation_id", "=", organisation.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it("merges contact moments, a person who left and owner changes into one timeline, newest first", async () => {
    const earlier = createTestApp(t.db, { now: "2026-01-10T09:00:00Z" });
    const organisation = await createOrganisation("Kuipers Machinebouw", { accountHolderId: holderId }, earlier);
    const { personId, affiliationId } = await createPerson("Henk Kuipers", organisation.id, "2025-06-01");
    const ended = await send(`/api/v1/affiliations/${affiliationId}/end`, "POST", { endDate: "2026-02-01", endReason: "retired" });
    expect(ended.status).toBe(200);
    // Someone who has left can still have been at an earlier meeting.
    const logged = await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "meeting", date: "2026-01-20", summary: "Afscheid Henk", personIds: [personId] });
    expect(logged.status).toBe(201);
    const patched = await send(`/api/v1/organisations/${organisation.id}`, "PATCH", { version: organisation.version, accountHolderId: colleagueId });
    expect(patched.status).toBe(200);

    const response = await api.request(`/api/v1/organisations/${organisation.id}/timeline`, { token: holderToken });
    expect(response.status).toBe(200);
    const items = (await json(response)).items as TimelineItem[];
    expect(items.map((item) => [item.type, item.date])).toEqual([
      ["owner_changed", "2026-03-04"],
      ["affiliation_ended", "2026-02-01"],
      ["interaction", "2026-01-20"],
      ["owner_changed", "2026-01-10"],
      ["affiliation_started", "2025-06-01"],
    ]);
    expect(items[0]).toMatchObject({ userName: "Joost Kamphuis" });
    expect(items[1]).toMatchObject({ personName: "Henk Kuipers", endReason: "retired" });
    expect(items[2]).toMatchObject({ summary: "Afscheid Henk", kind: "meeting", userName: "Fatima El Amrani", personNames: ["Henk Kuipers"] });
    expect(items[3]).toMatchObject({ userName: "Fatima El Amrani" });

    const limited = await json(await api.request(`/api/v1/organisations/${organisation.id}/timeline?limit=2`, { token: holderToken }));
    expect((limited.items as TimelineItem[]).map((item) => item.type)).toEqual(["owner_changed", "affiliation_ended"]);
  });

  it("pages through contact moments newest first, without repeating or skipping", async () => {
    const organisation = await createOrganisation("Paginabedrijf");
    for (const date of ["2026-01-01", "2026-01-03", "2026-01-03", "2026-01-02", "2026-01-05"]) {
      expect((await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "call", date, summary: `Gesprek ${date}` })).status).toBe(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Body = await json(await api.request(`/api/v1/interactions?organisationId=${organisation.id}&limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: holderToken }));
      seen.push(...(page.items as Array<{ date: string }>).map((i) => i.date));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(["2026-01-05", "2026-01-03", "2026-01-03", "2026-01-02", "2026-01-01"]);
  });

  it("does not reveal another region's organisation to logging, listing or its timeline", async () => {
    const organisation = await createOrganisation("Alleen Twente BV");
    expect((await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "call", summary: "X" }, otherRegionToken)).status).toBe(404);
    expect((await api.request(`/api/v1/organisations/${organisation.id}/timeline`, { token: otherRegionToken })).status).toBe(404);
    expect((await api.request(`/api/v1/interactions?organisationId=${organisation.id}`, { token: otherRegionToken })).status).toBe(404);
    const list = await json(await api.request("/api/v1/interactions?limit=200", { token: otherRegionToken }));
    expect(list.items).toEqual([]);
  });

  it("refuses a partner's token", async () => {
    const organisation = await createOrganisation("Partnerweigering BV");
    expect((await api.request("/api/v1/interactions", { token: partnerToken })).status).toBe(403);
    expect((await send("/api/v1/interactions", "POST", { organisationId: organisation.id, kind: "call", summary: "X" }, partnerToken)).status).toBe(403);
    expect((await api.request(`/api/v1/organisations/${organisation.id}/timeline`, { token: partnerToken })).status).toBe(403);
  });

  it("leaves the organisation routes as they were", async () => {
    const organisation = await createOrganisation("Routecheck BV");
    expect((await api.request(`/api/v1/organisations/${organisation.id}`, { token: holderToken })).status).toBe(200);
    expect((await api.request(`/api/v1/organisations/${organisation.id}/account-holders`, { token: holderToken })).status).toBe(200);
    expect((await api.request("/api/v1/organisations", { token: holderToken })).status).toBe(200);
  });
});
