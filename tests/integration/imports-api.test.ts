import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";

const HEADER = "Naam;KvK;Plaats;Soort;Subregio;Prioriteit;Status;Tags;Contactpersoon;Functie;E-mail;Telefoon";

function thousandRows(prefix: string, badRow?: number) {
  const lines = [HEADER];
  for (let i = 0; i < 1000; i++) {
    const kvk = String(10_000_000 + i + (prefix === "B" ? 5000 : 0));
    lines.push(`${prefix} Bedrijf ${i};${i === badRow ? "1234" : kvk};Enschede;Bedrijf;Noord;Regulier;Actief;techniek;Contact ${i};HR;contact${i}@${prefix.toLowerCase()}.nl;053-1234567`);
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

describe("POST /api/v1/imports/organisations", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let regionId: string;
  let token: string;
  let otherToken: string;
  let partnerToken: string;
  let penvoerderToken: string;

  const csv = (body: string, query = "") =>
    api.request(`/api/v1/imports/organisations${query}`, { method: "POST", token, body, headers: { "content-type": "text/csv; charset=utf-8" } });
  const countOrganisations = async (like: string) =>
    Number((await t.db.selectFrom("organisations").select((eb) => eb.fn.countAll().as("n")).where("region_id", "=", regionId).where("name", "like", like).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const region = await makeRegion(t.db);
    regionId = region.id;
    token = (await makeUserWithToken(t.db, { regionId, role: "accounthouder" })).token;
    penvoerderToken = (await makeUserWithToken(t.db, { regionId, role: "penvoerder" })).token;
    const [organisation] = await t.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name: "Bestaande Partner BV", kvk_number: "87654321", city: "Almelo" }).returning("id").execute();
    await t.db.insertInto("organisations").values({ region_id: regionId, kind: "company", name: "Café De Zwaan" }).execute();
    partnerToken = (await makeUserWithToken(t.db, { regionId, role: "partner", organisationId: organisation!.id })).token;
    otherToken = (await makeUserWithToken(t.db, { regionId: (await makeRegion(t.db)).id, role: "admin" })).token;
  });
  afterAll(() => t.drop());

  it("shows each row's outcome in a dry run and writes nothing", async () => {
    const body = [
      "Naam,KvK,Plaats,Contactpersoon,E-mail",
      "Nieuw Bedrijf,11112222,Hengelo,Anna de Vries,anna@nieuw.nl",
      "Bestaande Partner BV,87654321,Almelo,,",
      "CAFE DE ZWAAN,,Oldenzaal,,",
      "Nieuw Bedrijf,11112222,Hengelo,Bram Smit,bram@nieuw.nl",
      ",12,Hengelo,,geen-email",
    ].join("\n");
    const response = await csv(body, "?dryRun=true");
    expect(response.status).toBe(200);
    const result = (await response.json()) as { id: string; status: string; counts: Record<string, number>; rows: Array<{ row: number; outcome: string; duplicateOfRow: number | null; reasons: Array<{ column: string; columnLetter: string; message: string }> }> };
    expect(result.status).toBe("staged");
    expect(result.counts).toEqual({ new: 1, update: 2, duplicate: 1, error: 1, contacts: 2 });
    expect(result.rows.map((r) => [r.row, r.outcome])).toEqual([[2, "new"], [3, "update"], [4, "update"], [5, "duplicate"], [6, "error"]]);
    expect(result.rows[3]!.duplicateOfRow).toBe(2);
    const reasons = result.rows[4]!.reasons;
    expect(reasons).toContainEqual(expect.objectContaining({ column: "Naam", columnLetter: "A", message: "This field is required." }));
    expect(reasons).toContainEqual(expect.objectContaining({ column: "KvK", columnLetter: "B", message: "A KvK number has 8 digits." }));
    expect(reasons).toContainEqual(expect.objectContaining({ column: "E-mail", columnLetter: "E" }));
    expect(await countOrganisations("Nieuw%")).toBe(0);

    // The staged import can be read back by its region only.
    expect((await api.request(`/api/v1/imports/${result.id}`, { token })).status).toBe(200);
    expect((await api.request(`/api/v1/imports/${result.id}`, { token: otherToken })).status).toBe(404);
    expect((await api.request(`/api/v1/imports/${result.id}/commit`, { method: "POST", token: otherToken })).status).toBe(404);
    // With an error row, committing the staged import refuses and writes nothing.
    const refused = await api.request(`/api/v1/imports/${result.id}/commit`, { method: "POST", token });
    expect(refused.status).toBe(400);
    expect(await countOrganisations("Nieuw%")).toBe(0);
  });

  it("imports nothing when one row of 1,000 is bad, and names that row and its column", async () => {
    const response = await csv(thousandRows("A", 499));
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; message: string; details: { rejectedRows: Array<{ row: number; reasons: Array<{ column: string; columnLetter: string; message: string }> }> } } };
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.message).toContain("row 501: column B (KvK): A KvK number has 8 digits.");
    expect(error.details.rejectedRows).toEqual([{ row: 501, name: "A Bedrijf 499", outcome: "error", organisationId: null, duplicateOfRow: null, addsContact: false, reasons: [{ column: "KvK", columnLetter: "B", field: "kvkNumber", message: "A KvK number has 8 digits." }] }]);
    expect(await countOrganisations("A Bedrijf%")).toBe(0);
    expect(await t.db.selectFrom("imports").select("id").where("region_id", "=", regionId).where("status", "=", "committed").execute()).toHaveLength(0);
  });

  it("imports all 1,000 organisations with their contact people from the same file without the bad row", async () => {
    const response = await csv(thousandRows("A"), "?fileName=partners.csv");
    expect(response.status).toBe(201);
    const result = (await response.json()) as { id: string; status: string; counts: Record<string, number> };
    expect(result.status).toBe("committed");
    expect(result.counts).toEqual({ new: 1000, update: 0, duplicate: 0, error: 0, contacts: 1000 });
    expect(await countOrganisations("A Bedrijf%")).toBe(1000);

    const one = await t.db
      .selectFrom("organisations")
      .innerJoin("affiliations", "affiliations.organisation_id", "organisations.id")
      .innerJoin("people", "people.id", "affiliations.person_id")
      .innerJoin("subregions", "subregions.id", "organisations.subregion_id")
      .select(["organisations.kvk_number", "organisations.tags", "subregions.name as subregion", "people.name", "people.email", "people.source", "affiliations.role", "affiliations.is_primary", "affiliations.start_date"])
      .where("organisations.name", "=", "A Bedrijf 7")
      .executeTakeFirstOrThrow();
    expect(one).toEqual({ kvk_number: "10000007", tags: ["techniek"], subregion: "Noord", name: "Contact 7", email: "contact7@a.nl", source: "Import: partners.csv", role: "HR", is_primary: true, start_date: "2026-11-23" });

    // Their relationship health is computed at once, as after any other change.
    const healthy = await t.db.selectFrom("organisation_health").innerJoin("organisations", "organisations.id", "organisation_health.organisation_id").select((eb) => eb.fn.countAll().as("n")).where("organisations.name", "like", "A Bedrijf%").executeTakeFirstOrThrow();
    expect(Number(healthy.n)).toBe(1000);

    // One audit entry for the import, and each organisation's own entry says which import made it.
    const audit = await t.db.selectFrom("audit_log").select(["action", "after"]).where("entity_id", "=", result.id).execute();
    expect(audit).toEqual([{ action: "import.commit", after: { fileName: "partners.csv", counts: result.counts } }]);
    const created = await t.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).where("action", "=", "organisation.create").where(({ ref }) => ref("after", "->>").key("importId" as never), "=", result.id as never).executeTakeFirstOrThrow();
    expect(Number(created.n)).toBe(1000);

    // Importing the same file again updates the same organisations and adds no one twice.
    const again = await csv(thousandRows("A"), "?dryRun=true");
    const counts = ((await again.json()) as { counts: Record<string, number> }).counts;
    expect(counts).toEqual({ new: 0, update: 1000, duplicate: 0, error: 0, contacts: 0 });
  });

  it("reads an XLSX body, with the mapping given for a column it does not recognise", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Partners");
    sheet.addRow(["Bedrijfsnaam", "KvK-nummer", "Plaats", "Opmerking", "Wie"]);
    sheet.addRow(["Excel Techniek BV", 22223333, "Almelo", "leuk bedrijf", "Carla Jansen"]);
    sheet.addRow(["Bestaande Partner BV", 87654321, "Almelo Centrum", "", ""]);
    const body = Buffer.from(await workbook.xlsx.writeBuffer());
    const mapping = encodeURIComponent(JSON.stringify({ Opmerking: null, Wie: "contactName" }));
    const response = await api.request(`/api/v1/imports/organisations?mapping=${mapping}`, {
      method: "POST", token, body, headers: { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { counts: unknown }).counts).toEqual({ new: 1, update: 1, duplicate: 0, error: 0, contacts: 1 });
    const updated = await t.db.selectFrom("organisations").select(["city", "version"]).where("kvk_number", "=", "87654321").executeTakeFirstOrThrow();
    expect(updated).toEqual({ city: "Almelo Centrum", version: 2 });
  });

  it("reads Windows-1252 text as older Excel versions save it", async () => {
    const body = Uint8Array.from([...Buffer.from("Naam;Plaats\nCaf"), 0xe9, ...Buffer.from(" Het Hoekje;Borne\n")]);
    const response = await api.request("/api/v1/imports/organisations?dryRun=true", { method: "POST", token, body, headers: { "content-type": "text/csv" } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { rows: Array<{ name: string }> }).rows[0]!.name).toBe("Café Het Hoekje");
  });

  it("refuses a column it cannot map, naming the column, and writes nothing", async () => {
    const response = await csv("Naam;Opmerking\nOnbekend BV;hallo\n");
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { message: string } };
    expect(error.message).toContain("column B (Opmerking) matches no field");
    expect(await countOrganisations("Onbekend%")).toBe(0);
  });

  it("refuses a file that is not CSV or XLSX, and one larger than 50 MB", async () => {
    const pdf = await api.request("/api/v1/imports/organisations", { method: "POST", token, body: "%PDF-1.7\n\u0000\u0001\u0002binary", headers: { "content-type": "application/pdf" } });
    expect(pdf.status).toBe(400);
    expect(((await pdf.json()) as { error: { message: string } }).error.message).toBe("The file is not a CSV or XLSX file");
    const zipAsCsv = await api.request("/api/v1/imports/organisations", { method: "POST", token, body: "PK\u0003\u0004rest", headers: { "content-type": "text/csv" } });
    expect(zipAsCsv.status).toBe(400);

    const big = `${HEADER}\n${"x".repeat(51 * 1024 * 1024)}`;
    const tooLarge = await csv(big);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { message: string } }).error.message).toContain("larger than 50 MB");
  });

  it("keeps the 2 MB limit on every other address", async () => {
    const response = await api.request("/api/v1/organisations", { method: "POST", token, body: JSON.stringify({ name: "x".repeat(3 * 1024 * 1024), kind: "company" }) });
    expect(response.status).toBe(413);
  });

  it("is refused to partner users and penvoerders", async () => {
    expect((await api.request("/api/v1/imports/organisations", { method: "POST", token: partnerToken, body: "Naam\nX\n", headers: { "content-type": "text/csv" } })).status).toBe(403);
    expect((await api.request("/api/v1/imports/organisations", { method: "POST", token: penvoerderToken, body: "Naam\nX\n", headers: { "content-type": "text/csv" } })).status).toBe(403);
  });
});
