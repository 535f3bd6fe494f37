import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeRedirectTo } from "../../app/utils/auth.server";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW, TEST_PASSWORD } from "../support/factories";

/*
 * Issue 14, finding 6: `redirectTo=/%09/evil.example` sent a person to evil.example after signing
 * in (a browser strips the tab and reads `//evil.example`). Only paths of our own origin are accepted.
 */

/**
 * Known ways to name another origin in what looks like a path. Each must answer a path that stays
 * on our origin however a browser reads it (most fall back to "/"; a few, like a literal "%09",
 * are already harmless paths of our own and are kept as such).
 */
const BYPASSES = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "\\/evil.example",
  "/\t/evil.example",
  "/%09/evil.example",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/\u0000/evil.example",
  " //evil.example",
  "https:evil.example",
  "https://evil.example",
  "http:/evil.example",
  "//evil.example/%2F..",
  "javascript:alert(1)",
  "/javascript:alert(1)//",
  "data:text/html,<script>alert(1)</script>",
  "evil.example",
  "/\\/evil.example",
  "/ \t//evil.example",
  "//\tevil.example",
  "\t//evil.example",
];

/** Same-origin paths that must survive, as the parser normalises them. */
const KEPT: Array<[string, string]> = [
  ["/", "/"],
  ["/organisations?q=a%20b#top", "/organisations?q=a%20b#top"],
  ["/%2F%2Fevil.example", "/%2F%2Fevil.example"],
  ["/activities/../reports", "/reports"],
  ["/people/abc?redirectTo=//evil.example", "/people/abc?redirectTo=//evil.example"],
];

/** Whether a Location header could take a browser off our origin: resolved as a URL, or read as a protocol-relative one. */
function leavesOrigin(location: string, origin: string) {
  return !location.startsWith("/") || /^[/\\]{2}/.test(location) || /[\u0000-\u001f\\]/.test(location) || new URL(location, origin).origin !== origin;
}

describe("safeRedirectTo", () => {
  it.each(BYPASSES)("answers %j with a path of our own origin", (value) => {
    expect(leavesOrigin(safeRedirectTo(value), "http://schakel.test")).toBe(false);
  });

  it("falls back to / for every value a browser would resolve to another origin", () => {
    for (const value of BYPASSES) {
      const resolved = (() => {
        try {
          return new URL(value, "http://schakel.test").origin;
        } catch {
          return "invalid";
        }
      })();
      if (resolved !== "http://schakel.test") expect(safeRedirectTo(value), JSON.stringify(value)).toBe("/");
    }
  });

  it.each(KEPT)("keeps %j as %j", (value, expected) => {
    expect(safeRedirectTo(value)).toBe(expected);
  });

  it("refuses what is not a string", () => {
    expect(safeRedirectTo(null)).toBe("/");
    expect(safeRedirectTo(undefined)).toBe("/");
    expect(safeRedirectTo(new File(["x"], "x.txt"))).toBe("/");
  });
});

describe("every place that reads redirectTo goes through safeRedirectTo", () => {
  it("no page reads a redirectTo without passing it to safeRedirectTo (found in the code)", () => {
    const routes = path.resolve("app/routes");
    const reads: string[] = [];
    const unsafe: string[] = [];
    for (const name of readdirSync(routes)) {
      const lines = readFileSync(path.join(routes, name), "utf8").split("\n");
      lines.forEach((line, index) => {
        if (!/\.get\(\s*["']redirectTo["']\s*\)/.test(line) || /<input|value=\{/.test(line)) return;
        reads.push(`${name}:${index + 1}`);
        if (!/safeRedirectTo\(.*\.get\(\s*["']redirectTo["']\s*\)/.test(line)) unsafe.push(`${name}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(reads.length).toBeGreaterThanOrEqual(4);
    expect(unsafe).toEqual([]);
  });
});

describe("signing in with a crafted redirectTo (the attack)", () => {
  let t: TestDatabase;
  let web: TestApp;
  let email: string;
  let nextAddress = 1;
  const freshAddress = () => `198.51.100.${nextAddress++}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    email = (await makeUser(t.db, { regionId: (await makeRegion(t.db)).id, role: "accounthouder" })).email;
  });
  afterAll(() => t.drop());

  it("lands on / after signing in with redirectTo=/%09/evil.example, never on evil.example", async () => {
    // What the browser sends for ?redirectTo=/%09/evil.example: the form's hidden field holds the decoded value.
    const response = await web.postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/\t/evil.example" }, { ip: freshAddress() });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
  });

  it.each(BYPASSES)("the sign-in answer's Location for %j stays on our origin", async (value) => {
    const response = await web.postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: value }, { ip: freshAddress() });
    expect(response.status).toBe(302);
    const location = response.headers.get("location") ?? "";
    expect(leavesOrigin(location, web.appUrl)).toBe(false);
  });

  it.each(BYPASSES)("a signed-in visit to /sign-in and /sign-in/code with ?redirectTo=%j stays on our origin", async (value) => {
    const jar = new CookieJar();
    await web.postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/" }, { jar, ip: freshAddress() });
    for (const page of ["/sign-in", "/sign-in/code"]) {
      const response = await web.get(`${page}?${new URLSearchParams({ redirectTo: value })}`, { jar });
      expect(response.status, page).toBe(302);
      expect(leavesOrigin(response.headers.get("location") ?? "", web.appUrl), page).toBe(false);
    }
  });

  it("keeps a same-origin path", async () => {
    const response = await web.postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/organisations?q=a" }, { ip: freshAddress() });
    expect(response.headers.get("location")).toBe("/organisations?q=a");
  });
});
