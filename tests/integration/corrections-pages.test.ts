import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** Correcting what was recorded, on the pages: a person's details, a new job, a contact moment; and what the portal shows an HR person. */
describe("correcting people and contact moments on the pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  const jars = { holder: new CookieJar(), colleague: new CookieJar(), penvoerder: new CookieJar(), admin: new CookieJar(), partner: new CookieJar(), otherRegion: new CookieJar() };
  let token = "";
  let organisationId = "";
  let personId = "";

  const api = async (path: string, method: string, body: unknown, as = token) => {
    const response = await web.request(`/api/v1${path}`, { token: as, method, body: JSON.stringify(body) });
    expect(response.status, await response.clone().text()).toBeLessThan(300);
    return (await response.json()) as { id: string; version: number };
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    token = holder.token;
    organisationId = (await api("/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek" })).id;
    personId = (await api("/people", "POST", { name: "Anouk Jansen", email: "anouk@hulshof.example" })).id;
    await api(`/people/${personId}/affiliations`, "POST", { organisationId, role: "HR-adviseur", startDate: "2024-01-01", isPrimary: true });
    const users = {
      holder: holder.user,
      colleague: await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Joost Kamphuis" }),
      penvoerder: await makeUser(t.db, { regionId: region.id, role: "penvoerder" }),
      admin: await makeUser(t.db, { regionId: region.id, role: "admin" }),
      // The HR person signs in with the address the school keeps for her as a contact.
      partner: await makeUser(t.db, { regionId: region.id, role: "partner", organisationId, email: "anouk@hulshof.example", name: "Anouk Jansen" }),
      otherRegion: await makeUser(t.db, { regionId: other.id, role: "admin" }),
    };
    for (const [who, user] of Object.entries(users)) {
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: jars[who as keyof typeof jars] });
    }
  });
  afterAll(() => t?.drop());

  it("corrects a person's name, email and phone with the Bewerken form; a stale form says so in Dutch and writes nothing", async () => {
    const id = (await api("/people", "POST", { name: "Wim Overstaper", email: "wim@oud.example" })).id;
    const page = await (await web.get(`/people/${id}`, { jar: jars.holder })).text();
    expect(page).toContain("<summary>Bewerken</summary>");

    const saved = await web.postForm(`/people/${id}`, { intent: "edit", version: "1", name: "Wim Overstapper", email: "wim@nieuw.example", phone: "06 12 34 56 78" }, { jar: jars.holder });
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(alertsOf(html)).toContain("De gegevens zijn opgeslagen.");
    expect(html).toContain("<h1>Wim Overstapper</h1>");
    expect(html).toContain("wim@nieuw.example · 06 12 34 56 78");

    const stale = await web.postForm(`/people/${id}`, { intent: "edit", version: "1", name: "Wim Anders", email: "", phone: "" }, { jar: jars.admin });
    expect(stale.status).toBe(409);
    expect(alertsOf(await stale.text())).toContain("Iemand anders heeft deze persoon intussen gewijzigd. Hieronder staat wat nu is opgeslagen; breng uw wijziging zo nodig opnieuw aan.");
    expect(await t.db.selectFrom("people").select(["name", "email", "version"]).where("id", "=", id).executeTakeFirstOrThrow()).toEqual({ name: "Wim Overstapper", email: "wim@nieuw.example", version: 2 });
  });

  it("says next to the field when the email address is another person's, and when the name is emptied", async () => {
    const id = (await api("/people", "POST", { name: "Tweede Persoon" })).id;
    const taken = await web.postForm(`/people/${id}`, { intent: "edit", version: "1", name: "Tweede Persoon", email: "ANOUK@hulshof.example", phone: "" }, { jar: jars.holder });
    expect(taken.status).toBe(400);
    expect(fieldErrorOf(await taken.text(), "email")).toBe("Er is al een contactpersoon met dit e-mailadres.");
    const empty = await web.postForm(`/people/${id}`, { intent: "edit", version: "1", name: "  ", email: "", phone: "" }, { jar: jars.holder });
    expect(empty.status).toBe(400);
    expect(fieldErrorOf(await empty.text(), "name")).toBeTruthy();
    expect(await t.db.selectFrom("people").select("version").where("id", "=", id).executeTakeFirstOrThrow()).toEqual({ version: 1 });
  });

  it("offers the penvoerder Bewerken and Nieuwe baan too: every staff member keeps contact persons", async () => {
    const page = await (await web.get(`/people/${personId}`, { jar: jars.penvoerder })).text();
    expect(page).toContain("Bewerken");
    expect(page).toContain("Nieuwe baan vastleggen");
  });

  it("records a new job for someone who left, from the person's page", async () => {
    const id = (await api("/people", "POST", { name: "Ria Vertrokken" })).id;
    const job = await api(`/people/${id}/affiliations`, "POST", { organisationId, startDate: "2020-01-01" });
    await api(`/affiliations/${job.id}/end`, "POST", { endDate: "2025-06-30", endReason: "left_organisation" });
    const target = (await api("/organisations", "POST", { kind: "company", name: "Bouwbedrijf Wessels" })).id;
    const page = await (await web.get(`/people/${id}`, { jar: jars.holder })).text();
    expect(page).toContain("Deze persoon heeft nu geen functie bij een organisatie.");
    expect(page).not.toContain('name="endDate"');

    const saved = await web.postForm(`/people/${id}`, { intent: "new-job", organisationId: target, role: "Planner", startDate: "2026-11-01" }, { jar: jars.holder });
    expect(alertsOf(await saved.text())).toContain("De nieuwe baan bij Bouwbedrijf Wessels is vastgelegd.");
    const jobs = await t.db.selectFrom("affiliations").select(["organisation_id", "role", "start_date", "end_date"]).where("person_id", "=", id).orderBy("start_date").execute();
    expect(jobs).toEqual([
      { organisation_id: organisationId, role: null, start_date: "2020-01-01", end_date: "2025-06-30" },
      { organisation_id: target, role: "Planner", start_date: "2026-11-01", end_date: null },
    ]);
  });

  it("shows Wijzigen on one's own contact moments only; another account holder is refused the edit page (403), another region gets 404", async () => {
    const mine = await api("/interactions", "POST", { organisationId, kind: "call", summary: "Gebeld over stages", date: "2026-11-20" });
    const page = await (await web.get(`/organisations/${organisationId}`, { jar: jars.colleague })).text();
    expect(page).toContain("Gebeld over stages");
    expect(page).not.toContain(`/interactions/${mine.id}/edit`);
    expect(await (await web.get(`/organisations/${organisationId}`, { jar: jars.holder })).text()).toContain(`/interactions/${mine.id}/edit`);
    expect(await (await web.get(`/organisations/${organisationId}`, { jar: jars.admin })).text()).toContain(`/interactions/${mine.id}/edit`);

    expect((await web.get(`/interactions/${mine.id}/edit`, { jar: jars.colleague })).status).toBe(403);
    expect((await web.postForm(`/interactions/${mine.id}/edit`, { intent: "delete" }, { jar: jars.colleague })).status).toBe(403);
    expect((await web.get(`/interactions/${mine.id}/edit`, { jar: jars.otherRegion })).status).toBe(404);
    expect((await web.get(`/interactions/${mine.id}/edit`, { jar: jars.partner })).status).toBe(403);
    expect(await t.db.selectFrom("interactions").select(["version", "archived_at"]).where("id", "=", mine.id).executeTakeFirstOrThrow()).toEqual({ version: 1, archived_at: null });
  });

  it("corrects a contact moment on its page and returns to the timeline saying so; an emptied summary is refused next to the field", async () => {
    const moment = await api("/interactions", "POST", { organisationId, kind: "call", summary: "Gebeld", date: "2026-11-19" });
    const page = await (await web.get(`/interactions/${moment.id}/edit`, { jar: jars.holder })).text();
    expect(page).toContain("<h1>Contactmoment wijzigen</h1>");
    expect(page).toContain("Anouk Jansen");

    const empty = await web.postForm(`/interactions/${moment.id}/edit`, { intent: "save", version: "1", kind: "visit", date: "2026-11-18", summary: " " }, { jar: jars.holder });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("field-error");

    const saved = await web.postForm(
      `/interactions/${moment.id}/edit`,
      { intent: "save", version: "1", kind: "visit", date: "2026-11-18", summary: "Bezocht: werkplaats bekeken", personIds: personId, nextStep: "" },
      { jar: jars.holder },
    );
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe(`/organisations/${organisationId}?moment=saved#timeline`);
    const back = await (await web.get(`/organisations/${organisationId}?moment=saved`, { jar: jars.holder })).text();
    expect(alertsOf(back)).toContain("Het contactmoment is gewijzigd.");
    expect(back).toContain("Bezocht: werkplaats bekeken");
    expect(back).toContain("met Anouk Jansen");

    const stale = await web.postForm(`/interactions/${moment.id}/edit`, { intent: "save", version: "1", kind: "call", date: "2026-11-18", summary: "Oud" }, { jar: jars.admin });
    expect(stale.status).toBe(409);
    expect(alertsOf(await stale.text())).toContain("Iemand anders heeft dit contactmoment intussen gewijzigd. Hieronder staat wat nu is opgeslagen; breng uw wijziging zo nodig opnieuw aan.");
  });

  it("deletes a contact moment after a confirmation step that needs no JavaScript; it leaves the timeline", async () => {
    const moment = await api("/interactions", "POST", { organisationId, kind: "email", summary: "Mail over de open dag", date: "2026-11-17" });
    const edit = await (await web.get(`/interactions/${moment.id}/edit`, { jar: jars.holder })).text();
    expect(edit).toContain(`href="/interactions/${moment.id}/edit?delete=1"`);
    expect(edit).not.toContain('value="delete"');
    const asking = await (await web.get(`/interactions/${moment.id}/edit?delete=1`, { jar: jars.holder })).text();
    expect(asking).toContain("Dit contactmoment verwijderen?");
    expect(asking).toContain('value="delete"');

    const deleted = await web.postForm(`/interactions/${moment.id}/edit`, { intent: "delete" }, { jar: jars.holder });
    expect(deleted.headers.get("location")).toBe(`/organisations/${organisationId}?moment=deleted#timeline`);
    const back = await (await web.get(`/organisations/${organisationId}?moment=deleted`, { jar: jars.holder })).text();
    expect(alertsOf(back)).toContain("Het contactmoment is verwijderd.");
    expect(back).not.toContain("Mail over de open dag");
    expect((await web.get(`/interactions/${moment.id}/edit`, { jar: jars.holder })).status).toBe(404);
  });

  it("shows the HR person a Meld vertrek per colleague but not for herself, a pledge in money as Geld once, and back links into the portal", async () => {
    await api("/people", "POST", { name: "Joris Klein" }).then((person) => api(`/people/${person.id}/affiliations`, "POST", { organisationId, role: "Monteur", startDate: "2024-01-01" }));
    const admin = await makeUserWithToken(t.db, { regionId: (await t.db.selectFrom("organisations").select("region_id").where("id", "=", organisationId).executeTakeFirstOrThrow()).region_id, role: "admin" });
    const commitment = await api("/commitments", "POST", { organisationId, schoolYear: "2026-2027", kind: "cash", category: "cash", amountCents: 250000 }, admin.token);

    const portal = await (await web.get("/portal", { jar: jars.partner })).text();
    const rows = [...portal.matchAll(/<li class="contact">([\s\S]*?)<\/li>/g)].map((match) => match[1] ?? "");
    const rowOf = (name: string) => rows.find((row) => row.includes(`<strong>${name}</strong>`)) ?? "";
    expect(rowOf("Joris Klein")).toContain("Meld vertrek");
    expect(rowOf("Anouk Jansen")).not.toContain("Meld vertrek");
    expect(portal).not.toContain("Vertrokken:");

    const detail = await (await web.get(`/commitments/${commitment.id}`, { jar: jars.partner })).text();
    expect(detail).not.toContain("Geld · Geld");
    expect(detail).toContain('href="/portal#portal-commitments"');
    expect(detail).not.toContain('href="/commitments"');
    const statement = await (await web.get(`/reports/2026-2027/partners/${organisationId}`, { jar: jars.partner })).text();
    expect(statement).toContain('href="/portal#portal-commitments"');
  });
});
