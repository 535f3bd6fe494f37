import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

describe("exporting the organisation list", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db);
    const region = await makeRegion(t.db);
    token = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    otherToken = (await makeUserWithToken(t.db, { regionId: (await makeRegion(t.db)).id, role: "accounthouder" })).token;
    // More rows than one export page (1000), so the keyset paging inside the export is exercised.
    const rows = Array.from({ length: 1205 }, (_, i) => ({
      region_id: region.id, kind: i % 2 ? ("company" as const) : ("mbo" as const), name: `Organisatie ${String(i).padStart(4, "0")}`, city: "Enschede", tags: i === 7 ? ["café"] : [],
    }));
    await t.db.insertInto("organisations").values(rows).execute();
  });
  afterAll(() => t.drop());

  it("streams every filtered organisation as CSV, with Dutch headers and accents intact", async () => {
    const response = await api.request("/api/v1/organisations?format=csv&kind=mbo", { token });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    const text = await response.text();
    const lines = text.replace(/^\uFEFF/, "").trim().split("\n");
    expect(lines[0]).toMatch(/^Naam;Soort;KvK-nummer/);
    expect(lines).toHaveLength(1 + 603);
    expect(lines[1]).toContain("Organisatie 0000;Mbo");
  });

  it("writes an XLSX workbook that Excel can open, with every row", async () => {
    const response = await api.request("/api/v1/organisations?format=xlsx", { token });
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(1 + 1205);
    expect(sheet.getRow(1).getCell(1).value).toBe("Naam");
    expect(sheet.getRow(9).getCell(13).value).toBe("café");
  });

  it("keeps characters that mean something in XML intact in the XLSX, and drops control characters a cell cannot hold", async () => {
    const region = await t.db.selectFrom("organisations").select("region_id").limit(1).executeTakeFirstOrThrow();
    await t.db.insertInto("organisations").values({ region_id: region.region_id, kind: "vmbo", name: `Bakker & Zn "De <Oven>"\u0007`, city: "  Hengelo" }).execute();
    const response = await api.request("/api/v1/organisations?format=xlsx&kind=vmbo", { token });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.name).toBe("Organisaties");
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(2).getCell(1).value).toBe('Bakker & Zn "De <Oven>"');
    expect(sheet.getRow(2).getCell(8).value).toBe("  Hengelo");
  });

  it("exports nothing of another region and refuses an unknown format", async () => {
    const text = await (await api.request("/api/v1/organisations?format=csv", { token: otherToken })).text();
    expect(text.replace(/^\uFEFF/, "").trim().split("\n")).toHaveLength(1);
    expect((await api.request("/api/v1/organisations?format=pdf", { token })).status).toBe(400);
  });
});
