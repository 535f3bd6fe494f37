import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueAgreementReminders } from "../../server/domains/agreements/agreement-reminders";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { id: string; version: number; items?: Body[]; error?: { code: string; message: string; fields?: Record<string, string> } };

const SMALL_PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

/** Issue 6, item 3: letters of intent, cooperation agreements and covenants, with a reminder 60 days before they expire. */
describe("agreements (/api/v1/agreements)", () => {
  let t: TestDatabase;
  let api: TestApp;
  let penvoerder: string;
  let holder: string;
  let holderId: string;
  let partner: string;
  let otherPartner: string;
  let otherRegion: string;
  let company: string;
  let otherCompany: string;
  let school: string;

  const call = async (path: string, method = "GET", body?: unknown, token = penvoerder) => {
    const response = await api.request(`/api/v1${path}`, { method, token, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const count = async () => Number((await t.db.selectFrom("agreements").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  const covenant = (overrides: Record<string, unknown> = {}) => ({ kind: "covenant", title: "Convenant Techniek Twente 2025-2028", organisationIds: [company, school], signedOn: "2025-09-01", expiresOn: "2028-07-31", ...overrides });

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db);
    const region = await makeRegion(t.db, { name: "STO Twente" });
    const other = await makeRegion(t.db);
    penvoerder = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder", name: "Petra Penvoerder", email: "petra@sto-twente.example" })).token;
    const holderUser = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani", email: "fatima@erasmus.example" });
    holder = holderUser.token;
    holderId = holderUser.user.id;
    otherRegion = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    company = (await call("/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek", accountHolderId: holderId }, holder)).body.id;
    otherCompany = (await call("/organisations", "POST", { kind: "company", name: "Twentse Metaal" }, holder)).body.id;
    school = (await call("/organisations", "POST", { kind: "vmbo", name: "Het Erasmus" }, holder)).body.id;
    partner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: company })).token;
    otherPartner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: otherCompany })).token;
  });
  afterAll(() => t?.drop());

  it("records a covenant with its parties, owned by the first party's account holder, and changes it with its version", async () => {
    const created = await call("/agreements", "POST", covenant());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: "covenant", signedOn: "2025-09-01", expiresOn: "2028-07-31", ownerId: holderId, ownerName: "Fatima El Amrani", version: 1, archivedAt: null, documentId: null });
    expect(new Set(created.body.organisationIds as string[])).toEqual(new Set([company, school]));

    const changed = await call(`/agreements/${created.body.id}`, "PATCH", { version: 1, organisationIds: [company], notes: "Het Erasmus tekent apart" });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ organisationIds: [company], notes: "Het Erasmus tekent apart", version: 2 });
    const stale = await call(`/agreements/${created.body.id}`, "PATCH", { version: 1, title: "Oud" });
    expect(stale.status).toBe(409);
    expect((await call(`/agreements/${created.body.id}`)).body.title).toBe("Convenant Techniek Twente 2025-2028");

    const archived = await call(`/agreements/${created.body.id}`, "DELETE");
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).not.toBeNull();
    expect(((await call("/agreements")).body.items ?? []).map((a) => a.id)).not.toContain(created.body.id);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", created.body.id).orderBy("created_at").execute();
    expect(audit.map((a) => a.action)).toEqual(["agreement.create", "agreement.update", "agreement.archive"]);
  });

  it("refuses an expiry before the signing date (422 naming expiresOn), parties of another region and a missing title, writing nothing", async () => {
    const before = await count();
    const early = await call("/agreements", "POST", covenant({ signedOn: "2025-09-01", expiresOn: "2025-08-31" }));
    expect(early.status).toBe(422);
    expect(Object.keys(early.body.error!.fields!)).toEqual(["expiresOn"]);
    const foreign = await call("/agreements", "POST", covenant({ organisationIds: [company] }), otherRegion);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error!.fields).toHaveProperty("organisationIds");
    const untitled = await call("/agreements", "POST", covenant({ title: "  " }));
    expect(untitled.status).toBe(400);
    expect(untitled.body.error!.fields).toHaveProperty("title");
    const noParties = await call("/agreements", "POST", covenant({ organisationIds: [] }));
    expect(noParties.body.error!.fields).toHaveProperty("organisationIds");
    expect(await count()).toBe(before);
  });

  it("keeps the signed document with the agreement, downloadable by those who may read it", async () => {
    const form = new FormData();
    form.set("kind", "letter_of_intent");
    form.set("title", "Intentieverklaring Hulshof");
    form.append("organisationIds", company);
    form.set("signedOn", "2026-01-15");
    form.set("document", new Blob([SMALL_PDF], { type: "application/pdf" }), "intentieverklaring.pdf");
    const created = await api.request("/api/v1/agreements", { method: "POST", body: form, token: penvoerder });
    expect(created.status).toBe(201);
    const body = (await created.json()) as Body & { document: { id: string; fileName: string } };
    expect(body.document).toMatchObject({ fileName: "intentieverklaring.pdf" });
    const download = await api.request(`/api/v1/documents/${body.document.id}`, { token: partner });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(SMALL_PDF)).toBe(true);
    expect((await api.request(`/api/v1/documents/${body.document.id}`, { token: otherPartner })).status).toBe(404);

    const bad = new FormData();
    bad.set("kind", "covenant");
    bad.set("title", "Met een tekstbestand");
    bad.append("organisationIds", company);
    bad.set("signedOn", "2026-01-15");
    bad.set("document", new Blob(["gewoon tekst"], { type: "application/pdf" }), "nep.pdf");
    const refused = await api.request("/api/v1/agreements", { method: "POST", body: bad, token: penvoerder });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Body).error!.fields).toHaveProperty("document");
  });

  it("lets account holders read but not write, shows a partner only its own organisation's agreements, and hides other regions'", async () => {
    const own = (await call("/agreements", "POST", covenant({ title: "Met Hulshof", organisationIds: [company] }))).body;
    const other = (await call("/agreements", "POST", covenant({ title: "Met Twentse Metaal", organisationIds: [otherCompany] }))).body;
    expect((await call("/agreements", "POST", covenant(), holder)).status).toBe(403);
    expect((await call(`/agreements/${own.id}`, "PATCH", { version: 1, title: "x" }, holder)).status).toBe(403);
    expect((await call(`/agreements/${own.id}`, "DELETE", undefined, holder)).status).toBe(403);
    expect((await call(`/agreements/${own.id}`, "GET", undefined, holder)).status).toBe(200);

    const seen = ((await call("/agreements", "GET", undefined, partner)).body.items ?? []).map((a) => a.title);
    expect(seen).toContain("Met Hulshof");
    expect(seen).not.toContain("Met Twentse Metaal");
    expect((await call(`/agreements/${other.id}`, "GET", undefined, partner)).status).toBe(404);
    expect((await call(`/agreements/${own.id}`, "PATCH", { version: 1, title: "x" }, partner)).status).toBe(403);
    expect((await call(`/agreements/${own.id}`, "GET", undefined, otherRegion)).status).toBe(404);
    expect((await call(`/agreements/${own.id}`, "PATCH", { version: 1, title: "x" }, otherRegion)).status).toBe(404);
  });

  it("lets a commitment rest on an agreement its partner is a party to", async () => {
    const agreement = (await call("/agreements", "POST", covenant({ title: "Samenwerking Hulshof", kind: "cooperation_agreement", organisationIds: [company] }))).body;
    const pledge = await call("/commitments", "POST", { organisationId: company, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100000, agreementId: agreement.id });
    expect(pledge.status).toBe(201);
    expect(pledge.body.agreementId).toBe(agreement.id);
    expect((await call(`/commitments/${pledge.body.id}`)).body.agreement).toMatchObject({ id: agreement.id, title: "Samenwerking Hulshof" });
    const wrong = await call("/commitments", "POST", { organisationId: otherCompany, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100000, agreementId: agreement.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error!.fields).toHaveProperty("agreementId");
  });

  it("reminds the owner and the penvoerder 60 days before expiry, once, and not again the next day", async () => {
    const expiring = await call("/agreements", "POST", covenant({ title: "Intentieverklaring loopt af", kind: "letter_of_intent", organisationIds: [company], signedOn: "2024-01-01", expiresOn: "2027-03-01" }));
    expect(expiring.status).toBe(201);
    const outbox = () => t.db.selectFrom("email_outbox").select(["to_address", "subject", "text"]).where("template", "=", "agreement_expiry").orderBy("to_address").execute();

    // 61 days before: not yet.
    expect(await queueAgreementReminders(t.db, { now: new Date("2026-12-30T06:15:00Z"), appUrl: "http://schakel.test" })).toEqual({ queued: 0 });
    // 60 days before: the owner and the penvoerder, once however often the job runs.
    expect(await queueAgreementReminders(t.db, { now: new Date("2026-12-31T06:15:00Z"), appUrl: "http://schakel.test" })).toEqual({ queued: 2 });
    expect(await queueAgreementReminders(t.db, { now: new Date("2026-12-31T06:15:00Z"), appUrl: "http://schakel.test" })).toEqual({ queued: 0 });
    expect(await queueAgreementReminders(t.db, { now: new Date("2027-01-01T06:15:00Z"), appUrl: "http://schakel.test" })).toEqual({ queued: 0 });
    const emails = await outbox();
    expect(emails.map((e) => e.to_address)).toEqual(["fatima@erasmus.example", "petra@sto-twente.example"]);
    expect(emails[0]!.subject).toBe("Overeenkomst verloopt op 1 maart 2027: Intentieverklaring loopt af");
    expect(emails[0]!.text).toContain("Intentieverklaring \u201cIntentieverklaring loopt af\u201d verloopt op 1 maart 2027, over 60 dagen.");
    expect(emails[0]!.text).toContain("Partijen: Hulshof Installatietechniek");
    expect(emails[0]!.text).toContain(`http://schakel.test/agreements/${expiring.body.id}`);

    const soon = await call("/agreements?expiringWithinDays=60", "GET", undefined, holder);
    expect((soon.body.items ?? []).map((a) => a.title)).toEqual([]);
    const later = createTestApp(t.db, { now: "2027-01-05T10:00:00Z" });
    const list = (await (await later.request("/api/v1/agreements?expiringWithinDays=60", { token: holder })).json()) as Body;
    expect((list.items ?? []).map((a) => a.title)).toEqual(["Intentieverklaring loopt af"]);
  });
});
