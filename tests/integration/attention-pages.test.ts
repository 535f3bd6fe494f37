import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { alertsOf, CookieJar, createTestApp, fieldErrorOf, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/** "Aandacht nodig", the dashboard counts and the organisation page's health, as the pages show them. */
describe("the Aandacht nodig page", () => {
  let t: TestDatabase;
  let web: TestApp;
  let quietId: string;
  let coldId: string;
  const holder = new CookieJar();
  const penvoerder = new CookieJar();
  const partner = new CookieJar();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const holderUser = await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    const scope = scopeOf({ ...holderUser, locale: "nl" });
    const longAgo = new Date("2025-06-02T10:00:00Z");
    const meta = { actor: null, now: longAgo };
    const base = { kind: "company" as const, status: "active" as const, tags: [], sector: null, street: null, city: null, accountHolderId: holderUser.id };
    const quiet = await t.db.transaction().execute((trx) => createOrganisation(trx, scope, { ...base, name: "Elektro Kamphuis", tier: "occasional" }, meta));
    const cold = await t.db.transaction().execute((trx) => createOrganisation(trx, scope, { ...base, name: "Bouwbedrijf Te Lintelo", tier: "strategic" }, meta));
    quietId = quiet.id;
    coldId = cold.id;
    const joost = await t.db.transaction().execute((trx) => createPerson(trx, region.id, { name: "Joost Kamphuis", lawfulBasis: "legitimate_interest", optOut: false }, meta));
    await t.db.transaction().execute((trx) => addAffiliation(trx, region.id, joost.id, { organisationId: quiet.id, role: "Eigenaar", isPrimary: true, startDate: "2025-06-02" }, meta));
    await recomputeHealth(t.db, { regionId: region.id }, TEST_NOW);

    const accounts: Array<[CookieJar, "penvoerder" | "partner"]> = [[penvoerder, "penvoerder"], [partner, "partner"]];
    await web.postForm("/sign-in", { email: holderUser.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
    for (const [jar, role] of accounts) {
      const user = await makeUser(t.db, { regionId: region.id, role, organisationId: role === "partner" ? quiet.id : null });
      await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    }
  });
  afterAll(() => t?.drop());

  it("lists the strategic partner first, each with its reasons in plain Dutch and a next step", async () => {
    const html = await (await web.get("/attention", { jar: holder })).text();
    expect(html).toContain("<h1>Aandacht nodig</h1>");
    expect(html.indexOf("Bouwbedrijf Te Lintelo")).toBeLessThan(html.indexOf("Elektro Kamphuis"));
    expect(html).toContain("Er is geen actieve contactpersoon meer");
    expect(html).toMatch(/Nog nooit contact vastgelegd in \d+ dagen \(richttijd 240 dagen; schoolvakanties tellen niet mee\)/);
    expect(html).toContain("Volgende stap: Voeg een contactpersoon toe.");
  });

  it("renders a relationship's forms only when asked, and without JavaScript the closed ones link to the page with that form open", async () => {
    const list = await (await web.get("/attention", { jar: holder })).text();
    // No form per row: each action is a link that opens it (with JavaScript the details render it in place).
    expect(list).not.toContain('name="intent"');
    const link = `/attention?open=${coldId}&amp;action=assign-owner#attention-${coldId}`;
    expect(list).toContain(`href="${link}"`);

    const opened = await (await web.get(`/attention?open=${coldId}&action=assign-owner`, { jar: holder })).text();
    expect(opened.match(/name="intent"/g)).toHaveLength(1);
    expect(opened).toContain('name="intent" value="assign-owner"');
    expect(opened).toContain(`name="organisationId" value="${coldId}"`);
    expect(opened).toContain("Fatima El Amrani</option>");
  });

  it("shows the counts on the dashboard and the state with its reasons on top of the organisation page", async () => {
    const dashboard = await (await web.get("/", { jar: holder })).text();
    expect(dashboard).toContain("Naar Aandacht nodig (2 koud of afkoelend)");
    const page = await (await web.get(`/organisations/${coldId}`, { jar: holder })).text();
    expect(page.indexOf("Er is geen actieve contactpersoon meer")).toBeLessThan(page.indexOf("Contactpersonen"));
    const filtered = await (await web.get("/organisations?health=cold", { jar: holder })).text();
    expect(filtered).toContain("Bouwbedrijf Te Lintelo");
    expect(filtered).not.toContain("Elektro Kamphuis");
  });

  it("logs a contact moment from the list, after which a relationship that was only quiet leaves it", async () => {
    const missing = await web.postForm("/attention", { intent: "log-interaction", organisationId: quietId, kind: "call", summary: "" }, { jar: holder });
    expect(missing.status).toBe(400);
    // The message stands next to the field of that relationship's own form.
    const html400 = await missing.text();
    expect(fieldErrorOf(html400.slice(html400.indexOf("Elektro Kamphuis")), "summary")).toBe("Vul dit veld in.");

    const logged = await web.postForm("/attention", { intent: "log-interaction", organisationId: quietId, kind: "call", summary: "Gebeld over stageplaatsen voorjaar" }, { jar: holder });
    expect(logged.status).toBe(200);
    const html = await logged.text();
    expect(alertsOf(html)).toContain("Het contactmoment is vastgelegd. De relatie staat niet meer op deze lijst.");
    const list = await (await web.get("/attention", { jar: holder })).text();
    expect(list).not.toContain("Elektro Kamphuis");
  });

  it("refuses a snooze without a reason next to the field and snoozes nothing; with a reason the relationship waits", async () => {
    const refused = await web.postForm("/attention", { intent: "snooze", organisationId: coldId, weeks: "4", reason: "" }, { jar: holder });
    expect(refused.status).toBe(400);
    expect(fieldErrorOf(await refused.text(), "reason")).toBe("Geef een reden op: waarom mag deze relatie even wachten?");
    expect(await t.db.selectFrom("health_snoozes").select("id").execute()).toEqual([]);

    const snoozed = await web.postForm("/attention", { intent: "snooze", organisationId: coldId, weeks: "2", reason: "Nieuwe directeur begint in januari" }, { jar: holder });
    expect(alertsOf(await snoozed.text()).join(" ")).toContain("Uitgesteld tot 7 dec 2026.");
    expect(await (await web.get("/attention", { jar: holder })).text()).not.toContain("Bouwbedrijf Te Lintelo");
  });

  it("gives a penvoerder the forms too (every staff member logs contact and snoozes, as the API allows), and refuses a partner", async () => {
    const html = await (await web.get("/attention", { jar: penvoerder })).text();
    expect(html).toContain("<h1>Aandacht nodig</h1>");
    // A snooze without a reason is refused for what it is, not for who sends it.
    const post = await web.postForm("/attention", { intent: "snooze", organisationId: coldId, weeks: "2", reason: "" }, { jar: penvoerder });
    expect(post.status).toBe(400);
    const partnerPage = await web.get("/attention", { jar: partner });
    expect(partnerPage.status).toBe(403);
  });
});
