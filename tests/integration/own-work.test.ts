import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf } from "../../server/auth/current-user";
import type { Tx } from "../../server/db/database";
import { countOffersAwaiting, listOffersAwaiting, listOwnActivitiesBetween } from "../../server/domains/activities/activities.owned";
import { CreateActivityInput } from "../../server/domains/activities/activities.schemas";
import { createActivity, updateActivity } from "../../server/domains/activities/activities.service";
import { healthCounts, holdsRelationships, recomputeHealth } from "../../server/domains/health/health.service";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { offerActivity } from "../../server/domains/portal/portal.service";
import { createTask, listMyTasks } from "../../server/domains/tasks/tasks.service";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser } from "../support/factories";

/** What the start page asks for: one account holder's offers, week, due tasks and relationships, never another's or another region's. */
describe("an account holder's own work", () => {
  const now = new Date("2026-12-07T10:00:00Z");
  let t: TestDatabase;
  let holder: Awaited<ReturnType<typeof makeUser>>;
  let colleague: Awaited<ReturnType<typeof makeUser>>;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  let stranger: Awaited<ReturnType<typeof makeUser>>;
  const scope = (user: typeof holder) => scopeOf({ ...user, locale: "nl" });
  const run = <T>(work: (trx: Tx) => Promise<T>) => t.db.transaction().execute(work);
  let plannedOfferId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    holder = await makeUser(t.db, { regionId: region.id, role: "accounthouder" });
    colleague = await makeUser(t.db, { regionId: region.id, role: "accounthouder" });
    admin = await makeUser(t.db, { regionId: region.id, role: "admin" });
    stranger = await makeUser(t.db, { regionId: other.id, role: "accounthouder" });
    const stamp = (user: typeof holder) => ({ actor: { id: user.id, name: user.name }, now });
    const base = { kind: "company" as const, status: "active" as const, tags: [], sector: null, street: null, city: null, tier: "regular" as const };
    const organisation = (user: typeof holder, name: string, kind: "company" | "vmbo" = "company") =>
      run((trx) => createOrganisation(trx, scope(user), { ...base, kind, name, accountHolderId: user.id }, stamp(user)));
    const mine = await organisation(holder, "Hulshof Installatietechniek");
    const school = await organisation(holder, "Het Stedelijk Lyceum", "vmbo");
    const theirs = await organisation(colleague, "Bouwbedrijf Te Lintelo");
    const elsewhere = await organisation(stranger, "Elders BV");
    await recomputeHealth(t.db, { regionId: region.id }, now);

    const offer = async (organisationId: string, regionId: string, title: string, startDate: string) => {
      const partner = await makeUser(t.db, { regionId, role: "partner", organisationId });
      return run((trx) => offerActivity(trx, scope(partner), CreateActivityInput.parse({ type: "workshop", title, status: "offered", startDate, organisationIds: [organisationId] }),
        { ...stamp(partner), appUrl: "http://schakel.test" }));
    };
    await offer(mine.id, region.id, "Workshop later", "2027-02-10");
    await offer(mine.id, region.id, "Workshop eerst", "2027-01-20");
    const planned = await offer(mine.id, region.id, "Al ingepland", "2027-01-05");
    plannedOfferId = planned.id;
    await run((trx) => updateActivity(trx, scope(holder), planned.id, { version: planned.version, status: "planned" }, stamp(holder)));
    await offer(theirs.id, region.id, "Van Te Lintelo", "2027-01-21");
    await offer(elsewhere.id, other.id, "Uit een andere regio", "2027-01-22");

    const visit = (title: string, startDate: string, organisationIds: string[]) =>
      run((trx) => createActivity(trx, scope(holder), CreateActivityInput.parse({ type: "company_visit", title, startDate, organisationIds, schoolIds: [school.id] }), stamp(holder)));
    await visit("Bezoek woensdag", "2026-12-09", [mine.id]);
    await visit("Bezoek volgende week", "2026-12-15", [mine.id]);
    const cancelled = await visit("Afgelast bezoek", "2026-12-10", [mine.id]);
    await run((trx) => updateActivity(trx, scope(holder), cancelled.id, { version: cancelled.version, status: "cancelled" }, stamp(holder)));
    await run((trx) => createActivity(trx, scope(colleague), CreateActivityInput.parse({ type: "company_visit", title: "Bezoek van Joris", startDate: "2026-12-08", organisationIds: [theirs.id] }), stamp(colleague)));

    for (const [title, dueDate] of [["Te laat", "2026-12-01"], ["Deze week", "2026-12-13"], ["Volgende week", "2026-12-14"]] as const) {
      await run((trx) => createTask(trx, scope(holder), { title, dueDate }, stamp(holder)));
    }
  });
  afterAll(() => t?.drop());

  it("lists only offers still waiting on her own partners, soonest first, and counts them", async () => {
    const offers = await listOffersAwaiting(t.db, scope(holder), holder.id);
    expect(offers.map((o) => o.title)).toEqual(["Workshop eerst", "Workshop later"]);
    expect(offers[0]!.partnerNames).toEqual(["Hulshof Installatietechniek"]);
    expect(offers.map((o) => o.id)).not.toContain(plannedOfferId);
    expect(await countOffersAwaiting(t.db, scope(holder), holder.id)).toBe(2);
    expect(await countOffersAwaiting(t.db, scope(colleague), colleague.id)).toBe(1);
    expect(await countOffersAwaiting(t.db, scope(admin), admin.id)).toBe(0);
    // Her id with another region's scope finds nothing of hers.
    expect(await countOffersAwaiting(t.db, scope(stranger), holder.id)).toBe(0);
  });

  it("lists her activities of the week, a school of hers counting too, without cancelled ones or a colleague's", async () => {
    const week = await listOwnActivitiesBetween(t.db, scope(holder), holder.id, { from: "2026-12-07", to: "2026-12-13" });
    expect(week.map((a) => a.title)).toEqual(["Bezoek woensdag"]);
    expect(week[0]!.organisationNames).toEqual(["Hulshof Installatietechniek", "Het Stedelijk Lyceum"]);
  });

  it("gives her overdue tasks and those due this week, leaving later ones for the task list", async () => {
    const due = await listMyTasks(t.db, scope(holder), holder.id, { today: "2026-12-07", dueOnOrBefore: "2026-12-13" });
    expect(due.items.map((task) => [task.title, task.isOverdue])).toEqual([["Te laat", true], ["Deze week", false]]);
    expect((await listMyTasks(t.db, scope(holder), holder.id, { today: "2026-12-07" })).items).toHaveLength(3);
  });

  it("knows who holds relationships and counts only hers when asked", async () => {
    expect(await holdsRelationships(t.db, scope(holder), holder.id)).toBe(true);
    expect(await holdsRelationships(t.db, scope(admin), admin.id)).toBe(false);
    expect(await holdsRelationships(t.db, scope(stranger), holder.id)).toBe(false);
    const hers = await healthCounts(t.db, scope(holder), "2026-12-07", { accountHolderId: holder.id });
    const region = await healthCounts(t.db, scope(holder), "2026-12-07");
    const total = (counts: typeof hers) => counts.healthy + counts.watch + counts.cooling + counts.cold;
    expect(total(hers)).toBe(2);
    expect(total(region)).toBe(3);
  });
});
