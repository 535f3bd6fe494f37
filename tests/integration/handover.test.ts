import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf, type CurrentUser, type Scope } from "../../server/auth/current-user";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { createTask } from "../../server/domains/tasks/tasks.service";
import { getOrganisationHealth, recomputeHealth } from "../../server/domains/health/health.service";
import { DEFAULT_PLAN_TEMPLATES } from "../../server/domains/plans/plans.defaults";
import { deactivateUser, setUserLocale } from "../../server/domains/users/users.service";
import { createApiToken } from "../../server/auth/api-tokens";
import { parseInput } from "../../server/validation";
import { alertsOf, CookieJar, createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

/**
 * Turnover on the school's side: an account holder leaves, an admin hands their relationships over
 * in one step, and each new owner gets one email with everything they need to pick them up.
 */
describe("handing relationships over when an account holder leaves", () => {
  let t: TestDatabase;
  let regionId: string;
  let admin: CurrentUser;
  let adminToken: string;
  let joris: CurrentUser;
  let sanne: CurrentUser;
  let partnerUser: CurrentUser;
  let gone: CurrentUser;
  let otherRegionUser: CurrentUser;
  let adminScope: Scope;

  const at = (day: string) => new Date(`${day}T10:00:00Z`);
  const meta = (day: string, actor: CurrentUser = admin) => ({ actor, now: at(day), appUrl: "http://schakel.test" });
  const asUser = (user: { id: string; regionId: string; email: string; name: string; role: CurrentUser["role"]; organisationId: string | null }): CurrentUser => ({ ...user, locale: "nl" });
  const api = (day: string) => createTestApp(t.db, { now: at(day) });
  const post = (day: string, path: string, body: unknown, token = adminToken) =>
    api(day).request(path, { method: "POST", token, body: JSON.stringify(body) });

  /** An account holder with relationships: a contact, a contact moment and an open task of their own on each. */
  async function leaverWithRelationships(name: string, organisations: string[]) {
    const leaver = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name }));
    const created = [];
    for (const orgName of organisations) {
      const input = parseInput(CreateOrganisationInput, { kind: "company", name: orgName, tier: "occasional", accountHolderId: leaver.id });
      const org = await t.db.transaction().execute((trx) => createOrganisation(trx, adminScope, input, meta("2026-09-01")));
      const person = await t.db.transaction().execute((trx) => createPerson(trx, regionId, { name: `Contact ${orgName}`, email: "contact@bedrijf.example", lawfulBasis: "legitimate_interest", optOut: false }, meta("2026-09-01")));
      await t.db.transaction().execute((trx) => addAffiliation(trx, regionId, person.id, { organisationId: org.id, role: "Bedrijfsleider", isPrimary: true, startDate: "2026-09-01" }, meta("2026-09-01")));
      await t.db.transaction().execute((trx) => logInteraction(trx, scopeOf(leaver), { organisationId: org.id, kind: "visit", summary: `Rondleiding bij ${orgName}`, date: "2026-09-02", personIds: [person.id], nextStep: null, nextStepDate: null }, meta("2026-09-02", leaver)));
      await t.db.transaction().execute((trx) => createTask(trx, scopeOf(leaver), { title: `Stageplekken nabellen bij ${orgName}`, dueDate: "2026-09-20", organisationId: org.id }, meta("2026-09-02", leaver)));
      created.push(org);
    }
    return { leaver, organisations: created };
  }

  const ownersOf = async (ids: string[]) =>
    Object.fromEntries((await t.db.selectFrom("organisations").select(["id", "account_holder_id"]).where("id", "in", ids).execute()).map((o) => [o.id, o.account_holder_id]));
  const emailsTo = (address: string) =>
    t.db.selectFrom("email_outbox").select(["template", "subject", "text", "html"]).where("to_address", "=", address).where("template", "=", "handover_summary").execute();
  const reasonCodes = async (organisationId: string, day: string) =>
    (await getOrganisationHealth(t.db, adminScope, organisationId, { locale: "nl", today: day })).reasons.map((r) => r.code);

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db);
    regionId = region.id;
    admin = asUser(await makeUser(t.db, { regionId, role: "admin", name: "Marieke Nijhuis" }));
    adminScope = scopeOf(admin);
    adminToken = (await createApiToken(t.db, { userId: admin.id, name: "test", now: at("2026-09-01") })).token;
    joris = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name: "Joris Lammertink" }));
    sanne = asUser(await makeUser(t.db, { regionId, role: "penvoerder", name: "Sanne Ter Horst", email: "sanne@sto.example" }));
    await t.db.transaction().execute((trx) => setUserLocale(trx, sanne.id, "en", at("2026-09-01")));
    const partnerOrg = await t.db.transaction().execute((trx) => createOrganisation(trx, adminScope, parseInput(CreateOrganisationInput, { kind: "partner", name: "Partnerbureau" }), meta("2026-09-01")));
    partnerUser = asUser(await makeUser(t.db, { regionId, role: "partner", organisationId: partnerOrg.id }));
    gone = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name: "Al Vertrokken" }));
    await t.db.transaction().execute((trx) => deactivateUser(trx, regionId, gone.id, meta("2026-09-01")));
    const otherRegion = await makeRegion(t.db);
    otherRegionUser = asUser(await makeUser(t.db, { regionId: otherRegion.id, role: "accounthouder" }));
  });
  afterAll(async () => t?.drop());

  it("after deactivating, handing everything to one colleague moves the relationships with their history and tasks, and sends one summary", async () => {
    const { leaver, organisations } = await leaverWithRelationships("Ruud Brinkman", ["Bouwbedrijf Te Lintelo", "Autobedrijf Oude Egbrink"]);
    const ids = organisations.map((o) => o.id);
    expect((await post("2026-09-10", `/api/v1/users/${leaver.id}/deactivate`, {})).status).toBe(200);
    expect(await reasonCodes(ids[0]!, "2026-09-10")).toContain("account_holder_left");

    const response = await post("2026-09-10", `/api/v1/users/${leaver.id}/handover`, { toUserId: joris.id });
    expect(response.status).toBe(200);
    const result = (await response.json()) as { organisations: Array<{ organisationId: string; toUserId: string }>; tasksMoved: number; emailsQueued: number };
    expect(result.organisations.map((o) => o.toUserId)).toEqual([joris.id, joris.id]);
    expect(result.emailsQueued).toBe(1);
    expect(await ownersOf(ids)).toEqual({ [ids[0]!]: joris.id, [ids[1]!]: joris.id });

    // Ownership keeps its history: Ruud's period closed, Joris's open.
    const periods = await t.db.selectFrom("account_holder_periods").select(["user_id", "ended_at"]).where("organisation_id", "=", ids[0]!).orderBy("started_at").execute();
    expect(periods.map((p) => [p.user_id, p.ended_at !== null])).toEqual([[leaver.id, true], [joris.id, false]]);

    // The deactivation turned both cold and started "Relatie koud" for the admin (nobody owned them);
    // owned again, they are healthy at once, so those plans ended with their steps closed. Ruud's own
    // tasks are Joris's now, and each relationship has the "Nieuwe accounthouder" plan: three steps
    // for Joris, one for the coordinator (here the admin, as the region names none).
    const cold = await t.db.selectFrom("plans").select(["event", "status"]).where("organisation_id", "in", ids).where("event", "=", "relationship_cold").execute();
    expect(cold).toEqual([{ event: "relationship_cold", status: "recovered" }, { event: "relationship_cold", status: "recovered" }]);
    const tasks = await t.db.selectFrom("tasks").select(["title", "assignee_id"]).where("organisation_id", "in", ids).where("status", "=", "open").orderBy("title").execute();
    const mine = (...titles: string[]) => titles.flatMap((title) => [{ title, assignee_id: joris.id }, { title, assignee_id: joris.id }]);
    expect(tasks).toEqual([
      { title: "Laat de coördinator weten dat de overdracht rond is", assignee_id: admin.id },
      { title: "Laat de coördinator weten dat de overdracht rond is", assignee_id: admin.id },
      ...mine("Lees de geschiedenis van de relatie door", "Plan een kennismakingsbezoek"),
      { title: "Stageplekken nabellen bij Autobedrijf Oude Egbrink", assignee_id: joris.id },
      { title: "Stageplekken nabellen bij Bouwbedrijf Te Lintelo", assignee_id: joris.id },
      ...mine("Stel je voor aan de contactpersoon"),
    ]);
    expect(result.tasksMoved).toBe(2);

    const [email, ...more] = await emailsTo(joris.email);
    expect(more).toEqual([]);
    expect(email!.subject).toBe("2 relaties van Ruud Brinkman zijn nu van u");
    expect(email!.text).toContain("Marieke Nijhuis heeft de relaties van Ruud Brinkman aan u overgedragen (2).");
    for (const name of ["Bouwbedrijf Te Lintelo", "Autobedrijf Oude Egbrink"]) {
      expect(email!.html).toContain(`>${name}</a>`);
      expect(email!.text).toContain(`Contact ${name} (Bedrijfsleider) · primair contact · contact@bedrijf.example`);
      expect(email!.text).toContain(`2 september 2026 · Bezoek · Rondleiding bij ${name} · door Ruud Brinkman`);
      expect(email!.text).toContain(`Stageplekken nabellen bij ${name}, uiterlijk 20 september 2026 (Joris Lammertink)`);
    }
    expect(email!.html).toContain(`href="http://schakel.test/organisations/${ids[0]}"`);

    // Nobody-owns-it is over at once; after 30 days without contact the new owner's silence shows.
    expect(await reasonCodes(ids[0]!, "2026-09-10")).not.toContain("account_holder_left");
    await recomputeHealth(t.db, { regionId }, at("2026-10-11"));
    const health = await getOrganisationHealth(t.db, adminScope, ids[0]!, { locale: "nl", today: "2026-10-11" });
    expect(health.state).toBe("cooling");
    expect(health.reasons.map((r) => r.code)).toEqual(["new_owner_no_contact"]);
    expect(health.reasons[0]!.message).toBe("Joris Lammertink is sinds 10 september 2026 accounthouder, maar heeft nog geen contact gehad");

    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", leaver.id).where("action", "=", "user.handover").execute();
    expect(audit).toHaveLength(1);
  });

  it("each organisation to its own colleague: two new owners, two emails, each in the owner's language with only their relationships", async () => {
    const { leaver, organisations } = await leaverWithRelationships("Petra Wolters", ["Kapsalon Knip", "Garage Nijenhuis", "Drukkerij Roosdom"]);
    const [knip, garage, drukkerij] = organisations.map((o) => o.id) as [string, string, string];
    await post("2026-09-10", `/api/v1/users/${leaver.id}/deactivate`, {});
    const response = await post("2026-09-11", `/api/v1/users/${leaver.id}/handover`, { toUserId: joris.id, assignments: { [garage]: sanne.id } });
    expect(response.status).toBe(200);
    expect(await ownersOf([knip, garage, drukkerij])).toEqual({ [knip]: joris.id, [garage]: sanne.id, [drukkerij]: joris.id });

    const toJoris = (await emailsTo(joris.email)).find((e) => e.subject.includes("Petra Wolters"))!;
    expect(toJoris.subject).toBe("2 relaties van Petra Wolters zijn nu van u");
    expect(toJoris.html).toContain(">Kapsalon Knip</a>");
    expect(toJoris.html).toContain(">Drukkerij Roosdom</a>");
    expect(toJoris.html).not.toContain("Garage Nijenhuis");
    const toSanne = await emailsTo(sanne.email);
    expect(toSanne).toHaveLength(1);
    expect(toSanne[0]!.subject).toBe("Garage Nijenhuis is now your relationship (handed over from Petra Wolters)");
    expect(toSanne[0]!.text).toContain("Latest contact moments");
    expect(toSanne[0]!.html).not.toContain("Kapsalon Knip");
  });

  it("refuses a partner, a deactivated or another region's colleague as new owner, with a clear message and nothing changed", async () => {
    const { leaver, organisations } = await leaverWithRelationships("Henk Wessels", ["Schilders Lansink"]);
    const [org] = organisations.map((o) => o.id) as [string];
    const before = await t.db.selectFrom("email_outbox").select(({ fn }) => fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const periodsBefore = await t.db.selectFrom("account_holder_periods").select("id").where("organisation_id", "=", org).execute();

    for (const target of [partnerUser, gone, otherRegionUser]) {
      const refused = await post("2026-09-10", `/api/v1/users/${leaver.id}/handover`, { toUserId: target.id });
      expect(refused.status).toBe(400);
      const body = (await refused.json()) as { error: { code: string; fields: Record<string, string> } };
      expect(body.error).toMatchObject({ code: "VALIDATION_FAILED", fields: { toUserId: "Choose an active colleague of this region (not a partner)." } });
    }
    const perRow = await post("2026-09-10", `/api/v1/users/${leaver.id}/handover`, { assignments: { [org]: partnerUser.id } });
    expect(((await perRow.json()) as { error: { fields: Record<string, string> } }).error.fields).toEqual({ [`assignments.${org}`]: "Choose an active colleague of this region (not a partner)." });
    const notTheirs = await post("2026-09-10", `/api/v1/users/${joris.id}/handover`, { assignments: { [org]: sanne.id } });
    expect(notTheirs.status).toBe(400);

    expect(await ownersOf([org])).toEqual({ [org]: leaver.id });
    expect(await t.db.selectFrom("account_holder_periods").select("id").where("organisation_id", "=", org).execute()).toEqual(periodsBefore);
    expect(await t.db.selectFrom("email_outbox").select(({ fn }) => fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).toEqual(before);
  });

  it("is for admins of the user's own region: another role gets 403, another region's user 404, and nothing changes", async () => {
    const { leaver, organisations } = await leaverWithRelationships("Anouk Smit", ["Bakkerij Sjöberg"]);
    const { token: holderToken } = await createApiToken(t.db, { userId: joris.id, name: "test", now: at("2026-09-01") });
    expect((await post("2026-09-10", `/api/v1/users/${leaver.id}/handover`, { toUserId: joris.id }, holderToken)).status).toBe(403);
    const foreign = await post("2026-09-10", `/api/v1/users/${otherRegionUser.id}/handover`, { toUserId: joris.id });
    expect(foreign.status).toBe(404);
    expect(await ownersOf([organisations[0]!.id])).toEqual({ [organisations[0]!.id]: leaver.id });
  });

  it("works for an active user changing roles: their relationships move and they keep their account", async () => {
    const { leaver, organisations } = await leaverWithRelationships("Lotte Veldhuis", ["Timmerfabriek Haarman"]);
    const response = await post("2026-09-12", `/api/v1/users/${leaver.id}/handover`, { toUserId: sanne.id });
    expect(response.status).toBe(200);
    expect(await ownersOf([organisations[0]!.id])).toEqual({ [organisations[0]!.id]: sanne.id });
    expect((await t.db.selectFrom("users").select("active").where("id", "=", leaver.id).executeTakeFirstOrThrow()).active).toBe(true);
    // The new owner gets the region's "Nieuwe accounthouder" plan (instead of the single introduction
    // task), counted in school days from Monday 14 September: the handover was on a Saturday.
    const tasks = await t.db.selectFrom("tasks").select(["title", "source", "due_date", "assignee_id"]).where("organisation_id", "=", organisations[0]!.id)
      .where("source", "in", ["handover", "plan"]).orderBy("plan_position").execute();
    expect(tasks).toEqual([
      { title: "Lees de geschiedenis van de relatie door", source: "plan", due_date: "2026-09-16", assignee_id: sanne.id },
      { title: "Stel je voor aan de contactpersoon", source: "plan", due_date: "2026-09-21", assignee_id: sanne.id },
      { title: "Plan een kennismakingsbezoek", source: "plan", due_date: "2026-10-05", assignee_id: sanne.id },
      { title: "Laat de coördinator weten dat de overdracht rond is", source: "plan", due_date: "2026-10-12", assignee_id: admin.id },
    ]);
    // A region that emptied that template gives the single introduction task, as before plans.
    await t.db.deleteFrom("plan_template_steps").where("region_id", "=", regionId)
      .where("template_id", "=", (eb) => eb.selectFrom("plan_templates").select("id").where("region_id", "=", regionId).where("event", "=", "new_owner")).execute();
    const again = await leaverWithRelationships("Kees Smit", ["Schilderwerken Smit"]);
    expect((await post("2026-09-12", `/api/v1/users/${again.leaver.id}/handover`, { toUserId: sanne.id })).status).toBe(200);
    expect(await t.db.selectFrom("tasks").select(["title", "source", "due_date", "assignee_id"]).where("organisation_id", "=", again.organisations[0]!.id).where("source", "in", ["handover", "plan"]).execute())
      .toEqual([{ title: "Kennismaken als nieuwe accounthouder: Schilderwerken Smit", source: "handover", due_date: "2026-09-26", assignee_id: sanne.id }]);
    const template = await t.db.selectFrom("plan_templates").select("id").where("region_id", "=", regionId).where("event", "=", "new_owner").executeTakeFirstOrThrow();
    await t.db.insertInto("plan_template_steps")
      .values(DEFAULT_PLAN_TEMPLATES.new_owner.map((step, index) => ({ region_id: regionId, template_id: template.id, position: index + 1, title: step.title, role: step.role, due_school_days: step.dueSchoolDays })))
      .execute();
  });

  describe("the pages", () => {
    const browser = new CookieJar();
    let web: ReturnType<typeof createTestApp>;

    beforeAll(async () => {
      web = createTestApp(t.db, { remix: true, now: at("2026-09-15") });
      const pageAdmin = await makeUser(t.db, { regionId, role: "admin", name: "Beheerder Twee" });
      await web.postForm("/sign-in", { email: pageAdmin.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: browser });
    });

    it("deactivating on the users page leads to the handover screen, which hands everything over in one submit", async () => {
      const { leaver, organisations } = await leaverWithRelationships("Bram Nijhof", ["Installatiebedrijf Kuipers", "Hoveniers Mensink"]);
      const deactivated = await web.postForm("/admin/users", { intent: "deactivate", userId: leaver.id }, { jar: browser });
      expect(deactivated.status).toBe(302);
      expect(deactivated.headers.get("location")).toBe(`/admin/users/${leaver.id}/handover`);

      const list = await (await web.get("/admin/users", { jar: browser })).text();
      expect(list).toContain(`href="/admin/users/${leaver.id}/handover"`);
      expect(list).toContain("Overdragen (2)");

      const screen = await (await web.get(`/admin/users/${leaver.id}/handover`, { jar: browser })).text();
      expect(screen).toContain("Relaties overdragen: Bram Nijhof");
      expect(screen).toContain("Installatiebedrijf Kuipers");
      expect(screen).toContain("Koud");
      expect(screen).toContain("Accounthouder Bram Nijhof is vertrokken en niemand heeft de relatie overgenomen");

      const [kuipers, mensink] = organisations.map((o) => o.id) as [string, string];
      const refused = await web.postForm(`/admin/users/${leaver.id}/handover`, { toUserId: partnerUser.id, [`assign:${mensink}`]: sanne.id }, { jar: browser });
      expect(refused.status).toBe(400);
      const refusedHtml = await refused.text();
      expect(refusedHtml).toContain("Kies een actieve collega uit deze regio (geen partner).");
      expect(refusedHtml).toContain(`<option value="${sanne.id}" selected="">`);
      expect(await ownersOf([kuipers, mensink])).toEqual({ [kuipers]: leaver.id, [mensink]: leaver.id });

      const done = await web.postForm(`/admin/users/${leaver.id}/handover`, { toUserId: joris.id, [`assign:${mensink}`]: sanne.id, [`assign:${kuipers}`]: "" }, { jar: browser });
      expect(done.status).toBe(200);
      const html = await done.text();
      expect(alertsOf(html)).toContain("2 organisaties overgedragen. 2 nieuwe accounthouders krijgen een samenvatting per e-mail.");
      expect(await ownersOf([kuipers, mensink])).toEqual({ [kuipers]: joris.id, [mensink]: sanne.id });
      const after = await (await web.get("/admin/users", { jar: browser })).text();
      expect(after).not.toContain(`href="/admin/users/${leaver.id}/handover"`);
    });

    it("answers 404 for another region's user", async () => {
      expect((await web.get(`/admin/users/${otherRegionUser.id}/handover`, { jar: browser })).status).toBe(404);
    });
  });
});
