import { inflateSync } from "node:zlib";
import ExcelJS from "exceljs";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatEuros } from "../../server/domains/commitments/commitments.schemas";
import { schoolYearFigures, schoolYearRecords } from "../../server/domains/reports/reports.service";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeUserWithToken, TEST_PASSWORD } from "../support/factories";
import { makePortalWorld, snapshot } from "../support/portal";

type World = Awaited<ReturnType<typeof makePortalWorld>>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The text a PDF shows: its content streams inflated, the hex strings of each TJ array joined, WinAnsi read as Latin-1 (0x80 is €). */
export function pdfText(bytes: Buffer): string {
  const raw = bytes.toString("latin1");
  const parts: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf("endstream", start);
    const chunk = bytes.subarray(start, end);
    let content: string;
    try {
      content = inflateSync(chunk).toString("latin1");
    } catch {
      content = chunk.toString("latin1");
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const text = [...tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((hex) => Buffer.from(hex[1]!, "hex").toString("latin1")).join("");
      parts.push(text.replace(/\x80/g, "€"));
    }
  }
  return parts.join("\n");
}

describe("the school year's figures and reports through the API", () => {
  let t: TestDatabase;
  let web: TestApp;
  let w: World;
  let penvoerder: string;
  let otherRegionAdmin: string;
  const holderJar = new CookieJar();
  const partnerJar = new CookieJar();

  const api = (path: string, token: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
    web.request(`/api/v1${path}`, { token, method: init.method ?? "GET", headers: init.headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  const json = async (response: Response) => (await response.json()) as Json;
  const text = async (response: Response) => (await response.text()).replace(/<!-- -->/g, "");
  const report = async (query = "", token = penvoerder) => json(await api(`/reports/school-years/2025-2026${query}`, token));

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-11-23T10:00:00Z" });
    w = await makePortalWorld(t.db);
    penvoerder = (await makeUserWithToken(t.db, { regionId: w.region.id, role: "penvoerder" })).token;
    otherRegionAdmin = (await makeUserWithToken(t.db, { regionId: w.otherRegion.id, role: "admin" })).token;
    await web.postForm("/sign-in", { email: w.holder.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holderJar });
    await web.postForm("/sign-in", { email: w.partner.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: partnerJar });
  });
  afterAll(() => t.drop());

  // Issue 6, "Done when", through the API: the guest lesson counts as in kind the way a penvoerder
  // does it — Schakel proposes 2 hours × the pledge's €65, the penvoerder confirms.
  it("shows pledged €5,100 and realised €2,630 for the partner after a cash and an in-kind pledge and one confirmed guest lesson, against the region's target", async () => {
    const cash = await json(await api("/commitments", penvoerder, { method: "POST", body: { organisationId: w.own.id, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 250000 } }));
    const inKind = await json(await api("/commitments", penvoerder, {
      method: "POST", body: { organisationId: w.own.id, schoolYear: "2025-2026", kind: "in_kind", category: "hours", valuation: "hours_rate", hours: 40, hourlyRateCents: 6500 },
    }));
    expect(inKind.amountCents).toBe(260000);
    expect((await api(`/commitments/${cash.id}/realisations`, penvoerder, { method: "POST", body: { date: "2025-10-01", amountCents: 250000, description: "Bijdrage schooljaar" } })).status).toBe(201);
    const lesson = await json(await api("/activities", w.holderToken, {
      method: "POST",
      body: { type: "guest_lesson", title: "Gastles zonnepanelen", status: "done", startDate: "2026-03-12", hours: 2, organisationIds: [w.own.id], schoolIds: [w.school.id], speakerPersonId: w.anouk.id, pupilsReached: 26, teachersInvolved: 1 },
    }));
    const proposals = await json(await api("/in-kind/proposals?schoolYear=2025-2026", penvoerder));
    expect(proposals.items).toEqual([expect.objectContaining({ activityId: lesson.id, hours: 2, proposedCents: 13000 })]);
    expect((await api(`/in-kind/proposals/${lesson.id}/confirm`, penvoerder, { method: "POST", body: {} })).status).toBeLessThan(300);
    // The later tests of this file count their own activities of 2025-2026; the lesson leaves the
    // activity figures (archived) while its confirmed realisation stays in the money.
    expect((await api(`/activities/${lesson.id}`, w.holderToken, { method: "DELETE" })).status).toBe(200);
    await t.db.insertInto("school_year_budgets").values({ region_id: w.region.id, school_year: "2025-2026", budget_cents: 10_000_000, created_at: new Date(), updated_at: new Date() }).execute();

    const body = await report();
    expect(body.commitments).toEqual({ pledgedCents: 510000, realisedCents: 263000, targetCents: 1_000_000, budgetCents: 10_000_000 });
    expect(body.partners).toEqual([{ id: w.own.id, name: "Hulshof Installatietechniek", kind: "company", pledgedCents: 510000, realisedCents: 263000, realisationDates: ["2025-10-01", "2026-03-12"] }]);
    expect(body.companiesParticipating).toBe(1);

    // The page shows the same totals.
    const page = await text(await web.get("/reports/2025-2026", { jar: holderJar }));
    expect(page).toContain(formatEuros(510000));
    expect(page).toContain(formatEuros(263000));
    expect(page).toContain(formatEuros(1_000_000));

    // The page's own downloads carry the same totals.
    const pageCsv = await web.get("/reports/2025-2026/download?format=csv", { jar: holderJar });
    expect(pageCsv.headers.get("content-disposition")).toContain("verantwoording-2025-2026.csv");
    expect(await pageCsv.text()).toContain("Cofinanciering;Toegezegd;;5100,00");
    const pagePdf = await web.get("/reports/2025-2026/download?format=pdf", { jar: holderJar });
    expect(pdfText(Buffer.from(await pagePdf.arrayBuffer()))).toContain(formatEuros(263000));

    // CSV, by Accept and by ?format=csv: the same totals, in euros with two decimals.
    const csvResponse = await api("/reports/school-years/2025-2026", penvoerder, { headers: { Accept: "text/csv" } });
    expect(csvResponse.headers.get("content-type")).toContain("text/csv");
    const rows = parse((await csvResponse.text()).replace(/^\uFEFF/, ""), { delimiter: ";" }) as string[][];
    expect(rows[0]).toEqual(["Onderdeel", "Omschrijving", "Aantal", "Bedrag (EUR)"]);
    const csvValue = (section: string, description: string) => rows.find((row) => row[0] === section && row[1] === description);
    expect(csvValue("Cofinanciering", "Toegezegd")?.[3]).toBe("5100,00");
    expect(csvValue("Cofinanciering", "Gerealiseerd")?.[3]).toBe("2630,00");
    expect(csvValue("Cofinanciering", "Doel")?.[3]).toBe("10000,00");
    expect(csvValue("Toegezegd per partner", "Hulshof Installatietechniek")?.[3]).toBe("5100,00");
    expect(csvValue("Deelname", "Bedrijven die meedoen")?.[2]).toBe("1");
    expect(await (await api("/reports/school-years/2025-2026?format=csv", penvoerder)).text()).toBe(await (await api("/reports/school-years/2025-2026", penvoerder, { headers: { Accept: "text/csv" } })).text());

    // XLSX: a sheet of figures and a sheet of partners, amounts as numbers in euros.
    const xlsx = await api("/reports/school-years/2025-2026?format=xlsx", penvoerder);
    expect(xlsx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ArrayBuffer);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(["Cijfers", "Partners"]);
    const figures = book.worksheets[0]!.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1));
    const xlsxValue = (section: string, description: string) => figures.find((row) => row[0] === section && row[1] === description);
    expect(xlsxValue("Cofinanciering", "Toegezegd")?.[3]).toBe(5100);
    expect(xlsxValue("Cofinanciering", "Gerealiseerd")?.[3]).toBe(2630);
    expect(xlsxValue("Cofinanciering", "Doel")?.[3]).toBe(10000);
    const partners = book.worksheets[1]!.getSheetValues().filter(Boolean).map((row) => (row as unknown[]).slice(1));
    expect(partners[1]).toEqual(["Hulshof Installatietechniek", "Bedrijf", 5100, 2630, "2025-10-01, 2026-03-12"]);

    // PDF: the same totals, written the Dutch way.
    const pdf = await api("/reports/school-years/2025-2026?format=pdf", penvoerder);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const shown = pdfText(bytes);
    expect(shown).toContain("Verantwoording schooljaar 2025-2026");
    expect(shown).toContain(formatEuros(510000));
    expect(shown).toContain(formatEuros(263000));
    expect(shown).toContain(formatEuros(1_000_000));
    expect(shown).toContain("Hulshof Installatietechniek");
  });

  it("gives the partner's contribution statement with its pledges and dated realisations, the same totals as its line in the report, and as a PDF to sign", async () => {
    const statement = await json(await api(`/reports/school-years/2025-2026/partners/${w.own.id}`, penvoerder));
    expect(statement).toMatchObject({ schoolYear: "2025-2026", organisation: { id: w.own.id, name: "Hulshof Installatietechniek" }, pledgedCents: 510000, realisedCents: 263000 });
    expect(statement.commitments.map((c: Json) => [c.kind, c.amountCents])).toEqual([["cash", 250000], ["in_kind", 260000]]);
    expect(statement.realisations.map((r: Json) => [r.date, r.amountCents])).toEqual([["2025-10-01", 250000], ["2026-03-12", 13000]]);

    const pdf = await api(`/reports/school-years/2025-2026/partners/${w.own.id}?format=pdf`, penvoerder);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const shown = pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(shown).toContain("Verklaring cofinanciering schooljaar 2025-2026");
    expect(shown).toContain(formatEuros(510000));
    expect(shown).toContain(formatEuros(263000));
    expect(shown).toContain("Handtekening");
    expect(shown).toContain("Namens Hulshof Installatietechniek");

    // A name the built-in PDF fonts cannot show is written with its nearest plain letters, never garbled.
    const turkish = await t.db.insertInto("organisations").values({ region_id: w.region.id, kind: "company", name: "Yılmaz Şahin Bouw" }).returning("id").executeTakeFirstOrThrow();
    const turkishPdf = pdfText(Buffer.from(await (await api(`/reports/school-years/2025-2026/partners/${turkish.id}?format=pdf`, penvoerder)).arrayBuffer()));
    expect(turkishPdf).toContain("Namens Yilmaz Sahin Bouw");

    // The partner itself reads its own statement, through the API and as a page.
    expect((await api(`/reports/school-years/2025-2026/partners/${w.own.id}`, w.partnerToken)).status).toBe(200);
    const page = await web.get(`/reports/2025-2026/partners/${w.own.id}`, { jar: partnerJar });
    expect(page.status).toBe(200);
    expect(await text(page)).toContain(formatEuros(263000));
    const ownPdf = await web.get(`/reports/2025-2026/partners/${w.own.id}/pdf`, { jar: partnerJar });
    expect(ownPdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdfText(Buffer.from(await ownPdf.arrayBuffer()))).toContain(formatEuros(510000));
    expect((await web.get(`/reports/2025-2026/partners/${w.foreign.id}/pdf`, { jar: partnerJar })).status).toBe(404);
    expect(await text(await web.get("/portal", { jar: partnerJar }))).toContain(`href="/reports/2025-2026/partners/${w.own.id}"`);
  });

  it("answers a partner user 404 on the region's reports and on another organisation's statement; an account holder reads them", async () => {
    expect((await api("/reports/school-years/2025-2026", w.partnerToken)).status).toBe(404);
    expect((await api("/reports/school-years/2025-2026?format=pdf", w.partnerToken)).status).toBe(404);
    expect((await api(`/reports/school-years/2025-2026/partners/${w.foreign.id}`, w.partnerToken)).status).toBe(404);
    expect((await web.get("/reports/2025-2026", { jar: partnerJar })).status).toBe(404);
    expect((await web.get(`/reports/2025-2026/partners/${w.foreign.id}`, { jar: partnerJar })).status).toBe(404);
    expect((await web.get("/reports/2025-2026/companies", { jar: partnerJar })).status).toBe(404);

    expect((await api("/reports/school-years/2025-2026", w.holderToken)).status).toBe(200);
    expect((await api(`/reports/school-years/2025-2026/partners/${w.foreign.id}`, w.holderToken)).status).toBe(200);
    // Another region's organisation does not exist for this region, and this region's figures are not the other's.
    expect((await api(`/reports/school-years/2025-2026/partners/${w.elsewhere.id}`, penvoerder)).status).toBe(404);
    expect((await json(await api("/reports/school-years/2025-2026", otherRegionAdmin))).commitments).toMatchObject({ pledgedCents: 0, realisedCents: 0 });
  });

  it("refuses a school year that does not exist with 400 naming the school year, and writes nothing", async () => {
    const before = await snapshot(t.db);
    for (const year of ["2025-2027", "2025", "twintig"]) {
      const response = await api(`/reports/school-years/${year}`, penvoerder);
      expect(response.status).toBe(400);
      const body = await json(response);
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.message).toContain("school year");
      expect(Object.keys(body.error.fields)).toEqual(["schoolYear"]);
    }
    expect((await api(`/reports/school-years/2025-2027/partners/${w.own.id}`, penvoerder)).status).toBe(400);
    expect((await api("/reports/school-years/2025-2026?format=docx", penvoerder)).status).toBe(400);
    const page = await web.get("/reports/2025-2027", { jar: holderJar });
    expect(page.status).toBe(400);
    expect(await text(page)).toContain("schooljaar");
    expect(await snapshot(t.db)).toEqual(before);
  });

  // Issue 5, "Done when".
  it("counts a guest lesson the partner offered, the account holder accepted and marked done with 28 pupils in the school year's figures, and refreshes the organisation's health", async () => {
    const before = await json(await api("/reports/school-years/2026-2027", penvoerder));
    expect(before.guestLessonsGiven).toBe(0);
    const offered = await json(await api("/activities", w.partnerToken, {
      method: "POST",
      body: { type: "guest_lesson", title: "Gastles zonnepanelen", status: "offered", startDate: "2026-12-10", organisationIds: [w.own.id], schoolIds: [w.school.id], speakerPersonId: w.anouk.id, profiles: ["PIE"] },
    }));
    expect(offered.status).toBe("offered");
    const planned = await json(await api(`/activities/${offered.id}`, w.holderToken, { method: "PATCH", body: { version: offered.version, status: "planned" } }));
    expect(planned.status).toBe("planned");
    const healthBefore = await json(await api(`/organisations/${w.own.id}/health`, w.holderToken));

    // The day after the lesson: the account holder marks it done.
    const later = createTestApp(t.db, { now: "2026-12-11T09:00:00Z" });
    const doneResponse = await later.request(`/api/v1/activities/${offered.id}`, {
      token: w.holderToken, method: "PATCH", body: JSON.stringify({ version: planned.version, status: "done", pupilsReached: 28, teachersInvolved: 1 }),
    });
    expect(doneResponse.status).toBe(200);

    const after = await json(await later.request("/api/v1/reports/school-years/2026-2027", { token: penvoerder }));
    expect(after).toMatchObject({ guestLessonsGiven: 1, pupilsReached: 28, teachersInvolved: 1, activitiesDone: 1, companiesParticipating: 1, activitiesByProfile: { PIE: 1 } });
    expect(after.activitiesByType.guest_lesson).toBe(1);

    const healthAfter = await json(await later.request(`/api/v1/organisations/${w.own.id}/health`, { token: w.holderToken }));
    expect(healthBefore.lastContactDate).not.toBe("2026-12-10");
    expect(healthAfter.lastContactDate).toBe("2026-12-10");
    expect(healthAfter.computedAt).not.toBe(healthBefore.computedAt);
  });

  it("drills every figure down to records that add up to it, with the same rules", async () => {
    const scope = { regionId: w.region.id, userId: w.holder.id, role: "accounthouder" as const, organisationId: null };
    const meta = { actor: w.meta.actor, now: new Date("2026-11-23T10:00:00Z") };
    const { createActivity } = await import("../../server/domains/activities/activities.service");
    const activity = (input: Json) =>
      t.db.transaction().execute((trx) => createActivity(trx, scope, { profiles: [], learningPaths: [], sharedWithRegionIds: [], schoolIds: [w.school.id], organisationIds: [w.foreign.id], description: null, title: "Activiteit", ...input } as never, meta));
    await activity({ type: "workshop", status: "done", startDate: "2025-09-15", pupilsReached: 20, teachersInvolved: 2, profiles: ["BWI", "PIE"] });
    await activity({ type: "guest_lesson", status: "done", startDate: "2026-02-02", pupilsReached: 25, teachersInvolved: 1, profiles: ["PIE"] });
    await activity({ type: "internship", status: "planned", startDate: "2026-03-01", endDate: "2026-05-01", placesOffered: 3, placesFilled: 2, schoolIds: [] });
    await activity({ type: "internship", status: "done", startDate: "2025-10-01", endDate: "2025-12-01", placesOffered: 2, placesFilled: 2, pupilsReached: 2, teachersInvolved: 0, schoolIds: [] });
    // Not counted: planned (no pupils yet), a year earlier, archived.
    await activity({ type: "company_visit", status: "planned", startDate: "2026-06-01" });
    await activity({ type: "guest_lesson", status: "done", startDate: "2025-07-31", pupilsReached: 99, teachersInvolved: 9 });
    const archived = await activity({ type: "workshop", status: "done", startDate: "2025-11-11", pupilsReached: 50, teachersInvolved: 5 });
    await t.db.updateTable("activities").set({ archived_at: new Date() }).where("id", "=", archived.id).execute();
    // An mbo college and a trade school taking part.
    const kind = (id: string, k: "mbo" | "trade_school", name: string) => t.db.updateTable("organisations").set({ kind: k, name }).where("id", "=", id).execute();
    const { createOrganisation } = await import("../../server/domains/organisations/organisations.service");
    const base = { tier: "regular" as const, status: "active" as const, tags: [], sector: null, street: null, city: null };
    const roc = await t.db.transaction().execute((trx) => createOrganisation(trx, scope, { kind: "company", name: "ROC van Twente", ...base }, meta));
    await kind(roc.id, "mbo", "ROC van Twente");
    await activity({ type: "event", status: "done", startDate: "2026-04-04", pupilsReached: 100, teachersInvolved: 4, organisationIds: [roc.id] });

    const figures = await schoolYearFigures(t.db, scope, { schoolYear: "2025-2026" });
    expect(figures).toMatchObject({
      pupilsReached: 20 + 25 + 2 + 100, teachersInvolved: 2 + 1 + 0 + 4, activitiesDone: 4, guestLessonsGiven: 1,
      internships: { offered: 5, filled: 4 }, activitiesByProfile: { BWI: 1, PIE: 2 }, mboSchools: [{ id: roc.id, name: "ROC van Twente" }], tradeSchools: [],
    });
    expect(figures.companiesParticipating).toBe(2);

    const records = (figure: "companies" | "trade-schools" | "mbo" | "activities" | "internships", extra: Json = {}) => schoolYearRecords(t.db, scope, { schoolYear: "2025-2026", figure, ...extra });
    const companies = await records("companies");
    expect("organisations" in companies && companies.organisations.map((o) => o.name)).toEqual(["Bouwbedrijf Wessels", "Hulshof Installatietechniek"]);
    const done = await records("activities");
    if (!("activities" in done)) throw new Error("activities expected");
    expect(done.activities).toHaveLength(figures.activitiesDone);
    expect(done.activities.reduce((sum, a) => sum + (a.pupilsReached ?? 0), 0)).toBe(figures.pupilsReached);
    expect(done.activities.reduce((sum, a) => sum + (a.teachersInvolved ?? 0), 0)).toBe(figures.teachersInvolved);
    for (const [type, count] of Object.entries(figures.activitiesByType)) {
      const ofType = await records("activities", { type });
      expect("activities" in ofType && ofType.activities.length).toBe(count);
    }
    for (const [profile, count] of Object.entries(figures.activitiesByProfile)) {
      const ofProfile = await records("activities", { profile });
      expect("activities" in ofProfile && ofProfile.activities.length).toBe(count);
    }
    const internships = await records("internships");
    if (!("activities" in internships)) throw new Error("activities expected");
    expect(internships.activities.reduce((sum, a) => sum + (a.placesOffered ?? 0), 0)).toBe(figures.internships.offered);
    expect(internships.activities.reduce((sum, a) => sum + (a.placesFilled ?? 0), 0)).toBe(figures.internships.filled);
    const mbo = await records("mbo");
    expect("organisations" in mbo && mbo.organisations.map((o) => o.id)).toEqual(figures.mboSchools.map((o) => o.id));

    // The page links each figure to its records, and a drill-down page lists them.
    const page = await text(await web.get("/reports/2025-2026", { jar: holderJar }));
    for (const href of ["/reports/2025-2026/companies", "/reports/2025-2026/mbo", "/reports/2025-2026/activities", "/reports/2025-2026/activities?type=guest_lesson", "/reports/2025-2026/internships"]) {
      expect(page).toContain(`href="${href.replace("&", "&amp;")}"`);
    }
    const companiesPage = await text(await web.get("/reports/2025-2026/companies", { jar: holderJar }));
    expect(companiesPage).toContain("Bouwbedrijf Wessels");
    expect(companiesPage).toContain("Hulshof Installatietechniek");
    const guestLessons = await text(await web.get("/reports/2025-2026/activities?type=guest_lesson", { jar: holderJar }));
    expect(guestLessons).toContain("Totaal: 1</th>");
  });

  it("filters the figures by subregion: the organisations there and the activities touching them, without the region's target", async () => {
    const [noord, zuid] = await t.db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", w.region.id).orderBy("name").execute();
    await t.db.updateTable("organisations").set({ subregion_id: noord!.id }).where("id", "=", w.own.id).execute();
    await t.db.updateTable("organisations").set({ subregion_id: zuid!.id }).where("id", "in", [w.foreign.id, w.school.id]).execute();

    const whole = await report();
    const north = await report(`?subregionId=${noord!.id}`);
    const south = await report(`?subregionId=${zuid!.id}`);
    expect(north.subregion).toEqual(noord);
    expect(north.commitments).toEqual({ pledgedCents: 510000, realisedCents: 263000, targetCents: null, budgetCents: null });
    expect(north.companiesParticipating).toBe(1);
    // Hulshof's own activity is in 2026-2027; this year's all touch Wessels or the school, both in Zuid.
    expect(north.pupilsReached).toBe(0);
    expect(south.pupilsReached).toBe(whole.pupilsReached);
    // The mbo college has no subregion: it takes part in the region, in no subregion.
    expect(whole.mboSchools).toHaveLength(1);
    expect(south.mboSchools).toEqual([]);
    expect(south.commitments.pledgedCents).toBe(0);
    expect(south.companiesParticipating).toBe(1);
    // A subregion of another region does not exist here; nor does one that is not an id.
    expect((await web.get("/reports/2025-2026?subregionId=nope", { jar: holderJar })).status).toBe(404);
    expect((await web.get("/reports/2025-2026/activities?type=nope", { jar: holderJar })).status).toBe(404);
    expect((await web.get("/reports/2025-2026/nope", { jar: holderJar })).status).toBe(404);
    expect((await web.get(`/reports/2025-2026?subregionId=${noord!.id}`, { jar: holderJar })).status).toBe(200);
    const [elsewhere] = await t.db.selectFrom("subregions").select("id").where("region_id", "=", w.otherRegion.id).execute();
    expect((await api(`/reports/school-years/2025-2026?subregionId=${elsewhere!.id}`, penvoerder)).status).toBe(404);
  });
});
