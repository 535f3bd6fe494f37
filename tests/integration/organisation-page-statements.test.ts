import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, loadDemo } from "../../db/seed/demo";
import { scopeOf, type CurrentUser } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { listOrganisationActivities } from "../../server/domains/activities/activities.service";
import { listOrganisationAgreements } from "../../server/domains/agreements/agreements.service";
import { listHistory } from "../../server/domains/audit/history";
import { backfillHealthHistory, getOrganisationHealth, organisationHealthHistory, recomputeHealth } from "../../server/domains/health/health.service";
import { getTimeline } from "../../server/domains/interactions/interactions.service";
import { getOrganisation, listAccountHolderHistory } from "../../server/domains/organisations/organisations.service";
import { listPartnerUsers } from "../../server/domains/partner-users/partner-users.service";
import { listOrganisationContacts } from "../../server/domains/people/people.service";
import { listOrganisationPlans, startPlanByHand } from "../../server/domains/plans/plans.service";
import { listSubregions } from "../../server/domains/regions/regions.service";
import { listAssignableUsers } from "../../server/domains/users/users.service";
import { mayWorkOrganisations } from "../../server/auth/partner-work";
import { formatDay, formatMoment } from "../../app/utils/i18n";
import { CookieJar, createTestApp, TEST_APP_URL, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

// Issue 19, item 3: the organisation page is the region's most visited one. Every statement is a
// round trip (and a connection reservation, which pays one more for the region scope), so the whole
// request — session, root loader, page loader — runs a fixed handful, however much the organisation holds.

/**
 * The statements a Kysely instance sends. Kysely hands a plugin every query it compiles, subqueries
 * (a union's parts, a JSON aggregate's source) included; only a query whose result comes back was sent.
 */
class SentStatements implements KyselyPlugin {
  sent: string[] = [];
  private compiled = new Map<string, string>();
  private compile: ((node: RootOperationNode) => string) | undefined;

  reset(db: { getExecutor(): { compileQuery(node: RootOperationNode, queryId: { queryId: string }): { sql: string } } }) {
    this.sent = [];
    this.compiled.clear();
    this.compile = (node) => db.getExecutor().compileQuery(node, { queryId: "recorded" }).sql;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.compile) this.compiled.set(args.queryId.queryId, this.compile(args.node));
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const sql = this.compiled.get(args.queryId.queryId);
    if (sql !== undefined) this.sent.push(sql);
    return args.result;
  }
}

const ORGANISATION = "Hulshof Installatietechniek";
const MAX_STATEMENTS = 6;

