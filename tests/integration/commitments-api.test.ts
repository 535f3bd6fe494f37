import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } };

/** A small but real PDF: the header, one empty page, the trailer. */
const SMALL_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

describe("/api/v1/commitments", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let penvoerder: string;
  let admin: string;
  let holder: string;
  let partner: string;
  let otherPartner: string;
  let otherRegion: string;
  let companyId: string;
  let otherCompanyId: string;

  const json = async (response: Response) => (await response.json()) as Body;
  const post = (path: string, body: unknown, token = penvoerder) => api.request(`/api/v1${path}`, { method: "POST", body: JSON.stringify(body), token });
  const count = async (table: "commitments" | "commitment_realisations" | "documents") =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  const cashPledge = (overrides: Record<string, unknown> = {}) => ({ organisationId: companyId, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 250000, ...overrides });
  const upload = (commitmentId: string, fields: Record<string, string>, file?: { bytes: Uint8Array; name: string; type: string }, token = penvoerder) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    if (file) form.set("evidence", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return api.request(`/api/v1/commitments/${commitmentId}/realisations`, { method: "POST", body: form, token });
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db);
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const organisation = (regionId: string, name: string) =>
      t.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name }).returning("id").executeTakeFirstOrThrow();
    companyId = (await organisation(region.id, "Hulshof Installatietechniek")).id;
    otherCompanyId = (await organisation(region.id, "Twentse Metaal")).id;
    await organisation(other.id, "Elders BV");
    penvoerder = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" })).token;
    admin = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    holder = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    partner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: companyId })).token;
    otherPartner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: otherCompanyId })).token;
    otherRegion = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
  });
  afterAll(() => t.drop());

  it("records a cash pledge of €2,500 and 40 hours × €65 in kind, realises €2,500, and shows the totals to the cent", async () => {
    const cash = await post("/commitments", cashPledge());
    expect(cash.status).toBe(201);
    const cashBody = await json(cash);
    expect(cashBody).toMatchObject({ organisationId: companyId, organisationName: "Hulshof Installatietechniek", schoolYear: "2025-2026", kind: "cash", amountCents: 250000, status: "pledged", realisedCents: 0, version: 1 });

    const inKind = await post("/commitments", { organisationId: companyId, schoolYear: "2025-2026", kind: "in_kind", category: "hours", valuation: "hours_rate", hours: 40, hourlyRateCents: 6500 });
    expect(inKind.status).toBe(201);
    expect(await json(inKind)).toMatchObject({ amountCents: 260000, hours: 40, hourlyRateCents: 6500, valuation: "hours_rate" });

    const realisation = await post(`/commitments/${cashBody.id}/realisations`, { date: "2025-10-01", amountCents: 250000, description: "Bijdrage schooljaar", evidence: "Factuur 2025-113" });
    expect(realisation.status).toBe(201);
    const realised = await json(realisation);
    expect(realised).toMatchObject({ date: "2025-10-01", amountCents: 250000, evidence: "Factuur 2025-113" });
    // Reaching the pledge makes it realised in the same change.
    expect(realised.commitment).toMatchObject({ realisedCents: 250000, status: "realised", version: 2 });

    const list = await json(await api.request(`/api/v1/commitments?schoolYear=2025-2026&organisationId=${companyId}`, { token: holder }));
    expect(list.totals).toEqual({ pledgedCents: 510000, realisedCents: 250000, count: 2 });
    expect((list.items as unknown[]).length).toBe(2);

    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", cashBody.id as string).orderBy("created_at").execute();
    expect(audit.map((a) => a.action)).toEqual(["commitment.create", "commitment.realisation"]);
  });

  it("refuses negative and fractional amounts naming the field, and a school year that does not exist, writing nothing", async () => {
    const before = await count("commitments");
    for (const [body, field] of [
      [cashPledge({ amountCents: -100 }), "amountCents"],
      [cashPledge({ amountCents: 2500.5 }), "amountCents"],
      [cashPledge({ schoolYear: "2025-2027" }), "schoolYear"],
      [cashPledge({ schoolYear: "2025/2026" }), "schoolYear"],
      [{ ...cashPledge(), kind: "in_kind", category: "hours", valuation: "hours_rate", hours: 40, hourlyRateCents: -6500 }, "hourlyRateCents"],
      [{ ...cashPledge(), kind: "in_kind", category: "hours", valuation: "hours_rate", hours: 40, hourlyRateCents: 6500, amountCents: 1 }, "amountCents"],
      [cashPledge({ category: "materials" }), "category"],
    ] as const) {
      const response = await post("/commitments", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys((await json(response)).error?.fields ?? {})).toContain(field);
    }
    expect((await json(await post("/commitments", cashPledge({ amountCents: -1 })))).error?.fields?.amountCents).toBe("Enter an amount in whole cents, not negative.");
    expect(await count("commitments")).toBe(before);
  });

  it("refuses a realisation for a lapsed commitment, and one above the pledge without a note (boven toezegging)", async () => {
    const pledge = await json(await post("/commitments", cashPledge({ amountCents: 100000 })));
    const before = await count("commitment_realisations");
    const above = await post(`/commitments/${pledge.id}/realisations`, { date: "2025-11-01", amountCents: 120000 });
    expect(above.status).toBe(422);
    const aboveBody = await json(above);
    expect(aboveBody.error?.message).toContain("boven toezegging");
    expect(aboveBody.error?.fields?.description).toBeDefined();
    const negative = await post(`/commitments/${pledge.id}/realisations`, { date: "2025-11-01", amountCents: -5 });
    expect(negative.status).toBe(400);
    expect((await json(negative)).error?.fields?.amountCents).toBeDefined();
    expect(await count("commitment_realisations")).toBe(before);

    const explained = await post(`/commitments/${pledge.id}/realisations`, { date: "2025-11-01", amountCents: 120000, description: "Extra machine-uren na de open dag" });
    expect(explained.status).toBe(201);

    const lapsing = await json(await post("/commitments", cashPledge({ amountCents: 50000 })));
    const lapsed = await api.request(`/api/v1/commitments/${lapsing.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, status: "lapsed" }), token: penvoerder });
    expect(lapsed.status).toBe(200);
    const afterLapse = await count("commitment_realisations");
    const refused = await post(`/commitments/${lapsing.id}/realisations`, { date: "2025-11-01", amountCents: 1000, description: "te laat" });
    expect(refused.status).toBe(422);
    expect(await count("commitment_realisations")).toBe(afterLapse);
  });

  it("moves a commitment pledged → agreed → realised → accounted, refuses other steps (422) and a stale version (409)", async () => {
    const pledge = await json(await post("/commitments", cashPledge()));
    const patch = (body: unknown, token = penvoerder) => api.request(`/api/v1/commitments/${pledge.id}`, { method: "PATCH", body: JSON.stringify(body), token });
    expect((await patch({ version: 1, status: "accounted" })).status).toBe(422);
    expect(await json(await patch({ version: 1, status: "agreed", agreementReference: "Intentieverklaring 2025-04" }))).toMatchObject({ status: "agreed", version: 2, agreementReference: "Intentieverklaring 2025-04" });
    const stale = await patch({ version: 1, notes: "later" });
    expect(stale.status).toBe(409);
    expect((await patch({ version: 2, status: "realised" }, admin)).status).toBe(200);
    expect((await patch({ version: 3, status: "accounted" })).status).toBe(200);
    expect((await patch({ version: 4, status: "lapsed" })).status).toBe(422);
    const current = await json(await api.request(`/api/v1/commitments/${pledge.id}`, { token: penvoerder }));
    expect(current).toMatchObject({ status: "accounted", version: 4, notes: null });
    const actions = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", pledge.id as string).orderBy("created_at").orderBy("id").execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(["commitment.agreed", "commitment.realised", "commitment.accounted"]));
  });

  it("recomputes the amount when the hours of an in-kind pledge change", async () => {
    const pledge = await json(await post("/commitments", { organisationId: companyId, schoolYear: "2026-2027", kind: "in_kind", category: "guest_lessons", valuation: "hours_rate", hours: 10, hourlyRateCents: 6500 }));
    const changed = await api.request(`/api/v1/commitments/${pledge.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, hours: 12.5 }), token: penvoerder });
    expect(await json(changed)).toMatchObject({ hours: 12.5, amountCents: 81250 });
  });

  it("an account holder's attempt to change a commitment is refused (403) and changes nothing", async () => {
    const pledge = await json(await post("/commitments", cashPledge()));
    const changes = await count("commitments");
    expect((await post("/commitments", cashPledge(), holder)).status).toBe(403);
    const patch = await api.request(`/api/v1/commitments/${pledge.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, amountCents: 1 }), token: holder });
    expect(patch.status).toBe(403);
    expect((await post(`/commitments/${pledge.id}/realisations`, { date: "2025-11-01", amountCents: 100 }, holder)).status).toBe(403);
    expect((await api.request(`/api/v1/commitments/${pledge.id}`, { method: "DELETE", token: holder })).status).toBe(403);
    expect(await count("commitments")).toBe(changes);
    expect(await json(await api.request(`/api/v1/commitments/${pledge.id}`, { token: holder }))).toMatchObject({ amountCents: 250000, version: 1, realisations: [] });
  });

  it("a partner sees and confirms only its own organisation's commitments; another region's are not found", async () => {
    const own = await json(await post("/commitments", cashPledge({ schoolYear: "2024-2025" })));
    const others = await json(await post("/commitments", cashPledge({ organisationId: otherCompanyId, schoolYear: "2024-2025" })));
    const listed = await json(await api.request("/api/v1/commitments?schoolYear=2024-2025", { token: partner }));
    expect((listed.items as Array<{ id: string }>).map((c) => c.id)).toEqual([own.id]);
    expect((await api.request(`/api/v1/commitments/${others.id}`, { token: partner })).status).toBe(404);
    expect((await post(`/commitments/${others.id}/confirm`, {}, partner)).status).toBe(404);
    expect((await post(`/commitments/${own.id}/realisations`, { date: "2025-01-01", amountCents: 100 }, partner)).status).toBe(403);
    expect((await api.request(`/api/v1/commitments/${own.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, amountCents: 1 }), token: partner })).status).toBe(403);

    const confirmed = await post(`/commitments/${own.id}/confirm`, {}, partner);
    expect(confirmed.status).toBe(200);
    expect((await json(confirmed)).confirmedAt).toBeTruthy();
    expect((await post(`/commitments/${own.id}/confirm`, {}, penvoerder)).status).toBe(403);
    expect((await post(`/commitments/${own.id}/confirm`, {}, otherPartner)).status).toBe(404);
    const audit = await t.db.selectFrom("audit_log").select(["action", "actor_id"]).where("entity_id", "=", own.id as string).where("action", "=", "commitment.confirm").execute();
    expect(audit).toHaveLength(1);

    expect((await api.request(`/api/v1/commitments/${own.id}`, { token: otherRegion })).status).toBe(404);
    expect((await api.request(`/api/v1/commitments/${own.id}`, { method: "PATCH", body: JSON.stringify({ version: 2, notes: "x" }), token: otherRegion })).status).toBe(404);
    expect((await post(`/commitments/${own.id}/realisations`, { date: "2025-01-01", amountCents: 100 }, otherRegion)).status).toBe(404);
    expect((await post("/commitments", cashPledge(), otherRegion)).status).toBe(400);
    expect(((await json(await api.request("/api/v1/commitments", { token: otherRegion }))).items as unknown[]).length).toBe(0);
  });

  it("keeps an uploaded PDF as evidence and serves it as a download to those who may read the commitment", async () => {
    const pledge = await json(await post("/commitments", cashPledge({ organisationId: companyId, schoolYear: "2023-2024" })));
    const response = await upload(pledge.id as string, { date: "2024-03-01", amountCents: "100000", description: "Eerste termijn" }, { bytes: SMALL_PDF, name: "factuur-113.pdf", type: "application/pdf" });
    expect(response.status).toBe(201);
    const realisation = await json(response);
    const document = realisation.document as { id: string; fileName: string; contentType: string; sizeBytes: number; sha256: string };
    expect(document).toMatchObject({ fileName: "factuur-113.pdf", contentType: "application/pdf", sizeBytes: SMALL_PDF.byteLength });
    expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);

    const download = await api.request(`/api/v1/documents/${document.id}`, { token: holder });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="factuur-113.pdf"/);
    expect(Buffer.from(await download.arrayBuffer()).equals(SMALL_PDF)).toBe(true);
    expect((await api.request(`/api/v1/documents/${document.id}`, { token: partner })).status).toBe(200);
    expect((await api.request(`/api/v1/documents/${document.id}`, { token: otherPartner })).status).toBe(404);
    expect((await api.request(`/api/v1/documents/${document.id}`, { token: otherRegion })).status).toBe(404);
  });

  it("refuses a text file renamed .pdf and a file over 10 MB, writing nothing", async () => {
    const pledge = await json(await post("/commitments", cashPledge({ schoolYear: "2022-2023" })));
    const before = { realisations: await count("commitment_realisations"), documents: await count("documents") };
    const text = await upload(pledge.id as string, { date: "2023-03-01", amountCents: "1000" }, { bytes: Buffer.from("Dit is geen PDF maar gewone tekst.\n"), name: "factuur.pdf", type: "application/pdf" });
    expect(text.status).toBe(400);
    expect((await json(text)).error?.fields?.evidence).toBe("Upload a PDF, PNG or JPEG file");

    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(SMALL_PDF.subarray(0, 8));
    const justOver = await upload(pledge.id as string, { date: "2023-03-01", amountCents: "1000" }, { bytes: big, name: "groot.pdf", type: "application/pdf" });
    expect(justOver.status).toBe(400);
    expect((await json(justOver)).error?.fields?.evidence).toBe("The file is larger than 10 MB");
    const huge = await upload(pledge.id as string, { date: "2023-03-01", amountCents: "1000" }, { bytes: new Uint8Array(11 * 1024 * 1024), name: "enorm.pdf", type: "application/pdf" });
    expect(huge.status).toBe(413);
    expect((await json(huge)).error?.code).toBe("VALIDATION_FAILED");
    expect({ realisations: await count("commitment_realisations"), documents: await count("documents") }).toEqual(before);
  });

  it("takes back a realisation recorded by mistake: it leaves the total and stays in the audit log", async () => {
    const pledge = await json(await post("/commitments", cashPledge({ schoolYear: "2019-2020", amountCents: 90000 })));
    const first = await json(await post(`/commitments/${pledge.id}/realisations`, { date: "2020-01-01", amountCents: 40000 }));
    await post(`/commitments/${pledge.id}/realisations`, { date: "2020-02-01", amountCents: 10000 });
    expect((await api.request(`/api/v1/commitments/${pledge.id}/realisations/${first.id}`, { method: "DELETE", token: holder })).status).toBe(403);
    const taken = await api.request(`/api/v1/commitments/${pledge.id}/realisations/${first.id}`, { method: "DELETE", token: penvoerder });
    expect(taken.status).toBe(200);
    const after = await json(taken);
    expect(after).toMatchObject({ realisedCents: 10000 });
    expect((after.realisations as unknown[]).length).toBe(1);
    expect((await api.request(`/api/v1/commitments/${pledge.id}/realisations/${first.id}`, { method: "DELETE", token: penvoerder })).status).toBe(404);
    const row = await t.db.selectFrom("commitment_realisations").select("archived_at").where("id", "=", first.id as string).executeTakeFirstOrThrow();
    expect(row.archived_at).not.toBeNull();
  });

  it("pages through commitments with a cursor", async () => {
    const first = await json(await api.request("/api/v1/commitments?limit=2", { token: penvoerder }));
    expect((first.items as unknown[]).length).toBe(2);
    const seen = new Set((first.items as Array<{ id: string }>).map((c) => c.id));
    let cursor = first.nextCursor as string | null;
    while (cursor) {
      const page = await json(await api.request(`/api/v1/commitments?limit=2&cursor=${cursor}`, { token: penvoerder }));
      for (const item of page.items as Array<{ id: string }>) {
        expect(seen.has(item.id)).toBe(false);
        seen.add(item.id);
      }
      cursor = page.nextCursor as string | null;
    }
    const all = await json(await api.request("/api/v1/commitments?limit=200", { token: penvoerder }));
    expect(seen.size).toBe((all.items as unknown[]).length);
  });
});
