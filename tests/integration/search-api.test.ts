import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Results = { organisations: Array<{ name: string }>; people: Array<{ name: string; organisationName: string | null }> };

describe("GET /api/v1/search", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let token: string;
  let otherToken: string;
  const search = async (q: string, as = token) => (await (await api.request(`/api/v1/search?q=${encodeURIComponent(q)}`, { token: as })).json()) as Results;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db);
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    token = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    otherToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "accounthouder" })).token;
    const post = (path: string, body: unknown) => api.request(path, { method: "POST", body: JSON.stringify(body), token });
    const hulshof = (await (await post("/api/v1/organisations", { kind: "company", name: "Hulshof Installatietechniek" })).json()) as { id: string };
    await post("/api/v1/organisations", { kind: "company", name: "Café De Zwaan" });
    await post("/api/v1/organisations", { kind: "company", name: "Bakkerij Jansen" });
    const person = (await (await post("/api/v1/people", { name: "Ayşe Demir" })).json()) as { id: string };
    await post(`/api/v1/people/${person.id}/affiliations`, { organisationId: hulshof.id, role: "HR" });
  });
  afterAll(() => t.drop());

  it("finds an organisation whatever the case and accents", async () => {
    expect((await search("cafe de zwaan")).organisations.map((o) => o.name)).toEqual(["Café De Zwaan"]);
    expect((await search("ZWAAN")).organisations.map((o) => o.name)).toEqual(["Café De Zwaan"]);
  });

  it("forgives a typo", async () => {
    expect((await search("hulshf")).organisations.map((o) => o.name)).toContain("Hulshof Installatietechniek");
    expect((await search("bakkerei")).organisations.map((o) => o.name)).toContain("Bakkerij Jansen");
  });

  it("finds people with the organisation they work at", async () => {
    expect((await search("ayse")).people).toEqual([expect.objectContaining({ name: "Ayşe Demir", organisationName: "Hulshof Installatietechniek" })]);
  });

  it("shows nothing of another region", async () => {
    const results = await search("hulshof", otherToken);
    expect(results).toEqual({ organisations: [], people: [] });
  });
});
