import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../server/auth/api-tokens";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** Intl writes a non-breaking space between € and the amount; pages are compared as people read them. */
const plain = (html: string) => html.replace(/\u00a0|&nbsp;/g, " ").replace(/&quot;/g, "\"").replace(/&#x27;/g, "'");

describe("the in-kind proposals and agreement pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  const penvoerder = new CookieJar();
  const holder = new CookieJar();
  const partner = new CookieJar();
  let token: string;
  let company: string;
  let school: string;
  let lesson: string;

  const api = async (path: string, method: string, body: unknown) => {
    const response = await web.request(`/api/v1${path}`, { method, token, body: JSON.stringify(body) });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  const multipart = (path: string, fields: Array<[string, string]>, jar: CookieJar) => {
    const form = new FormData();
    for (const [key, value] of fields) form.append(key, value);
    return web.request(path, { method: "POST", body: form, jar, headers: { origin: web.appUrl } });
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db, { name: "STO Twente" });
    const accounts: Array<[CookieJar, "penvoerder" | "accounthouder" | "partner"]> = [[penvoerder, "penvoerder"], [holder, "accounthouder"]];
    for (const [jar, role] of accounts) {
      const user = await makeUser(t.db, { regionId: region.id, role });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
      if (role === "penvoerder") token = (await createApiToken(t.db, { userId: user.id, name: "test", now: TEST_NOW })).token;
    }
    const admin = await makeUser(t.db, { regionId: region.id, role: "admin" });
    const adminToken = (await createApiToken(t.db, { userId: admin.id, name: "test", now: TEST_NOW })).token;
    const asAdmin = async (path: string, body: unknown) => (await (await web.request(`/api/v1${path}`, { method: "POST", token: adminToken, body: JSON.stringify(body) })).json()) as { id: string };
    company = (await asAdmin("/organisations", { kind: "company", name: "Hulshof Installatietechniek" })).id;
    school = (await asAdmin("/organisations", { kind: "vmbo", name: "Het Erasmus" })).id;
    const partnerUser = await makeUser(t.db, { regionId: region.id, role: "partner", organisationId: company });
    await web.postForm("/sign-in", { email: partnerUser.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: partner });
    await api("/commitments", "POST", { organisationId: company, schoolYear: "2025-2026", kind: "in_kind", category: "guest_lessons", valuation: "hours_rate", hours: 40, hourlyRateCents: 6500 });
    lesson = (await asAdmin("/activities", {
      type: "guest_lesson", title: "Gastles zonnepanelen", startDate: "2026-03-10", status: "done", hours: 2, pupilsReached: 24, teachersInvolved: 1, organisationIds: [company], schoolIds: [school],
    })).id;
  });
  afterAll(() => t?.drop());

  it("shows the penvoerder a done guest lesson as a proposal of 2 × €65, asks for a note next to the field when adjusted, and confirms it", async () => {
    const page = plain(await (await web.get("/commitments/in-kind", { jar: penvoerder })).text());
    expect(page).toContain("Inbreng in natura uit activiteiten");
    expect(page).toContain("Gastles zonnepanelen");
    expect(page).toMatch(/data-testid="proposed">€ 130,00</);
    expect(page).toContain("2 × € 65,00 (tarief van de toezegging)");

    const adjusted = await web.postForm("/commitments/in-kind", { intent: "confirm", activityId: lesson, hours: "3" }, { jar: penvoerder });
    expect(adjusted.status).toBe(400);
    const html = plain(await adjusted.text());
    expect(fieldErrorOf(html, "note")).toBe("Leg uit waarom u de uren of het bedrag aanpast.");
    expect(await t.db.selectFrom("commitment_realisations").select("id").execute()).toEqual([]);

    const confirmed = await web.postForm("/commitments/in-kind", { intent: "confirm", activityId: lesson }, { jar: penvoerder });
    expect(confirmed.status).toBe(302);
    const after = plain(await (await web.get(confirmed.headers.get("location")!, { jar: penvoerder })).text());
    expect(alertsOf(after)).toContain("Bevestigd: de activiteit telt nu als realisatie in natura.");
    expect(after).not.toContain("Gastles zonnepanelen");

    const activity = plain(await (await web.get(`/activities/${lesson}`, { jar: holder })).text());
    expect(activity).toContain("Geteld als inbreng in natura bij Hulshof Installatietechniek (2025-2026): € 130,00.");
    const commitment = await t.db.selectFrom("commitments").select("id").executeTakeFirstOrThrow();
    const ledger = plain(await (await web.get(`/commitments/${commitment.id}`, { jar: holder })).text());
    expect(ledger).toContain(`href="/activities/${lesson}"`);
    expect(ledger).toMatch(/data-testid="realised">€ 130,00</);
  });

  it("lets an account holder read the proposals page without the confirm and reject buttons, refuses their post, and keeps partners out", async () => {
    const page = await web.get("/commitments/in-kind", { jar: holder });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain(">Bevestigen<");
    expect((await web.postForm("/commitments/in-kind", { intent: "reject", activityId: lesson, reason: "x" }, { jar: holder })).status).toBe(403);
    expect((await web.get("/commitments/in-kind", { jar: partner })).status).toBe(403);
  });

  it("shows agreement form errors next to the field, keeps what was typed, and records a valid agreement on the organisation's page", async () => {
    const fields: Array<[string, string]> = [["intent", "save"], ["kind", "covenant"], ["title", "Convenant Techniek Twente"], ["organisationIds", company], ["signedOn", "2025-09-01"]];
    const early = await multipart("/agreements/new", [...fields, ["expiresOn", "2025-08-01"]], penvoerder);
    expect(early.status).toBe(422);
    const html = plain(await early.text());
    expect(fieldErrorOf(html, "expiresOn")).toBe("De einddatum ligt vóór de datum van ondertekening.");
    expect(html).toContain('value="Convenant Techniek Twente"');
    const untitled = await multipart("/agreements/new", fields.filter(([key]) => key !== "title" && key !== "organisationIds"), penvoerder);
    expect(untitled.status).toBe(400);
    const untitledHtml = plain(await untitled.text());
    expect(fieldErrorOf(untitledHtml, "title")).toBe("Vul dit veld in.");
    expect(fieldErrorOf(untitledHtml, "organisationIds")).toBe("Kies minstens één organisatie uit uw regio.");
    expect(await t.db.selectFrom("agreements").select("id").execute()).toEqual([]);

    const created = await multipart("/agreements/new", [...fields, ["expiresOn", "2027-01-10"]], penvoerder);
    expect(created.status).toBe(302);
    const detail = plain(await (await web.get(created.headers.get("location")!, { jar: holder })).text());
    expect(alertsOf(detail)).toContain("De overeenkomst is opgeslagen.");
    expect(detail).toContain("verloopt over 48 dagen");
    expect(detail).not.toContain("Overeenkomst wijzigen");

    const soon = plain(await (await web.get("/agreements?expiring=1", { jar: holder })).text());
    expect(soon).toContain("Convenant Techniek Twente");
    const organisation = plain(await (await web.get(`/organisations/${company}`, { jar: holder })).text());
    expect(organisation).toContain("Convenant Techniek Twente");
    expect((await web.get("/agreements/new", { jar: holder })).status).toBe(403);
    // The partner reads the agreements its organisation is a party to, and no others.
    await multipart("/agreements/new", [["intent", "save"], ["kind", "letter_of_intent"], ["title", "Alleen met de school"], ["organisationIds", school], ["signedOn", "2025-09-01"]], penvoerder);
    const mine = plain(await (await web.get("/agreements", { jar: partner })).text());
    expect(mine).toContain("Convenant Techniek Twente");
    expect(mine).not.toContain("Alleen met de school");
  });
});
