import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forecastOf } from "../../server/domains/cofinancing/cofinancing.service";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string; message: string; fields?: Record<string, string> } };

describe("/api/v1/budgets and /api/v1/cofinancing", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let penvoerder: string;
  let admin: string;
  let holder: string;
  let partner: string;
  let otherRegion: string;

  const json = async (response: Response) => (await response.json()) as Body;
  const put = (year: string, body: unknown, token = penvoerder) => api.request(`/api/v1/budgets/${year}`, { method: "PUT", body: JSON.stringify(body), token });
  const get = (path: string, token = penvoerder) => api.request(`/api/v1${path}`, { token });
  const budgetRows = async () => t.db.selectFrom("school_year_budgets").selectAll().orderBy("school_year").execute();
  const audits = async () => t.db.selectFrom("audit_log").select(["action", "entity_id"]).where("entity_type", "=", "school_year_budget").orderBy("created_at").execute();

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const company = await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Hulshof Installatietechniek" }).returning("id").executeTakeFirstOrThrow();
    penvoerder = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" })).token;
    admin = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin" })).token;
    holder = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    partner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: company.id })).token;
    otherRegion = (await makeUserWithToken(t.db, { regionId: other.id, role: "penvoerder" })).token;
  });
  afterAll(() => t.drop());

  it("sets a school year's budget with the default target of 10%, changes it with its version, and refuses a stale version (409)", async () => {
    const created = await put("2026-2027", { budgetCents: 100_000_000 });
    expect(created.status).toBe(200);
    expect(await json(created)).toMatchObject({ schoolYear: "2026-2027", budgetCents: 100_000_000, targetBasisPoints: 1000, targetCents: 10_000_000, notes: null, version: 1 });

    const changed = await put("2026-2027", { budgetCents: 120_000_050, targetBasisPoints: 750, notes: "Beschikking 2026", version: 1 }, admin);
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ budgetCents: 120_000_050, targetBasisPoints: 750, targetCents: 9_000_004, notes: "Beschikking 2026", version: 2 });

    const stale = await put("2026-2027", { budgetCents: 1, version: 1 });
    expect(stale.status).toBe(409);
    expect((await json(stale)).error?.code).toBe("CONFLICT");
    // Setting a year someone already set, as if it were new, is stale too.
    expect((await put("2026-2027", { budgetCents: 1 })).status).toBe(409);
    expect((await budgetRows()).map((row) => Number(row.budget_cents))).toEqual([120_000_050]);
    expect(await audits()).toEqual([{ action: "budget.create", entity_id: "2026-2027" }, { action: "budget.update", entity_id: "2026-2027" }]);

    const read = await json(await get("/budgets/2026-2027", holder));
    expect(read).toMatchObject({ schoolYear: "2026-2027", budgetCents: 120_000_050, version: 2 });
    const list = await json(await get("/budgets", holder));
    expect(list).toMatchObject({ items: [{ schoolYear: "2026-2027" }], nextCursor: null });
    expect((await get("/budgets/2019-2020")).status).toBe(404);
  });

  it("refuses a negative or fractional budget, a target above 100% or with three decimals, and a school year that does not exist, naming the field and writing nothing", async () => {
    const before = await budgetRows();
    const cases: Array<[string, unknown, string]> = [
      ["2027-2028", { budgetCents: -1 }, "budgetCents"],
      ["2027-2028", { budgetCents: 100.5 }, "budgetCents"],
      ["2027-2028", { budgetCents: "1000" }, "budgetCents"],
      ["2027-2028", { budgetCents: 1000, targetBasisPoints: 10001 }, "targetBasisPoints"],
      ["2027-2028", { budgetCents: 1000, targetBasisPoints: 999.5 }, "targetBasisPoints"],
      ["2027-2029", { budgetCents: 1000 }, "schoolYear"],
      ["2027", { budgetCents: 1000 }, "schoolYear"],
    ];
    for (const [year, body, field] of cases) {
      const response = await put(year, body);
      const answer = await json(response);
      expect(response.status, JSON.stringify(answer)).toBe(400);
      expect(answer.error?.code).toBe("VALIDATION_FAILED");
      expect(Object.keys(answer.error?.fields ?? {}), JSON.stringify(body)).toContain(field);
    }
    expect((await json(await put("2027-2028", { budgetCents: -1 }))).error?.fields?.budgetCents).toBe("Enter an amount in whole cents, not negative.");
    expect((await get("/cofinancing/2026-2028")).status).toBe(400);
    expect(await budgetRows()).toEqual(before);
  });

  it("lets account holders read but not set, keeps partner users out, and hides other regions' budgets", async () => {
    const refused = await put("2026-2027", { budgetCents: 5, version: 2 }, holder);
    expect(refused.status).toBe(403);
    for (const path of ["/budgets", "/budgets/2026-2027", "/cofinancing/2026-2027"]) expect((await get(path, partner)).status, path).toBe(403);
    expect((await put("2026-2027", { budgetCents: 5, version: 2 }, partner)).status).toBe(403);

    expect(await json(await get("/budgets", otherRegion))).toEqual({ items: [], nextCursor: null });
    expect((await get("/budgets/2026-2027", otherRegion)).status).toBe(404);
    // Another region's penvoerder sets its own year: a separate record, ours unchanged.
    expect((await put("2026-2027", { budgetCents: 7 }, otherRegion)).status).toBe(200);
    expect(await json(await get("/budgets/2026-2027"))).toMatchObject({ budgetCents: 120_000_050, version: 2 });
    const overview = await json(await get("/cofinancing/2026-2027", otherRegion));
    expect(overview).toMatchObject({ totals: { pledgedCents: 0, realisedCents: 0 }, byPartner: [] });
  });
});

