import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRegionRetention, applyRetention, erasePerson } from "../../server/domains/privacy/privacy.service";
import { createTestApp, TEST_APP_URL, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_NOW } from "../support/factories";
import { LOOKALIKE, type LookalikeRegion, seedLookalikeRegion } from "../support/lookalikes";
import { dumpRegion, expectRegionUnchanged } from "../support/region-dump";

/**
 * Issue 14, item 2: erasure replaced the person's name, email and phone in every text column of
 * every table, with no region condition. These are the attacks of the report, replayed as region B
 * against region A's data; region A's rows are dumped before and after and must be the same, row
 * versions included (a rewrite to the same text is a write into another region too).
 */
describe("AVG erasure and retention in region B leave region A alone", () => {
  let t: TestDatabase;
  let web: TestApp;
  let a: LookalikeRegion;
  let b: LookalikeRegion;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { now: TEST_NOW });
    a = await seedLookalikeRegion(t.db, web, { name: LOOKALIKE.regionName });
    b = await seedLookalikeRegion(t.db, web);
  });
  afterAll(() => t.drop());

  const dumpA = () => dumpRegion(t.db, a.region.id, { rowVersions: true });
  const createInB = (body: Record<string, unknown>) => b.api("/people", b.holder.token, "POST", { lawfulBasis: "legitimate_interest", ...body });
  const eraseInB = (personId: unknown) => b.api(`/people/${personId}/erase`, b.admin.token, "POST", undefined, 200);

  it("a region-B admin who creates and erases a person named like region A does not rename region A", async () => {
    const before = await dumpA();
    const lookalike = await createInB({ name: LOOKALIKE.regionName });
    const erased = await eraseInB(lookalike.id);
    // Only the lookalike itself: its row, and its one log entry (its creation).
    expect(erased.changes).toEqual([{ table: "people", kind: "person_anonymised", count: 1 }, { table: "audit_log", kind: "audit_entries_removed", count: 1 }]);
    expectRegionUnchanged(before, await dumpA());
    expect((await t.db.selectFrom("regions").select("name").where("id", "=", a.region.id).executeTakeFirstOrThrow()).name).toBe(LOOKALIKE.regionName);
  });

  it("a region-B admin who creates and erases a person named like region A's company does not rename the company", async () => {
    const before = await dumpA();
    const lookalike = await createInB({ name: LOOKALIKE.company, phone: LOOKALIKE.phone });
    await eraseInB(lookalike.id);
    // Row-level security stops the API's statements at the region; a job or the CLI runs as the
    // owner role, past it: the erasure itself must stay in the region.
    const asOwner = await createInB({ name: LOOKALIKE.company, phone: LOOKALIKE.phone });
    const scope = { regionId: b.region.id, userId: b.admin.user.id, role: "admin" as const, organisationId: null };
    await t.db.transaction().execute((trx) => erasePerson(trx, scope, String(asOwner.id), { actor: null, now: TEST_NOW }));
    expectRegionUnchanged(before, await dumpA());
    const company = await t.db.selectFrom("organisations").select(["name", "tags"]).where("id", "=", a.companyId).executeTakeFirstOrThrow();
    expect(company).toEqual({ name: LOOKALIKE.company, tags: [...LOOKALIKE.tags] });
  });

  it("a region-B admin who erases B's namesake of region A's person (same name, email, phone) changes nothing of A's person, and says what it changed in B", async () => {
    const before = await dumpA();
    const erased = await eraseInB(b.personId);
    expectRegionUnchanged(before, await dumpA());
    const aPerson = await t.db.selectFrom("people").select(["name", "email", "phone"]).where("id", "=", a.personId).executeTakeFirstOrThrow();
    expect(aPerson).toEqual({ name: LOOKALIKE.person, email: LOOKALIKE.email, phone: LOOKALIKE.phone });
    // B's own rows linked to the person changed, and the answer names each kind of change.
    expect(erased.changes).toEqual(expect.arrayContaining([
      { table: "people", kind: "person_anonymised", count: 1 },
      { table: "interactions", kind: "texts_redacted", count: 1 },
      { table: "tasks", kind: "texts_redacted", count: 1 },
      { table: "activities", kind: "texts_redacted", count: 1 },
      { table: "email_outbox", kind: "emails_cancelled", count: 1 },
      { table: "email_outbox", kind: "emails_redacted", count: 1 },
      expect.objectContaining({ table: "audit_log", kind: "audit_entries_removed" }),
      { table: "organisation_health", kind: "health_recomputed", count: 1 },
    ]));
  });

  it("region B's retention run anonymises B's departed namesake and nothing of region A's same-named people", async () => {
    const before = await dumpA();
    const result = await applyRegionRetention(t.db, b.region.id, { now: TEST_NOW, appUrl: TEST_APP_URL });
    expect(result.erased).toBe(1);
    expect((await t.db.selectFrom("people").select("anonymised_at").where("id", "=", b.leaverId).executeTakeFirstOrThrow()).anonymised_at).not.toBeNull();
    expectRegionUnchanged(before, await dumpA());
  });

  it("an ordinary nightly retention run does not scrub region A's same-named people when A's retention is off", async () => {
    await t.db.updateTable("regions").set({ retention_months: null }).where("id", "=", a.region.id).execute();
    const fresh = await createInB({ name: LOOKALIKE.leaver, email: LOOKALIKE.leaverEmail });
    const job = await b.api(`/people/${fresh.id}/affiliations`, b.holder.token, "POST", { organisationId: b.companyId, role: "Monteur", isPrimary: false, startDate: "2010-01-01" });
    await b.api(`/affiliations/${job.id}/end`, b.holder.token, "POST", { endDate: "2019-06-30", endReason: "retired" }, 200);
    const before = await dumpA();
    expect((await applyRetention(t.db, { now: TEST_NOW, appUrl: TEST_APP_URL })).erased).toBe(1);
    expectRegionUnchanged(before, await dumpA());
    const leaverInA = await t.db.selectFrom("people").select(["name", "anonymised_at"]).where("id", "=", a.leaverId).executeTakeFirstOrThrow();
    expect(leaverInA).toEqual({ name: LOOKALIKE.leaver, anonymised_at: null });
  });
});
