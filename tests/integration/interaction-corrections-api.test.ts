import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Moment = { id: string; kind: string; date: string; summary: string; personIds: string[]; nextStep: string | null; version: number; mayChange: boolean; source: string };
type ErrorBody = { error: { code: string; fields?: Record<string, string> } };

/** Correcting and deleting contact moments through the API: who may, what changes, and what follows. */
describe("correcting and deleting a contact moment", () => {
  let t: TestDatabase;
  let api: TestApp;
  const tokens = { holder: "", colleague: "", penvoerder: "", admin: "", partner: "", otherRegion: "" };
  let organisationId: string;
  let annaId: string;
  let basId: string;

  const send = (path: string, method: string, token: string, body?: unknown) =>
    api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const log = async (body: Record<string, unknown>, token = tokens.holder) => {
    const response = await send("/api/v1/interactions", "POST", token, { organisationId, kind: "call", ...body });
    expect(response.status).toBe(201);
    return (await response.json()) as Moment;
  };
  const stored = (id: string) => t.db.selectFrom("interactions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  const health = () => t.db.selectFrom("organisation_health").select(["state", "last_contact_date"]).where("organisation_id", "=", organisationId).executeTakeFirstOrThrow();
  const timelineSummaries = async () => {
    const body = (await (await send(`/api/v1/organisations/${organisationId}/timeline`, "GET", tokens.holder)).json()) as { items: Array<{ type: string; summary?: string }> };
    return body.items.filter((item) => item.type === "interaction").map((item) => item.summary);
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-11-23T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    tokens.holder = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" })).token;
    tokens.colleague = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Joost Kamphuis" })).token;
    tokens.penvoerder = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" })).token;
    tokens.admin = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    tokens.otherRegion = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    // An occasional partner: silent for more than 240 days, the relationship cools.
    const organisation = await send("/api/v1/organisations", "POST", tokens.holder, { kind: "company", name: "Hulshof Installatietechniek", tier: "occasional" });
    organisationId = ((await organisation.json()) as { id: string }).id;
    tokens.partner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId })).token;
    for (const [name, set] of [["Anna Hulshof", (id: string) => (annaId = id)], ["Bas Hulshof", (id: string) => (basId = id)]] as const) {
      const person = (await (await send("/api/v1/people", "POST", tokens.holder, { name })).json()) as { id: string };
      await send(`/api/v1/people/${person.id}/affiliations`, "POST", tokens.holder, { organisationId, startDate: "2020-01-01" });
      set(person.id);
    }
  });
  afterAll(() => t?.drop());

  it("lets the logger correct kind, day, summary, next step and people; the version goes up and the audit names the fields, not the text", async () => {
    const moment = await log({ summary: "Gebeld over stages", date: "2026-11-20", personIds: [annaId] });
    expect(moment).toMatchObject({ version: 1, mayChange: true });

    const response = await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens.holder, {
      version: 1, kind: "visit", date: "2026-11-19", summary: "Bezocht: twee stageplekken", nextStep: "Offerte sturen", personIds: [basId, annaId],
    });
    expect(response.status).toBe(200);
    const corrected = (await response.json()) as Moment;
    expect(corrected).toMatchObject({ kind: "visit", date: "2026-11-19", summary: "Bezocht: twee stageplekken", nextStep: "Offerte sturen", version: 2 });
    expect([...corrected.personIds].sort()).toEqual([annaId, basId].sort());

    const audit = await t.db.selectFrom("audit_log").select(["action", "before", "after"]).where("entity_id", "=", moment.id).where("action", "=", "interaction.update").executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ kind: "visit", date: "2026-11-19", version: 2, changed: ["kind", "date", "summary", "nextStep", "personIds"] });
    expect(JSON.stringify(audit)).not.toContain("Bezocht");
    expect(await timelineSummaries()).toContain("Bezocht: twee stageplekken");
  });

  it("answers 409 to a stale version and changes nothing", async () => {
    const moment = await log({ summary: "Eerste versie", date: "2026-11-18" });
    expect((await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens.holder, { version: 1, summary: "Tweede versie" })).status).toBe(200);
    const stale = await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens.admin, { version: 1, summary: "Derde versie" });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as ErrorBody).error.code).toBe("CONFLICT");
    expect(await stored(moment.id)).toMatchObject({ summary: "Tweede versie", version: 2 });
  });

  it("refuses an empty summary and someone who never worked there, and writes nothing", async () => {
    const moment = await log({ summary: "Blijft staan", date: "2026-11-17" });
    const outsider = (await (await send("/api/v1/people", "POST", tokens.holder, { name: "Buiten Staander" })).json()) as { id: string };
    const empty = await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens.holder, { version: 1, summary: "  " });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.fields).toHaveProperty("summary");
    const stranger = await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens.holder, { version: 1, personIds: [outsider.id] });
    expect(stranger.status).toBe(400);
    expect(await stored(moment.id)).toMatchObject({ summary: "Blijft staan", version: 1 });
  });

  it("refuses another account holder and the penvoerder (403), a partner (403) and another region's admin (404); the region's admin may", async () => {
    const moment = await log({ summary: "Van Fatima", date: "2026-11-16" });
    for (const [who, status] of [["colleague", 403], ["penvoerder", 403], ["partner", 403], ["otherRegion", 404]] as const) {
      const patch = await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens[who], { version: 1, summary: `Door ${who}` });
      expect(patch.status, `PATCH as ${who}`).toBe(status);
      const remove = await send(`/api/v1/interactions/${moment.id}`, "DELETE", tokens[who]);
      expect(remove.status, `DELETE as ${who}`).toBe(status);
    }
    expect(await stored(moment.id)).toMatchObject({ summary: "Van Fatima", version: 1, archived_at: null });
    // Others see it in the list, marked as not theirs to change.
    const list = (await (await send(`/api/v1/interactions?organisationId=${organisationId}`, "GET", tokens.colleague)).json()) as { items: Moment[] };
    expect(list.items.find((item) => item.id === moment.id)?.mayChange).toBe(false);

    const byAdmin = await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens.admin, { version: 1, summary: "Door de beheerder verbeterd" });
    expect(byAdmin.status).toBe(200);
    expect((await send(`/api/v1/interactions/${moment.id}`, "DELETE", tokens.admin)).status).toBe(200);
  });

  it("deletes by archiving: the moment leaves the timeline and the list, health counts without it, and the audit keeps who did it", async () => {
    const old = await log({ summary: "Lang geleden", date: "2025-11-23" });
    const recent = await log({ summary: "Vorige week gesproken", date: "2026-11-21" });
    expect(await health()).toMatchObject({ last_contact_date: "2026-11-21" });

    const response = await send(`/api/v1/interactions/${recent.id}`, "DELETE", tokens.holder);
    expect(response.status).toBe(200);
    expect(await stored(recent.id)).toMatchObject({ archived_at: expect.any(Date) });
    expect(await timelineSummaries()).not.toContain("Vorige week gesproken");
    const list = (await (await send(`/api/v1/interactions?organisationId=${organisationId}`, "GET", tokens.holder)).json()) as { items: Moment[] };
    expect(list.items.map((item) => item.id)).not.toContain(recent.id);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", recent.id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["interaction.create", "interaction.archive"]);

    // Every other moment of the organisation is older than the one a year ago, or deleted.
    for (const other of await t.db.selectFrom("interactions").select("id").where("organisation_id", "=", organisationId).where("archived_at", "is", null).where("id", "<>", old.id).where("date", ">", "2025-11-23").execute()) {
      expect((await send(`/api/v1/interactions/${other.id}`, "DELETE", tokens.admin)).status).toBe(200);
    }
    expect(await health()).toMatchObject({ last_contact_date: "2025-11-23", state: "cooling" });

    // Moving the old one's day to this week warms the relationship up again.
    const moved = await send(`/api/v1/interactions/${old.id}`, "PATCH", tokens.holder, { version: 1, date: "2026-11-22" });
    expect(moved.status).toBe(200);
    expect(await health()).toMatchObject({ last_contact_date: "2026-11-22", state: "healthy" });

    // Deleting twice: it is gone already.
    expect((await send(`/api/v1/interactions/${recent.id}`, "DELETE", tokens.holder)).status).toBe(404);
  });

  it("corrects and deletes a moment logged from a mail the same way", async () => {
    const moment = await log({ summary: "Re: stageplekken", date: "2026-11-15" });
    await t.db.updateTable("interactions").set({ source: "email" }).where("id", "=", moment.id).execute();
    const corrected = await send(`/api/v1/interactions/${moment.id}`, "PATCH", tokens.holder, { version: 1, summary: "Mail over stageplekken voor februari" });
    expect(corrected.status).toBe(200);
    expect(await corrected.json()).toMatchObject({ source: "email", summary: "Mail over stageplekken voor februari", version: 2 });
    expect((await send(`/api/v1/interactions/${moment.id}`, "DELETE", tokens.holder)).status).toBe(200);
    expect(await timelineSummaries()).not.toContain("Mail over stageplekken voor februari");
  });
});
