import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRetention, peopleDueForRetention } from "../../server/domains/privacy/privacy.service";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

type Json = Record<string, unknown>;

/** Every row of every text or JSON column (users aside) that still holds one of the terms. */
async function whereStill(t: TestDatabase, terms: string[]) {
  const { rows: columns } = await sql<{ table: string; column: string }>`
    select c.relname as table, a.attname as column
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace join pg_type ty on ty.oid = a.atttypid
    where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
      and ty.typname in ('text', 'varchar', 'citext', 'jsonb') and c.relname not in ('users')`.execute(t.db);
  const found: string[] = [];
  for (const { table, column } of columns) {
    for (const term of terms) {
      const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)}::text ilike ${`%${term}%`}`.execute(t.db);
      if (Number(rows[0]!.n)) found.push(`${table}.${column} holds ${term}`);
    }
  }
  return found;
}

describe("the AVG: access requests, erasure and retention", () => {
  let t: TestDatabase;
  let web: TestApp;
  let admin: Awaited<ReturnType<typeof makeUserWithToken>>;
  let holder: Awaited<ReturnType<typeof makeUserWithToken>>;
  let foreignAdmin: Awaited<ReturnType<typeof makeUserWithToken>>;
  let regionId: string;
  let company: Json;
  let school: Json;
  let person: Json;

  const api = (path: string, token: string, method = "GET", body?: unknown) =>
    web.request(`/api/v1${path}`, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const ok = async (response: Response, status = 200) => {
    expect(response.status).toBe(status);
    return (await response.json()) as Json;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    admin = await makeUserWithToken(t.db, { regionId, role: "admin", name: "Ada Beheer" });
    holder = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    foreignAdmin = await makeUserWithToken(t.db, { regionId: (await makeRegion(t.db)).id, role: "admin" });
    company = await ok(await api("/organisations", holder.token, "POST", { kind: "company", name: "Klaassen Elektrotechniek", status: "active", tier: "regular", accountHolderId: holder.user.id }), 201);
    school = await ok(await api("/organisations", holder.token, "POST", { kind: "vmbo", name: "Het Stedelijk vmbo", status: "active", tier: "regular" }), 201);
    person = await ok(await api("/people", holder.token, "POST", { name: "Marieke Hoogeveen", email: "marieke@klaassen.example", phone: "06-12345678", lawfulBasis: "legitimate_interest", source: "beurs 2025" }), 201);
    await ok(await api(`/people/${person.id}/affiliations`, holder.token, "POST", { organisationId: company.id, role: "Opleidingscoördinator", isPrimary: true, startDate: "2024-01-01" }), 201);
    await ok(await api("/interactions", holder.token, "POST", { organisationId: company.id, kind: "meeting", date: "2026-10-01", summary: "Marieke Hoogeveen wil een gastles geven; mail naar marieke@klaassen.example", personIds: [person.id] }), 201);
    await ok(await api("/activities", holder.token, "POST", {
      type: "guest_lesson", title: "Gastles domotica", status: "done", startDate: "2026-10-15", organisationIds: [company.id], schoolIds: [school.id],
      speakerPersonId: person.id, topic: "Domotica", pupilsReached: 24, teachersInvolved: 1, hours: 2,
    }), 201);
    await ok(await api("/tasks", holder.token, "POST", { organisationId: company.id, assigneeId: holder.user.id, dueDate: "2026-12-01", title: "Marieke Hoogeveen bellen over de stage" }), 201);
  });
  afterAll(() => t.drop());

  it("exports everything about a person for an access request: details, jobs, contact moments, activities; the viewing is logged", async () => {
    const data = await ok(await api(`/people/${person.id}/export`, admin.token));
    expect(data.person).toMatchObject({ name: "Marieke Hoogeveen", email: "marieke@klaassen.example", phone: "06-12345678", source: "beurs 2025", lawfulBasis: "legitimate_interest" });
    expect(data.affiliations).toEqual([expect.objectContaining({ organisationName: "Klaassen Elektrotechniek", role: "Opleidingscoördinator", startDate: "2024-01-01" })]);
    expect(data.interactions).toEqual([expect.objectContaining({ date: "2026-10-01", kind: "meeting", organisationName: "Klaassen Elektrotechniek" })]);
    expect(data.activities).toEqual([expect.objectContaining({ type: "guest_lesson", title: "Gastles domotica" })]);
    expect(data.tasks).toEqual([expect.objectContaining({ title: "Marieke Hoogeveen bellen over de stage" })]);
    const logged = await t.db.selectFrom("audit_log").select(["actor_id", "before", "after"]).where("action", "=", "person.export").where("entity_id", "=", String(person.id)).execute();
    expect(logged).toEqual([{ actor_id: admin.user.id, before: null, after: null }]);
  });

  it("shows the export as a readable page and as a JSON download to the admin", async () => {
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    const page = (await (await web.get(`/people/${person.id}/export`, { jar })).text()).replace(/<!-- -->/g, "");
    expect(page).toContain("Inzage: Marieke Hoogeveen");
    expect(page).toContain("Gastles domotica");
    const download = await web.get(`/people/${person.id}/export.json`, { jar });
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="inzage-${person.id}.json"`);
    expect(((await download.json()) as Json).person).toMatchObject({ name: "Marieke Hoogeveen" });
  });

  it("refuses export and erasure to an account holder (403) and to another region (404), changing nothing", async () => {
    expect((await api(`/people/${person.id}/export`, holder.token)).status).toBe(403);
    expect((await api(`/people/${person.id}/erase`, holder.token, "POST")).status).toBe(403);
    expect((await api(`/people/${person.id}/export`, foreignAdmin.token)).status).toBe(404);
    expect((await api(`/people/${person.id}/erase`, foreignAdmin.token, "POST")).status).toBe(404);
    const row = await t.db.selectFrom("people").select(["name", "anonymised_at"]).where("id", "=", String(person.id)).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: "Marieke Hoogeveen", anonymised_at: null });
  });

  it("asks the admin to confirm erasure on the person's page", async () => {
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    const unconfirmed = await web.postForm(`/people/${person.id}`, { intent: "erase" }, { jar });
    expect(unconfirmed.status).toBe(400);
    expect((await unconfirmed.text()).replace(/<!-- -->/g, "")).toContain("Vink aan dat u begrijpt dat wissen niet ongedaan kan worden.");
    expect((await t.db.selectFrom("people").select("anonymised_at").where("id", "=", String(person.id)).executeTakeFirstOrThrow()).anonymised_at).toBeNull();
  });

  it("erases a person: name, email and phone are gone from the person and the rows linked to them, the counts stay, the page lists what changed, and the log keeps only that it happened", async () => {
    const before = await whereStill(t, ["Marieke Hoogeveen", "marieke@klaassen.example", "06-12345678"]);
    expect(before.length).toBeGreaterThan(3);
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    const erased = await web.postForm(`/people/${person.id}`, { intent: "erase", confirmErase: "on" }, { jar });
    const page = (await erased.text()).replace(/<!-- -->/g, "");
    expect(alertsOf(page)).toContain("De persoon is gewist. Naam, e-mailadres en telefoonnummer zijn verwijderd uit de persoon en uit wat er in uw regio aan gekoppeld is.");
    expect(page).toContain("Wat er is veranderd");
    expect(page).toContain("<li>Personen — geanonimiseerd: 1</li>");
    expect(page).toContain("<li>Contactmomenten — naam, e-mailadres of telefoonnummer verwijderd: 1</li>");
    expect(page).toContain("<li>Logboek — regels over de persoon verwijderd: 1</li>");

    // Decision 092: only rows linked to the person by id are rewritten. The task below names the
    // person but is linked to the company, not to them: it stays (the access request lists it, so
    // the admin can change it by hand), and so does the log's record of its creation.
    expect(await whereStill(t, ["Marieke Hoogeveen", "marieke@klaassen.example", "06-12345678"])).toEqual(["audit_log.after holds Marieke Hoogeveen", "tasks.title holds Marieke Hoogeveen"]);
    const task = await t.db.selectFrom("audit_log").select("action").where(sql<boolean>`after::text like '%Marieke Hoogeveen%'`).execute();
    expect(task).toEqual([{ action: "task.create" }]);
    const row = await t.db.selectFrom("people").select(["name", "email", "phone", "source", "anonymised_at"]).where("id", "=", String(person.id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: "Geanonimiseerde persoon", email: null, phone: null, source: null });
    expect(row.anonymised_at).not.toBeNull();
    // The counts stay: the job, the contact moment's link and the guest lesson with its speaker.
    expect(await t.db.selectFrom("affiliations").select("id").where("person_id", "=", String(person.id)).execute()).toHaveLength(1);
    expect(await t.db.selectFrom("interaction_people").select("interaction_id").where("person_id", "=", String(person.id)).execute()).toHaveLength(1);
    expect((await t.db.selectFrom("activities").select("pupils_reached").where("person_id", "=", String(person.id)).executeTakeFirstOrThrow()).pupils_reached).toBe(24);
    const audit = await t.db.selectFrom("audit_log").select(["action", "actor_id", "before", "after"]).where("entity_type", "=", "person").where("entity_id", "=", String(person.id)).orderBy("id").execute();
    // Who viewed the exports stays on record (it holds no personal data); everything else about the person went.
    expect(new Set(audit.slice(0, -1).map((a) => a.action))).toEqual(new Set(["person.export"]));
    expect(audit.at(-1)).toEqual({ action: "person.erase", actor_id: admin.user.id, before: null, after: null });

    expect((await api(`/people/${person.id}/erase`, admin.token, "POST")).status).toBe(422);
  });

  describe("retention", () => {
    it("anonymises, at night, departed contacts after the region's period, spares subsidy evidence and current staff, and tells the admin", async () => {
      const make = async (name: string, job: { start: string; end?: string }, beforeLeaving?: (personId: string) => Promise<void>) => {
        const created = await ok(await api("/people", holder.token, "POST", { name, lawfulBasis: "legitimate_interest" }), 201);
        const affiliation = await ok(await api(`/people/${created.id}/affiliations`, holder.token, "POST", { organisationId: company.id, role: "Monteur", isPrimary: false, startDate: job.start }), 201);
        await beforeLeaving?.(String(created.id));
        if (job.end) await ok(await api(`/affiliations/${affiliation.id}/end`, holder.token, "POST", { endDate: job.end, endReason: "left_organisation" }));
        return String(created.id);
      };
      const longGone = await make("Henk Vroeger", { start: "2015-01-01", end: "2023-06-30" });
      const recentlyLeft = await make("Sara Onlangs", { start: "2020-01-01", end: "2026-01-31" });
      const stillThere = await make("Piet Blijft", { start: "2010-01-01" });
      // A guest lesson of 2021 is subsidy evidence until 2028: its speaker is kept.
      const speaker = await make("Gerrit Spreker", { start: "2012-01-01", end: "2023-06-30" }, async (personId) => {
        await ok(await api("/activities", holder.token, "POST", {
          type: "guest_lesson", title: "Gastles oud", status: "done", startDate: "2021-03-10", organisationIds: [company.id], schoolIds: [school.id],
          speakerPersonId: personId, pupilsReached: 20, teachersInvolved: 1,
        }), 201);
      });

      const due = await peopleDueForRetention(t.db, regionId, TEST_NOW);
      expect(due).toEqual([longGone]);
      expect(due).not.toContain(recentlyLeft);
      expect(due).not.toContain(stillThere);
      expect(due).not.toContain(speaker);

      const result = await applyRetention(t.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
      expect(result.erased).toBeGreaterThanOrEqual(1);
      expect((await t.db.selectFrom("people").select("name").where("id", "=", longGone).executeTakeFirstOrThrow()).name).toBe("Geanonimiseerde persoon");
      expect((await t.db.selectFrom("people").select("name").where("id", "=", recentlyLeft).executeTakeFirstOrThrow()).name).toBe("Sara Onlangs");
      const mail = await t.db.selectFrom("email_outbox").select(["to_address", "subject"]).where("template", "=", "retention_report").where("region_id", "=", regionId).execute();
      expect(mail).toEqual([{ to_address: admin.user.email, subject: "Schakel heeft 1 vertrokken contactpersonen geanonimiseerd" }]);
      expect(await t.db.selectFrom("audit_log").select("actor_id").where("action", "=", "person.erase_retention").where("entity_id", "=", longGone).execute()).toEqual([{ actor_id: null }]);
    });

    it("is set by the admin on the users page, with the message next to the field for a wrong number", async () => {
      const jar = new CookieJar();
      await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
      const wrong = await web.postForm("/admin/users", { intent: "retention", retentionMonths: "-3" }, { jar });
      expect(wrong.status).toBe(400);
      expect(fieldErrorOf((await wrong.text()).replace(/<!-- -->/g, ""), "retentionMonths")).toBe("Vul een aantal maanden in tussen 1 en 240, of laat het leeg.");
      expect((await t.db.selectFrom("regions").select("retention_months").where("id", "=", regionId).executeTakeFirstOrThrow()).retention_months).toBe(24);
      const saved = await web.postForm("/admin/users", { intent: "retention", retentionMonths: "36" }, { jar });
      expect(alertsOf((await saved.text()).replace(/<!-- -->/g, ""))).toContain("De bewaartermijn is opgeslagen.");
      expect((await t.db.selectFrom("regions").select("retention_months").where("id", "=", regionId).executeTakeFirstOrThrow()).retention_months).toBe(36);
    });

    it("is set by the admin through the API, between 1 and 240 months or off; an account holder may not", async () => {
      expect((await api("/region/privacy", holder.token, "PATCH", { retentionMonths: 12 })).status).toBe(403);
      const bad = await api("/region/privacy", admin.token, "PATCH", { retentionMonths: 0 });
      expect(bad.status).toBe(400);
      expect(await ok(await api("/region/privacy", admin.token, "PATCH", { retentionMonths: null }))).toEqual({ retentionMonths: null });
      expect(await peopleDueForRetention(t.db, regionId, TEST_NOW)).toEqual([]);
      expect(await ok(await api("/region/privacy", holder.token))).toEqual({ retentionMonths: null });
    });
  });
});
