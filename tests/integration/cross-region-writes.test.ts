import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queueWeeklyDigests } from "../../server/domains/digest/digest.service";
import { deliverDueEmails } from "../../server/domains/email/delivery";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { stageImport } from "../../server/domains/imports/imports.service";
import { applyRegionRetention, erasePerson } from "../../server/domains/privacy/privacy.service";
import { createTestApp, TEST_APP_URL, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeUserWithToken, TEST_NOW } from "../support/factories";
import { LOOKALIKE, type LookalikeRegion, seedLookalikeRegion } from "../support/lookalikes";
import { diffDumps, dumpRegion, expectRegionUnchanged } from "../support/region-dump";

/**
 * The class test of issue 14, item 2: every write that can touch many rows, run as region B against
 * two regions filled with the same names, emails and tags; region A's rows (row versions included)
 * must be the same before and after. The inventory in tests/unit/region-writes-inventory.test.ts
 * names, for each update or delete in server/, the test here that runs it or why it is region-safe.
 * Many of these run as the owner role, past row-level security (decision 073): the jobs, the CLI.
 */
describe("region B's bulk writes leave region A's rows as they were", () => {
  let t: TestDatabase;
  let web: TestApp;
  let a: LookalikeRegion;
  let b: LookalikeRegion;
  const now = TEST_NOW;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { now });
    a = await seedLookalikeRegion(t.db, web, { name: LOOKALIKE.regionName });
    b = await seedLookalikeRegion(t.db, web);
  });
  afterAll(() => t.drop());

  /** Runs region B's write and asserts that region A's dump did not change. */
  async function asRegionB(write: () => Promise<unknown>) {
    const before = await dumpRegion(t.db, a.region.id, { rowVersions: true });
    await write();
    expectRegionUnchanged(before, await dumpRegion(t.db, a.region.id, { rowVersions: true }));
  }

  it("the region dump notices a changed row, also in a table reached only through a foreign key", async () => {
    const before = await dumpRegion(t.db, a.region.id);
    expect(before.interaction_people!.length).toBeGreaterThan(0);
    expect(before.sessions).toBeDefined();
    const link = await t.db.selectFrom("interaction_people").innerJoin("interactions", "interactions.id", "interaction_people.interaction_id")
      .select(["interaction_id", "person_id"]).where("interactions.region_id", "=", a.region.id).executeTakeFirstOrThrow();
    await t.db.deleteFrom("interaction_people").where("interaction_id", "=", link.interaction_id).where("person_id", "=", link.person_id).execute();
    expect(Object.keys(diffDumps(before, await dumpRegion(t.db, a.region.id)))).toEqual(["interaction_people"]);
    await t.db.insertInto("interaction_people").values(link).execute();
  });

  it("erasing a person in region B changes nothing in region A", async () => {
    // Through the API (row-level security applies) and as the owner role, as a job or the CLI runs it.
    await asRegionB(() => b.api(`/people/${b.personId}/erase`, b.admin.token, "POST", undefined, 200));
    const lookalike = await b.api("/people", b.holder.token, "POST", { name: LOOKALIKE.company, email: LOOKALIKE.email, lawfulBasis: "legitimate_interest" });
    const scope = { regionId: b.region.id, userId: b.admin.user.id, role: "admin" as const, organisationId: null };
    await asRegionB(() => t.db.transaction().execute((trx) => erasePerson(trx, scope, String(lookalike.id), { actor: null, now })));
  });

  it("region B's retention run changes nothing in region A", async () => {
    await asRegionB(async () => expect((await applyRegionRetention(t.db, b.region.id, { now, appUrl: TEST_APP_URL })).erased).toBe(1));
  });

  it("recomputing region B's health changes nothing in region A", async () => {
    await asRegionB(async () => {
      await b.api("/health/recompute", b.admin.token, "POST", {}, 200);
      await recomputeHealth(t.db, { regionId: b.region.id }, new Date(now.getTime() + 200 * 86_400_000));
    });
  });

  it("merging two people in region B changes nothing in region A", async () => {
    const duplicate = await b.api("/people", b.holder.token, "POST", { name: LOOKALIKE.person, email: "marieke.tweede@klaassen.example", lawfulBasis: "legitimate_interest" });
    await b.api(`/people/${duplicate.id}/affiliations`, b.holder.token, "POST", { organisationId: b.companyId, role: "HR", isPrimary: false, startDate: "2025-01-01" });
    const keep = await b.api("/people", b.holder.token, "POST", { name: LOOKALIKE.person, phone: LOOKALIKE.phone, lawfulBasis: "legitimate_interest" });
    await asRegionB(() => b.api(`/people/${keep.id}/merge`, b.holder.token, "POST", { duplicateId: duplicate.id }, 200));
  });

  it("merging two organisations in region B changes nothing in region A", async () => {
    const duplicate = await b.api("/organisations", b.holder.token, "POST", { kind: "company", name: `${LOOKALIKE.company} BV`, status: "active", tier: "regular", tags: [...LOOKALIKE.tags] });
    await asRegionB(() => b.api(`/organisations/${b.companyId}/merge`, b.holder.token, "POST", { duplicateId: duplicate.id }, 200));
  });

  it("staging and committing an import in region B that names region A's organisations and contacts changes nothing in region A", async () => {
    const csv = [
      "Naam;KvK;Plaats;Soort;Subregio;Prioriteit;Status;Tags;Contactpersoon;Functie;E-mail;Telefoon",
      `${LOOKALIKE.company};12345678;Enschede;Bedrijf;Noord;Regulier;Actief;techniek;${LOOKALIKE.person};HR;${LOOKALIKE.email};${LOOKALIKE.phone}`,
      `${LOOKALIKE.school};;Enschede;Vmbo;Noord;Regulier;Actief;;${LOOKALIKE.leaver};Docent;${LOOKALIKE.leaverEmail};`,
    ].join("\r\n");
    // A staged import of region A, expired: staging in region B used to remove it along with B's own.
    const table = { headers: ["Naam"], rows: [[2, [LOOKALIKE.company]]] as Array<[number, string[]]> };
    const expired = new Date(now.getTime() - 2 * 86_400_000);
    await t.db.transaction().execute((trx) => stageImport(trx, a.region.id, { fileName: "a.csv", table }, { actor: null, now: expired }));
    await asRegionB(() => t.db.transaction().execute((trx) => stageImport(trx, b.region.id, { fileName: "b.csv", table }, { actor: null, now })));
    await asRegionB(async () => {
      const staged = await web.request("/api/v1/imports/organisations?dryRun=true", { method: "POST", token: b.holder.token, body: csv, headers: { "content-type": "text/csv" } });
      expect(staged.status).toBe(200);
      const { id } = (await staged.json()) as { id: string };
      const committed = await web.request(`/api/v1/imports/${id}/commit`, { method: "POST", token: b.holder.token });
      expect(committed.status).toBe(200);
    });
  });

  it("handing over a region-B account holder's organisations changes nothing in region A", async () => {
    const successor = await makeUserWithToken(t.db, { regionId: b.region.id, role: "accounthouder", name: "Bram Accounthouder" });
    await asRegionB(() => b.api(`/users/${b.holder.user.id}/handover`, b.admin.token, "POST", { toUserId: successor.user.id }, 200));
  });

  it("deactivating a region-B user changes nothing in region A", async () => {
    await asRegionB(() => b.api(`/users/${b.holder.user.id}/deactivate`, b.admin.token, "POST", undefined, 200));
  });

  it("the digest and delivery jobs doing region B's work change nothing in region A", async () => {
    const transport = { sendMail: async () => ({}) };
    const monday = new Date("2026-11-30T06:00:00Z");
    // Region A's own work of the week is done first: what the second run does is region B's.
    await queueWeeklyDigests(t.db, { now: monday, appUrl: TEST_APP_URL });
    await deliverDueEmails(t.db, transport, { now: monday, from: "schakel@schakel.test" });
    await makeUserWithToken(t.db, { regionId: b.region.id, role: "accounthouder", name: LOOKALIKE.person });
    await asRegionB(async () => {
      await queueWeeklyDigests(t.db, { now: monday, appUrl: TEST_APP_URL });
      await deliverDueEmails(t.db, transport, { now: new Date(monday.getTime() + 60_000), from: "schakel@schakel.test" });
    });
  });
});
