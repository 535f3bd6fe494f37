import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";

type Json = Record<string, unknown>;

// Two people save the same record at the same moment, from the same version: one wins, the other is
// told (409), and nothing is merged silently. Run truly at once, many times, to catch a race.
describe("two edits of one record at once", () => {
  let t: TestDatabase;
  let web: TestApp;
  let tokens: [string, string];

  const send = (path: string, token: string, method: string, body?: unknown) =>
    web.request(`/api/v1${path}`, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { now: TEST_NOW });
    const regionId = (await makeRegion(t.db)).id;
    tokens = [(await makeUserWithToken(t.db, { regionId, role: "accounthouder" })).token, (await makeUserWithToken(t.db, { regionId, role: "accounthouder" })).token];
  });
  afterAll(() => t.drop());

  it("keeps exactly one of two simultaneous organisation edits and answers the other 409", async () => {
    for (let round = 0; round < 10; round++) {
      const created = (await (await send("/organisations", tokens[0], "POST", { kind: "company", name: `Gelijktijdig ${round}`, status: "active", tier: "regular" })).json()) as Json;
      const [first, second] = await Promise.all([
        send(`/organisations/${created.id}`, tokens[0], "PATCH", { version: created.version, city: "Hengelo", sector: "Installatie" }),
        send(`/organisations/${created.id}`, tokens[1], "PATCH", { version: created.version, city: "Almelo", website: "https://example.nl" }),
      ]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      const stored = (await (await send(`/organisations/${created.id}`, tokens[0], "GET")).json()) as Json;
      const winner = first.status === 200 ? { city: "Hengelo", sector: "Installatie", website: null } : { city: "Almelo", sector: null, website: "https://example.nl" };
      expect(stored).toMatchObject({ ...winner, version: Number(created.version) + 1 });
      const loser = (await (first.status === 409 ? first : second).json()) as { error: { code: string } };
      expect(loser.error.code).toBe("CONFLICT");
    }
  });

  it("keeps exactly one of two simultaneous person edits", async () => {
    const person = (await (await send("/people", tokens[0], "POST", { name: "Sam Tegelijk", lawfulBasis: "legitimate_interest" })).json()) as Json;
    const [first, second] = await Promise.all([
      send(`/people/${person.id}`, tokens[0], "PATCH", { version: person.version, phone: "0612345678" }),
      send(`/people/${person.id}`, tokens[1], "PATCH", { version: person.version, email: "sam@example.nl" }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const stored = (await (await send(`/people/${person.id}`, tokens[0], "GET")).json()) as Json;
    expect([stored.phone, stored.email]).toEqual(first.status === 200 ? ["0612345678", null] : [null, "sam@example.nl"]);
  });
});
