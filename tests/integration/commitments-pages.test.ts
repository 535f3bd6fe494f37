import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

const SMALL_PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
/** Intl writes a non-breaking space between € and the amount; pages are compared as people read them. */
const plain = (html: string) => html.replace(/\u00a0|&nbsp;/g, " ");

describe("the co-financing pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  const penvoerder = new CookieJar();
  const holder = new CookieJar();
  const partner = new CookieJar();
  let companyId: string;
  let otherId: string;

  const upload = (path: string, fields: Record<string, string>, file: { bytes: Uint8Array; name: string; type: string } | null, jar: CookieJar) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.set(key, value);
    if (file) form.set("evidence", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return web.request(path, { method: "POST", body: form, jar, headers: { origin: web.appUrl } });
  };
  const pledge = (fields: Record<string, string>) =>
    web.postForm("/commitments/new", { organisationId: companyId, schoolYear: "2025-2026", kind: "cash", category: "cash", valuation: "", ...fields }, { jar: penvoerder });

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    companyId = (await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Hulshof Installatietechniek" }).returning("id").executeTakeFirstOrThrow()).id;
    otherId = (await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Twentse Metaal" }).returning("id").executeTakeFirstOrThrow()).id;
    const accounts: Array<[CookieJar, "penvoerder" | "accounthouder" | "partner"]> = [[penvoerder, "penvoerder"], [holder, "accounthouder"], [partner, "partner"]];
    for (const [jar, role] of accounts) {
      const user = await makeUser(t.db, { regionId: region.id, role, organisationId: role === "partner" ? companyId : null });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("records a pledge typed the Dutch way, adds a realisation with a PDF, and shows the amounts in euros", async () => {
    const created = await pledge({ amount: "2.500,00" });
    expect(created.status).toBe(302);
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    expect(path).toMatch(/^\/commitments\/[0-9a-f-]{36}$/);
    const inKind = await pledge({ kind: "in_kind", category: "hours", valuation: "hours_rate", hours: "40", hourlyRate: "65" });
    expect(inKind.status).toBe(302);

    const added = await upload(path, { intent: "realisation", date: "2025-10-01", amount: "2500", description: "Bijdrage" }, { bytes: SMALL_PDF, name: "factuur.pdf", type: "application/pdf" }, penvoerder);
    expect(added.status).toBe(302);
    expect(added.headers.get("location")).toBe(`${path}?saved=realisation`);
    const detail = plain(await (await web.get(added.headers.get("location")!, { jar: penvoerder })).text());
    expect(alertsOf(detail)).toContain("De realisatie is vastgelegd.");
    expect(detail).toContain("€ 2.500,00");
    expect(detail).toContain("factuur.pdf downloaden");
    expect(detail).toContain("Gerealiseerd");

    const list = plain(await (await web.get("/commitments?schoolYear=2025-2026", { jar: holder })).text());
    expect(list).toMatch(/data-testid="total-pledged">€ 5\.100,00</);
    expect(list).toMatch(/data-testid="total-realised">€ 2\.500,00</);
    expect(list).toContain("Hulshof Installatietechniek");
    expect(list).toContain("Cofinanciering");
  });

  it("explains a negative amount or one with three decimals next to the field, and writes nothing", async () => {
    const before = await t.db.selectFrom("commitments").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    for (const amount of ["-5", "2500,505", "twee"]) {
      const response = await pledge({ amount });
      expect(response.status).toBe(400);
      expect(fieldErrorOf(await response.text(), "amount")).toBe("Vul een bedrag in euro's in, zoals 2500 of 2.500,00: niet negatief, hoogstens 2 decimalen.");
    }
    const badYear = await pledge({ amount: "100", schoolYear: "2025-2027" });
    expect(fieldErrorOf(await badYear.text(), "schoolYear")).toBe("Vul een bestaand schooljaar in als 2025-2026.");
    const after = await t.db.selectFrom("commitments").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("refuses a text file posing as a PDF and a realisation above the pledge without a note, next to the field", async () => {
    const created = await pledge({ amount: "1000", schoolYear: "2024-2025" });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    const fake = await upload(path, { intent: "realisation", date: "2025-01-10", amount: "500" }, { bytes: Buffer.from("gewone tekst"), name: "factuur.pdf", type: "application/pdf" }, penvoerder);
    expect(fake.status).toBe(400);
    expect(fieldErrorOf(await fake.text(), "evidence")).toBe("Upload een PDF, PNG of JPEG.");
    const above = await upload(path, { intent: "realisation", date: "2025-01-10", amount: "1.000,01" }, null, penvoerder);
    expect(above.status).toBe(422);
    expect(fieldErrorOf(await above.text(), "description")).toContain("Boven toezegging");
    const rows = await t.db.selectFrom("commitment_realisations").innerJoin("commitments", "commitments.id", "commitment_realisations.commitment_id").select("commitment_realisations.id").where("commitments.school_year", "=", "2024-2025").execute();
    expect(rows).toHaveLength(0);
  });

  it("sends a file over 10 MB back to the page with a message in Dutch, before reading it", async () => {
    const created = await pledge({ amount: "1000", schoolYear: "2020-2021" });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    const huge = await upload(path, { intent: "realisation", date: "2021-01-10", amount: "500" }, { bytes: new Uint8Array(11 * 1024 * 1024), name: "scan.pdf", type: "application/pdf" }, penvoerder);
    expect(huge.status).toBe(303);
    expect(huge.headers.get("location")).toBe(`${path}?error=tooLarge`);
    expect(alertsOf(await (await web.get(`${path}?error=tooLarge`, { jar: penvoerder })).text())).toContain("Het bestand is groter dan 10 MB.");
  });

  it("moves the status along with a button and refuses a second click on the old version", async () => {
    const created = await pledge({ amount: "750", schoolYear: "2026-2027" });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    const agreed = await web.postForm(path, { intent: "status", status: "agreed", version: "1" }, { jar: penvoerder });
    expect(agreed.status).toBe(302);
    expect(plain(await (await web.get(path, { jar: penvoerder })).text())).toContain('data-testid="status">Afgesproken<');
    const stale = await web.postForm(path, { intent: "status", status: "lapsed", version: "1" }, { jar: penvoerder });
    expect(stale.status).toBe(409);
  });

  it("lets an account holder read but not change, and a partner see and confirm only its own", async () => {
    const created = await pledge({ amount: "300", schoolYear: "2021-2022" });
    const path = (created.headers.get("location") ?? "").replace(/\?.*$/, "");
    const others = await pledge({ amount: "300", schoolYear: "2021-2022", organisationId: otherId });
    const otherPath = (others.headers.get("location") ?? "").replace(/\?.*$/, "");

    const read = await (await web.get(path, { jar: holder })).text();
    expect(read).not.toContain("Realisatie toevoegen");
    expect((await web.postForm(path, { intent: "status", status: "agreed", version: "1" }, { jar: holder })).status).toBe(403);
    expect((await web.get("/commitments/new", { jar: holder })).status).toBe(403);

    expect((await web.get(otherPath, { jar: partner })).status).toBe(404);
    const own = await (await web.get(path, { jar: partner })).text();
    expect(own).toContain("Toezegging bevestigen");
    expect((await web.postForm(path, { intent: "confirm" }, { jar: partner })).status).toBe(302);
    expect(await (await web.get(path, { jar: partner })).text()).toContain("Bevestigd door de partner op");
    expect((await web.postForm(path, { intent: "status", status: "agreed", version: "2" }, { jar: partner })).status).toBe(403);
    const row = await t.db.selectFrom("commitments").select(["status", "confirmed_at"]).where("id", "=", path.split("/")[2]!).executeTakeFirstOrThrow();
    expect(row.status).toBe("pledged");
    expect(row.confirmed_at).not.toBeNull();
  });
});
