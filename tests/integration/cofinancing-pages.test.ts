import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** Intl writes a non-breaking space between € and the amount; pages are compared as people read them. */
const plain = (html: string) => html.replace(/\u00a0|&nbsp;/g, " ");

describe("the penvoerder's co-financing page", () => {
  let t: TestDatabase;
  let web: TestApp;
  const penvoerder = new CookieJar();
  const admin = new CookieJar();
  const holder = new CookieJar();
  const partner = new CookieJar();
  let companyId: string;

  const budgetRows = () => t.db.selectFrom("school_year_budgets").selectAll().execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const [noord] = await t.db.selectFrom("subregions").select("id").where("region_id", "=", region.id).orderBy("name").execute();
    companyId = (await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Hulshof Installatietechniek", subregion_id: noord!.id }).returning("id").executeTakeFirstOrThrow()).id;
    const trade = (await t.db.insertInto("organisations").values({ region_id: region.id, kind: "trade_school", name: "Bouwmensen Oost" }).returning("id").executeTakeFirstOrThrow()).id;
    const commitment = async (organisationId: string, amount: number, status: "agreed" | "pledged") =>
      (await t.db.insertInto("commitments").values({
        region_id: region.id, organisation_id: organisationId, school_year: "2026-2027", kind: "cash", category: "cash", amount_cents: amount, status,
        created_at: new Date("2026-08-20T10:00:00Z"), updated_at: new Date("2026-08-20T10:00:00Z"),
      }).returning("id").executeTakeFirstOrThrow()).id;
    const agreed = await commitment(companyId, 1_000_000, "agreed");
    await commitment(trade, 250_000, "pledged");
    // €2.520 realised in the 115 days up to 23 November: at this pace €7.998,26 by 31 July.
    await t.db.insertInto("commitment_realisations").values({ commitment_id: agreed, region_id: region.id, date: "2026-10-01", amount_cents: 252_000, created_at: TEST_NOW }).execute();
    const accounts: Array<[CookieJar, "penvoerder" | "admin" | "accounthouder" | "partner"]> = [[penvoerder, "penvoerder"], [admin, "admin"], [holder, "accounthouder"], [partner, "partner"]];
    for (const [jar, role] of accounts) {
      const user = await makeUser(t.db, { regionId: region.id, role, organisationId: role === "partner" ? companyId : null });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t.drop());

  it("opens on the current school year and, without a budget, says so and still shows pledged and realised", async () => {
    const index = await web.get("/cofinancing", { jar: penvoerder });
    expect(index.status).toBe(302);
    expect(index.headers.get("location")).toBe("/cofinancing/2026-2027");
    const html = plain(await (await web.get("/cofinancing/2026-2027", { jar: penvoerder })).text());
    expect(html).toContain("Cofinanciering 2026-2027");
    expect(html).toContain("Voor dit schooljaar is nog geen begroting ingesteld.");
    expect(html).toMatch(/data-testid="cofinancing-pledged">€ 12\.500,00</);
    expect(html).toMatch(/data-testid="cofinancing-realised">€ 2\.520,00</);
    expect(html).toContain("In dit tempo: € 7.998,26 op 31 juli.");
    expect(html).toMatch(/aria-current="page"[^>]*>2026-2027<\/a>/);
  });

  it("explains a negative budget or a target with three decimals next to the field, and writes nothing", async () => {
    for (const [fields, name, message] of [
      [{ budget: "-5", target: "10" }, "budget", "Vul een bedrag in euro's in, zoals 2500 of 2.500,00: niet negatief, hoogstens 2 decimalen."],
      [{ budget: "1000,505", target: "10" }, "budget", "Vul een bedrag in euro's in, zoals 2500 of 2.500,00: niet negatief, hoogstens 2 decimalen."],
      [{ budget: "100.000", target: "7,125" }, "target", "Vul een percentage van 0 tot 100 in, met hoogstens 2 decimalen, zoals 10 of 7,5."],
      [{ budget: "100.000", target: "120" }, "target", "Vul een percentage van 0 tot 100 in, met hoogstens 2 decimalen, zoals 10 of 7,5."],
    ] as const) {
      const response = await web.postForm("/cofinancing/2026-2027", fields, { jar: penvoerder });
      expect(response.status).toBe(400);
      expect(fieldErrorOf(await response.text(), name), JSON.stringify(fields)).toBe(message);
    }
    expect(await budgetRows()).toEqual([]);
  });

  it("sets the budget and target, then shows the figures as shares of the budget and the forecast against the target", async () => {
    const saved = await web.postForm("/cofinancing/2026-2027", { budget: "100.000,00", target: "10", notes: "Beschikking" }, { jar: penvoerder });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe("/cofinancing/2026-2027?saved=1");
    const html = plain(await (await web.get("/cofinancing/2026-2027?saved=1", { jar: penvoerder })).text());
    expect(alertsOf(html)).toContain("De begroting en het doel zijn opgeslagen.");
    expect(html).toContain("Begroting € 100.000,00, doel € 10.000,00 (10,0% van de begroting).");
    expect(html).toContain("12,5% van de begroting");
    expect(html).toContain("In dit tempo: 8,0% van de begroting op 31 juli (€ 7.998,26). Dat blijft € 2.001,74 onder het doel.");
    expect(html).toContain(`href="/commitments?organisationId=${companyId}&amp;schoolYear=2026-2027"`);
    expect(html).toContain("Bedrijfsvakschool");
    expect(html).toContain("Geen subregio");
    expect(html).not.toMatch(/\sstyle="/);

    // A second form still holding version 1 after a change is stale: a message, nothing written.
    expect((await web.postForm("/cofinancing/2026-2027", { budget: "120.000", target: "10", version: "1" }, { jar: admin })).status).toBe(302);
    const stale = await web.postForm("/cofinancing/2026-2027", { budget: "90.000", target: "10", version: "1" }, { jar: penvoerder });
    expect(stale.status).toBe(409);
    expect(alertsOf(await stale.text()).length).toBe(1);
    expect((await budgetRows()).map((row) => Number(row.budget_cents))).toEqual([12_000_000]);
  });

  it("shows an account holder the figures without the form; a partner user is refused", async () => {
    const html = plain(await (await web.get("/cofinancing/2026-2027", { jar: holder })).text());
    expect(html).toMatch(/data-testid="cofinancing-target">€ 12\.000,00</);
    expect(html).toContain("U kunt deze cijfers inzien");
    expect(html).not.toContain('name="budget"');
    expect((await web.postForm("/cofinancing/2026-2027", { budget: "1" }, { jar: holder })).status).toBe(403);
    expect((await web.get("/cofinancing/2026-2027", { jar: partner })).status).toBe(403);
    expect((await web.get("/cofinancing/2026-2028", { jar: holder })).status).toBe(404);
  });

  it("puts the year's progress chart with its forecast on the dashboard of the penvoerder and admins, not of account holders", async () => {
    const html = plain(await (await web.get("/", { jar: admin })).text());
    expect(html).toContain("Cofinanciering 2026-2027 tegen het doel");
    expect(html).toMatch(/<svg class="chart chart-bars"/);
    expect(html).toContain('href="/cofinancing/2026-2027"');
    expect(html).toMatch(/data-testid="cofinancing-forecast">In dit tempo: 6,7% van de begroting op 31 juli/);
    expect(html).not.toMatch(/\sstyle="/);
    const holderHome = plain(await (await web.get("/", { jar: holder })).text());
    expect(holderHome).not.toContain("chart-bars");
    const list = await (await web.get("/commitments", { jar: holder })).text();
    expect(list).toContain('href="/cofinancing"');
  });
});
