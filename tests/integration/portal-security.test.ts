import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createActivity } from "../../server/domains/activities/activities.service";
import { CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeUser, TEST_PASSWORD } from "../support/factories";
import { makePortalWorld, snapshot } from "../support/portal";

type World = Awaited<ReturnType<typeof makePortalWorld>>;
type ErrorBody = { error: { code: string; fields?: Record<string, string> } };

/**
 * The partner portal's refusals: a partner user trying every partner-facing page and API route on
 * another organisation's records (organisation, person, job, activity, and the offer with a foreign
 * organisation, school or person). Another organisation answers 404 (its existence is not revealed),
 * what the role may not do at all 403, and every attempt leaves the database exactly as it was.
 */
describe("the partner portal refuses everything outside the partner's own organisation", () => {
  let t: TestDatabase;
  let web: TestApp;
  let w: World;
  let foreignActivityId: string;
  let ownActivityId: string;
  const partner = new CookieJar();
  const holder = new CookieJar();
  let before: Awaited<ReturnType<typeof snapshot>>;

  const api = (path: string, method = "GET", body?: unknown, token = w.partnerToken) =>
    web.request(`/api/v1${path}`, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const expectRefused = async (response: Response, status: number, code?: string) => {
    expect(response.status).toBe(status);
    if (code) expect(((await response.json()) as ErrorBody).error.code).toBe(code);
  };
  const offer = (extra: Record<string, unknown> = {}) => ({
    type: "guest_lesson", title: "Gastles warmtepompen", status: "offered", startDate: "2026-12-10",
    organisationIds: [w.own.id], schoolIds: [w.school.id], speakerPersonId: w.anouk.id, topic: "Warmtepompen", ...extra,
  });

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: "2026-11-23T10:00:00Z" });
    w = await makePortalWorld(t.db);
    const staffMeta = w.meta;
    foreignActivityId = (await t.db.transaction().execute((trx) => createActivity(trx, w.staffScope, { ...offer({ organisationIds: [w.foreign.id], speakerPersonId: w.kees.id, status: "planned" }), description: null, profiles: [], learningPaths: [], sharedWithRegionIds: [] } as never, staffMeta))).id;
    ownActivityId = (await t.db.transaction().execute((trx) => createActivity(trx, w.staffScope, { ...offer({ status: "planned" }), description: null, profiles: [], learningPaths: [], sharedWithRegionIds: [] } as never, staffMeta))).id;
    await web.postForm("/sign-in", { email: w.partner.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: partner });
    await web.postForm("/sign-in", { email: w.holder.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
  });
  afterAll(() => t.drop());
  beforeEach(async () => {
    before = await snapshot(t.db);
  });
  const unchanged = async () => expect(await snapshot(t.db)).toEqual(before);

  it("answers 404 for another organisation (same or other region): reading, its history, changing it", async () => {
    for (const id of [w.foreign.id, w.elsewhere.id]) {
      await expectRefused(await api(`/organisations/${id}`), 404, "NOT_FOUND");
      await expectRefused(await api(`/organisations/${id}/history`), 404, "NOT_FOUND");
      await expectRefused(await api(`/organisations/${id}`, "PATCH", { version: 1, city: "Gekaapt" }), 404, "NOT_FOUND");
    }
    await unchanged();
  });

  it("refuses with 403 the fields of its own organisation that stay with the school: name, tier, status, account holder, kind, tags", async () => {
    for (const field of [{ name: "Nieuwe Naam" }, { tier: "strategic" }, { status: "paused" }, { accountHolderId: w.partner.id }, { kind: "partner" }, { tags: ["vip"] }, { subregionId: null }]) {
      const response = await api(`/organisations/${w.own.id}`, "PATCH", { version: 1, city: "Enschede", ...field });
      expect(response.status, `${JSON.stringify(field)}: ${await response.clone().text()}`).toBe(403);
    }
    await expectRefused(await api(`/organisations/${w.own.id}`, "DELETE"), 403, "FORBIDDEN");
    await expectRefused(await api(`/organisations/${w.own.id}/merge`, "POST", { duplicateId: w.foreign.id }), 403, "FORBIDDEN");
    await unchanged();
  });

  it("answers 404 for people and jobs of another organisation: adding a person there, a job for someone else, ending someone else's job", async () => {
    for (const organisationId of [w.foreign.id, w.elsewhere.id, w.school.id]) {
      await expectRefused(await api("/people", "POST", { name: "Indringer", organisationId }), 404, "NOT_FOUND");
    }
    // Someone of another organisation cannot be given a job at the partner's own; its own people not one elsewhere.
    await expectRefused(await api(`/people/${w.kees.id}/affiliations`, "POST", { organisationId: w.own.id }), 404, "NOT_FOUND");
    await expectRefused(await api(`/people/${w.anouk.id}/affiliations`, "POST", { organisationId: w.foreign.id }), 404, "NOT_FOUND");
    await expectRefused(await api(`/affiliations/${w.keesJob.id}/end`, "POST", { endReason: "left_organisation" }), 404, "NOT_FOUND");
    // A successor from another organisation reads as unknown, the same field error as a made-up id.
    const foreignSuccessor = await api(`/affiliations/${w.anoukJob.id}/end`, "POST", { endReason: "left_organisation", successorPersonId: w.kees.id });
    expect(foreignSuccessor.status).toBe(400);
    expect(((await foreignSuccessor.json()) as ErrorBody).error.fields?.successorPersonId).toBeTruthy();
    await unchanged();
  });

  it("refuses the staff's people routes with 403: the list, a person, changing, archiving, moving, merging", async () => {
    await expectRefused(await api("/people"), 403, "FORBIDDEN");
    await expectRefused(await api(`/people/${w.anouk.id}`), 403, "FORBIDDEN");
    await expectRefused(await api(`/people/${w.anouk.id}`, "PATCH", { version: 1, name: "X" }), 403, "FORBIDDEN");
    await expectRefused(await api(`/people/${w.anouk.id}`, "DELETE"), 403, "FORBIDDEN");
    await expectRefused(await api(`/people/${w.anouk.id}/move`, "POST", { fromOrganisationId: w.own.id, toOrganisationId: w.foreign.id }), 403, "FORBIDDEN");
    await expectRefused(await api(`/people/${w.anouk.id}/merge`, "POST", { duplicateId: w.kees.id }), 403, "FORBIDDEN");
    await unchanged();
  });

  it("lets an offer through only as an offer, for its own organisation alone: other statuses 403, a foreign organisation 404, a foreign school or speaker a field error", async () => {
    await expectRefused(await api("/activities", "POST", offer({ status: "planned" })), 403, "FORBIDDEN");
    await expectRefused(await api("/activities", "POST", offer({ status: "done", pupilsReached: 1, teachersInvolved: 1 })), 403, "FORBIDDEN");
    await expectRefused(await api("/activities", "POST", offer({ sharedWithRegionIds: [w.otherRegion.id] })), 403, "FORBIDDEN");
    await expectRefused(await api("/activities", "POST", offer({ organisationIds: [w.foreign.id], speakerPersonId: w.kees.id })), 404, "NOT_FOUND");
    await expectRefused(await api("/activities", "POST", offer({ organisationIds: [w.own.id, w.foreign.id] })), 404, "NOT_FOUND");
    await expectRefused(await api("/activities", "POST", offer({ organisationIds: [w.elsewhere.id], speakerPersonId: null })), 404, "NOT_FOUND");
    await expectRefused(await api("/activities", "POST", offer({ organisationIds: [] })), 404, "NOT_FOUND");
    const foreignSpeaker = await api("/activities", "POST", offer({ speakerPersonId: w.kees.id }));
    expect(foreignSpeaker.status).toBe(400);
    expect(((await foreignSpeaker.json()) as ErrorBody).error.fields).toHaveProperty("speakerPersonId");
    const foreignSchool = await api("/activities", "POST", offer({ schoolIds: [w.elsewhereSchool.id] }));
    expect(foreignSchool.status).toBe(400);
    expect(((await foreignSchool.json()) as ErrorBody).error.fields).toHaveProperty("schoolIds");
    await unchanged();
  });

  it("answers 404 for another organisation's activity and 403 for changing or deleting even its own", async () => {
    await expectRefused(await api(`/activities/${foreignActivityId}`), 404, "NOT_FOUND");
    await expectRefused(await api(`/activities/${foreignActivityId}`, "PATCH", { version: 1, status: "cancelled" }), 403, "FORBIDDEN");
    await expectRefused(await api(`/activities/${ownActivityId}`, "PATCH", { version: 1, status: "cancelled" }), 403, "FORBIDDEN");
    await expectRefused(await api(`/activities/${ownActivityId}`, "DELETE"), 403, "FORBIDDEN");
    const list = (await (await api("/activities?limit=200")).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((a) => a.id)).toEqual([ownActivityId]);
    await unchanged();
  });

  it("keeps the portal pages to the partner's own organisation: a foreign job to end is 404, a name or organisation sneaked into a form is ignored", async () => {
    const endForeign = await web.postForm("/portal", { intent: "end-contact", affiliationId: w.keesJob.id, endReason: "left_organisation" }, { jar: partner });
    expect(endForeign.status).toBe(404);
    const foreignSuccessor = await web.postForm("/portal", { intent: "end-contact", affiliationId: w.anoukJob.id, endReason: "left_organisation", successorPersonId: w.kees.id }, { jar: partner });
    expect(foreignSuccessor.status).toBe(400);
    // The details form reads the partner's fields only: a name, tier or id in it changes nothing.
    const sneaky = await web.postForm("/portal", { intent: "details", version: "999", name: "Gekaapt", tier: "strategic", id: w.foreign.id }, { jar: partner });
    expect(sneaky.status).toBe(409);
    await unchanged();
  });

  it("offers from the page always for the partner's own organisation; a foreign speaker or school is a field error and nothing is saved", async () => {
    const form = { type: "guest_lesson", title: "Gastles", startDate: "2026-12-10", schoolId: w.school.id, topic: "Zon" };
    const foreignSpeaker = await web.postForm("/portal/offer", { ...form, speakerPersonId: w.kees.id }, { jar: partner });
    expect(foreignSpeaker.status).toBe(400);
    expect(fieldErrorOf(await foreignSpeaker.text(), "speakerPersonId")).toBe("Kies iemand die nu bij een van de partners werkt.");
    const foreignSchool = await web.postForm("/portal/offer", { ...form, schoolId: w.elsewhereSchool.id }, { jar: partner });
    expect(foreignSchool.status).toBe(400);
    await unchanged();

    // An organisationId or status in the form is not read: the offer is the partner's own, as an offer.
    const sneaky = await web.postForm("/portal/offer", { ...form, speakerPersonId: w.anouk.id, organisationId: w.foreign.id, organisationIds: w.foreign.id, status: "planned" }, { jar: partner });
    expect(sneaky.status).toBe(302);
    const created = await t.db.selectFrom("activities").select(["id", "status"]).where("title", "=", "Gastles").executeTakeFirstOrThrow();
    expect(created.status).toBe("offered");
    const partners = await t.db.selectFrom("activity_organisations").select("organisation_id").where("activity_id", "=", created.id).where("role", "=", "partner").execute();
    expect(partners.map((p) => p.organisation_id)).toEqual([w.own.id]);
  });

  it("keeps the staff pages from the partner (403) and the portal from staff (403)", async () => {
    for (const path of [`/organisations/${w.own.id}`, `/organisations/${w.foreign.id}`, `/people/${w.anouk.id}`, `/activities/${ownActivityId}`, "/activities/new", "/admin/outbox"]) {
      expect((await web.get(path, { jar: partner })).status, path).toBe(403);
    }
    expect((await web.get("/portal", { jar: holder })).status).toBe(403);
    expect((await web.get("/portal/offer", { jar: holder })).status).toBe(403);
    expect((await web.postForm("/portal", { intent: "add-colleague", name: "Via staf" }, { jar: holder })).status).toBe(403);
    await unchanged();
  });

  it("shows a partner without an organisation no portal (404), and the dashboard instead", async () => {
    const loose = await makeUser(t.db, { regionId: w.region.id, role: "partner", name: "Losse Partner" });
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email: loose.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    expect((await web.get("/portal", { jar })).status).toBe(404);
    expect((await web.get("/", { jar })).status).toBe(200);
  });
});
