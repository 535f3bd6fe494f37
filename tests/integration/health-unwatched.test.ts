import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopeOf, type CurrentUser } from "../../server/auth/current-user";
import { recomputeHealth } from "../../server/domains/health/health.service";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { parseInput } from "../../server/validation";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser } from "../support/factories";

/**
 * An organisation no longer watched (not active, or archived) loses its health row in the recompute
 * of any target that holds it — a list of ids, its region, the whole country — and only it
 * (decision 148: the removal is part of the rules' statement).
 */
describe("an organisation no longer watched loses its health row", () => {
  let t: TestDatabase;
  const at = (day: string) => new Date(`${day}T10:00:00Z`);
  const asUser = (user: { id: string; regionId: string; email: string; name: string; role: CurrentUser["role"]; organisationId: string | null }): CurrentUser => ({ ...user, locale: "nl" });

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t?.drop());

  it("for a list of ids, a region and the whole country", async () => {
    const region = await makeRegion(t.db);
    const admin = asUser(await makeUser(t.db, { regionId: region.id, role: "admin", name: "Marieke Nijhuis" }));
    const scope = scopeOf(admin);
    const meta = { actor: admin, now: at("2026-11-02"), appUrl: "http://schakel.test" };
    const create = (name: string) => t.db.transaction().execute((trx) => createOrganisation(trx, scope, parseInput(CreateOrganisationInput, { kind: "company", name }), meta));
    const paused = await create("Bakkerij Sjöberg");
    const kept = await create("Machinefabriek Tijhuis");
    const rows = async () => (await t.db.selectFrom("organisation_health").select("organisation_id").where("region_id", "=", region.id).execute()).map((row) => row.organisation_id).sort();
    const both = [paused.id, kept.id].sort();
    expect(await rows()).toEqual(both);

    await sql`update organisations set status = 'paused' where id = ${paused.id}`.execute(t.db);
    await recomputeHealth(t.db, { organisationIds: [kept.id] }, at("2026-11-03"));
    expect(await rows()).toEqual(both);
    await recomputeHealth(t.db, { organisationIds: [paused.id] }, at("2026-11-03"));
    expect(await rows()).toEqual([kept.id]);

    await sql`update organisations set status = 'active' where id = ${paused.id}`.execute(t.db);
    await recomputeHealth(t.db, { all: true }, at("2026-11-04"));
    expect(await rows()).toEqual(both);
    await sql`update organisations set archived_at = now() where id = ${paused.id}`.execute(t.db);
    await recomputeHealth(t.db, { regionId: region.id }, at("2026-11-05"));
    expect(await rows()).toEqual([kept.id]);

    await sql`update organisations set archived_at = null where id = ${paused.id}`.execute(t.db);
    await recomputeHealth(t.db, { all: true }, at("2026-11-06"));
    await sql`update organisations set status = 'ended' where id = ${paused.id}`.execute(t.db);
    await recomputeHealth(t.db, { all: true }, at("2026-11-07"));
    expect(await rows()).toEqual([kept.id]);
  });
});
