import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

type Results = {
  organisations: Array<{ name: string }>;
  people: Array<{ name: string; organisationName: string | null }>;
  organisationsNextCursor: string | null;
  peopleNextCursor: string | null;
};

describe("GET /api/v1/search", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let token: string;
  let otherToken: string;
  const search = async (q: string, as = token, extra: Record<string, string> = {}) =>
    (await (await api.request(`/api/v1/search?${new URLSearchParams({ q, ...extra })}`, { token: as })).json()) as Results;
  const names = (list: Array<{ name: string }>) => list.map((item) => item.name);

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
    await post("/api/v1/organisations", { kind: "company", name: "Wessels Bouw", website: "https://www.wesselsbouw.nl" });
    const person = (await (await post("/api/v1/people", { name: "Ayşe Demir" })).json()) as { id: string };
    await post(`/api/v1/people/${person.id}/affiliations`, { organisationId: hulshof.id, role: "HR" });
    await post("/api/v1/people", { name: "Henk Wessels", email: "H.Wessels@WesselsBouw.nl", phone: "06 1234 5678" });
    await post("/api/v1/people", { name: "Ilse Nijenhuis", email: "ilse@nijenhuis-advies.nl", phone: "+31 (0)53 765 4321" });
    // Twelve Jansens, more than a page of people.
    for (let i = 1; i <= 12; i++) await post("/api/v1/people", { name: `Jan Jansen ${String(i).padStart(2, "0")}` });
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

  it("forgives one letter missing, extra, wrong or two swapped, anywhere in the word", async () => {
    for (const typo of ["hulsof", "hulshf", "ulshof", "hulshoff", "hulsshof", "hulzhof", "huslhof", "uhlshof", "hulshfo", "Hulsof installatietechniek"]) {
      expect(names((await search(typo)).organisations), typo).toContain("Hulshof Installatietechniek");
    }
    expect(names((await search("zwana")).organisations)).toEqual(["Café De Zwaan"]);
    expect(names((await search("bowu")).organisations)).toEqual(["Wessels Bouw"]);
  });

  it("does not take a word two letters off for a typo", async () => {
    expect(names((await search("hlushfo")).organisations)).toEqual([]);
    expect(names((await search("hulsof bakkerij")).organisations)).toEqual([]);
  });

  it("finds a person by phone number however it is written", async () => {
    for (const phone of ["06 1234 5678", "0612345678", "+31 6 12345678", "0031 6-1234 5678", "+31 (0)6 12345678", "12345678"]) {
      expect(names((await search(phone)).people), phone).toEqual(["Henk Wessels"]);
    }
    expect(names((await search("053 765 43 21")).people)).toEqual(["Ilse Nijenhuis"]);
    expect(names((await search("0612345679")).people)).toEqual([]);
  });

  it("finds a person by the email address, its local part or its domain", async () => {
    for (const email of ["h.wessels@wesselsbouw.nl", "H.Wessels@WesselsBouw.nl", "h.wessels", "h.wessels@", "@wesselsbouw.nl", "wesselsbouw.nl"]) {
      expect(names((await search(email)).people), email).toEqual(["Henk Wessels"]);
    }
    expect(names((await search("ilse@")).people)).toEqual(["Ilse Nijenhuis"]);
    expect(names((await search("@nijenhuis")).people)).toEqual(["Ilse Nijenhuis"]);
  });

  it("finds an organisation by the domain of an email address at its website", async () => {
    expect(names((await search("info@wesselsbouw.nl")).organisations)).toEqual(["Wessels Bouw"]);
    expect(names((await search("wesselsbouw.nl")).organisations)).toEqual(["Wessels Bouw"]);
  });

  it("pages the people found with a cursor, without repeats or gaps, and keeps the organisations to the first answer", async () => {
    const first = await search("jansen", token, { limit: "5" });
    expect(names(first.organisations)).toEqual(["Bakkerij Jansen"]);
    expect(first.organisationsNextCursor).toBeNull();
    expect(first.people).toHaveLength(5);
    const seen = names(first.people);
    let cursor = first.peopleNextCursor;
    while (cursor) {
      const next = await search("jansen", token, { limit: "5", peopleCursor: cursor });
      expect(next.organisations).toEqual([]);
      seen.push(...names(next.people));
      cursor = next.peopleNextCursor;
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `Jan Jansen ${String(i + 1).padStart(2, "0")}`));
  });

  it("refuses a cursor that is not one", async () => {
    const response = await api.request(`/api/v1/search?q=jansen&peopleCursor=${encodeURIComponent("bm90IGEgY3Vyc29y")}`, { token });
    expect(response.status).toBe(400);
  });

  it("finds people with the organisation they work at", async () => {
    expect((await search("ayse")).people).toEqual([expect.objectContaining({ name: "Ayşe Demir", organisationName: "Hulshof Installatietechniek" })]);
  });

  it("shows nothing of another region", async () => {
    const results = await search("hulshof", otherToken);
    expect(results).toEqual({ organisations: [], people: [], organisationsNextCursor: null, peopleNextCursor: null });
  });
});
