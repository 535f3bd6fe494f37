import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/database";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";

type Person = { id: string; name: string; email: string | null; version: number; archivedAt: string | null };
type Affiliation = {
  id: string; personId: string; organisationId: string; organisationName: string; role: string | null;
  isPrimary: boolean; startDate: string; endDate: string | null; endReason: string | null;
};
type PersonWithAffiliations = Person & { affiliations: Affiliation[] };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

// The organisations domain has its own factories; these tests only need a row to point at.
async function makeOrganisation(db: Database, regionId: string, name: string, options: { archived?: boolean } = {}) {
  return db
    .insertInto("organisations")
    .values({ region_id: regionId, kind: "company", name, archived_at: options.archived ? TEST_NOW : null })
    .returning(["id", "name"])
    .executeTakeFirstOrThrow();
}

describe("the people API", () => {
  let t: TestDatabase;
  let api: TestApp;
  let regionId: string;
  let token: string;
  let penvoerderToken: string;
  let adminToken: string;
  let partnerToken: string;
  let otherRegionToken: string;
  let acme: { id: string; name: string };
  let bouwbedrijf: { id: string; name: string };
  let foreignOrganisation: { id: string; name: string };

  const send = (path: string, token: string, method: string, body?: unknown) =>
    api.request(path, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const createPerson = async (body: Record<string, unknown>, as = token) => {
    const response = await send("/api/v1/people", as, "POST", body);
    expect(response.status).toBe(201);
    return (await response.json()) as Person;
  };
  const addJob = async (personId: string, body: Record<string, unknown>) => {
    const response = await send(`/api/v1/people/${personId}/affiliations`, token, "POST", body);
    expect(response.status).toBe(201);
    return (await response.json()) as Affiliation;
  };
  const getPerson = async (personId: string, as = token) => {
    const response = await api.request(`/api/v1/people/${personId}`, { token: as });
    expect(response.status).toBe(200);
    return (await response.json()) as PersonWithAffiliations;
  };
  const countPeople = async () => Number((await t.db.selectFrom("people").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    regionId = region.id;
    token = (await makeUserWithToken(t.db, { regionId, role: "accounthouder" })).token;
    penvoerderToken = (await makeUserWithToken(t.db, { regionId, role: "penvoerder" })).token;
    adminToken = (await makeUserWithToken(t.db, { regionId, role: "admin" })).token;
    partnerToken = (await makeUserWithToken(t.db, { regionId, role: "partner" })).token;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    acme = await makeOrganisation(t.db, regionId, "Acme Installatietechniek");
    bouwbedrijf = await makeOrganisation(t.db, regionId, "Bouwbedrijf Hengelo");
    foreignOrganisation = await makeOrganisation(t.db, other.id, "Elders BV");
  });
  afterAll(() => t.drop());

  it("creates a person, lists them by name and shows them with their details", async () => {
    const created = await createPerson({ name: "Zoë de Vries", email: " Zoe@Acme.NL ", phone: "0612345678", source: "beurs 2026", reviewDate: "2027-11-23" });
    expect(created).toMatchObject({
      name: "Zoë de Vries", email: "zoe@acme.nl", phone: "0612345678", lawfulBasis: "legitimate_interest", source: "beurs 2026",
      optOut: false, reviewDate: "2027-11-23", version: 1, archivedAt: null,
    });
    await createPerson({ name: "anton Bakker" });

    const list = (await (await api.request("/api/v1/people", { token })).json()) as { items: Person[]; nextCursor: string | null };
    const names = list.items.map((p) => p.name);
    expect(names.indexOf("anton Bakker")).toBeLessThan(names.indexOf("Zoë de Vries"));

    const found = (await (await api.request("/api/v1/people?q=zoe", { token })).json()) as { items: Person[] };
    expect(found.items.map((p) => p.name)).toEqual(["Zoë de Vries"]);

    expect(await getPerson(created.id)).toMatchObject({ id: created.id, name: "Zoë de Vries", affiliations: [] });
  });

  it("pages through people with a cursor, each person once", async () => {
    for (const name of ["Pagina Een", "Pagina Twee", "Pagina Drie"]) await createPerson({ name });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page = (await (await api.request(`/api/v1/people?q=pagina&limit=2${query}`, { token })).json()) as { items: Person[]; nextCursor: string | null };
      seen.push(...page.items.map((p) => p.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Pagina Drie", "Pagina Een", "Pagina Twee"]);
  });

  it("ends a job with a date and a reason, and keeps it in the person's history", async () => {
    const person = await createPerson({ name: "Henk Jansen" });
    const job = await addJob(person.id, { organisationId: acme.id, role: "HR-adviseur", startDate: "2020-01-06" });
    expect(job).toMatchObject({ personId: person.id, organisationId: acme.id, organisationName: acme.name, startDate: "2020-01-06", endDate: null });

    const response = await send(`/api/v1/affiliations/${job.id}/end`, token, "POST", { endDate: "2026-10-31", endReason: "retired" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: job.id, endDate: "2026-10-31", endReason: "retired" });

    const shown = await getPerson(person.id);
    expect(shown.affiliations).toEqual([
      expect.objectContaining({ id: job.id, organisationName: acme.name, role: "HR-adviseur", endDate: "2026-10-31", endReason: "retired" }),
    ]);

    const again = await send(`/api/v1/affiliations/${job.id}/end`, token, "POST", { endDate: "2026-11-01", endReason: "other" });
    expect(again.status).toBe(422);
    expect(((await again.json()) as ErrorBody).error.code).toBe("RULE_VIOLATION");
  });

  it("starts a job today when no start date is given", async () => {
    const person = await createPerson({ name: "Vandaag Begonnen" });
    const job = await addJob(person.id, { organisationId: acme.id });
    expect(job.startDate).toBe("2026-11-23");
  });

  it("moves someone to another organisation: the old job ends, the new one starts the same day", async () => {
    const person = await createPerson({ name: "Mira Smit" });
    const old = await addJob(person.id, { organisationId: acme.id, role: "Werkvoorbereider", startDate: "2019-03-01" });

    const response = await send(`/api/v1/people/${person.id}/move`, token, "POST", {
      fromOrganisationId: acme.id, toOrganisationId: bouwbedrijf.id, date: "2026-09-01", role: "Projectleider",
    });
    expect(response.status).toBe(201);

    const shown = await getPerson(person.id);
    expect(shown.affiliations.map((a) => [a.organisationName, a.startDate, a.endDate, a.endReason])).toEqual([
      [bouwbedrijf.name, "2026-09-01", null, null],
      [acme.name, "2019-03-01", "2026-09-01", "left_organisation"],
    ]);
    expect(shown.affiliations[1]!.id).toBe(old.id);
  });

  it("moves the primary flag when a second person becomes the primary contact", async () => {
    const organisation = await makeOrganisation(t.db, regionId, "Primair BV");
    const first = await createPerson({ name: "Eerste Contact" });
    const second = await createPerson({ name: "Tweede Contact" });
    await addJob(first.id, { organisationId: organisation.id, isPrimary: true, startDate: "2024-01-01" });
    await addJob(second.id, { organisationId: organisation.id, isPrimary: true, startDate: "2025-01-01" });

    expect((await getPerson(first.id)).affiliations[0]!.isPrimary).toBe(false);
    expect((await getPerson(second.id)).affiliations[0]!.isPrimary).toBe(true);
    const primaries = await t.db.selectFrom("affiliations").select("person_id").where("organisation_id", "=", organisation.id).where("is_primary", "=", true).execute();
    expect(primaries).toEqual([{ person_id: second.id }]);
  });

  it("answers 409 to a stale version and changes nothing", async () => {
    const person = await createPerson({ name: "Versie Een" });
    const first = await send(`/api/v1/people/${person.id}`, token, "PATCH", { name: "Versie Twee", version: 1 });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ name: "Versie Twee", version: 2 });

    const stale = await send(`/api/v1/people/${person.id}`, adminToken, "PATCH", { name: "Versie Drie", version: 1 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as ErrorBody).error.code).toBe("CONFLICT");
    expect(await getPerson(person.id)).toMatchObject({ name: "Versie Twee", version: 2 });
  });

  it("refuses bad input with 400, a message per field, and writes nothing", async () => {
    const before = await countPeople();
    const badEmail = await send("/api/v1/people", token, "POST", { name: "Fout Adres", email: "not-an-email" });
    expect(badEmail.status).toBe(400);
    expect(((await badEmail.json()) as ErrorBody).error).toMatchObject({ code: "VALIDATION_FAILED", fields: { email: expect.any(String) } });
    expect(await countPeople()).toBe(before);

    const person = await createPerson({ name: "Datum Fout" });
    const job = await addJob(person.id, { organisationId: acme.id, startDate: "2025-06-01" });
    const early = await send(`/api/v1/affiliations/${job.id}/end`, token, "POST", { endDate: "2025-05-31", endReason: "other" });
    expect(early.status).toBe(400);
    expect(((await early.json()) as ErrorBody).error.fields).toHaveProperty("endDate");

    const unknownReason = await send(`/api/v1/affiliations/${job.id}/end`, token, "POST", { endDate: "2025-07-01", endReason: "fired" });
    expect(unknownReason.status).toBe(400);
    expect(((await unknownReason.json()) as ErrorBody).error.fields).toHaveProperty("endReason");

    expect((await getPerson(person.id)).affiliations[0]).toMatchObject({ id: job.id, endDate: null, endReason: null });
  });

  it("does not reveal another region's people or organisations: 404", async () => {
    const foreign = await createPerson({ name: "Buiten Regio" }, otherRegionToken);
    expect((await api.request(`/api/v1/people/${foreign.id}`, { token })).status).toBe(404);
    expect((await send(`/api/v1/people/${foreign.id}`, token, "PATCH", { name: "Gekaapt", version: 1 })).status).toBe(404);
    expect((await send(`/api/v1/people/${foreign.id}`, token, "DELETE")).status).toBe(404);
    const list = (await (await api.request("/api/v1/people?q=buiten", { token })).json()) as { items: Person[] };
    expect(list.items).toEqual([]);

    const person = await createPerson({ name: "Binnen Regio" });
    const abroad = await send(`/api/v1/people/${person.id}/affiliations`, token, "POST", { organisationId: foreignOrganisation.id });
    expect(abroad.status).toBe(404);
    expect((await getPerson(person.id)).affiliations).toEqual([]);

    const foreignJob = await send(`/api/v1/people/${foreign.id}/affiliations`, otherRegionToken, "POST", { organisationId: foreignOrganisation.id });
    const { id: foreignJobId } = (await foreignJob.json()) as Affiliation;
    expect((await send(`/api/v1/affiliations/${foreignJobId}/end`, token, "POST", { endReason: "other" })).status).toBe(404);
  });

  it("does not start a job at an archived organisation: 404", async () => {
    const archived = await makeOrganisation(t.db, regionId, "Opgeheven BV", { archived: true });
    const person = await createPerson({ name: "Laat Gekomen" });
    const response = await send(`/api/v1/people/${person.id}/affiliations`, token, "POST", { organisationId: archived.id });
    expect(response.status).toBe(404);
  });

  it("refuses a partner's token the people list with 403, and creating a person at an organisation not its own with 404", async () => {
    const list = await api.request("/api/v1/people", { token: partnerToken });
    expect(list.status).toBe(403);
    expect(((await list.json()) as ErrorBody).error.code).toBe("FORBIDDEN");
    // The portal lets a partner add colleagues to its own organisation only (tests/integration/portal*.test.ts).
    expect((await send("/api/v1/people", partnerToken, "POST", { name: "Niet Toegestaan", organisationId: acme.id })).status).toBe(404);
  });

  // Decision: an archived person stays readable by id (with archivedAt), so the archive can be undone
  // and their history kept; they leave the list.
  it("archives a person on DELETE: still readable with archivedAt, gone from the list, and audited", async () => {
    const person = await createPerson({ name: "Weg Gegaan" });
    const response = await send(`/api/v1/people/${person.id}`, token, "DELETE");
    expect(response.status).toBe(200);
    expect(((await response.json()) as Person).archivedAt).toBe(TEST_NOW.toISOString());

    expect((await getPerson(person.id)).archivedAt).toBe(TEST_NOW.toISOString());
    const list = (await (await api.request("/api/v1/people?q=weg%20gegaan", { token })).json()) as { items: Person[] };
    expect(list.items).toEqual([]);

    const audit = await t.db.selectFrom("audit_log").select(["action", "region_id"]).where("entity_id", "=", person.id).where("action", "=", "person.archive").execute();
    expect(audit).toEqual([{ action: "person.archive", region_id: regionId }]);
  });
  it("corrects name, email and phone for every staff member, audited by field name only; a partner and another region are refused", async () => {
    const person = await createPerson({ name: "Jan de Vris", email: "jan@oud.example", phone: "0600000000" });
    const response = await send(`/api/v1/people/${person.id}`, token, "PATCH", { name: "Jan de Vries", email: "Jan@Nieuw.Example", phone: "0612345678", version: 1 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: "Jan de Vries", email: "jan@nieuw.example", phone: "0612345678", version: 2 });
    const audit = await t.db.selectFrom("audit_log").select("after").where("entity_id", "=", person.id).where("action", "=", "person.update").executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ changed: ["name", "email", "phone"] });
    expect(JSON.stringify(audit.after)).not.toContain("Vries");

    expect((await send(`/api/v1/people/${person.id}`, penvoerderToken, "PATCH", { phone: "0699999999", version: 2 })).status).toBe(200);
    expect((await send(`/api/v1/people/${person.id}`, partnerToken, "PATCH", { phone: "0688888888", version: 3 })).status).toBe(403);
    expect((await send(`/api/v1/people/${person.id}`, adminToken, "PATCH", { phone: "", version: 3 })).status).toBe(200);
    expect(await getPerson(person.id)).toMatchObject({ name: "Jan de Vries", phone: null, version: 4 });
    expect((await send(`/api/v1/people/${person.id}`, otherRegionToken, "PATCH", { phone: "0611111111", version: 4 })).status).toBe(404);
  });

  it("refuses an email address another person of the region has (email capture finds people by it), and writes nothing", async () => {
    await createPerson({ name: "Eerste Adres", email: "gedeeld@acme.example" });
    const second = await createPerson({ name: "Tweede Adres", email: "eigen@acme.example" });
    const response = await send(`/api/v1/people/${second.id}`, token, "PATCH", { email: "Gedeeld@acme.example", version: 1 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.fields).toEqual({ email: "There is already a contact person with this email address." });
    expect(await getPerson(second.id)).toMatchObject({ email: "eigen@acme.example", version: 1 });
  });

  it("records a new job for someone who left: it starts, and nothing else ends", async () => {
    const person = await createPerson({ name: "Eerder Vertrokken" });
    const old = await addJob(person.id, { organisationId: acme.id, startDate: "2020-01-01" });
    expect((await send(`/api/v1/affiliations/${old.id}/end`, token, "POST", { endDate: "2025-06-30", endReason: "left_organisation" })).status).toBe(200);

    const response = await send(`/api/v1/people/${person.id}/new-job`, token, "POST", { organisationId: bouwbedrijf.id, role: "Uitvoerder", startDate: "2026-09-01" });
    expect(response.status).toBe(201);
    const moved = (await response.json()) as { ended: Affiliation[]; started: Affiliation };
    expect(moved.ended).toEqual([]);
    expect(moved.started).toMatchObject({ organisationId: bouwbedrijf.id, role: "Uitvoerder", startDate: "2026-09-01", endDate: null });
    const jobs = (await getPerson(person.id)).affiliations;
    expect(jobs.map((job) => [job.organisationName, job.endDate])).toEqual([["Bouwbedrijf Hengelo", null], ["Acme Installatietechniek", "2025-06-30"]]);
  });

  it("records a new job for someone still at work: the open job ends on the day the new one starts, or on the end date given", async () => {
    const person = await createPerson({ name: "Nog Aan Het Werk" });
    await addJob(person.id, { organisationId: acme.id, startDate: "2021-03-01" });
    const tooLate = await send(`/api/v1/people/${person.id}/new-job`, token, "POST", { organisationId: bouwbedrijf.id, startDate: "2026-09-01", endDate: "2026-09-02" });
    expect(tooLate.status).toBe(400);
    expect(((await tooLate.json()) as ErrorBody).error.fields).toHaveProperty("endDate");
    expect((await getPerson(person.id)).affiliations).toHaveLength(1);

    const response = await send(`/api/v1/people/${person.id}/new-job`, token, "POST", { organisationId: bouwbedrijf.id, startDate: "2026-09-01", endDate: "2026-08-31" });
    expect(response.status).toBe(201);
    const moved = (await response.json()) as { ended: Affiliation[]; started: Affiliation };
    expect(moved.ended).toEqual([expect.objectContaining({ organisationId: acme.id, endDate: "2026-08-31", endReason: "left_organisation" })]);
    const actions = await t.db.selectFrom("audit_log").select("action").where("entity_type", "=", "affiliation")
      .where("entity_id", "in", [moved.ended[0]!.id, moved.started.id]).orderBy("id").execute();
    expect(actions.map((a) => a.action)).toEqual(["affiliation.start", "affiliation.end", "affiliation.start"]);

    // Without an end date, the job ends the day the new one starts (as a move does).
    const again = await send(`/api/v1/people/${person.id}/new-job`, token, "POST", { organisationId: acme.id, startDate: "2026-11-01" });
    expect(((await again.json()) as { ended: Affiliation[] }).ended).toEqual([expect.objectContaining({ organisationId: bouwbedrijf.id, endDate: "2026-11-01" })]);
  });

  it("refuses a new job at another region's organisation (404), and a partner (403), writing nothing", async () => {
    const person = await createPerson({ name: "Blijft Waar Hij Is" });
    await addJob(person.id, { organisationId: acme.id, startDate: "2022-01-01" });
    expect((await send(`/api/v1/people/${person.id}/new-job`, token, "POST", { organisationId: foreignOrganisation.id })).status).toBe(404);
    expect((await send(`/api/v1/people/${person.id}/new-job`, partnerToken, "POST", { organisationId: bouwbedrijf.id })).status).toBe(403);
    expect((await send(`/api/v1/people/${person.id}/new-job`, otherRegionToken, "POST", { organisationId: bouwbedrijf.id })).status).toBe(404);
    expect((await getPerson(person.id)).affiliations.map((job) => job.endDate)).toEqual([null]);
  });
});
