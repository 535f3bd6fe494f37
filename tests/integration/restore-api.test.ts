import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";

type Organisation = { id: string; name: string; version: number; archivedAt: string | null };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

describe("undoing an archive", () => {
  let t: TestDatabase;
  let api: TestApp;
  let token: string;
  let penvoerderToken: string;
  let otherRegionToken: string;

  const send = (path: string, method: string, body?: unknown, as = token) =>
    api.request(path, { token: as, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const create = async (body: Record<string, unknown>) => {
    const response = await send("/api/v1/organisations", "POST", { kind: "company", ...body });
    expect(response.status).toBe(201);
    return (await response.json()) as Organisation;
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const region = await makeRegion(t.db);
    token = (await makeUserWithToken(t.db, { regionId: region.id, role: "accounthouder" })).token;
    penvoerderToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" })).token;
    otherRegionToken = (await makeUserWithToken(t.db, { regionId: (await makeRegion(t.db)).id, role: "admin" })).token;
  });
  afterAll(() => t.drop());

  it("brings an archived organisation back into the list, audited", async () => {
    const organisation = await create({ name: "Terug BV" });
    expect((await send(`/api/v1/organisations/${organisation.id}`, "DELETE")).status).toBe(200);
    const archivedList = (await (await send("/api/v1/organisations?archived=true&q=terug", "GET")).json()) as { items: Organisation[] };
    expect(archivedList.items.map((o) => o.name)).toEqual(["Terug BV"]);
    expect(((await (await send("/api/v1/organisations?q=terug", "GET")).json()) as { items: Organisation[] }).items).toEqual([]);

    const restored = await send(`/api/v1/organisations/${organisation.id}/restore`, "POST");
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ id: organisation.id, archivedAt: null, version: 3 });
    expect(((await (await send("/api/v1/organisations?q=terug", "GET")).json()) as { items: Organisation[] }).items.map((o) => o.name)).toEqual(["Terug BV"]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", organisation.id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["organisation.create", "organisation.archive", "organisation.restore"]);
    // Restoring what is not archived changes nothing.
    expect(await (await send(`/api/v1/organisations/${organisation.id}/restore`, "POST")).json()).toMatchObject({ version: 3 });
  });

  it("refuses to restore an organisation whose KvK number another active organisation now has, naming kvkNumber", async () => {
    const old = await create({ name: "Oud Nummer BV", kvkNumber: "87654321" });
    await send(`/api/v1/organisations/${old.id}`, "DELETE");
    await create({ name: "Nieuw Nummer BV", kvkNumber: "87654321" });
    const response = await send(`/api/v1/organisations/${old.id}/restore`, "POST");
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("RULE_VIOLATION");
    expect(body.error.fields?.kvkNumber).toBeDefined();
    expect(body.error.message).toContain("Nieuw Nummer BV");
    const row = await t.db.selectFrom("organisations").select("archived_at").where("id", "=", old.id).executeTakeFirstOrThrow();
    expect(row.archived_at).not.toBeNull();
  });

  it("restores an archived person", async () => {
    const person = (await (await send("/api/v1/people", "POST", { name: "Rob Terug" })).json()) as { id: string };
    await send(`/api/v1/people/${person.id}`, "DELETE");
    const restored = await send(`/api/v1/people/${person.id}/restore`, "POST");
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ id: person.id, archivedAt: null });
    const list = (await (await send("/api/v1/people?q=rob%20terug", "GET")).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((p) => p.id)).toEqual([person.id]);
    const audit = await t.db.selectFrom("audit_log").select("action").where("entity_id", "=", person.id).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["person.create", "person.archive", "person.restore"]);
  });

  it("lets only editors restore, and nothing of another region", async () => {
    const organisation = await create({ name: "Rechten BV" });
    await send(`/api/v1/organisations/${organisation.id}`, "DELETE");
    expect((await send(`/api/v1/organisations/${organisation.id}/restore`, "POST", undefined, penvoerderToken)).status).toBe(403);
    expect((await send(`/api/v1/organisations/${organisation.id}/restore`, "POST", undefined, otherRegionToken)).status).toBe(404);
    const person = (await (await send("/api/v1/people", "POST", { name: "Rita Elders" })).json()) as { id: string };
    await send(`/api/v1/people/${person.id}`, "DELETE");
    expect((await send(`/api/v1/people/${person.id}/restore`, "POST", undefined, otherRegionToken)).status).toBe(404);
  });
});
