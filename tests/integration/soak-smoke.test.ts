import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWrites, newRunMarker, prepareSoakUsers, runSoakUser, SoakStats, type SoakUser } from "../../bench/lib/soak";
import { DEMO_PASSWORD, loadDemo } from "../../db/seed/demo";
import { seededRandom } from "../../db/seed/random";
import { TEST_NOW } from "../support/factories";
import { startTestServer, type TestServer } from "../support/server";

/**
 * The soak's pieces (bench/lib/soak.ts) against the real server on the demo region, for two
 * rounds: one virtual user of each kind signs in, goes through its mix, and every write it was told
 * was saved is found in the database once. `npm run soak` runs the same loop for ten minutes.
 */
describe("the soak's virtual users", () => {
  let server: TestServer;
  let users: SoakUser[];
  const stats = new SoakStats();
  const marker = newRunMarker();

  beforeAll(async () => {
    server = await startTestServer({ env: { SCHAKEL_NOW: TEST_NOW.toISOString() } });
    await loadDemo(server.db, { now: TEST_NOW, appUrl: server.url });
    users = await prepareSoakUsers(server.db, { regionSlugs: ["twente"], roles: ["holder", "partner", "penvoerder", "api"], password: DEMO_PASSWORD, now: TEST_NOW });
    // Two rounds each: the loop goes on after a write, and every part of the mix comes by once.
    await Promise.all(users.map((user) => runSoakUser(user, {
      baseUrl: server.url, marker, today: TEST_NOW.toISOString().slice(0, 10), password: DEMO_PASSWORD, stats, thinkMs: 10, until: () => false, iterations: 2, random: seededRandom(user.index + 1).next,
    })));
  });
  afterAll(() => server?.stop());

  it("signs in one user of each kind and goes through every part of the mix without an error", () => {
    expect(users.map((u) => u.role)).toEqual(["holder", "partner", "penvoerder", "api"]);
    expect(new Set(users.map((u) => u.email)).size).toBe(4);
    const kinds = stats.summary();
    expect(kinds.flatMap((k) => k.examples)).toEqual([]);
    expect(stats.errors).toBe(0);
    expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining([
      "sign in", "organisation list", "organisation page", "search as you type", "Aandacht nodig", "log contact moment (form)",
      "portal", "portal offer form", "portal offer (guest lesson)", "API organisations", "API organisation", "API search", "API log contact moment",
    ]));
  });

  it("finds every acknowledged contact moment and offer in the database once, and nothing it did not acknowledge", async () => {
    expect(stats.acknowledged.interactions.length).toBeGreaterThan(1);
    expect(stats.acknowledged.activities.length).toBeGreaterThan(0);
    const checks = await checkWrites(server.db, stats, marker);
    expect(checks.map((c) => [c.table, c.pass, c.stored])).toEqual([
      ["interactions", true, stats.acknowledged.interactions.length],
      ["activities", true, stats.acknowledged.activities.length],
    ]);
  });

  it("reports a write that is missing, stored twice or never acknowledged", async () => {
    const copy = new SoakStats();
    const [first, ...rest] = stats.acknowledged.interactions;
    copy.acknowledged.interactions.push(...rest, `${marker}#u9-999`);
    copy.acknowledged.activities.push(...stats.acknowledged.activities);
    const row = await server.db.selectFrom("interactions").selectAll().where("summary", "like", `%${rest[0]})`).executeTakeFirstOrThrow();
    const { id: _id, ...values } = row;
    await server.db.insertInto("interactions").values(values).execute();
    const [interactions] = await checkWrites(server.db, copy, marker);
    expect(interactions).toMatchObject({ pass: false, missing: [`${marker}#u9-999`], duplicates: [rest[0]], unacknowledged: [first] });
  });
});
