import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken } from "../support/factories";

describe("GET /api/v1/users", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let adminToken: string;
  let partnerToken: string;
  let otherRegionAdminToken: string;
  let regionId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db);
    const region = await makeRegion(t.db);
    const other = await makeRegion(t.db);
    regionId = region.id;
    adminToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "admin", name: "Anna Admin" })).token;
    partnerToken = (await makeUserWithToken(t.db, { regionId: region.id, role: "partner" })).token;
    otherRegionAdminToken = (await makeUserWithToken(t.db, { regionId: other.id, role: "admin", name: "Olaf Other" })).token;
  });
  afterAll(() => t.drop());

  it("lists the users of the admin's own region", async () => {
    const response = await api.request("/api/v1/users", { token: adminToken });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Array<{ name: string; regionId: string }>; nextCursor: string | null };
    expect(body.items.map((u) => u.name)).toContain("Anna Admin");
    expect(body.items.every((u) => u.regionId === regionId)).toBe(true);
    expect(body.items.map((u) => u.name)).not.toContain("Olaf Other");
    expect(body.nextCursor).toBeNull();
  });

  it("answers 401 in the error shape without a token", async () => {
    const response = await api.request("/api/v1/users");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "UNAUTHENTICATED", message: expect.any(String) } });
  });

  it("answers 401 for a token that does not exist", async () => {
    const response = await api.request("/api/v1/users", { token: "skl_not-a-real-token" });
    expect(response.status).toBe(401);
  });

  it("refuses a partner's token with 403", async () => {
    const response = await api.request("/api/v1/users", { token: partnerToken });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
  });

  it("does not reveal a user of another region: 404", async () => {
    const list = (await (await api.request("/api/v1/users", { token: otherRegionAdminToken })).json()) as { items: Array<{ id: string }> };
    const foreignId = list.items[0]!.id;
    const response = await api.request(`/api/v1/users/${foreignId}`, { token: adminToken });
    expect(response.status).toBe(404);
  });
});
