import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf, type CurrentUser, type Scope } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { createOrganisation, getOrganisation, updateOrganisation } from "../../server/domains/organisations/organisations.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { addAffiliation, createPerson, endAffiliation } from "../../server/domains/people/people.service";
import { deactivateUser } from "../../server/domains/users/users.service";
import { UpdateHealthSettingsInput } from "../../server/domains/health/health.schemas";
import { DEFAULT_PLAN_TEMPLATES } from "../../server/domains/plans/plans.defaults";
import { CreateActivityInput } from "../../server/domains/activities/activities.schemas";
import { createActivity, updateActivity } from "../../server/domains/activities/activities.service";
import { CreateCommitmentInput, RealisationInput } from "../../server/domains/commitments/commitments.schemas";
import { addRealisation, createCommitment, updateCommitment } from "../../server/domains/commitments/commitments.service";
import {
  getHealthSettings, getOrganisationHealth, healthCounts, listHealth, organisationHealthHistory, recomputeHealth,
  regionHealthTrend, snoozeOrganisation, updateHealthSettings,
} from "../../server/domains/health/health.service";
import { parseInput } from "../../server/validation";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser } from "../support/factories";

/**
 * The relationship-health rules of DESIGN.md, each proven by moving the clock: nothing sleeps, every
 * step passes its own "now" to the services and to the recompute, as SCHAKEL_NOW does for the app.
 */
