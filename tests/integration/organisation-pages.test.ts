import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

describe("the organisation pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const penvoerder = new CookieJar();
  const partner = new CookieJar();
  let penvoerderId = "";

  const form = (fields: Record<string, string>) => ({ intent: "save", kind: "company", tier: "regular", status: "active", tags: "", ...fields });

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const accounts: Array<[CookieJar, "accounthouder" | "penvoerder" | "partner"]> = [[holder, "accounthouder"], [penvoerder, "penvoerder"], [partner, "partner"]];
    for (const [jar, role] of accounts) {
      const user = await makeUser(t.db, { regionId: region.id, role, name: `Test ${role}` });
      if (role === "penvoerder") penvoerderId = user.id;
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("creates an organisation from the form and shows it with its account holder", async () => {
    const response = await web.postForm("/organisations/new", form({ name: "Hulshof Installatietechniek", kvkNumber: "12345678", city: "Hengelo", accountHolderId: "" }), { jar: holder });
    expect(response.status).toBe(302);
    const location = response.headers.get("location") ?? "";
    expect(location).toMatch(/^\/organisations\/[0-9a-f-]{36}\?saved=1$/);
    const page = await (await web.get(location, { jar: holder })).text();
    expect(page).toContain("<h1>Hulshof Installatietechniek</h1>");
    expect(alertsOf(page)).toContain("De organisatie is opgeslagen.");

    const list = await (await web.get("/organisations?q=hulshof", { jar: holder })).text();
    expect(list).toContain("Hulshof Installatietechniek");
  });

  it("shows the KvK rule next to the field and a link to the organisation that already has the number", async () => {
    const bad = await web.postForm("/organisations/new", form({ name: "Fout BV", kvkNumber: "123" }), { jar: holder });
    expect(bad.status).toBe(400);
    expect(fieldErrorOf(await bad.text(), "kvkNumber")).toBe("Een KvK-nummer heeft 8 cijfers.");

    const duplicate = await web.postForm("/organisations/new", form({ name: "Hulshof BV", kvkNumber: "12345678" }), { jar: holder });
    expect(duplicate.status).toBe(422);
    const html = await duplicate.text();
    expect(fieldErrorOf(html, "kvkNumber")).toBe("Er is al een organisatie met dit KvK-nummer in deze regio.");
    expect(html).toContain("Bekijk Hulshof Installatietechniek");
  });

  it("tells the second of two people editing at once that someone else changed it", async () => {
    const created = await web.postForm("/organisations/new", form({ name: "Twentse Metaal" }), { jar: holder });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    const first = await web.postForm(path, form({ name: "Twentse Metaal BV", version: "1" }), { jar: holder });
    expect(first.status).toBe(200);
    const second = await web.postForm(path, form({ name: "Twentse Metaalunie", version: "1" }), { jar: holder });
    expect(second.status).toBe(409);
    expect(alertsOf(await second.text())).toContain("Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw en probeer het nog eens.");
    const row = await t.db.selectFrom("organisations").select(["name", "version"]).where("id", "=", path.split("/")[2]!).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: "Twentse Metaal BV", version: 2 });
  });

  it("lets a penvoerder register an organisation he keeps himself, not one for someone else, and refuses a partner the list", async () => {
    const list = await web.get("/organisations", { jar: penvoerder });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain("Nieuwe organisatie");
    const refused = await web.postForm("/organisations/new", form({ name: "Niet Toegestaan", accountHolderId: "" }), { jar: penvoerder });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Dit kan alleen de eigenaar van deze organisatie, een accounthouder of een beheerder.");
    expect(await t.db.selectFrom("organisations").select("id").where("name", "=", "Niet Toegestaan").execute()).toEqual([]);
    const own = await web.postForm("/organisations/new", form({ name: "Eigen Partner BV", accountHolderId: penvoerderId }), { jar: penvoerder });
    expect(own.status).toBe(302);
    expect((await web.get("/organisations", { jar: partner })).status).toBe(403);
  });

  it("adds a contact person from the organisation page and records when they leave, keeping them as a former contact", async () => {
    const created = await web.postForm("/organisations/new", form({ name: "Bouwbedrijf Wessels" }), { jar: holder });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");

    const bad = await web.postForm(path, { intent: "add-contact", name: "Jan de Vries", email: "jan@" }, { jar: holder });
    expect(bad.status).toBe(400);
    expect(fieldErrorOf(await bad.text(), "email")).toBe("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.");
    expect(await t.db.selectFrom("people").select("id").where("name", "=", "Jan de Vries").execute()).toEqual([]);

    const added = await web.postForm(path, { intent: "add-contact", name: "Jan de Vries", email: "jan@wessels.nl", role: "Opleidingscoördinator", isPrimary: "on" }, { jar: holder });
    expect(added.status).toBe(200);
    let page = await (await web.get(path, { jar: holder })).text();
    expect(page).toContain("Jan de Vries");
    expect(page).toContain("Primair contact</span>");

    const affiliation = await t.db.selectFrom("affiliations").select("id").where("organisation_id", "=", path.split("/")[2]!).executeTakeFirstOrThrow();
    const ended = await web.postForm(path, { intent: "end-contact", affiliationId: affiliation.id, endDate: "2026-11-23", endReason: "left_organisation" }, { jar: holder });
    expect(ended.status).toBe(200);
    page = await (await web.get(path, { jar: holder })).text();
    expect(page).toContain("Eerdere contactpersonen");
    expect(page).toContain("tot 23 nov 2026 (vertrokken bij de organisatie)");
    expect(page).toContain("Er is geen actieve contactpersoon.");
  });

  it("asks who takes over when a contact leaves: a new successor becomes the primary contact, and the state shows why", async () => {
    const created = await web.postForm("/organisations/new", form({ name: "Constructiebedrijf Lansink", tier: "occasional" }), { jar: holder });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    await web.postForm(path, { intent: "add-contact", name: "Gerard Lansink", role: "Directeur", isPrimary: "on" }, { jar: holder });
    const job = await t.db.selectFrom("affiliations").select("id").where("organisation_id", "=", path.split("/")[2]!).executeTakeFirstOrThrow();
    let page = await (await web.get(path, { jar: holder })).text();
    expect(page).toContain("Wie neemt het over?");

    const ended = await web.postForm(path, { intent: "end-contact", affiliationId: job.id, endDate: "2026-11-23", endReason: "retired", successorPersonId: "", successorName: "Iris Lansink" }, { jar: holder });
    expect(ended.status).toBe(200);
    page = await (await web.get(path, { jar: holder })).text();
    expect(page).toMatch(/Iris Lansink<\/a><\/strong> <span class="badge badge-success">Primair contact<\/span>/);
    expect(page).toContain("Gerard Lansink (primair contact) is op 23 november 2026 met pensioen gegaan; opvolger Iris Lansink, sindsdien geen contact");
    const tasks = await t.db.selectFrom("tasks").select("title").where("organisation_id", "=", path.split("/")[2]!).execute();
    expect(tasks).toEqual([]);
  });

  it("lists under Mijn partners only the organisations the user owns", async () => {
    const me = await t.db.selectFrom("users").select("id").where("name", "=", "Test accounthouder").executeTakeFirstOrThrow();
    await web.postForm("/organisations/new", form({ name: "Mijn Eigen Partner", accountHolderId: me.id }), { jar: holder });
    await web.postForm("/organisations/new", form({ name: "Zonder Eigenaar" }), { jar: holder });
    const page = await (await web.get("/my-partners", { jar: holder })).text();
    expect(page).toContain("Mijn Eigen Partner");
    expect(page).not.toContain("Zonder Eigenaar");
  });

  it("downloads the filtered list from the page as CSV", async () => {
    const response = await web.get("/organisations/export?format=csv&q=hulshof", { jar: penvoerder });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("organisaties.csv");
    const lines = (await response.text()).replace(/^\uFEFF/, "").trim().split("\n");
    expect(lines.slice(1).map((line) => line.split(";")[0])).toEqual(["Hulshof Installatietechniek"]);
  });

  it("records a contact's new job from the person's page: the old job ends that day and stays in the history", async () => {
    const from = await web.postForm("/organisations/new", form({ name: "Oude Werkgever" }), { jar: holder });
    const to = await web.postForm("/organisations/new", form({ name: "Nieuwe Werkgever" }), { jar: holder });
    const fromPath = (from.headers.get("location") ?? "").replace(/\?.*$/, "");
    const toId = (to.headers.get("location") ?? "").replace(/\?.*$/, "").split("/")[2]!;
    await web.postForm(fromPath, { intent: "add-contact", name: "Wim Overstapper", role: "Monteur" }, { jar: holder });
    const person = await t.db.selectFrom("people").select("id").where("name", "=", "Wim Overstapper").executeTakeFirstOrThrow();

    const missing = await web.postForm(`/people/${person.id}`, { intent: "new-job", organisationId: "" }, { jar: holder });
    expect(missing.status).toBe(400);
    expect(fieldErrorOf(await missing.text(), "organisationId")).toBe("Kies een organisatie, of vul de naam van de nieuwe werkgever in als die nog niet in Schakel staat (niet allebei).");

    const moved = await web.postForm(`/people/${person.id}`, { intent: "new-job", organisationId: toId, startDate: "2026-11-23", role: "Werkvoorbereider" }, { jar: holder });
    expect(alertsOf(await moved.text())).toContain("De nieuwe baan bij Nieuwe Werkgever is vastgelegd en de vorige functie is beëindigd.");
    const page = await (await web.get(`/people/${person.id}`, { jar: holder })).text();
    expect(page).toContain("Nieuwe Werkgever");
    expect(page).toContain("Oude Werkgever");
    expect(page).toContain("vertrokken bij de organisatie");
  });

  it("merges a duplicate from the organisation page: its contacts appear here and it leaves the list", async () => {
    const keep = await web.postForm("/organisations/new", form({ name: "Samen Installatie" }), { jar: holder });
    const dup = await web.postForm("/organisations/new", form({ name: "Samen Installatie BV" }), { jar: holder });
    const keepPath = (keep.headers.get("location") ?? "").replace(/\?.*$/, "");
    const dupPath = (dup.headers.get("location") ?? "").replace(/\?.*$/, "");
    await web.postForm(dupPath, { intent: "add-contact", name: "Sietse Samen" }, { jar: holder });

    // The merge form offers the likeliest duplicates first: the names that look most like this one.
    expect(await (await web.get(keepPath, { jar: holder })).text()).not.toContain('name="duplicateId"');
    const keepPage = await (await web.get(`${keepPath}?open=merge`, { jar: holder })).text();
    const mergeSelect = /<select[^>]*name="duplicateId"[^>]*>([\s\S]*?)<\/select>/.exec(keepPage)?.[1] ?? "";
    const offered = [...mergeSelect.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
    expect(offered[0]).toBe(dupPath.split("/")[2]);
    expect(offered).not.toContain(keepPath.split("/")[2]);

    const missing = await web.postForm(keepPath, { intent: "merge" }, { jar: holder });
    expect(missing.status).toBe(400);

    const merged = await web.postForm(keepPath, { intent: "merge", duplicateId: dupPath.split("/")[2]! }, { jar: holder });
    expect(merged.status).toBe(200);
    expect(await (await web.get(keepPath, { jar: holder })).text()).toContain("Sietse Samen");
    // The duplicate stays reachable, archived, to read its history or restore it; it has left the list.
    const duplicatePage = await (await web.get(dupPath, { jar: holder })).text();
    expect(duplicatePage).toContain("Gearchiveerd op");
    expect(await (await web.get("/organisations?q=samen", { jar: holder })).text()).not.toContain(`href="${dupPath}"`);
  });

  it("lists the region's people by name, filtered as typed in the box", async () => {
    const page = await (await web.get(`/people?q=${encodeURIComponent("samen")}`, { jar: penvoerder })).text();
    expect(page).toContain("Sietse Samen");
    expect(page).not.toContain("Wim Overstapper");
    expect((await web.get("/people", { jar: partner })).status).toBe(403);
  });
});
