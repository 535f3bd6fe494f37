import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlanEvent } from "../../db/schema";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/**
 * Plans on the pages: the progress on the organisation's page, its plans page with the form to start
 * one by hand, and Beheer › Plannen where admins change the steps. The clock stands on Monday
 * 23 November 2026.
 */
describe("plans on the pages", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  let organisationId: string;
  const admin = new CookieJar();
  const holder = new CookieJar();

  const stepsOf = (event: PlanEvent) =>
    t.db.selectFrom("plan_template_steps").innerJoin("plan_templates", "plan_templates.id", "plan_template_steps.template_id")
      .select(["plan_template_steps.title", "plan_template_steps.role", "plan_template_steps.due_school_days as days"])
      .where("plan_templates.region_id", "=", regionId).where("plan_templates.event", "=", event).orderBy("position").execute();
  const templateOf = (event: PlanEvent) =>
    t.db.selectFrom("plan_templates").select(["id", "version"]).where("region_id", "=", regionId).where("event", "=", event).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const api = createTestApp(t.db, { now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    const adminUser = await makeUser(t.db, { regionId, role: "admin", name: "Beheerder Bea" });
    const holderUser = await makeUserWithToken(t.db, { regionId, role: "accounthouder", name: "Fatima El Amrani" });
    const created = await api.request("/api/v1/organisations", {
      token: holderUser.token, method: "POST", body: JSON.stringify({ kind: "company", name: "Hulshof Installatietechniek", accountHolderId: holderUser.user.id }),
    });
    organisationId = ((await created.json()) as { id: string }).id;
    await web.postForm("/sign-in", { email: adminUser.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: admin });
    await web.postForm("/sign-in", { email: holderUser.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
  });
  afterAll(() => t?.drop());

  it("the organisation's page says no plan runs and leads to its plans page, which offers every plan to start", async () => {
    const page = await (await web.get(`/organisations/${organisationId}`, { jar: holder })).text();
    expect(page).toContain('<h2 id="plans">Plannen</h2>');
    expect(page).toContain("Er loopt geen plan.");
    expect(page).toContain(`href="/organisations/${organisationId}/plans"`);

    const plans = await web.get(`/organisations/${organisationId}/plans`, { jar: holder });
    expect(plans.status).toBe(200);
    const html = await plans.text();
    expect(html).toContain("<h1>Plannen van Hulshof Installatietechniek</h1>");
    expect(html).toContain("Voor deze organisatie is nog geen plan gestart.");
    for (const name of ["Contactpersoon vertrokken", "Nieuwe accounthouder", "Nieuwe partner", "Relatie koud"]) expect(html).toContain(`>${name}</option>`);
  });

  it("starts a plan by hand: its steps are due in school days, and the organisation shows its progress and next step", async () => {
    const started = await web.postForm(`/organisations/${organisationId}/plans`, { event: "relationship_cold" }, { jar: holder });
    expect(started.status).toBe(200);
    const html = await started.text();
    expect(alertsOf(html)).toContain("Het plan ‘Relatie koud’ is gestart.");
    expect(html).toContain("door Fatima El Amrani");
    // 3, 10 and 15 school days after Monday 23 November 2026.
    expect(html).toMatch(/Neem contact op en leg het contactmoment vast<\/td><td>Fatima El Amrani[\s\S]*?26 nov 2026/);
    expect(html).toMatch(/Zoek een tweede contactpersoon<\/td>[\s\S]*?7 dec 2026/);
    expect(html).toMatch(/Bespreek met de coördinator of de relatie nog past<\/td><td>Beheerder Bea[\s\S]*?14 dec 2026/);
    // Running, it is not offered again.
    expect(html).not.toContain(">Relatie koud</option>");

    const page = await (await web.get(`/organisations/${organisationId}`, { jar: holder })).text();
    expect(page).toContain("0 van 3 stappen klaar");
    expect(page).toContain("Volgende: Neem contact op en leg het contactmoment vast, Fatima El Amrani, uiterlijk 26 nov 2026");

    // Sent again all the same (an old tab), it is refused with a message and starts nothing.
    const again = await web.postForm(`/organisations/${organisationId}/plans`, { event: "relationship_cold" }, { jar: holder });
    expect(again.status).toBe(422);
    expect(alertsOf(await again.text())).toContain("Dit plan loopt al voor deze organisatie.");
    expect(await t.db.selectFrom("plans").select("id").where("organisation_id", "=", organisationId).execute()).toHaveLength(1);
  });

  it("Beheer › Plannen shows each plan's steps to an admin, with a menu link; an account holder gets 403", async () => {
    const response = await web.get("/admin/plans", { jar: admin });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("<h1>Plannen bij wisselingen</h1>");
    expect(page).toMatch(/<a [^>]*aria-current="page"[^>]*href="\/admin\/plans">Plannen<\/a>/);
    expect(page).toContain('value="Vraag wie het werk van de vertrokken contactpersoon overneemt"');
    expect(page).toContain("Start als een relatie koud wordt, tenzij ‘Contactpersoon vertrokken’ al loopt.");
    // On a phone the page was 8,700 px of form: the steps now read as a list, each plan's form folded away.
    expect(page.replace(/<!-- -->/g, "")).toMatch(/<li>Vraag wie het werk van de vertrokken contactpersoon overneemt <span class="task-meta">· Accounthouder · binnen 2 schooldagen<\/span><\/li>/);
    expect(page.match(/<details class="plan-edit">/g)).toHaveLength(4);
    expect((await web.get("/admin/plans", { jar: holder })).status).toBe(403);
    const holderStart = await (await web.get("/", { jar: holder })).text();
    expect(holderStart).not.toContain('href="/admin/plans"');
  });

  it("an admin changes, drops and adds steps; a mistake shows at its line and keeps what was typed; a stale form is refused", async () => {
    const template = await templateOf("relationship_cold");
    const form = (version: number, lines: Array<[string, string, string]>) => ({
      templateId: template.id, version: String(version),
      ...Object.fromEntries(lines.flatMap(([title, role, days], index) => [[`title-${index}`, title], [`role-${index}`, role], [`days-${index}`, days]])),
    });
    // The second line emptied (dropped), a fourth added with a negative number of days.
    const wrong = await web.postForm("/admin/plans", form(template.version, [
      ["Bel de contactpersoon", "owner", "2"], ["", "owner", "10"], ["Bespreek met de coördinator of de relatie nog past", "coordinator", "15"], ["Stuur een bedankje", "penvoerder", "-1"],
    ]), { jar: admin });
    expect(wrong.status).toBe(400);
    const html = await wrong.text();
    // Every template has its own form with the same field names: the message is in this one's.
    const section = html.slice(html.indexOf('id="template-relationship_cold"'));
    // This plan's form is open on the mistake; the others stay folded.
    expect(section).toMatch(/^[^]*?<details class="plan-edit" open="">/);
    expect(html.match(/<details class="plan-edit" open="">/g)).toHaveLength(1);
    expect(fieldErrorOf(section, "days-3")).toBe("Deze waarde is niet geldig.");
    expect(fieldErrorOf(section, "days-0")).toBeUndefined();
    expect(section).toContain('value="Bel de contactpersoon"');
    expect(await stepsOf("relationship_cold")).toHaveLength(3);

    const saved = await web.postForm("/admin/plans", form(template.version, [
      ["Bel de contactpersoon", "owner", "2"], ["", "owner", "10"], ["Bespreek met de coördinator of de relatie nog past", "coordinator", "15"], ["Stuur een bedankje", "penvoerder", "20"],
    ]), { jar: admin });
    expect(saved.status).toBe(200);
    expect(alertsOf(await saved.text())).toContain("Het plan ‘Relatie koud’ is opgeslagen.");
    expect(await stepsOf("relationship_cold")).toEqual([
      { title: "Bel de contactpersoon", role: "owner", days: 2 },
      { title: "Bespreek met de coördinator of de relatie nog past", role: "coordinator", days: 15 },
      { title: "Stuur een bedankje", role: "penvoerder", days: 20 },
    ]);
    // The plan that already runs keeps the steps it started with.
    const running = await t.db.selectFrom("tasks").select("title").where("organisation_id", "=", organisationId).orderBy("plan_position").execute();
    expect(running.map((task) => task.title)).toEqual([
      "Neem contact op en leg het contactmoment vast", "Zoek een tweede contactpersoon", "Bespreek met de coördinator of de relatie nog past",
    ]);

    const stale = await web.postForm("/admin/plans", form(template.version, [["Iets anders", "owner", "1"]]), { jar: admin });
    expect(stale.status).toBe(409);
    expect(alertsOf(await stale.text()).length).toBe(1);
    expect(await stepsOf("relationship_cold")).toHaveLength(3);
  });
});
