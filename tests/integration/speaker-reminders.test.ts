import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueSpeakerReminders } from "../../server/domains/activities/speaker-reminders";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

/** Issue 5: "a reminder to a guest-lesson speaker two days before, with date, time, school address and class", sent once. */
describe("the guest-lesson speaker reminder", () => {
  let t: TestDatabase;
  let api: TestApp;
  let token: string;
  let lessonId: string;
  let company: string;
  let school: string;
  const monday = new Date("2026-11-23T05:00:00Z");

  const send = async (path: string, method: string, body?: unknown) => {
    const response = await api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return (await response.json()) as Record<string, unknown> & { id: string; version: number };
  };
  const outbox = () => t.db.selectFrom("email_outbox").select(["to_address", "subject", "text", "template"]).where("template", "=", "speaker_reminder").execute();
  const speaker = async (name: string, email: string | null) => {
    const person = await send("/api/v1/people", "POST", { name, email });
    await send(`/api/v1/people/${person.id}/affiliations`, "POST", { organisationId: company, role: "Monteur", startDate: "2024-01-01" });
    return person.id;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: monday });
    const region = await makeRegion(t.db, { name: "STO Twente" });
    token = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" })).token;
    company = (await send("/api/v1/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek" })).id;
    school = (await send("/api/v1/organisations", "POST", { kind: "vmbo", name: "Het Erasmus", street: "Erasmusweg 1", postalCode: "7602 AA", city: "Almelo" })).id;
    const henk = await speaker("Henk Wessels", "henk@hulshof.example");
    const silent = await speaker("Zonder Mail", null);
    const lesson = (body: Record<string, unknown>) => send("/api/v1/activities", "POST", {
      type: "guest_lesson", title: "Zonnepanelen installeren", startTime: "10:30", endTime: "11:20", organisationIds: [company], schoolIds: [school],
      className: "3B", topic: "Zonnepanelen", ...body,
    });
    lessonId = (await lesson({ startDate: "2026-11-25", speakerPersonId: henk })).id;
    await lesson({ startDate: "2026-11-25", speakerPersonId: silent, title: "Zonder mailadres" });
    await lesson({ startDate: "2026-11-26", speakerPersonId: henk, title: "Pas overmorgen daarna" });
    const offered = await lesson({ startDate: "2026-11-25", speakerPersonId: henk, title: "Nog maar aangeboden", status: "offered" });
    expect(offered.status).toBe("offered");
  });
  afterAll(() => t?.drop());

  it("reminds the speaker two days before with date, time, school address and class, once however often it runs", async () => {
    expect(await queueSpeakerReminders(t.db, { now: monday })).toEqual({ queued: 1 });
    expect(await queueSpeakerReminders(t.db, { now: monday })).toEqual({ queued: 0 });
    const [email, ...others] = await outbox();
    expect(others).toEqual([]);
    expect(email!.to_address).toBe("henk@hulshof.example");
    expect(email!.subject).toBe("Herinnering: gastles op woensdag 25 november 2026 bij Het Erasmus");
    expect(email!.text).toContain("Wanneer: woensdag 25 november 2026, 10:30–11:20");
    expect(email!.text).toContain("Waar: Het Erasmus, Erasmusweg 1, 7602 AA Almelo");
    expect(email!.text).toContain("Klas: 3B");
    expect(email!.text).toContain("Vragen? Neem contact op met Fatima El Amrani");
  });

  it("reminds again for the new date when the lesson moves, but not for a cancelled one", async () => {
    const current = await send(`/api/v1/activities/${lessonId}`, "GET");
    await send(`/api/v1/activities/${lessonId}`, "PATCH", { version: current.version, startDate: "2026-11-27", endDate: "2026-11-27" });
    expect(await queueSpeakerReminders(t.db, { now: new Date("2026-11-25T05:00:00Z") })).toEqual({ queued: 1 });
    const moved = await send(`/api/v1/activities/${lessonId}`, "GET");
    await send(`/api/v1/activities/${lessonId}`, "PATCH", { version: moved.version, status: "cancelled" });
    const other = await t.db.selectFrom("activities").select("id").where("title", "=", "Pas overmorgen daarna").executeTakeFirstOrThrow();
    const row = await send(`/api/v1/activities/${other.id}`, "GET");
    await send(`/api/v1/activities/${other.id}`, "PATCH", { version: row.version, status: "cancelled" });
    expect(await queueSpeakerReminders(t.db, { now: new Date("2026-11-24T05:00:00Z") })).toEqual({ queued: 0 });
    expect(await outbox()).toHaveLength(2);
  });
});
