import { sql } from "kysely";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf, type CurrentUser, type Scope } from "../../server/auth/current-user";
import { buildWeeklyDigest, getDigestPreferences, isoWeek, queueWeeklyDigests, updateDigestPreferences } from "../../server/domains/digest/digest.service";
import { recomputeHealth, snoozeOrganisation } from "../../server/domains/health/health.service";
import { logInteraction } from "../../server/domains/interactions/interactions.service";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { createOrganisation, getOrganisation, updateOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { completeTask, createTask } from "../../server/domains/tasks/tasks.service";
import { startJobs } from "../../server/jobs/jobs";
import { parseInput } from "../../server/validation";
import { CookieJar, createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_PASSWORD } from "../support/factories";

/**
 * The weekly digest: per account holder their relationships that are cold or cooling and their
 * tasks, queued once per ISO week on the day they chose, whatever happens to the job.
 */
describe("the weekly digest", () => {
  let t: TestDatabase;
  let regionId: string;
  let admin: CurrentUser;
  let fatima: CurrentUser;
  let joris: CurrentUser;
  let anna: CurrentUser;
  let adminScope: Scope;

  const at = (day: string) => new Date(`${day}T10:00:00Z`);
  // Monday 23 November 2026, 06:00 in the Netherlands: when the schedule runs.
  const MONDAY = new Date("2026-11-23T05:00:00Z");
  const appUrl = "http://schakel.test";
  const meta = (day: string, actor: CurrentUser = admin) => ({ actor, now: at(day), appUrl });
  const asUser = (user: { id: string; regionId: string; email: string; name: string; role: CurrentUser["role"]; organisationId: string | null }): CurrentUser => ({ ...user, locale: "nl" });
  const digestsTo = (address: string) =>
    t.db.selectFrom("email_outbox").select(["subject", "text", "html"]).where("to_address", "=", address).where("template", "=", "weekly_digest").orderBy("created_at").execute();

  async function organisation(name: string, day: string, owner: CurrentUser, extra: Partial<CreateOrganisationInput> = {}) {
    const input = parseInput(CreateOrganisationInput, { kind: "company", name, tier: "occasional", accountHolderId: owner.id, ...extra });
    return t.db.transaction().execute((trx) => createOrganisation(trx, adminScope, input, meta(day)));
  }
  async function contactAndTalk(organisationId: string, day: string) {
    const person = await t.db.transaction().execute((trx) => createPerson(trx, regionId, { name: "Jan de Vries", lawfulBasis: "legitimate_interest", optOut: false }, meta(day)));
    await t.db.transaction().execute((trx) => addAffiliation(trx, regionId, person.id, { organisationId, role: "Eigenaar", isPrimary: true, startDate: day }, meta(day)));
    await t.db.transaction().execute((trx) => logInteraction(trx, adminScope, { organisationId, kind: "call", summary: "Gebeld", date: day, personIds: [person.id], nextStep: null, nextStepDate: null }, meta(day)));
  }
  const task = (owner: CurrentUser, title: string, dueDate: string, organisationId: string | null = null) =>
    t.db.transaction().execute((trx) => createTask(trx, scopeOf(owner), { title, dueDate, organisationId: organisationId ?? undefined, assigneeId: owner.id }, meta("2026-11-01", owner)));

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db, { name: "Twente" });
    regionId = region.id;
    admin = asUser(await makeUser(t.db, { regionId, role: "admin", name: "Marieke Nijhuis" }));
    adminScope = scopeOf(admin);
    fatima = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name: "Fatima El Amrani" }));
    joris = asUser(await makeUser(t.db, { regionId, role: "accounthouder", name: "Joris Lammertink" }));
    anna = asUser(await makeUser(t.db, { regionId, role: "penvoerder", name: "Anna Bosch" }));
    await updateDigestPreferences(t.db, joris.id, { enabled: true, weekday: 3 }, at("2026-11-01"));
    await updateDigestPreferences(t.db, anna.id, { enabled: false, weekday: 1 }, at("2026-11-01"));

    // Fatima's relationships, one in each state.
    await organisation("Koud BV", "2026-11-20", fatima); // no contact person: cold, since this week
    const cooling = await organisation("Afkoelend BV", "2026-09-01", joris);
    await contactAndTalk(cooling.id, "2026-09-02");
    const current = await getOrganisation(t.db, adminScope, cooling.id);
    await t.db.transaction().execute((trx) => updateOrganisation(trx, adminScope, cooling.id, { version: current.version, accountHolderId: fatima.id }, meta("2026-09-10")));
    await recomputeHealth(t.db, { regionId }, at("2026-10-11")); // 30 days without contact: the new owner's relationship cools
    const healthy = await organisation("Gezond BV", "2026-11-01", fatima);
    await contactAndTalk(healthy.id, "2026-11-02");
    const watch = await organisation("Let Op BV", "2026-11-01", fatima, { tier: "strategic" });
    await contactAndTalk(watch.id, "2026-11-02");
    const snoozed = await organisation("Gesnoozed BV", "2026-11-01", fatima);
    await t.db.transaction().execute((trx) => snoozeOrganisation(trx, adminScope, snoozed.id, { weeks: 4, reason: "Bedrijf is verhuisd, in januari opnieuw" }, { actor: admin, now: at("2026-11-02") }));
    // Joris's own cold relationship is his, not Fatima's.
    await organisation("Koud van Joris", "2026-11-01", joris);

    await task(fatima, "Offerte stagebegeleiding nasturen", "2026-11-10");
    await task(fatima, "Gastles plannen", "2026-12-01", healthy.id);
    const done = await task(fatima, "Al gedaan", "2026-11-05");
    await t.db.transaction().execute((trx) => completeTask(trx, scopeOf(fatima), done.id, done.version, meta("2026-11-05", fatima)));
    await task(joris, "Taak van Joris", "2026-11-10");
  });
  afterAll(async () => t?.drop());

  it("lists exactly the account holder's cold and cooling relationships, the new ones marked, and their open and overdue tasks", async () => {
    await recomputeHealth(t.db, { regionId }, MONDAY);
    const digest = await buildWeeklyDigest(t.db, fatima.id, { now: MONDAY, appUrl });
    expect(digest.relationships.map((r) => [r.name, r.state, r.isNew])).toEqual([
      ["Koud BV", "cold", true],
      ["Afkoelend BV", "cooling", false],
    ]);
    expect(digest.relationships[0]!.reasons.map((r) => r.message)).toEqual(["Er is geen actieve contactpersoon meer"]);
    expect(digest.relationships[1]!.reasons.map((r) => r.message)).toEqual(["Fatima El Amrani is sinds 10 september 2026 accounthouder, maar heeft nog geen contact gehad"]);
    expect(digest.overdueTasks.map((task) => task.title)).toEqual(["Offerte stagebegeleiding nasturen"]);
    expect(digest.openTasks).toEqual([{ title: "Gastles plannen", dueDate: "2026-12-01", organisationName: "Gezond BV" }]);
  });

  it("queues one email on the chosen day, and a second run that day (a retried job) queues none", async () => {
    const first = await queueWeeklyDigests(t.db, { now: MONDAY, appUrl });
    expect(first.failed).toBe(0);
    const [email, ...more] = await digestsTo(fatima.email);
    expect(more).toEqual([]);
    expect(email!.subject).toBe("Uw week in Schakel: 2 relaties vragen aandacht");
    expect(email!.text).toContain("Uw wekelijkse samenvatting van 23 november 2026.");
    expect(email!.text).toContain("Koud · Incidenteel · nieuw deze week");
    expect(email!.text).toContain("Er is geen actieve contactpersoon meer. Voeg een contactpersoon toe.");
    expect(email!.text).toContain("Offerte stagebegeleiding nasturen · uiterlijk 10 november 2026");
    expect(email!.text).toContain("Gastles plannen · Gezond BV · uiterlijk 1 december 2026");
    expect(email!.html).toContain(">Koud BV</a>");
    for (const absent of ["Let Op BV", "Gesnoozed BV", "Koud van Joris", "Taak van Joris", "Al gedaan"]) expect(email!.html).not.toContain(absent);
    expect(email!.text).toContain("U krijgt deze samenvatting elke maandag.");
    expect(email!.html).toContain('href="http://schakel.test/profile"');

    const second = await queueWeeklyDigests(t.db, { now: new Date(MONDAY.getTime() + 3_600_000), appUrl });
    expect(second.queued).toBe(0);
    expect(await digestsTo(fatima.email)).toHaveLength(1);
    expect(await t.db.selectFrom("digest_runs").select(["iso_week"]).where("user_id", "=", fatima.id).execute()).toEqual([{ iso_week: "2026-W48" }]);
  });

  it("two runs at the same moment still queue one email per person", async () => {
    const nextMonday = new Date("2026-11-30T05:00:00Z");
    const results = await Promise.all([queueWeeklyDigests(t.db, { now: nextMonday, appUrl }), queueWeeklyDigests(t.db, { now: nextMonday, appUrl })]);
    const queued = await t.db.selectFrom("email_outbox").select("to_address").where("template", "=", "weekly_digest").where("created_at", "=", nextMonday).execute();
    expect(results.reduce((sum, r) => sum + r.queued, 0)).toBe(queued.length);
    expect(new Set(queued.map((e) => e.to_address)).size).toBe(queued.length);
    expect(await digestsTo(fatima.email)).toHaveLength(2);
  });

  it("comes on the day a user chose, never when they switched it off, and not for partners or with nothing to report", async () => {
    await task(anna, "Taak van Anna", "2026-11-10");
    const partnerOrg = await organisation("Partnerbureau", "2026-11-01", admin, { kind: "partner" });
    const partner = await makeUser(t.db, { regionId, role: "partner", organisationId: partnerOrg.id });
    await t.db.insertInto("tasks").values({ region_id: regionId, assignee_id: partner.id, title: "Niet voor partners", due_date: "2026-11-10", created_at: at("2026-11-01") }).execute();
    const idle = await makeUser(t.db, { regionId, role: "accounthouder", name: "Niets Te Doen" });

    await queueWeeklyDigests(t.db, { now: MONDAY, appUrl });
    expect(await digestsTo(joris.email)).toHaveLength(0);
    expect(await digestsTo(anna.email)).toHaveLength(0);
    expect(await digestsTo(partner.email)).toHaveLength(0);
    expect(await digestsTo(idle.email)).toHaveLength(0);

    await queueWeeklyDigests(t.db, { now: new Date("2026-11-25T05:00:00Z"), appUrl }); // Wednesday
    const [toJoris] = await digestsTo(joris.email);
    expect(toJoris!.html).toContain("Koud van Joris");
    expect(toJoris!.text).toContain("U krijgt deze samenvatting elke woensdag.");
    expect(toJoris!.html).not.toContain("Koud BV");
    expect(await digestsTo(anna.email)).toHaveLength(0);
  });

  it("counts the week as the Netherlands does: late Sunday evening UTC is already Monday", async () => {
    expect(isoWeek("2026-11-23")).toBe("2026-W48");
    expect(isoWeek("2027-01-01")).toBe("2026-W53");
    expect(isoWeek("2027-01-04")).toBe("2027-W01");
    const before = (await digestsTo(fatima.email)).length;
    // 23:30 UTC on Sunday 6 December is 00:30 on Monday 7 December in Amsterdam.
    await queueWeeklyDigests(t.db, { now: new Date("2026-12-06T23:30:00Z"), appUrl });
    expect(await digestsTo(fatima.email)).toHaveLength(before + 1);
    const weeks = await sql<{ iso_week: string }>`select iso_week from digest_runs where user_id = ${fatima.id} order by iso_week`.execute(t.db);
    expect(weeks.rows.map((r) => r.iso_week)).toContain("2026-W50");
  });

  it("runs every morning at 06:00 Amsterdam time through pg-boss, and a delivered job queues the day's digests", async () => {
    const monday = new Date("2026-12-14T05:00:00Z");
    const lines: string[] = [];
    const jobs = await startJobs({ connectionString: t.url, db: t.db, mailFrom: "Schakel <noreply@schakel.test>", now: () => monday, log: (line) => lines.push(line), appUrl });
    const boss = new PgBoss({ connectionString: t.url, schema: "pgboss", max: 1 });
    try {
      const schedule = await sql<{ cron: string; timezone: string }>`select cron, timezone from pgboss.schedule where name = 'weekly-digest'`.execute(t.db);
      expect(schedule.rows).toEqual([{ cron: "0 6 * * *", timezone: "Europe/Amsterdam" }]);
      await boss.start();
      await boss.send("weekly-digest", {});
      const deadline = Date.now() + 20_000;
      while ((await digestsTo(fatima.email)).length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      const latest = (await digestsTo(fatima.email)).at(-1);
      expect(latest?.text).toContain("Uw wekelijkse samenvatting van 14 december 2026.");
    } finally {
      await boss.stop({ graceful: false, close: true });
      await jobs.stop();
    }
  });

  it("the profile page switches the digest off and chooses the day", async () => {
    const web = createTestApp(t.db, { remix: true, now: at("2026-11-23") });
    const browser = new CookieJar();
    const user = await makeUser(t.db, { regionId, role: "accounthouder", name: "Profiel Gebruiker" });
    await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: browser });
    const page = await (await web.get("/profile", { jar: browser })).text();
    expect(page).toContain("Wekelijkse samenvatting");
    expect(page).toContain("Stuur mij de wekelijkse samenvatting");

    const saved = await web.postForm("/profile", { intent: "digest", weekday: "5" }, { jar: browser });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Uw keuze voor de wekelijkse samenvatting is opgeslagen.");
    expect(await getDigestPreferences(t.db, user.id)).toEqual({ enabled: false, weekday: 5 });

    await web.postForm("/profile", { intent: "digest", enabled: "on", weekday: "2" }, { jar: browser });
    expect(await getDigestPreferences(t.db, user.id)).toEqual({ enabled: true, weekday: 2 });
    const refused = await web.postForm("/profile", { intent: "digest", enabled: "on", weekday: "8" }, { jar: browser });
    expect(refused.status).toBe(400);
    expect(await getDigestPreferences(t.db, user.id)).toEqual({ enabled: true, weekday: 2 });
  });
});