describe("the co-financing overview, to the cent", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let token: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const [noord, zuid] = await t.db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", region.id).orderBy("name").execute();
    const { user, token: made } = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" });
    token = made;
    const organisation = async (key: string, regionId: string, kind: "company" | "trade_school", name: string, subregionId: string | null) => {
      ids[key] = (await t.db.insertInto("organisations").values({ region_id: regionId, kind, name, subregion_id: subregionId }).returning("id").executeTakeFirstOrThrow()).id;
    };
    await organisation("a", region.id, "company", "Hulshof Installatietechniek", noord!.id);
    await organisation("b", region.id, "trade_school", "Bouwmensen Oost", zuid!.id);
    await organisation("c", region.id, "company", "Elektro Kamphuis", null);
    await organisation("x", other.id, "company", "Elders BV", null);

    const commitment = async (
      org: string, year: string, amount: number, status: string, createdAt: string,
      extra: { kind?: "cash" | "in_kind"; archived?: boolean; regionId?: string } = {},
    ) => {
      const inKind = extra.kind === "in_kind";
      return (await t.db.insertInto("commitments").values({
        region_id: extra.regionId ?? region.id, organisation_id: ids[org]!, school_year: year, kind: inKind ? "in_kind" : "cash", category: inKind ? "hours" : "cash",
        amount_cents: amount, hours: inKind ? 40 : null, hourly_rate_cents: inKind ? 6500 : null, valuation: inKind ? "hours_rate" : null,
        status: status as "pledged", created_at: new Date(createdAt), updated_at: new Date(createdAt), archived_at: extra.archived ? new Date(createdAt) : null,
      }).returning("id").executeTakeFirstOrThrow()).id;
    };
    const realise = (commitmentId: string, date: string, amount: number, archived = false, regionId = region.id) =>
      t.db.insertInto("commitment_realisations").values({ commitment_id: commitmentId, region_id: regionId, date, amount_cents: amount, created_at: TEST_NOW, archived_at: archived ? TEST_NOW : null }).execute();

    const c1 = await commitment("a", "2026-2027", 500_000, "agreed", "2026-06-15T10:00:00Z");
    await realise(c1, "2026-09-10", 150_000);
    await realise(c1, "2026-11-01", 100_000);
    await realise(c1, "2026-12-15", 50_000); // dated after today: in the total, not in the pace
    const c2 = await commitment("a", "2026-2027", 260_000, "realised", "2026-09-05T10:00:00Z", { kind: "in_kind" });
    await realise(c2, "2026-10-15", 260_000);
    await commitment("b", "2026-2027", 300_000, "pledged", "2026-10-20T10:00:00Z");
    const c4 = await commitment("b", "2026-2027", 200_000, "lapsed", "2026-08-10T10:00:00Z");
    await realise(c4, "2026-08-20", 50_000); // received before it lapsed: still realised
    const c5 = await commitment("c", "2026-2027", 123_456, "accounted", "2026-07-01T10:00:00Z");
    await realise(c5, "2026-08-05", 123_456);
    await realise(c5, "2026-08-06", 99_999, true); // archived: left out
    const c6 = await commitment("c", "2026-2027", 1_000_000, "pledged", "2026-09-01T10:00:00Z", { archived: true });
    await realise(c6, "2026-09-02", 1_000_000);
    const c7 = await commitment("a", "2025-2026", 400_000, "realised", "2025-09-01T10:00:00Z");
    await realise(c7, "2026-03-01", 400_000);
    const cx = await commitment("x", "2026-2027", 9_999_900, "agreed", "2026-09-01T10:00:00Z", { regionId: other.id });
    await realise(cx, "2026-09-01", 9_999_900, false, other.id);

    const budget = (year: string, cents: number, basisPoints: number) =>
      t.db.insertInto("school_year_budgets").values({ region_id: region.id, school_year: year, budget_cents: cents, target_basis_points: basisPoints, updated_by: user.id, created_at: TEST_NOW, updated_at: TEST_NOW }).execute();
    await budget("2026-2027", 10_000_000, 1000);
    await budget("2025-2026", 5_000_000, 750);
  });
  afterAll(() => t.drop());

  it("gives pledged, agreed and realised against the target, by kind, subregion and partner, month by month, with the forecast", async () => {
    const response = await api.request("/api/v1/cofinancing/2026-2027", { token });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      schoolYear: "2026-2027", from: "2026-08-01", to: "2027-07-31", today: "2026-11-23",
      budget: { budgetCents: 10_000_000, targetBasisPoints: 1000, targetCents: 1_000_000 },
      totals: { pledgedCents: 1_183_456, agreedCents: 883_456, realisedCents: 733_456, targetCents: 1_000_000, commitments: 4, partners: 3 },
    });
    expect(body.shares).toEqual({ pledged: 0.1183456, agreed: 0.0883456, realised: 0.0733456, target: 0.1 });
    expect(body.byKind).toEqual([
      { kind: "company", partners: 2, pledgedCents: 883_456, agreedCents: 883_456, realisedCents: 683_456 },
      { kind: "trade_school", partners: 1, pledgedCents: 300_000, agreedCents: 0, realisedCents: 50_000 },
    ]);
    expect((body.bySubregion as Array<Record<string, unknown>>).map(({ name, pledgedCents, agreedCents, realisedCents, partners }) => ({ name, pledgedCents, agreedCents, realisedCents, partners }))).toEqual([
      { name: "Noord", pledgedCents: 760_000, agreedCents: 760_000, realisedCents: 560_000, partners: 1 },
      { name: "Zuid", pledgedCents: 300_000, agreedCents: 0, realisedCents: 50_000, partners: 1 },
      { name: null, pledgedCents: 123_456, agreedCents: 123_456, realisedCents: 123_456, partners: 1 },
    ]);
    expect((body.byPartner as Array<Record<string, unknown>>).map(({ organisationId, pledgedCents, agreedCents, realisedCents, commitments }) => ({ organisationId, pledgedCents, agreedCents, realisedCents, commitments }))).toEqual([
      { organisationId: ids.a, pledgedCents: 760_000, agreedCents: 760_000, realisedCents: 560_000, commitments: 2 },
      { organisationId: ids.b, pledgedCents: 300_000, agreedCents: 0, realisedCents: 50_000, commitments: 1 },
      { organisationId: ids.c, pledgedCents: 123_456, agreedCents: 123_456, realisedCents: 123_456, commitments: 1 },
    ]);
    const months = body.months as Array<{ month: string; pledgedCents: number | null; realisedCents: number | null }>;
    expect(months.map((m) => m.month)).toEqual(["2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06", "2027-07"]);
    expect(months.slice(0, 5)).toEqual([
      { month: "2026-08", pledgedCents: 623_456, realisedCents: 173_456, forecastCents: null },
      { month: "2026-09", pledgedCents: 883_456, realisedCents: 323_456, forecastCents: null },
      { month: "2026-10", pledgedCents: 1_183_456, realisedCents: 583_456, forecastCents: null },
      // The forecast line starts at today's realised and reaches the projection on 31 July.
      { month: "2026-11", pledgedCents: 1_183_456, realisedCents: 683_456, forecastCents: 683_456 },
      // 153 days to 31 December: round(683456 × 153 / 115).
      { month: "2026-12", pledgedCents: null, realisedCents: null, forecastCents: 909_294 },
    ]);
    expect(months[11]).toEqual({ month: "2027-07", pledgedCents: null, realisedCents: null, forecastCents: 2_169_230 });
    // 683,456 realised up to 23 November, 115 days into a year of 365: round(683456 × 365 / 115).
    expect(body.forecast).toEqual({ status: "projected", projectedCents: 2_169_230, share: 0.216923, onTrack: true, elapsedDays: 115, yearDays: 365 });
  });

  it("reports a finished year by what was realised, against that year's own target", async () => {
    const body = (await (await api.request("/api/v1/cofinancing/2025-2026", { token })).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ totals: { pledgedCents: 400_000, agreedCents: 400_000, realisedCents: 400_000, targetCents: 375_000 } });
    expect(body.forecast).toEqual({ status: "finished", projectedCents: 400_000, share: 0.08, onTrack: true, elapsedDays: 365, yearDays: 365 });
  });

  it("moves the forecast with the clock and explains when there is none", async () => {
    const later = createTestApp(t.db, { now: "2027-02-15T09:00:00Z" });
    const forecast = ((await (await later.request("/api/v1/cofinancing/2026-2027", { token })).json()) as { forecast: unknown }).forecast;
    // All 733,456 realised by then, 199 days in: round(733456 × 365 / 199).
    expect(forecast).toEqual({ status: "projected", projectedCents: 1_345_284, share: 0.1345284, onTrack: true, elapsedDays: 199, yearDays: 365 });

    const year = { from: "2027-08-01", to: "2028-07-31", realisedCents: 0, realisedToDateCents: 0 };
    const budget = { schoolYear: "2027-2028", budgetCents: 1_000_000, targetBasisPoints: 1000, targetCents: 100_000, notes: null, version: 1, updatedAt: "" };
    expect(forecastOf({ ...year, today: "2027-07-31", budget })).toMatchObject({ status: "not_started", projectedCents: null, share: null, onTrack: null, elapsedDays: 0, yearDays: 366 });
    expect(forecastOf({ ...year, today: "2027-09-01", budget })).toMatchObject({ status: "no_realisations", projectedCents: null, onTrack: null });
    expect(forecastOf({ ...year, today: "2027-08-10", realisedToDateCents: 1000, realisedCents: 1000, budget: null })).toMatchObject({ status: "projected", projectedCents: 36_600, share: null, onTrack: null });
    expect(forecastOf({ ...year, today: "2028-08-01", realisedCents: 84_000, realisedToDateCents: 84_000, budget })).toMatchObject({ status: "finished", projectedCents: 84_000, share: 0.084, onTrack: false });
    expect(forecastOf({ ...year, today: "2027-09-14", realisedToDateCents: 10_000, realisedCents: 10_000, budget: { ...budget, budgetCents: 0, targetCents: 0 } })).toMatchObject({ share: null, onTrack: null });
  });
});