describe("the organisation page's SQL", () => {
  let t: TestDatabase;
  let web: TestApp;
  let recorded: TestApp;
  const recorder = new SentStatements();
  const holder = new CookieJar();
  let organisationId = "";
  let user: CurrentUser;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadDemo(t.db, { now: TEST_NOW, appUrl: TEST_APP_URL });
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    recorded = createTestApp(t.db.withPlugin(recorder), { remix: true, now: TEST_NOW });
    const signedIn = await web.postForm("/sign-in", { email: "accounthouder@sto-twente.demo", password: DEMO_PASSWORD, redirectTo: "/" }, { jar: holder });
    expect(signedIn.status).toBe(302);
    const row = await t.db
      .selectFrom("organisations")
      .innerJoin("users", "users.id", "organisations.account_holder_id")
      .select(["organisations.id", "users.id as userId", "users.region_id", "users.email", "users.name", "users.role", "users.organisation_id", "users.locale"])
      .where("organisations.name", "=", ORGANISATION)
      .executeTakeFirstOrThrow();
    organisationId = row.id;
    user = { id: row.userId, regionId: row.region_id, email: row.email, name: row.name, role: row.role, organisationId: row.organisation_id, locale: row.locale };
    // A term of weekly health, so the page's trend strip has points; then today's.
    await backfillHealthHistory(t.db, user.regionId, "2026-09-01", TEST_NOW);
    await recomputeHealth(t.db, { regionId: user.regionId }, TEST_NOW);
    // A running plan with its steps (the demo starts none for this organisation).
    await t.db.transaction().execute((trx) => startPlanByHand(trx, scopeOf(user), organisationId, { event: "new_owner" }, { actor: { id: user.id, name: user.name }, now: TEST_NOW }));
  });
  afterAll(() => t.drop());

  /** What the API's functions read for this organisation, as the page's loader data carries it (JSON). */
  async function readByTheApiFunctions() {
    const scope = scopeOf(user);
    const today = toLocalDate(TEST_NOW);
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
    return asJson({
      organisation: await getOrganisation(t.db, scope, organisationId),
      timeline: (await getTimeline(t.db, scope, organisationId, { limit: 50 })).items,
      contacts: await listOrganisationContacts(t.db, user.regionId, organisationId),
      history: await listAccountHolderHistory(t.db, scope, organisationId),
      subregions: await listSubregions(t.db, user.regionId),
      accountHolders: await listAssignableUsers(t.db, user.regionId),
      health: await getOrganisationHealth(t.db, scope, organisationId, { locale: "nl", today }),
      healthHistory: await organisationHealthHistory(t.db, scope, organisationId),
      changes: await listHistory(t.db, user.regionId, { type: "organisation", id: organisationId }, { limit: 25 }),
      activities: await listOrganisationActivities(t.db, scope, organisationId),
      partnerUsers: await listPartnerUsers(t.db, scope, organisationId),
      agreements: await listOrganisationAgreements(t.db, scope, organisationId),
      plans: await listOrganisationPlans(t.db, scope, organisationId),
      canWork: await mayWorkOrganisations(t.db, scope, [organisationId]),
    }) as Record<string, unknown>;
  }

  it(`runs at most ${MAX_STATEMENTS} statements for the whole request, and shows every section`, async () => {
    recorder.reset(recorded.services.db);
    const response = await recorded.get(`/organisations/${organisationId}`, { jar: holder });
    expect(response.status).toBe(200);
    const statements = [...recorder.sent];
    // Session, the root loader (its region name and the offers waiting), the page and its history's names.
    expect(statements.length, statements.join("\n\n")).toBeLessThanOrEqual(MAX_STATEMENTS);

    const html = await response.text();
    const api = await readByTheApiFunctions();
    const sections = api as {
      contacts: Array<{ name: string }>; activities: Array<{ title: string }>; agreements: Array<{ title: string }>; partnerUsers: Array<{ name: string; email: string }>;
      plans: Array<{ steps: Array<{ title: string; dueDate: string }> }>; timeline: Array<{ type: string; date: string; summary?: string }>;
      changes: { items: Array<{ at: string; actor: { name: string } | null }> }; history: Array<{ userName: string; startedAt: string }>;
    };
    for (const contact of sections.contacts) expect(html).toContain(escaped(contact.name));
    for (const activity of sections.activities) expect(html).toContain(escaped(activity.title));
    for (const agreement of sections.agreements) expect(html).toContain(escaped(agreement.title));
    for (const partnerUser of sections.partnerUsers) expect(html).toContain(partnerUser.email);
    for (const step of sections.plans[0]!.steps) expect(html).toContain(escaped(step.title));
    const interaction = sections.timeline.find((item) => item.type === "interaction")!;
    expect(html).toContain(formatDay(interaction.date, "nl"));
    expect(html).toContain(escaped(interaction.summary!));
    // Timestamps read from JSON are shown as they were read from their columns.
    expect(html).toContain(formatMoment(sections.changes.items[0]!.at, "nl"));
    expect(html).toContain(formatMoment(sections.history[0]!.startedAt, "nl"));
  });

  it("hands the page the same data the API's functions read, section by section, with Dates still Dates", async () => {
    const response = await web.get(`/organisations/${organisationId}?_data=${encodeURIComponent("routes/organisations.$id")}`, { jar: holder });
    expect(response.status).toBe(200);
    const page = (await response.json()) as Record<string, unknown>;
    const api = await readByTheApiFunctions();
    for (const [section, value] of Object.entries(api)) {
      expect(page[section], section).toEqual(value);
    }
    // Every section has something in it, or the comparison above proves little.
    for (const section of ["timeline", "contacts", "history", "subregions", "accountHolders", "healthHistory", "activities", "partnerUsers", "agreements", "plans"]) {
      expect((api[section] as unknown[]).length, section).toBeGreaterThan(0);
    }
    expect((api.changes as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });

  it("is a 404 for an organisation of another region, as before", async () => {
    const other = await makeRegion(t.db);
    const stranger = await makeUser(t.db, { regionId: other.id, role: "accounthouder" });
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email: stranger.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    expect((await web.get(`/organisations/${organisationId}`, { jar })).status).toBe(404);
  });
});

const escaped = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
