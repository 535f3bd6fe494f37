import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, TEST_APP_URL, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

describe("the import pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  const holder = new CookieJar();
  const penvoerder = new CookieJar();
  const stranger = new CookieJar();

  const upload = (jar: CookieJar, name: string, content: string | Uint8Array<ArrayBuffer>, type = "text/csv") => {
    const form = new FormData();
    form.set("file", new File([content], name, { type }));
    return web.request("/imports/organisations?index", { method: "POST", body: form, headers: { origin: TEST_APP_URL }, jar });
  };
  const text = async (path: string, jar: CookieJar) => (await web.get(path, { jar })).text();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const accounts: Array<[CookieJar, string, "accounthouder" | "penvoerder"]> = [[holder, region.id, "accounthouder"], [penvoerder, region.id, "penvoerder"], [stranger, other.id, "accounthouder"]];
    for (const [jar, regionId, role] of accounts) {
      const user = await makeUser(t.db, { regionId, role });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("is reached from the organisation list, by those who may import", async () => {
    expect(await text("/organisations", holder)).toContain('href="/imports/organisations">Importeren</a>');
    expect(await text("/organisations", penvoerder)).not.toContain("Importeren");
    expect((await web.get("/imports/organisations", { jar: penvoerder })).status).toBe(403);
    const page = await text("/imports/organisations", holder);
    expect(page).toContain("<h1>Organisaties importeren</h1>");
    expect(page).toMatch(/<form method="post" action="\/imports\/organisations\?index" encType="multipart\/form-data"/);
  });

  it("goes from upload through the mapping to a preview that names each bad row and column, and refuses to commit", async () => {
    const csv = "Naam;KvK;Opmerking;Plaats\nGoed BV;12345678;leuk;Enschede\nFout BV;123;;Hengelo\n";
    const uploaded = await upload(holder, "partners.csv", csv);
    expect(uploaded.status).toBe(302);
    const path = uploaded.headers.get("location") ?? "";
    expect(path).toMatch(/^\/imports\/organisations\/[0-9a-f-]{36}$/);

    // Step 2: recognised headers are pre-filled; the unknown one waits for a choice.
    const mapping = await text(path, holder);
    expect(mapping).toContain("partners.csv: 2 rijen");
    expect(mapping).toMatch(/<select[^>]*name="column-0"[^>]*>[\s\S]*?<option value="name" selected="">Naam<\/option>/);
    expect(mapping).toMatch(/<select[^>]*name="column-2"[^>]*>[\s\S]*?<option value="" selected="">Kies…<\/option>/);
    expect(mapping).toContain("Bijvoorbeeld: leuk");

    const unmapped = await web.postForm(path, { intent: "map", "column-0": "name", "column-1": "kvkNumber", "column-2": "", "column-3": "city" }, { jar: holder });
    expect(unmapped.status).toBe(400);
    expect(fieldErrorOf(await unmapped.text(), "column-2")).toBe("Kolom C (Opmerking) herkennen we niet: kies een veld of 'niet importeren'.");

    const mapped = await web.postForm(path, { intent: "map", "column-0": "name", "column-1": "kvkNumber", "column-2": "skip", "column-3": "city" }, { jar: holder });
    expect(mapped.status).toBe(302);

    // Step 3: the outcome per row, the error by row and column, and no way to commit.
    const preview = await text(path, holder);
    expect(preview).toContain("1 nieuw, 0 bijgewerkt, 0 dubbel, 1 met fouten");
    expect(preview).toContain("Rij 3, kolom B (KvK): Een KvK-nummer heeft 8 cijfers.");
    expect(preview).toMatch(/<button[^>]*value="commit"[^>]*disabled=""/);

    const refused = await web.postForm(path, { intent: "commit" }, { jar: holder });
    expect(refused.status).toBe(400);
    expect(alertsOf(await refused.text())).toContain("Er is niets geïmporteerd: sommige rijen hebben fouten.");
    expect(await t.db.selectFrom("organisations").select("id").where("name", "=", "Goed BV").execute()).toHaveLength(0);
  });

  it("commits a clean file and says what it did", async () => {
    const uploaded = await upload(holder, "schoon.csv", "Naam,Plaats,Contactpersoon,Functie\nSchoon BV,Almelo,Dirk Bos,Directeur\n");
    const path = uploaded.headers.get("location") ?? "";
    expect((await web.postForm(path, { intent: "map", "column-0": "name", "column-1": "city", "column-2": "contactName", "column-3": "contactRole" }, { jar: holder })).status).toBe(302);
    const preview = await text(path, holder);
    expect(preview).toContain("1 nieuw, 0 bijgewerkt, 0 dubbel, 0 met fouten; 1 contactpersonen worden toegevoegd.");
    const committed = await web.postForm(path, { intent: "commit" }, { jar: holder });
    expect(committed.status).toBe(302);
    expect(alertsOf(await text(path, holder))).toContain("De import is klaar: 1 organisaties toegevoegd, 0 bijgewerkt en 1 contactpersonen toegevoegd.");
    expect(await t.db.selectFrom("organisations").select("city").where("name", "=", "Schoon BV").execute()).toEqual([{ city: "Almelo" }]);

    const progress = await web.get(`${path}/progress`, { jar: holder });
    expect(await progress.json()).toEqual({ status: "committed", done: 2, total: 2 });
    // Another region's account holder does not learn the import exists.
    expect((await web.get(path, { jar: stranger })).status).toBe(404);
    expect((await web.postForm(path, { intent: "commit" }, { jar: stranger })).status).toBe(404);
    expect((await web.get(`${path}/progress`, { jar: stranger })).status).toBe(404);
  });

  it("says what is wrong with a file it cannot read, and with one over 50 MB", async () => {
    const pdf = await upload(holder, "jaarverslag.pdf", new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2, 3]), "application/pdf");
    expect(pdf.status).toBe(400);
    expect(fieldErrorOf(await pdf.text(), "file")).toBe("Dit bestand is geen CSV- of Excel-bestand (.csv of .xlsx).");

    const big = await upload(holder, "groot.csv", `Naam\n${"x".repeat(51 * 1024 * 1024)}`);
    expect(big.status).toBe(303);
    expect(big.headers.get("location")).toBe("/imports/organisations?error=tooLarge");
    expect(fieldErrorOf(await text("/imports/organisations?error=tooLarge", holder), "file")).toBe("Het bestand is groter dan 50 MB. Splits het in kleinere bestanden.");
    expect(await t.db.selectFrom("imports").select("id").where("file_name", "in", ["jaarverslag.pdf", "groot.csv"]).execute()).toHaveLength(0);
  });
});
