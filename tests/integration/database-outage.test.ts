import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Database } from "../../server/db/database";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../server/db/embedded-postgres";
import { migrateToLatest } from "../../server/db/migrate";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { makeRegion, makeUserWithToken, TEST_PASSWORD } from "../support/factories";

// A PostgreSQL of its own, so stopping it disturbs no other test file.
describe("when the database goes away and comes back", () => {
  let dataDir: string;
  let postgres: EmbeddedPostgres;
  let db: Database;
  let web: TestApp;
  let token: string;
  const jar = new CookieJar();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "schakel-outage-"));
    postgres = await startEmbeddedPostgres(dataDir);
    db = createDatabase(postgres.url, { max: 3 });
    await migrateToLatest(db);
    const region = await makeRegion(db);
    const admin = await makeUserWithToken(db, { regionId: region.id, role: "admin" });
    token = admin.token;
    web = createTestApp(db, { remix: true });
    await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
  }, 120_000);
  afterAll(async () => {
    // The pool first, while its server still answers: ending it against a stopped server can wait for ever.
    await Promise.race([db?.destroy(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("answers 503 with Retry-After while it is down, never 500, and recovers by itself when it is back", async () => {
    expect((await web.request("/api/v1/organisations", { token })).status).toBe(200);
    expect((await web.get("/organisations", { jar })).status).toBe(200);

    await postgres.stop();
    const [api, page, health] = await Promise.all([
      web.request("/api/v1/organisations", { token }),
      web.get("/organisations", { jar }),
      web.get("/healthz"),
    ]);
    expect(api.status).toBe(503);
    expect(api.headers.get("retry-after")).toBe("5");
    expect(await api.json()).toEqual({ error: { code: "UNAVAILABLE", message: "The database does not answer; try again in a moment" } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Schakel kan de database even niet bereiken");
    expect(health.status).toBe(503);

    // The same server comes back on the same port; the app's pool reconnects without a restart. On a
    // busy machine a connection the pool held from before may fail once more first: asked again, it answers.
    postgres = await startEmbeddedPostgres(dataDir);
    await expect.poll(async () => (await web.request("/api/v1/organisations", { token })).status, { timeout: 20_000, interval: 500 }).toBe(200);
    expect((await web.get("/organisations", { jar })).status).toBe(200);
    expect((await web.get("/healthz")).status).toBe(200);
  }, 120_000);
});
