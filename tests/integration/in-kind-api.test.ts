import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { id: string; version: number; error?: { code: string; message: string; fields?: Record<string, string> } };
type Proposal = { activityId: string; commitmentId: string; hours: number; hourlyRateCents: number; rateSource: string; proposedCents: number; organisationName: string };

/** Issue 6, item 2: a done guest lesson, internship or company visit counted as the partner's in-kind realisation, never twice. */
describe("in kind from activities (/api/v1/in-kind)", () => {
  let t: TestDatabase;
  let api: TestApp;
  let penvoerder: string;
  let holder: string;
  let partner: string;
  let otherRegion: string;
  let company: string;
  let secondCompany: string;
  let school: string;

  const call = async (path: string, method = "GET", body?: unknown, token = penvoerder) => {
    const response = await api.request(`/api/v1${path}`, { method, token, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const proposals = async (token = penvoerder) => ((await call("/in-kind/proposals", "GET", undefined, token)).body.items ?? []) as Proposal[];
  const realisationCount = async () => Number((await t.db.selectFrom("commitment_realisations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
  const activity = async (body: Record<string, unknown>) => {
    const created = await call("/activities", "POST", {
      type: "guest_lesson", title: "Gastles zonnepanelen", startDate: "2026-03-10", status: "done", hours: 2, pupilsReached: 24, teachersInvolved: 1,
      organisationIds: [company], schoolIds: [school], ...body,
    }, holder);
    expect(created.status).toBe(201);
    return created.body.id;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db);
    const region = await makeRegion(t.db, { name: "STO Twente" });
    const other = await makeRegion(t.db);
    penvoerder = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" })).token;
    holder = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    otherRegion = (await makeUserWithToken(t.db, { regionId: other.id, role: "penvoerder" })).token;
    company = (await call("/organisations", "POST", { kind: "company", name: "Hulshof Installatietechniek" }, holder)).body.id;
    secondCompany = (await call("/organisations", "POST", { kind: "company", name: "Twentse Metaal" }, holder)).body.id;
    school = (await call("/organisations", "POST", { kind: "vmbo", name: "Het Erasmus" }, holder)).body.id;
    partner = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner", organisationId: company })).token;
  });
  afterAll(() => t?.drop());

  it("proposes a done guest lesson at the pledge's rate, and confirming realises 2 hours × €65 = €130 on the 40 hours × €65 pledge", async () => {
    const pledge = await call("/commitments", "POST", { organisationId: company, schoolYear: "2025-2026", kind: "in_kind", category: "guest_lessons", valuation: "hours_rate", hours: 40, hourlyRateCents: 6500 });
    expect(pledge.status).toBe(201);
    const lesson = await activity({});
    const [proposal, ...rest] = await proposals();
    expect(rest).toEqual([]);
    expect(proposal).toMatchObject({ activityId: lesson, commitmentId: pledge.body.id, hours: 2, hourlyRateCents: 6500, rateSource: "commitment", proposedCents: 13000, organisationName: "Hulshof Installatietechniek" });

    const confirmed = await call(`/in-kind/proposals/${lesson}/confirm`, "POST", {});
    expect(confirmed.status).toBe(201);
    expect(confirmed.body).toMatchObject({ date: "2026-03-10", amountCents: 13000, activityId: lesson, hours: 2, description: "Gastles zonnepanelen" });
    expect(confirmed.body.commitment).toMatchObject({ realisedCents: 13000, status: "pledged" });
    // Counted: no longer proposed, and the activity's page can say where it counts.
    expect(await proposals()).toEqual([]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", pledge.body.id).orderBy("created_at").execute();
    expect(audit.map((a) => a.action)).toContain("commitment.realisation");
  });

  it("refuses to count the same activity twice, on the same or a second commitment, with 409 and nothing written", async () => {
    const lesson = await activity({ title: "Tweede gastles", startDate: "2026-04-01" });
    const first = (await proposals()).find((p) => p.activityId === lesson)!;
    expect((await call(`/in-kind/proposals/${lesson}/confirm`, "POST", {})).status).toBe(201);
    const before = await realisationCount();

    const again = await call(`/in-kind/proposals/${lesson}/confirm`, "POST", {});
    expect(again.status).toBe(409);
    expect(again.body.error!.message).toMatch(/already counted/);

    const second = await call("/commitments", "POST", { organisationId: company, schoolYear: "2025-2026", kind: "in_kind", category: "hours", valuation: "fair_value", amountCents: 50000 });
    const direct = await call(`/commitments/${second.body.id}/realisations`, "POST", { activityId: lesson, hours: 2 });
    expect(direct.status).toBe(409);
    expect(direct.body.error!.message).toContain("Hulshof Installatietechniek");
    const sameCommitment = await call(`/commitments/${first.commitmentId}/realisations`, "POST", { activityId: lesson, hours: 1 });
    expect(sameCommitment.status).toBe(409);
    expect(await realisationCount()).toBe(before);
  });

  it("values an activity on a commitment without its own rate at the region's rate for the type, which the penvoerder can change", async () => {
    const pledge = await call("/commitments", "POST", { organisationId: secondCompany, schoolYear: "2025-2026", kind: "in_kind", category: "internship_supervision", valuation: "fair_value", amountCents: 100000 });
    const rates = await call("/in-kind/rates", "GET", undefined, holder);
    expect(rates.body.items).toContainEqual(expect.objectContaining({ activityType: "internship", hourlyRateCents: 6500, isDefault: true }));
    expect((await call("/in-kind/rates", "PATCH", { rates: { internship: 5000 } }, holder)).status).toBe(403);
    const changed = await call("/in-kind/rates", "PATCH", { rates: { internship: 5000 } });
    expect(changed.status).toBe(200);
    expect(changed.body.items).toContainEqual(expect.objectContaining({ activityType: "internship", hourlyRateCents: 5000, isDefault: false }));

    const internship = await activity({ type: "internship", title: "Stagebegeleiding", schoolIds: [], organisationIds: [secondCompany], startDate: "2025-09-01", endDate: "2026-01-31", hours: 12.5 });
    const proposal = (await proposals()).find((p) => p.activityId === internship)!;
    expect(proposal).toMatchObject({ commitmentId: pledge.body.id, rateSource: "region", hourlyRateCents: 5000, proposedCents: 62500 });
    // The API form of the same thing: activityId and hours, valued at the rate.
    const realised = await call(`/commitments/${pledge.body.id}/realisations`, "POST", { activityId: internship, hours: 10 });
    expect(realised.status).toBe(201);
    expect(realised.body).toMatchObject({ date: "2026-01-31", amountCents: 50000, hours: 10 });
  });

  it("confirms with adjusted hours or amount only with a note, which is kept", async () => {
    const lesson = await activity({ title: "Bedrijfsbezoek hal 3", type: "company_visit", startDate: "2026-05-12", hours: 3 });
    const noNote = await call(`/in-kind/proposals/${lesson}/confirm`, "POST", { hours: 4 });
    expect(noNote.status).toBe(400);
    expect(Object.keys(noNote.body.error!.fields!)).toEqual(["note"]);
    const adjusted = await call(`/in-kind/proposals/${lesson}/confirm`, "POST", { amountCents: 15000, note: "Afgesproken vast bedrag per bezoek" });
    expect(adjusted.status).toBe(201);
    expect(adjusted.body).toMatchObject({ amountCents: 15000, hours: 3, description: "Bedrijfsbezoek hal 3 — Afgesproken vast bedrag per bezoek" });
  });

  it("hides a rejected activity from the proposals, audited, until the rejection is undone", async () => {
    const lesson = await activity({ title: "Gastles die niet telt", startDate: "2026-06-02" });
    expect((await proposals()).map((p) => p.activityId)).toContain(lesson);
    expect((await call(`/in-kind/proposals/${lesson}/reject`, "POST", {})).status).toBe(400);
    const rejected = await call(`/in-kind/proposals/${lesson}/reject`, "POST", { reason: "Was een gratis kennismaking" });
    expect(rejected.status).toBe(200);
    expect((await proposals()).map((p) => p.activityId)).not.toContain(lesson);
    const list = await call("/in-kind/rejections", "GET", undefined, holder);
    expect(list.body.items).toContainEqual(expect.objectContaining({ activityId: lesson, reason: "Was een gratis kennismaking" }));
    expect((await call(`/in-kind/proposals/${lesson}/confirm`, "POST", {})).status).toBe(422);

    expect((await call(`/in-kind/rejections/${lesson}`, "DELETE")).status).toBe(200);
    expect((await proposals()).map((p) => p.activityId)).toContain(lesson);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", lesson).where("action", "like", "in_kind.%").orderBy("created_at").execute();
    expect(audit.map((a) => a.action)).toEqual(["in_kind.reject", "in_kind.reject_undo"]);
  });

  it("proposes an activity again once its realisation is taken back, and shows the partner its own counted activity", async () => {
    const lesson = await activity({ title: "Gastles teruggedraaid", startDate: "2026-06-10" });
    const confirmed = await call(`/in-kind/proposals/${lesson}/confirm`, "POST", {});
    const commitmentId = (confirmed.body.commitment as Body).id;
    const seen = await call(`/commitments/${commitmentId}`, "GET", undefined, partner);
    expect(seen.status).toBe(200);
    expect(seen.body.realisations).toContainEqual(expect.objectContaining({ activityId: lesson, hours: 2, activity: expect.objectContaining({ title: "Gastles teruggedraaid" }) }));
    expect((await call(`/commitments/${commitmentId}/realisations/${confirmed.body.id}`, "DELETE")).status).toBe(200);
    expect((await proposals()).map((p) => p.activityId)).toContain(lesson);
  });

  it("refuses activities that do not fit the commitment with a clear 422", async () => {
    const pledge = await call("/commitments", "POST", { organisationId: company, schoolYear: "2025-2026", kind: "in_kind", category: "hours", valuation: "hours_rate", hours: 10, hourlyRateCents: 6500 });
    const planned = await activity({ title: "Nog gepland", startDate: "2026-12-10", status: "planned", pupilsReached: null, teachersInvolved: null });
    const otherPartner = await activity({ title: "Van een ander", organisationIds: [secondCompany] });
    const nextYear = await activity({ title: "Volgend schooljaar", startDate: "2026-09-10" });
    const before = await realisationCount();
    for (const [activityId, pattern] of [[planned, /done/], [otherPartner, /not a partner/], [nextYear, /school year/]] as const) {
      const refused = await call(`/commitments/${pledge.body.id}/realisations`, "POST", { activityId, hours: 1 });
      expect(refused.status).toBe(422);
      expect(refused.body.error!.fields).toHaveProperty("activityId");
      expect(refused.body.error!.message).toMatch(pattern);
    }
    expect(await realisationCount()).toBe(before);
  });

  it("lets account holders read the proposals but not confirm or reject, hides another region's, and keeps partners out", async () => {
    const lesson = await activity({ title: "Gastles voor de rechten", startDate: "2026-06-20" });
    expect((await proposals(holder)).map((p) => p.activityId)).toContain(lesson);
    expect((await call(`/in-kind/proposals/${lesson}/confirm`, "POST", {}, holder)).status).toBe(403);
    expect((await call(`/in-kind/proposals/${lesson}/reject`, "POST", { reason: "x" }, holder)).status).toBe(403);
    expect((await call("/in-kind/proposals", "GET", undefined, partner)).status).toBe(403);
    expect(await proposals(otherRegion)).toEqual([]);
    expect((await call(`/in-kind/proposals/${lesson}/confirm`, "POST", {}, otherRegion)).status).toBe(404);
    expect((await call(`/in-kind/proposals/${lesson}/reject`, "POST", { reason: "x" }, otherRegion)).status).toBe(404);
  });
});
