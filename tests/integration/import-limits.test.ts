import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPORT_LIMITS, readImportStream } from "../../server/domains/imports/imports.parse";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";
import { xlsxParts, zipOf } from "../support/payloads";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Rows of one number each, `<row r="n"><c r="An"><v>n</v></c></row>`, from `from` to `to`. */
const numberRows = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `<row r="${from + i}"><c r="A${from + i}"><v>${from + i}</v></c></row>`).join("");

/**
 * Files built to cost the server more than any list of organisations would: each is refused with a
 * 400 that says what is wrong, at the first limit passed, and nothing is stored. The limits that a
 * test could only reach with hundreds of megabytes are checked on the reader itself with smaller limits.
 */
describe("import files built to exhaust the server", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let token: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const regionId = (await makeRegion(t.db)).id;
    token = (await makeUserWithToken(t.db, { regionId, role: "accounthouder" })).token;
  });
  afterAll(() => t.drop());

  const dryRun = (body: string | Buffer, contentType = "text/csv") =>
    api.request("/api/v1/imports/organisations?dryRun=true", { method: "POST", token, body: body as BodyInit, headers: { "content-type": contentType } });
  const refusal = async (response: Response) => ({ status: response.status, body: (await response.json()) as { error: { code: string; message: string } } });
  const stored = async () => (await t.db.selectFrom("imports").select("id").execute()).length;

  it("refuses a CSV of one-character rows at row 100,001 instead of reading all of it", async () => {
    const response = await dryRun(`Naam\n${"a\n".repeat(1_000_000)}`);
    expect(await refusal(response)).toEqual({ status: 400, body: { error: { code: "VALIDATION_FAILED", message: "The file has more than 100000 rows; split it" } } });
    expect(await stored()).toBe(0);
  });

  it("refuses a CSV line of 20,000 empty cells (which csv-parse's record size does not count)", async () => {
    const response = await dryRun(`Naam;Plaats\nEen;Enschede\n${";".repeat(20_000)}\n`);
    expect(await refusal(response)).toEqual({ status: 400, body: { error: { code: "VALIDATION_FAILED", message: "Row 3 has more than 100 columns" } } });
  });

  it("refuses a header of 500 columns", async () => {
    const response = await dryRun(`${Array.from({ length: 500 }, (_, i) => `Kolom ${i}`).join(";")}\nEen\n`);
    expect((await refusal(response)).body.error.message).toBe("Row 1 has more than 100 columns");
  });

  it("refuses a quote that is never closed, which would make the rest of the file one cell", async () => {
    const response = await dryRun(`Naam;Plaats\n"Een;${"x".repeat(400_000)}\n`);
    expect(await refusal(response)).toEqual({ status: 400, body: { error: { code: "VALIDATION_FAILED", message: "Row 2 has a cell longer than 32767 characters" } } });
  });

  it("refuses an XLSX of one-number rows at row 100,001", async () => {
    const response = await dryRun(zipOf(xlsxParts(numberRows(1, 100_002), { deflateSheet: true })), XLSX_TYPE);
    expect((await refusal(response)).body.error.message).toBe("The file has more than 100000 rows; split it");
  });

  it("refuses an XLSX whose sheet holds a 2 MB text that the XML parser would hold whole", async () => {
    const sheet = `<row r="1"><c r="A1" t="str"><v>${"x".repeat(2 * 1024 * 1024)}</v></c></row>`;
    const response = await dryRun(zipOf(xlsxParts(sheet, { deflateSheet: true })), XLSX_TYPE);
    expect(await refusal(response)).toEqual({
      status: 400,
      body: { error: { code: "VALIDATION_FAILED", message: "The Excel file unpacks to more data than an import can read; save the sheet as CSV or split it" } },
    });
  });

  it("reads a sheet that Excel stored before its shared strings, and takes only the first sheet", async () => {
    const sheet = `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>8123456</v></c></row>`;
    const table = await readImportStream([zipOf(xlsxParts(sheet, { sharedStrings: ["Naam", "KvK", "Bouwbedrijf &amp; Zn"] }))] as unknown as AsyncIterable<Uint8Array>, { contentType: XLSX_TYPE });
    expect(table).toEqual({ headers: ["Naam", "KvK"], rows: [[2, ["Bouwbedrijf & Zn", "8123456"]]] });
  });

  describe("the reader's limits, made small", () => {
    const read = (zip: Buffer, limits: Partial<typeof IMPORT_LIMITS>) => readImportStream([zip] as unknown as AsyncIterable<Uint8Array>, { contentType: XLSX_TYPE }, { ...IMPORT_LIMITS, ...limits });

    it("stops a zip bomb: a sheet of 20 kB that unpacks to 5 MB of empty rows passes the unpacked total", async () => {
      const bomb = Buffer.from(`<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${'<row r="1"/>'.repeat(400_000)}`);
      const zip = zipOf(xlsxParts(bomb, { deflateSheet: true }));
      expect(zip.length).toBeLessThan(100_000);
      await expect(read(zip, { maxXmlBytes: 1024 * 1024 })).rejects.toThrow("The Excel file unpacks to more data than an import can read");
    });

    it("stops a sheet of empty rows at the sheet's row limit", async () => {
      const sheet = `<row r="1"><c r="A1"><v>1</v></c></row>${'<row r="2"/>'.repeat(2_000)}`;
      await expect(read(zipOf(xlsxParts(sheet)), { maxSheetRows: 1_000 })).rejects.toThrow("The Excel file unpacks to more data");
    });

    it("stops a shared strings table with more entries than allowed", async () => {
      const strings = Array.from({ length: 50 }, (_, i) => `Tekst ${i}`);
      await expect(read(zipOf(xlsxParts(`<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, { sharedStrings: strings })), { maxSharedStrings: 10 })).rejects.toThrow("The Excel file unpacks to more data");
    });

    it("stops a CSV at its byte limit while reading, whatever its rows", async () => {
      await expect(readImportStream([Buffer.from(`Naam\n${"Bedrijf\n".repeat(1000)}`)] as unknown as AsyncIterable<Uint8Array>, {}, { ...IMPORT_LIMITS, maxBytes: 1000 })).rejects.toThrow("The file is larger than 50 MB");
    });
  });
});
