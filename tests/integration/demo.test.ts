import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, loadDemo } from "../../db/seed/demo";
import { verifyPassword } from "../../server/auth/passwords";
import { createRegion } from "../../server/domains/regions/regions.service";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_NOW } from "../support/factories";

describe("npx schakel demo", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  it("adds the demo accounts to an existing STO Twente, then changes nothing the second time", async () => {
    // A region set up by hand with the same slug: the demo must still give working sign-ins.
    await createRegion(t.db, { name: "STO Twente", slug: "twente", subregions: [] }, { actorId: null, now: TEST_NOW });
    const first = await loadDemo(t.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
    expect(first.alreadyLoaded).toBe(false);
    expect(first.accounts.map((a) => a.role)).toEqual(["admin", "penvoerder", "accounthouder", "partner"]);

    const users = await t.db.selectFrom("users").select(["email", "role", "password_hash"]).orderBy("email").execute();
    expect(users).toHaveLength(4);
    const organisationCount = await t.db.selectFrom("organisations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    for (const user of users) expect(await verifyPassword(user.password_hash, DEMO_PASSWORD)).toBe(true);

    const second = await loadDemo(t.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
    expect(second.alreadyLoaded).toBe(true);
    const count = await t.db.selectFrom("users").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
    const organisationsAfter = await t.db.selectFrom("organisations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(organisationsAfter.n).toBe(organisationCount.n);
  });

  it("gives STO Twente its five subregions, its partner organisations with their contacts, and links the partner account to its company", async () => {
    const fresh = await createTestDatabase();
    try {
      await loadDemo(fresh.db, { now: TEST_NOW, appUrl: "http://schakel.test" });
      const subregions = await fresh.db.selectFrom("subregions").select("name").orderBy("name").execute();
      expect(subregions.map((s) => s.name)).toHaveLength(5);
      const organisations = await fresh.db.selectFrom("organisations").select("name").orderBy("name").execute();
      expect(organisations.length).toBeGreaterThanOrEqual(10);
      const partner = await fresh.db
        .selectFrom("users")
        .innerJoin("organisations", "organisations.id", "users.organisation_id")
        .select("organisations.name")
        .where("users.email", "=", "partner@sto-twente.demo")
        .executeTakeFirstOrThrow();
      expect(partner.name).toBe("Hulshof Installatietechniek");
      const primaries = await fresh.db.selectFrom("affiliations").select("id").where("is_primary", "=", true).execute();
      expect(primaries.length).toBeGreaterThanOrEqual(9);
    } finally {
      await fresh.drop();
    }
  });
});