describe("relationship health", () => {
  let t: TestDatabase;
  let regionId: string;
  let admin: CurrentUser;
  let holder: CurrentUser;
  let colleague: CurrentUser;
  let scope: Scope;

  const at = (day: string) => new Date(`${day}T10:00:00Z`);
  const meta = (day: string, actor: CurrentUser = holder) => ({ actor, now: at(day), appUrl: "http://schakel.test" });
  const asUser = (user: { id: string; regionId: string; email: string; name: string; role: CurrentUser["role"]; organisationId: string | null }): CurrentUser => ({ ...user, locale: "nl" });

  async function organisation(name: string, day: string, extra: Partial<CreateOrganisationInput> = {}) {
    const input = parseInput(CreateOrganisationInput, { kind: "company", name, accountHolderId: holder.id, ...extra });
    return t.db.transaction().execute((trx) => createOrganisation(trx, scope, input, meta(day)));
  }
  async function contact(name: string, organisationId: string, day: string, isPrimary = false) {
    const person = await t.db.transaction().execute((trx) => createPerson(trx, regionId, { name, lawfulBasis: "legitimate_interest", optOut: false }, meta(day)));
    const job = await t.db.transaction().execute((trx) => addAffiliation(trx, regionId, person.id, { organisationId, role: "Bedrijfsleider", isPrimary, startDate: day }, meta(day)));
    return { personId: person.id, affiliationId: job.id };
  }
  const talk = (organisationId: string, day: string, personIds: string[] = []) =>
    t.db.transaction().execute((trx) => logInteraction(trx, scope, { organisationId, kind: "call", summary: "Gebeld over stageplaatsen", date: day, personIds, nextStep: null, nextStepDate: null }, meta(day)));
  const healthOn = async (organisationId: string, day: string) => {
    await recomputeHealth(t.db, { regionId }, at(day));
    return getOrganisationHealth(t.db, scope, organisationId, { locale: "nl", today: day });
  };
  const codes = (health: { reasons: Array<{ code: string }> }) => health.reasons.map((reason) => reason.code).sort();

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db);
    regionId = region.id;
    admin = asUser(await makeUser(t.db, { regionId, role: "admin", name: "Marieke Nijhuis" }));
    holder = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name: "Fatima El Amrani" }));
    colleague = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name: "Joris Lammertink" }));
    scope = scopeOf(holder);
  });
  afterAll(async () => t?.drop());

  it("an organisation whose only contact leaves turns cold, and is healthy again after a new contact and a contact moment", async () => {
    const org = await organisation("Bakkerij Sjöberg", "2026-01-05", { tier: "occasional" });
    const jan = await contact("Jan de Vries", org.id, "2026-01-05", true);
    await talk(org.id, "2026-02-10", [jan.personId]);
    expect((await healthOn(org.id, "2026-02-11")).state).toBe("healthy");

    await t.db.transaction().execute((trx) => endAffiliation(trx, regionId, jan.affiliationId, { endDate: "2026-03-03", endReason: "left_organisation" }, meta("2026-03-04")));
    const cold = await healthOn(org.id, "2026-03-04");
    expect(cold.state).toBe("cold");
    expect(codes(cold)).toEqual(["contact_left", "no_contact_person"]);
    const left = cold.reasons.find((reason) => reason.code === "contact_left")!;
    expect(left.message).toBe("Jan de Vries (primair contact) is op 3 maart 2026 vertrokken; sindsdien geen contact");
    expect(left.since).toBe("2026-03-03");
    expect(left.nextStep).toMatch(/voeg die als contactpersoon toe/);

    const anna = await contact("Anna Bosch", org.id, "2026-03-10", true);
    expect(codes(await healthOn(org.id, "2026-03-10"))).toEqual(["contact_left"]);
    await talk(org.id, "2026-03-11", [anna.personId]);
    const healthy = await healthOn(org.id, "2026-03-11");
    expect(healthy).toMatchObject({ state: "healthy", reasons: [], lastContactDate: "2026-03-11" });
  });

  it("silence beyond the tier's cadence cools a relationship, and twice the cadence makes it cold, school holidays not counted", async () => {
    const org = await organisation("Elektro Kamphuis", "2026-01-05", { tier: "strategic" });
    await contact("Joost Kamphuis", org.id, "2026-01-05", true);
    await contact("Eva Kamphuis", org.id, "2026-01-05");
    await talk(org.id, "2026-05-04");
    // 60 silent days after 4 May is 3 July; the summer holiday (4 July - 16 August) does not count.
    expect((await healthOn(org.id, "2026-07-03")).state).toBe("healthy");
    expect((await healthOn(org.id, "2026-08-16")).state).toBe("healthy");
    const cooling = await healthOn(org.id, "2026-08-17");
    expect(cooling.state).toBe("cooling");
    expect(cooling.reasons[0]).toMatchObject({ code: "no_recent_contact", state: "cooling", since: "2026-08-16" });
    expect(cooling.reasons[0]!.message).toBe("Al 61 dagen geen contact, sinds 4 mei 2026 (richttijd 60 dagen; schoolvakanties tellen niet mee)");
    expect(cooling.reasons[0]!.nextStep).toBe("Bel of bezoek de organisatie en leg het contactmoment vast.");
    // Over twice the cadence (120 silent days) it is cold: 16 October, the day before the autumn holiday.
    expect((await healthOn(org.id, "2026-10-15")).state).toBe("cooling");
    expect((await healthOn(org.id, "2026-10-16")).state).toBe("cold");
    // In the autumn holiday (17 – 25 October) the count stands still, and goes on after it.
    const inHoliday = await healthOn(org.id, "2026-10-20");
    expect(inHoliday.reasons[0]!.message).toMatch(/^Al 121 dagen geen contact/);
    expect(inHoliday.reasons[0]!.since).toBe("2026-08-20");
    expect((await healthOn(org.id, "2026-10-25")).reasons[0]!.message).toMatch(/^Al 121 dagen geen contact/);
    expect((await healthOn(org.id, "2026-10-27")).reasons[0]!.message).toMatch(/^Al 123 dagen geen contact/);
    // Stored is when the silence began, so a read days after the last recompute counts on.
    const read = await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-11-06" });
    expect(read.reasons[0]!.message).toMatch(/^Al 133 dagen geen contact/);
  });

  it("a single contact at a strategic partner is worth watching, at an occasional one it is not", async () => {
    const strategic = await organisation("Hulshof Installatietechniek", "2026-09-01", { tier: "strategic" });
    const occasional = await organisation("Schilders Lansink", "2026-09-01", { tier: "occasional" });
    await contact("Henk Wessels", strategic.id, "2026-09-01", true);
    await contact("Mieke Lansink", occasional.id, "2026-09-01", true);
    await talk(strategic.id, "2026-09-02");
    await talk(occasional.id, "2026-09-02");
    const watch = await healthOn(strategic.id, "2026-09-03");
    expect(watch.state).toBe("watch");
    expect(watch.reasons[0]!.message).toBe("Alleen Henk Wessels is contactpersoon: vertrekt die, dan is de relatie weg");
    expect((await healthOn(occasional.id, "2026-09-03")).state).toBe("healthy");
  });

  it("deactivating the account holder makes each of their organisations cold, and a new owner without contact cools it after 30 days", async () => {
    const leaving = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name: "Ruud Brinkman" }));
    const input = parseInput(CreateOrganisationInput, { kind: "company", name: "Bouwbedrijf Te Lintelo", tier: "occasional", accountHolderId: leaving.id });
    const org = await t.db.transaction().execute((trx) => createOrganisation(trx, scope, input, meta("2026-01-05")));
    await contact("Gerrit Te Lintelo", org.id, "2026-01-05", true);
    await talk(org.id, "2026-09-01");

    await t.db.transaction().execute((trx) => deactivateUser(trx, regionId, leaving.id, meta("2026-09-10", admin)));
    const cold = await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-09-10" });
    expect(cold.state).toBe("cold");
    expect(cold.reasons[0]).toMatchObject({ code: "account_holder_left", since: "2026-09-10" });
    expect(cold.reasons[0]!.message).toBe("Accounthouder Ruud Brinkman is vertrokken en niemand heeft de relatie overgenomen");
    // Schakel makes sure someone picks it up: the region's "Relatie koud" plan, its steps for the
    // region's admin since the owner left (they are the follow-up; no single "Relatie oppakken" besides).
    const tasks = await t.db.selectFrom("tasks").select(["assignee_id", "title", "source"]).where("organisation_id", "=", org.id).orderBy("plan_position").execute();
    expect(tasks).toEqual([
      { assignee_id: admin.id, title: "Neem contact op en leg het contactmoment vast", source: "plan" },
      { assignee_id: admin.id, title: "Zoek een tweede contactpersoon", source: "plan" },
      { assignee_id: admin.id, title: "Bespreek met de coördinator of de relatie nog past", source: "plan" },
    ]);

    const current = await getOrganisation(t.db, scope, org.id);
    await t.db.transaction().execute((trx) => updateOrganisation(trx, scopeOf(admin), org.id, { version: current.version, accountHolderId: colleague.id }, meta("2026-09-14", admin)));
    expect((await healthOn(org.id, "2026-10-14")).state).toBe("healthy");
    const cooling = await healthOn(org.id, "2026-10-15");
    expect(cooling.state).toBe("cooling");
    expect(cooling.reasons.map((r) => r.code)).toEqual(["new_owner_no_contact"]);
    expect(cooling.reasons[0]!.message).toBe("Joris Lammertink is sinds 14 september 2026 accounthouder, maar heeft nog geen contact gehad");
    // Healthy again under the new owner, the plan ended and closed its open steps with that reason;
    // cooling now is no reason for a new one. A second recompute makes no task, and the history shows each change once.
    expect(await t.db.selectFrom("plans").select(["event", "status"]).where("organisation_id", "=", org.id).execute()).toEqual([{ event: "relationship_cold", status: "recovered" }]);
    await recomputeHealth(t.db, { regionId }, at("2026-10-15"));
    const after = await t.db.selectFrom("tasks").select(["status", "closed_reason"]).where("organisation_id", "=", org.id).execute();
    expect(after).toEqual(Array(3).fill({ status: "done", closed_reason: "relationship_healthy" }));
    const history = await organisationHealthHistory(t.db, scope, org.id);
    expect(history.map((h) => [h.changedOn, h.state])).toEqual([
      ["2026-01-05", "cold"], ["2026-01-05", "healthy"], ["2026-09-10", "cold"], ["2026-09-14", "healthy"], ["2026-10-15", "cooling"],
    ]);
  });

  it("when the primary contact leaves without a successor the owner gets a follow-up; with a successor, the successor becomes primary", async () => {
    const org = await organisation("Twentse Metaalunie", "2026-02-01", { tier: "occasional" });
    const ayse = await contact("Ayşe Demir", org.id, "2026-02-01", true);
    const bart = await contact("Bart Oude Vrielink", org.id, "2026-02-01");
    await t.db.transaction().execute((trx) => endAffiliation(trx, regionId, ayse.affiliationId, { endDate: "2026-04-01", endReason: "retired" }, meta("2026-04-01")));
    // The follow-up is the region's "Contactpersoon vertrokken" plan (its steps for the owner and the coordinator).
    const followUps = await t.db.selectFrom("tasks").select(["assignee_id", "title", "source"]).where("organisation_id", "=", org.id).orderBy("plan_position").execute();
    expect(followUps.map((task) => task.source)).toEqual(["plan", "plan", "plan", "plan"]);
    expect(followUps.slice(0, 3).map((task) => task.assignee_id)).toEqual([holder.id, holder.id, holder.id]);
    // A region that emptied its template gets the single follow-up instead.
    const template = await t.db.selectFrom("plan_templates").select("id").where("region_id", "=", regionId).where("event", "=", "contact_left").executeTakeFirstOrThrow();
    await t.db.deleteFrom("plan_template_steps").where("template_id", "=", template.id).execute();
    const single = await organisation("Lansink Metaal", "2026-02-01", { tier: "occasional" });
    const lone = await contact("Mieke Lansink", single.id, "2026-02-01", true);
    await t.db.transaction().execute((trx) => endAffiliation(trx, regionId, lone.affiliationId, { endDate: "2026-04-01", endReason: "retired" }, meta("2026-04-01")));
    expect(await t.db.selectFrom("tasks").select(["assignee_id", "title"]).where("organisation_id", "=", single.id).where("source", "=", "health").execute())
      .toEqual([{ assignee_id: holder.id, title: "Opvolger zoeken voor Mieke Lansink bij Lansink Metaal" }]);
    await t.db.insertInto("plan_template_steps")
      .values(DEFAULT_PLAN_TEMPLATES.contact_left.map((step, index) => ({ region_id: regionId, template_id: template.id, position: index + 1, title: step.title, role: step.role, due_school_days: step.dueSchoolDays })))
      .execute();

    const other = await organisation("Machinefabriek Nijhuis", "2026-02-01", { tier: "occasional" });
    const piet = await contact("Piet Nijhuis", other.id, "2026-02-01", true);
    await t.db.transaction().execute((trx) => endAffiliation(trx, regionId, piet.affiliationId, { endDate: "2026-04-01", endReason: "left_organisation", successorName: "Sanne Mulder" }, meta("2026-04-01")));
    // No successor to find; that the relationship is cold (its primary contact left) starts "Relatie koud".
    expect(await t.db.selectFrom("tasks").select("id").where("organisation_id", "=", other.id).where("source", "<>", "plan").execute()).toEqual([]);
    expect(await t.db.selectFrom("plans").select("event").where("organisation_id", "=", other.id).execute()).toEqual([{ event: "relationship_cold" }]);
    const jobs = await t.db.selectFrom("affiliations").innerJoin("people", "people.id", "affiliations.person_id")
      .select(["people.name", "affiliations.is_primary", "affiliations.end_date"]).where("organisation_id", "=", other.id).orderBy("people.name").execute();
    expect(jobs).toEqual([{ name: "Piet Nijhuis", is_primary: true, end_date: "2026-04-01" }, { name: "Sanne Mulder", is_primary: true, end_date: null }]);
    const health = await healthOn(other.id, "2026-04-02");
    expect(health.reasons[0]!.message).toBe("Piet Nijhuis (primair contact) is op 1 april 2026 vertrokken; opvolger Sanne Mulder, sindsdien geen contact");
    expect(health.reasons[0]!.nextStep).toBe("Maak kennis met Sanne Mulder en leg het contactmoment vast.");
    expect(bart).toBeDefined();
  });

  it("'Aandacht nodig' lists cold and cooling relationships by tier, then longest first, without snoozed ones", async () => {
    const day = "2026-11-23";
    await recomputeHealth(t.db, { regionId }, at(day));
    const list = await listHealth(t.db, scope, { state: ["cold", "cooling"], limit: 50 }, { locale: "nl", today: day });
    const tiers = list.items.map((item) => item.tier);
    expect(tiers).toEqual([...tiers].sort((a, b) => ["strategic", "regular", "occasional"].indexOf(a) - ["strategic", "regular", "occasional"].indexOf(b)));
    expect(list.items.every((item) => item.state === "cold" || item.state === "cooling")).toBe(true);
    const first = list.items[0]!;
    const { SnoozeInput } = await import("../../server/domains/health/health.schemas");
    const snooze = parseInput(SnoozeInput, { weeks: 4, reason: "Directeur is met verlof tot januari" });
    await expect(t.db.transaction().execute((trx) => snoozeOrganisation(trx, scope, first.organisationId, snooze, meta(day)))).resolves.toMatchObject({ until: "2026-12-21" });
    const after = await listHealth(t.db, scope, { state: ["cold", "cooling"], limit: 50 }, { locale: "nl", today: day });
    expect(after.items.map((item) => item.organisationId)).not.toContain(first.organisationId);
    const counts = await healthCounts(t.db, scope, day);
    expect(counts.cold + counts.cooling).toBe(list.items.length);
    expect(counts.snoozed).toBe(1);
    // Four weeks on, the snooze has run out and the relationship is back on the list.
    const later = await listHealth(t.db, scope, { state: ["cold", "cooling"], limit: 50 }, { locale: "nl", today: "2026-12-21" });
    expect(later.items.map((item) => item.organisationId)).toContain(first.organisationId);
    const trend = await regionHealthTrend(t.db, scope, { from: "2026-08-01", to: day });
    expect(trend.at(-1)).toMatchObject({ day, cold: counts.cold, cooling: counts.cooling, healthy: counts.healthy, watch: counts.watch });
  });

  it("a done activity counts as contact: a quiet relationship is healthy again after a company visit", async () => {
    const org = await organisation("Machinefabriek Tijhuis", "2025-09-01", { tier: "occasional" });
    await contact("Wim Tijhuis", org.id, "2025-09-01", true);
    await talk(org.id, "2025-09-02");
    expect((await healthOn(org.id, "2026-11-23")).reasons.map((r) => r.code)).toContain("no_recent_contact");
    const visit = parseInput(CreateActivityInput, {
      type: "company_visit", title: "Bedrijfsbezoek klas 3", startDate: "2026-11-20", endDate: "2026-11-20", status: "done",
      organisationIds: [org.id], pupilsReached: 24, teachersInvolved: 2,
    });
    await t.db.transaction().execute((trx) => createActivity(trx, scope, visit, meta("2026-11-23")));
    const health = await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-11-23" });
    expect(health).toMatchObject({ state: "healthy", lastContactDate: "2026-11-20" });
  });

  it("a partner with activities last school year and none this one cools from October, and warms when one is planned", async () => {
    const org = await organisation("Installatiebedrijf Lohuis", "2025-09-01", { tier: "occasional" });
    await contact("Anouk Lohuis", org.id, "2025-09-01", true);
    const lesson = parseInput(CreateActivityInput, {
      type: "company_visit", title: "Bezoek werkplaats", startDate: "2026-03-10", endDate: "2026-03-10", status: "done",
      organisationIds: [org.id], pupilsReached: 20, teachersInvolved: 1,
    });
    await t.db.transaction().execute((trx) => createActivity(trx, scope, lesson, meta("2026-03-11")));
    await talk(org.id, "2026-09-10");
    expect((await healthOn(org.id, "2026-09-15")).reasons.map((r) => r.code)).not.toContain("activity_stopped");
    const stopped = await healthOn(org.id, "2026-10-05");
    expect(stopped.state).toBe("cooling");
    expect(stopped.reasons).toEqual([expect.objectContaining({
      code: "activity_stopped", since: "2026-08-01",
      message: "In schooljaar 2025-2026 samen activiteiten gedaan, in 2026-2027 nog niets gepland of gedaan",
    })]);
    const planned = await t.db.transaction().execute((trx) => createActivity(trx, scope, parseInput(CreateActivityInput, {
      type: "company_visit", title: "Bezoek werkplaats", startDate: "2027-03-09", endDate: "2027-03-09", status: "planned", organisationIds: [org.id],
    }), meta("2026-10-05")));
    expect((await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-10-05" })).state).toBe("healthy");
    // Cancelling the plan brings the reason back.
    await t.db.transaction().execute((trx) => updateActivity(trx, scope, planned.id, { version: planned.version, status: "cancelled" }, meta("2026-10-06")));
    expect((await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2026-10-06" })).reasons.map((r) => r.code)).toEqual(["activity_stopped"]);
  });

  it("a pledge for this school year not realised in its last 90 days is worth watching, as is a lapsed one, until it is realised", async () => {
    const org = await organisation("Metaalbewerking Haverkate", "2025-09-01", { tier: "occasional" });
    await contact("Ingrid Haverkate", org.id, "2025-09-01", true);
    const penvoerder = scopeOf(admin);
    const pledge = await t.db.transaction().execute((trx) => createCommitment(trx, penvoerder, parseInput(CreateCommitmentInput, { organisationId: org.id, schoolYear: "2026-2027", kind: "cash", category: "cash", amountCents: 250000 }), meta("2026-09-01", admin)));
    await talk(org.id, "2027-04-20");
    expect((await healthOn(org.id, "2027-05-01")).state).toBe("healthy");
    const risk = await healthOn(org.id, "2027-05-03");
    expect(risk.state).toBe("watch");
    expect(risk.reasons[0]).toMatchObject({ code: "commitment_at_risk", since: "2027-05-02", message: "Een toezegging voor dit schooljaar is nog niet gerealiseerd, en het schooljaar eindigt op 31 juli 2027" });
    await t.db.transaction().execute((trx) => addRealisation(trx, penvoerder, pledge.id, parseInput(RealisationInput, { date: "2027-05-03", amountCents: 250000, description: "Factuur betaald" }), null, meta("2027-05-03", admin)));
    expect((await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2027-05-03" })).state).toBe("healthy");

    const other = await t.db.transaction().execute((trx) => createCommitment(trx, penvoerder, parseInput(CreateCommitmentInput, { organisationId: org.id, schoolYear: "2026-2027", kind: "cash", category: "cash", amountCents: 100000 }), meta("2027-05-04", admin)));
    await t.db.transaction().execute((trx) => updateCommitment(trx, penvoerder, other.id, { version: other.version, status: "lapsed" }, meta("2027-05-04", admin)));
    const lapsed = await getOrganisationHealth(t.db, scope, org.id, { locale: "nl", today: "2027-05-04" });
    expect(lapsed.reasons.map((r) => r.message)).toEqual(["Een toezegging voor dit schooljaar is vervallen"]);
  });

  it("a cadence of zero days is refused and changes nothing; a longer cadence is applied at once", async () => {
    const before = await getHealthSettings(t.db, regionId);
    expect(before).toMatchObject({ cadenceStrategicDays: 60, cadenceRegularDays: 120, cadenceOccasionalDays: 240 });
    expect(before.holidays.some((h) => h.name === "Zomervakantie 2026")).toBe(true);
    expect(() => parseInput(UpdateHealthSettingsInput, { version: before.version, cadenceStrategicDays: 0, cadenceRegularDays: 120, cadenceOccasionalDays: -5 }, "nl"))
      .toThrow(expect.objectContaining({ fields: { cadenceStrategicDays: "Vul een aantal dagen in van 1 tot 3650.", cadenceOccasionalDays: "Vul een aantal dagen in van 1 tot 3650." } }));
    await expect(t.db.transaction().execute((trx) => updateHealthSettings(trx, scope, { version: before.version, cadenceStrategicDays: 90, cadenceRegularDays: 120, cadenceOccasionalDays: 240 }, meta("2026-11-23"))))
      .rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(t.db.transaction().execute((trx) => updateHealthSettings(trx, scopeOf(admin), { version: before.version, cadenceStrategicDays: 90, cadenceRegularDays: 120, cadenceOccasionalDays: 240, coordinatorUserId: holder.organisationId ?? "00000000-0000-4000-8000-000000000000" }, meta("2026-11-23", admin))))
      .rejects.toMatchObject({ fields: { coordinatorUserId: expect.any(String) } });
    expect(await getHealthSettings(t.db, regionId)).toEqual(before);
    const after = await t.db.transaction().execute((trx) => updateHealthSettings(trx, scopeOf(admin), { version: before.version, cadenceStrategicDays: 3650, cadenceRegularDays: 3650, cadenceOccasionalDays: 3650, coordinatorUserId: colleague.id }, meta("2026-11-23", admin)));
    expect(after).toMatchObject({ cadenceStrategicDays: 3650, coordinatorUserId: colleague.id, version: before.version + 1 });
    const silent = await t.db.selectFrom("organisation_health").select("reasons").where("region_id", "=", regionId).execute();
    expect(silent.flatMap((row) => (row.reasons as Array<{ code: string }>).map((r) => r.code))).not.toContain("no_recent_contact");
    await expect(t.db.transaction().execute((trx) => updateHealthSettings(trx, scopeOf(admin), { version: before.version, cadenceStrategicDays: 60, cadenceRegularDays: 120, cadenceOccasionalDays: 240 }, meta("2026-11-23", admin))))
      .rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a recompute as of an earlier day sees only what was known then", async () => {
    const org = await organisation("Constructie Bosch", "2025-09-01", { tier: "occasional" });
    await contact("Wim Bosch", org.id, "2025-09-01", true);
    await talk(org.id, "2026-06-01");
    await recomputeHealth(t.db, { organisationIds: [org.id] }, at("2026-05-01"));
    const then = await t.db.selectFrom("organisation_health").select(["last_contact_date", "state"]).where("organisation_id", "=", org.id).executeTakeFirstOrThrow();
    expect(then.last_contact_date).toBeNull();
    expect(toLocalDate(at("2026-05-01"))).toBe("2026-05-01");
  });
});
