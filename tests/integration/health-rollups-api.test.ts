import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HealthState } from "../../db/schema";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Counts = Record<HealthState, number>;
type Item = { key: string; label: string; counts: Counts; total: number; trend: Array<Counts & { day: string }> };
type Body = { by: string; schoolYear: string; asOf: string | null; items: Item[]; error?: { code: string; fields?: Record<string, string> } };

const counts = (partial: Partial<Counts>): Counts => ({ healthy: 0, watch: 0, cooling: 0, cold: 0, ...partial });

/**
 * GET /health/rollups (decision 138): relationship health per vmbo school, subregion and account
 * holder, today and on the first of each month of the school year, for the penvoerder and the admin.
 * States and their history are written directly, so every number can be counted by hand; today is
 * 23 November 2026 (school year 2026-2027).
 */
describe("health rolled up by school, subregion and account holder (GET /health/rollups)", () => {
  let t: TestDatabase;
  let api: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const get = async (path: string, token = tokens.penvoerder!) => {
    const response = await api.request(path, { token });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const byKey = (body: Body, key: string) => body.items.find((item) => item.key === key)!;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: "2026-11-23T10:00:00Z" });
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db, { name: "STO Elders", slug: "elders" });
    for (const role of ["admin", "penvoerder", "accounthouder"] as const) {
      const made = await makeUserWithToken(t.db, { regionId: region.id, role, name: role === "accounthouder" ? "Fatima El Amrani" : `De ${role}` });
      tokens[role] = made.token;
      ids[role] = made.user.id;
    }
    tokens.elsewhere = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    // The test region comes with the subregions Noord and Zuid.
    const subregion = async (name: string) => (await t.db.selectFrom("subregions").select("id").where("region_id", "=", region.id).where("name", "=", name).executeTakeFirstOrThrow()).id;
    ids.noord = await subregion("Noord");
    ids.zuid = await subregion("Zuid");
    const organisation = async (name: string, kind: "vmbo" | "company", subregionId: string | null, holder: string | null, regionId = region.id) =>
      (await t.db.insertInto("organisations").values({ region_id: regionId, kind, name, subregion_id: subregionId, account_holder_id: holder, tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).returning("id").executeTakeFirstOrThrow()).id;
    ids.stedelijk = await organisation("Het Stedelijk", "vmbo", ids.noord, null);
    ids.vakcollege = await organisation("Vakcollege Zuid", "vmbo", ids.zuid, null);
    ids.leeg = await organisation("Lege School", "vmbo", ids.noord, null);
    ids.hulshof = await organisation("Hulshof Installatietechniek", "company", ids.noord, ids.accounthouder!);
    ids.sjoberg = await organisation("Sjöberg Techniek", "company", ids.zuid, ids.accounthouder!);
    ids.elders = await organisation("Elders Metaal", "company", null, null);
    ids.otherRegion = await organisation("Ander Bedrijf", "company", null, null, other.id);
    tokens.partner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: ids.hulshof })).token;

    const activity = async (start: string, status: "planned" | "done" | "cancelled", members: Array<[string, "school" | "partner"]>) => {
      const { id } = await t.db.insertInto("activities").values({ region_id: region.id, type: "guest_lesson", title: "Gastles", start_date: start, end_date: start, status, pupils_reached: 20, teachers_involved: 1, profiles: [], learning_paths: [], details: sql`'{}'::jsonb`, shared_with_region_ids: [] }).returning("id").executeTakeFirstOrThrow();
      await t.db.insertInto("activity_organisations").values(members.map(([organisationId, role]) => ({ activity_id: id, organisation_id: organisationId, role }))).execute();
    };
    await activity("2026-09-15", "planned", [[ids.stedelijk, "school"], [ids.hulshof, "partner"], [ids.sjoberg, "partner"]]);
    await activity("2025-10-01", "done", [[ids.vakcollege, "school"], [ids.elders, "partner"]]); // last school year
    await activity("2026-10-01", "cancelled", [[ids.leeg, "school"], [ids.hulshof, "partner"]]); // cancelled: not a dependency
    const { id: agreementId } = await t.db.insertInto("agreements").values({ region_id: region.id, kind: "covenant", title: "Convenant", signed_on: "2026-01-01", created_at: new Date(), updated_at: new Date() }).returning("id").executeTakeFirstOrThrow();
    await t.db.insertInto("agreement_parties").values([{ agreement_id: agreementId, organisation_id: ids.vakcollege }, { agreement_id: agreementId, organisation_id: ids.sjoberg }]).execute();

    const health = async (organisationId: string, state: HealthState, history: Array<[string, HealthState]>) => {
      await t.db.insertInto("organisation_health").values({ organisation_id: organisationId, region_id: region.id, state, reasons: sql`'[]'::jsonb`, state_since: history[history.length - 1]![0], last_contact_date: null, computed_at: new Date() }).execute();
      let previous: HealthState | null = null;
      for (const [day, s] of history) {
        await t.db.insertInto("health_history").values({ region_id: region.id, organisation_id: organisationId, state: s, previous_state: previous, reason_codes: [], changed_on: day }).execute();
        previous = s;
      }
    };
    await health(ids.hulshof, "cold", [["2026-06-01", "healthy"], ["2026-10-10", "cold"]]);
    await health(ids.sjoberg, "healthy", [["2026-07-01", "healthy"]]);
    await health(ids.elders, "cooling", [["2026-09-05", "cooling"]]);
  });
  afterAll(() => t?.drop());

  it("per school: the partners each vmbo school shares an activity or agreement with this school year, and every school even with none", async () => {
    const { status, body } = await get("/api/v1/health/rollups?by=school");
    expect(status).toBe(200);
    expect(body).toMatchObject({ by: "school", schoolYear: "2026-2027", asOf: "2026-11-23" });
    expect(body.items.map((item) => item.label)).toEqual(["Het Stedelijk", "Lege School", "Vakcollege Zuid"]);
    expect(byKey(body, ids.stedelijk!)).toMatchObject({ counts: counts({ cold: 1, healthy: 1 }), total: 2 });
    expect(byKey(body, ids.vakcollege!)).toMatchObject({ counts: counts({ healthy: 1 }), total: 1 });
    expect(byKey(body, ids.leeg!)).toMatchObject({ counts: counts({}), total: 0 });
  });

  it("over the school year: the first day of each month from the history, and today", async () => {
    const { body } = await get("/api/v1/health/rollups?by=school");
    expect(byKey(body, ids.stedelijk!).trend).toEqual([
      { day: "2026-08-01", ...counts({ healthy: 2 }) },
      { day: "2026-09-01", ...counts({ healthy: 2 }) },
      { day: "2026-10-01", ...counts({ healthy: 2 }) },
      { day: "2026-11-01", ...counts({ healthy: 1, cold: 1 }) },
      { day: "2026-11-23", ...counts({ healthy: 1, cold: 1 }) },
    ]);
  });

  it("per subregion and per account holder, with the relationships without one as a group of their own", async () => {
    const bySubregion = (await get("/api/v1/health/rollups?by=subregion")).body;
    expect(bySubregion.items.map((item) => [item.label, item.counts, item.total])).toEqual([
      ["Noord", counts({ cold: 1 }), 1],
      ["Zuid", counts({ healthy: 1 }), 1],
      ["Geen subregio", counts({ cooling: 1 }), 1],
    ]);
    const byHolder = (await get("/api/v1/health/rollups?by=accountHolder")).body;
    expect(byHolder.items.map((item) => [item.key, item.label, item.counts])).toEqual([
      [ids.accounthouder, "Fatima El Amrani", counts({ cold: 1, healthy: 1 })],
      ["none", "Geen accounthouder", counts({ cooling: 1 })],
    ]);
    // Elders Metaal turned cooling on 5 September: before that it was not watched yet.
    expect(byKey(byHolder, "none").trend.slice(0, 3).map((day) => day.cooling)).toEqual([0, 0, 1]);
  });

  it("a school year gone by counts as of its last day, from the history, with that year's dependencies", async () => {
    const { body } = await get("/api/v1/health/rollups?by=school&schoolYear=2025-2026");
    expect(body.asOf).toBe("2026-07-31");
    expect(byKey(body, ids.stedelijk!)).toMatchObject({ counts: counts({}), total: 0 });
    // Elders Metaal (last year's guest lesson) was not watched yet; Sjöberg (the covenant) was healthy.
    expect(byKey(body, ids.vakcollege!)).toMatchObject({ counts: counts({ healthy: 1 }), total: 1 });
    expect(byKey(body, ids.vakcollege!).trend.at(-1)).toEqual({ day: "2026-07-31", ...counts({ healthy: 1 }) });
  });

  it("each count drills down to its relationships through GET /health, filtered the same way", async () => {
    const cold = await api.request(`/api/v1/health?schoolId=${ids.stedelijk}&schoolYear=2026-2027&state=cold`, { token: tokens.penvoerder! });
    expect(((await cold.json()) as { items: Array<{ name: string }> }).items.map((item) => item.name)).toEqual(["Hulshof Installatietechniek"]);
    const all = await api.request(`/api/v1/health?schoolId=${ids.stedelijk}&schoolYear=2026-2027`, { token: tokens.penvoerder! });
    expect(((await all.json()) as { items: Array<{ name: string }> }).items.map((item) => item.name).sort()).toEqual(["Hulshof Installatietechniek", "Sjöberg Techniek"]);
    const none = await api.request(`/api/v1/health?schoolId=${ids.leeg}&schoolYear=2026-2027`, { token: tokens.penvoerder! });
    expect(((await none.json()) as { items: unknown[] }).items).toEqual([]);
    // One without the other is refused, naming what is missing.
    const half = await api.request(`/api/v1/health?schoolId=${ids.stedelijk}`, { token: tokens.penvoerder! });
    expect(half.status).toBe(400);
    expect(((await half.json()) as Body).error?.fields).toHaveProperty("schoolYear");
  });

  it("the admin sees the same; an account holder and a partner are refused; another region sees none of it", async () => {
    expect((await get("/api/v1/health/rollups?by=school", tokens.admin!)).status).toBe(200);
    expect((await get("/api/v1/health/rollups?by=school", tokens.accounthouder!)).status).toBe(403);
    expect((await get("/api/v1/health/rollups?by=school", tokens.partner!)).status).toBe(403);
    const elsewhere = await get("/api/v1/health/rollups?by=school", tokens.elsewhere!);
    expect(elsewhere.body.items).toEqual([]);
    // Its own subregions, with none of this region's relationships in them.
    const elsewhereSubregions = await get("/api/v1/health/rollups?by=subregion", tokens.elsewhere!);
    expect(elsewhereSubregions.body.items.map((item) => [item.label, item.total])).toEqual([["Noord", 0], ["Zuid", 0]]);
  });

  it("refuses an unknown grouping or school year", async () => {
    expect((await get("/api/v1/health/rollups?by=city")).status).toBe(400);
    expect((await get("/api/v1/health/rollups?by=school&schoolYear=2026")).status).toBe(400);
  });
});
