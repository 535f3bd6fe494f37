import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

/** One fingerprinted file of the client build (public/build/*.js), as a page links it. */
function someBuildAsset(): string {
  const file = readdirSync(path.resolve("public/build")).find((name) => /^entry\.client-\w+\.js$/.test(name));
  if (!file) throw new Error('No client build in public/build: run "npx remix build" first.');
  return `/build/${file}`;
}

describe("security of the web app and the API", () => {
  let t: TestDatabase;
  let web: TestApp;
  let regionId: string;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionId = (await makeRegion(t.db)).id;
    adminToken = (await makeUserWithToken(t.db, { regionId, role: "admin" })).token;
  });
  afterAll(() => t.drop());

  const expectErrorShape = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as ErrorBody;
    expect(body).toEqual({ error: { code, message: expect.any(String), ...(body.error.fields ? { fields: expect.any(Object) } : {}) } });
    expect(body.error.message.length).toBeGreaterThan(0);
    return body;
  };

  describe("cross-site requests", () => {
    it("refuses a form posted from another site with 403 and signs nobody in", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });
      const jar = new CookieJar();

      const response = await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD }, { jar, origin: "https://evil.example" });

      expect(response.status).toBe(403);
      expect(jar.sessionId).toBeUndefined();
      expect(await t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
      expect(await t.db.selectFrom("sign_in_attempts").select("id").where("email", "=", user.email).execute()).toEqual([]);
    });

    it("refuses a cross-site form that would change a signed-in admin's data, and changes nothing", async () => {
      const admin = await makeUser(t.db, { regionId, role: "admin" });
      const victim = await makeUser(t.db, { regionId, role: "accounthouder" });
      const jar = new CookieJar();
      expect((await web.postForm("/sign-in", { email: admin.email, password: TEST_PASSWORD }, { jar, ip: "203.0.113.9" })).status).toBe(302);

      const response = await web.postForm("/admin/users", { intent: "change-role", userId: victim.id, role: "admin", version: String(victim.version) }, { jar, origin: "https://evil.example" });

      expect(response.status).toBe(403);
      const row = await t.db.selectFrom("users").select(["role", "version"]).where("id", "=", victim.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ role: "accounthouder", version: victim.version });
    });

    it("sends the user only to a page of Schakel after signing in, never to another site", async () => {
      const user = await makeUser(t.db, { regionId, role: "accounthouder" });

      const response = await web.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "//evil.example/phish" }, { ip: "203.0.113.10" });

      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("/");
    });

    it("refuses a form posted without any Origin", async () => {
      const response = await web.request("/forgot-password", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "email=someone%40example.nl",
      });

      expect(response.status).toBe(403);
      expect(await t.db.selectFrom("email_outbox").select("id").execute()).toEqual([]);
    });
  });

  describe("security headers", () => {
    it("sends a Content-Security-Policy with a per-response script nonce and no inline scripts otherwise", async () => {
      const first = await web.get("/sign-in");
      const second = await web.get("/sign-in");

      expect(first.status).toBe(200);
      const csp = first.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp.split(";").map((directive) => directive.trim()).find((directive) => directive.startsWith("script-src"));
      expect(scriptSrc).toBeDefined();
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      expect(scriptSrc).not.toContain("'unsafe-eval'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc ?? "")?.[1];
      expect(nonce).toBeDefined();
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/object-src 'none'/);
      expect(second.headers.get("content-security-policy")).not.toContain(`'nonce-${nonce}'`);

      // Every script in the page carries that nonce, so the policy lets exactly them run.
      const html = await first.text();
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1] ?? "");
      expect(scripts.length).toBeGreaterThan(0);
      for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
    });

    it("sends X-Content-Type-Options nosniff and a same-origin referrer policy on pages and on the API", async () => {
      for (const response of [await web.get("/sign-in"), await web.request("/api/v1/me", { token: adminToken })]) {
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
        expect(response.headers.get("referrer-policy")).toBe("same-origin");
        expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      }
    });
  });

  describe("health check", () => {
    it("answers /healthz with 200 while the database answers", async () => {
      const response = await web.get("/healthz");

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    });
  });

  describe("API errors", () => {
    it("answers an unknown /api/v1 path with 404 in the error shape", async () => {
      await expectErrorShape(await web.request("/api/v1/no-such-thing", { token: adminToken }), 404, "NOT_FOUND");
    });

    it("answers an unknown API version with 404 in the error shape", async () => {
      await expectErrorShape(await web.request("/api/v2/users", { token: adminToken }), 404, "NOT_FOUND");
    });

    it("answers a body that is not valid JSON with 400 in the error shape and creates nothing", async () => {
      const before = await t.db.selectFrom("users").select("id").execute();

      const response = await web.request("/api/v1/users", { method: "POST", token: adminToken, headers: { "content-type": "application/json" }, body: "{ this is not json" });

      await expectErrorShape(response, 400, "VALIDATION_FAILED");
      expect(await t.db.selectFrom("users").select("id").execute()).toHaveLength(before.length);
    });

    it("answers a plain-text body to POST /api/v1/users with 400 in the error shape", async () => {
      const response = await web.request("/api/v1/users", { method: "POST", token: adminToken, headers: { "content-type": "text/plain" }, body: "email=x@example.nl" });

      await expectErrorShape(response, 400, "VALIDATION_FAILED");
    });

    it("answers an invalid token with 401 in the error shape", async () => {
      await expectErrorShape(await web.request("/api/v1/me", { token: "skl_forged" }), 401, "UNAUTHENTICATED");
    });
  });

  describe("static assets", () => {
    it("serves fingerprinted /build files with a one-year immutable cache", async () => {
      const response = await web.get(someBuildAsset());

      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    });
  });
});
