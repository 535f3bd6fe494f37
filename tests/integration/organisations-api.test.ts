import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken } from "../support/factories";

type Body = Record<string, unknown> & { error?: { code: string; fields?: Record<string, string>; details?: Record<string, unknown> } };

describe("/api/v1/organisations", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let holderToken: string;
  let penvoerderToken: string;
  let otherRegionToken: string;
  let holderId: string;
  let colleagueId: string;
  let subregionId: string;

  const post = (body: unknown, token = holderToken) => api.request("/api/v1/organisations", { method: "POST", body: JSON.stringify(body), token });
  const json = async (response: Response) => (await response.json()) as Body;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db);
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    const holder = await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
    holderToken = holder.token;
    holderId = holder.user.id;
    colleagueId = (await makeUser(t.db, { regionId: region.id, role: "accounthouder", name: "Joost Kamphuis" })).id;
    penvoerderToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" })).token;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin" })).token;
    subregionId = (await t.db.selectFrom("subregions").select("id").where("region_id", "=", region.id).executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t.drop());

  it("creates a company with its KvK number, subregion and account holder, and lists it", async () => {
    const response = await post({ kind: "company", name: "Hulshof Installatietechniek", kvkNumber: "12345678", city: "Hengelo", subregionId, tier: "strategic", tags: ["installatie"], accountHolderId: holderId });
    expect(response.status).toBe(201);
    const created = await json(response);
    expect(created).toMatchObject({ name: "Hulshof Installatietechniek", kvkNumber: "12345678", tier: "strategic", status: "active", tags: ["installatie"], version: 1 });

    const list = await json(await api.request("/api/v1/organisations?tag=installatie", { token: penvoerderToken }));
    expect((list.items as Array<{ name: string }>).map((o) => o.name)).toEqual(["Hulshof Installatietechniek"]);
  });

  it("refuses a second organisation with the same KvK number and names the first", async () => {
    const first = await json(await post({ kind: "company", name: "Bouwbedrijf Oldenzaal", kvkNumber: "87654321" }));
    const response = await post({ kind: "company", name: "Bouwbedrijf Oldenzaal BV", kvkNumber: "87654321" });
    expect(response.status).toBe(422);
    const body = await json(response);
    expect(body.error?.fields?.kvkNumber).toBeDefined();
    expect(body.error?.details?.existingId).toBe(first.id);
  });

  it("explains what is wrong with a KvK number, a BRIN code and an unknown kind, and writes nothing", async () => {
    const before = await t.db.selectFrom("organisations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const response = await post({ kind: "bakery", name: "", kvkNumber: "1234", brinCode: "ABCD" });
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(Object.keys(error?.fields ?? {}).sort()).toEqual(["brinCode", "kind", "kvkNumber", "name"]);
    expect(error?.fields?.kvkNumber).toBe("A KvK number has 8 digits.");
    const after = await t.db.selectFrom("organisations").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("answers 409 to an update with a stale version and keeps the newer change", async () => {
    const created = await json(await post({ kind: "mbo", name: "ROC van Twente", brinCode: "25lg" }));
    expect(created.brinCode).toBe("25LG");
    const first = await api.request(`/api/v1/organisations/${created.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, city: "Almelo" }), token: holderToken });
    expect(first.status).toBe(200);
    const stale = await api.request(`/api/v1/organisations/${created.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, city: "Enschede" }), token: holderToken });
    expect(stale.status).toBe(409);
    const current = await json(await api.request(`/api/v1/organisations/${created.id}`, { token: holderToken }));
    expect(current).toMatchObject({ city: "Almelo", version: 2 });
  });

  it("keeps the history of account holders when the owner is reassigned", async () => {
    const created = await json(await post({ kind: "company", name: "Twentse Metaal", accountHolderId: holderId }));
    await api.request(`/api/v1/organisations/${created.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, accountHolderId: colleagueId }), token: holderToken });
    const history = await json(await api.request(`/api/v1/organisations/${created.id}/account-holders`, { token: holderToken }));
    const periods = history.items as Array<{ userName: string; endedAt: string | null }>;
    expect(periods.map((p) => p.userName)).toEqual(["Joost Kamphuis", "Fatima El Amrani"]);
    expect(periods[0]?.endedAt).toBeNull();
    expect(periods[1]?.endedAt).not.toBeNull();
  });

  it("sorts the list by name, city (none last), tier or last change, and pages through each order exactly once", async () => {
    const fresh = createTestApp(t.db, { now: "2026-11-24T10:00:00Z" });
    const made: Array<{ name: string; city?: string; tier: string }> = [
      { name: "Sorteer Delta", city: "Almelo", tier: "occasional" }, { name: "Sorteer Alfa", tier: "regular" },
      { name: "Sorteer Charlie", city: "Hengelo", tier: "strategic" }, { name: "Sorteer Bravo", city: "Almelo", tier: "strategic" },
      { name: "Sorteer Echo", city: "Enschede", tier: "regular" },
    ];
    for (const body of made) {
      const response = await fresh.request("/api/v1/organisations", { method: "POST", body: JSON.stringify({ kind: "company", ...body }), token: holderToken });
      expect(response.status).toBe(201);
    }
    const walk = async (sort: string) => {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await json(await api.request(`/api/v1/organisations?q=sorteer&limit=2&sort=${sort}${cursor ? `&cursor=${cursor}` : ""}`, { token: holderToken }));
        names.push(...(page.items as Array<{ name: string }>).map((o) => o.name.replace("Sorteer ", "")));
        cursor = page.nextCursor as string | null;
      } while (cursor);
      return names;
    };
    expect(await walk("name")).toEqual(["Alfa", "Bravo", "Charlie", "Delta", "Echo"]);
    expect(await walk("city")).toEqual(["Bravo", "Delta", "Echo", "Charlie", "Alfa"]);
    expect(await walk("tier")).toEqual(["Bravo", "Charlie", "Alfa", "Echo", "Delta"]);
    const byChange = await walk("updated");
    expect(byChange).toHaveLength(5);
    expect(new Set(byChange).size).toBe(5);
    // A column the list does not offer sorts by name, as if none were asked.
    const unknown = await json(await api.request("/api/v1/organisations?q=sorteer&sort=size", { token: holderToken }));
    expect((unknown.items as Array<{ name: string }>).map((o) => o.name.replace("Sorteer ", ""))).toEqual(["Alfa", "Bravo", "Charlie", "Delta", "Echo"]);
  });

  it("archives on delete: the organisation leaves the list, keeps its record and is audited", async () => {
    const created = await json(await post({ kind: "partner", name: "Gemeente Borne" }));
    const response = await api.request(`/api/v1/organisations/${created.id}`, { method: "DELETE", token: holderToken });
    expect(response.status).toBe(200);
    expect((await json(response)).archivedAt).not.toBeNull();
    const list = await json(await api.request("/api/v1/organisations?q=borne", { token: holderToken }));
    expect(list.items).toEqual([]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", String(created.id)).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["organisation.create", "organisation.archive"]);
  });

  it("finds organisations regardless of case and accents", async () => {
    await post({ kind: "company", name: "Café De Zwaan Horeca" });
    const list = await json(await api.request(`/api/v1/organisations?q=${encodeURIComponent("cafe de ZWAAN")}`, { token: holderToken }));
    expect((list.items as Array<{ name: string }>).map((o) => o.name)).toEqual(["Café De Zwaan Horeca"]);
  });

  it("pages through the list with a cursor, without repeating or skipping", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Body = await json(await api.request(`/api/v1/organisations?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: holderToken }));
      seen.push(...(page.items as Array<{ id: string }>).map((o) => o.id));
      cursor = page.nextCursor as string | null;
    } while (cursor);
    const all = await json(await api.request("/api/v1/organisations?limit=200", { token: holderToken }));
    expect(seen).toEqual((all.items as Array<{ id: string }>).map((o) => o.id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("does not reveal another region's organisation, and refuses a penvoerder's change", async () => {
    const created = await json(await post({ kind: "company", name: "Alleen Twente BV" }));
    expect((await api.request(`/api/v1/organisations/${created.id}`, { token: otherRegionToken })).status).toBe(404);
    const otherList = await json(await api.request("/api/v1/organisations?limit=200", { token: otherRegionToken }));
    expect(otherList.items).toEqual([]);
    const patch = await api.request(`/api/v1/organisations/${created.id}`, { method: "PATCH", body: JSON.stringify({ version: 1, name: "X" }), token: penvoerderToken });
    expect(patch.status).toBe(403);
  });

  it("shows a partner user only its own organisation", async () => {
    const own = await json(await post({ kind: "company", name: "Eigen Bedrijf" }));
    const foreign = await json(await post({ kind: "company", name: "Ander Bedrijf" }));
    const regionId = (await t.db.selectFrom("organisations").select("region_id").where("id", "=", String(own.id)).executeTakeFirstOrThrow()).region_id;
    const { token } = await makeUserWithToken(t.db, { regionId, role: "partner", organisationId: String(own.id) });
    const list = await json(await api.request("/api/v1/organisations", { token }));
    expect((list.items as Array<{ name: string }>).map((o) => o.name)).toEqual(["Eigen Bedrijf"]);
    expect((await api.request(`/api/v1/organisations/${foreign.id}`, { token })).status).toBe(404);
    expect((await api.request("/api/v1/organisations", { method: "POST", body: JSON.stringify({ kind: "company", name: "Nieuw" }), token })).status).toBe(403);
  });

  it("merges a duplicate: its people, contact moments and tasks move over, the survivor keeps its primary contact, the duplicate is archived", async () => {
    const keep = await json(await post({ kind: "company", name: "Wessels Bouw", city: "Rijssen" }));
    const duplicate = await json(await post({ kind: "company", name: "Wessels Bouw B.V.", kvkNumber: "55554444", tags: ["bouw"] }));
    const personBody = (name: string) => ({ method: "POST", body: JSON.stringify({ name }), token: holderToken });
    const kept = await json(await api.request("/api/v1/people", personBody("Karin Keep")));
    const moved = await json(await api.request("/api/v1/people", personBody("Dirk Duplicate")));
    const job = (personId: unknown, organisationId: unknown) =>
      api.request(`/api/v1/people/${personId}/affiliations`, { method: "POST", body: JSON.stringify({ organisationId, isPrimary: true }), token: holderToken });
    await job(kept.id, keep.id);
    await job(moved.id, duplicate.id);
    await api.request("/api/v1/interactions", { method: "POST", body: JSON.stringify({ organisationId: duplicate.id, kind: "call", summary: "Gebeld" }), token: holderToken });
    const visit = await api.request("/api/v1/activities", {
      method: "POST", token: holderToken,
      body: JSON.stringify({ type: "company_visit", title: "Bezoek bouwplaats", startDate: "2026-03-02", endDate: "2026-03-02", organisationIds: [duplicate.id, keep.id] }),
    });
    expect(visit.status).toBe(201);

    const response = await api.request(`/api/v1/organisations/${keep.id}/merge`, { method: "POST", body: JSON.stringify({ duplicateId: duplicate.id }), token: holderToken });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ name: "Wessels Bouw", kvkNumber: "55554444", city: "Rijssen", tags: ["bouw"] });

    const jobs = await t.db.selectFrom("affiliations").select(["person_id", "is_primary"]).where("organisation_id", "=", String(keep.id)).orderBy("is_primary", "desc").execute();
    expect(jobs).toEqual([{ person_id: kept.id, is_primary: true }, { person_id: moved.id, is_primary: false }]);
    const moments = await t.db.selectFrom("interactions").select("organisation_id").execute();
    expect(moments.every((m) => m.organisation_id === keep.id)).toBe(true);
    // The visit both took part in now counts once, for the survivor.
    const links = await t.db.selectFrom("activity_organisations").select("organisation_id").execute();
    expect(links).toEqual([{ organisation_id: keep.id }]);
    expect((await json(await api.request(`/api/v1/organisations/${duplicate.id}`, { token: holderToken }))).archivedAt).not.toBeNull();
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", String(keep.id)).where("action", "=", "organisation.merge").execute();
    expect(audit).toHaveLength(1);
  });

  it("refuses to merge an organisation into itself or one of another region", async () => {
    const one = await json(await post({ kind: "company", name: "Enkelvoud" }));
    const self = await api.request(`/api/v1/organisations/${one.id}/merge`, { method: "POST", body: JSON.stringify({ duplicateId: one.id }), token: holderToken });
    expect(self.status).toBe(400);
    const foreign = await json(await api.request("/api/v1/organisations", { method: "POST", body: JSON.stringify({ kind: "company", name: "Elders" }), token: otherRegionToken }));
    const cross = await api.request(`/api/v1/organisations/${one.id}/merge`, { method: "POST", body: JSON.stringify({ duplicateId: foreign.id }), token: holderToken });
    expect(cross.status).toBe(404);
  });
});
