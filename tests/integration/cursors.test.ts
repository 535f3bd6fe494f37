import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "../../server/db/pagination";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { apiRoutes, pageRoutes } from "../support/route-inventory";

/*
 * Issue 14, finding 10(c): a well-formed cursor of the wrong types answered 500 on seven API lists
 * and four pages. Every cursor is now checked against the types of its list's sort key.
 */

const UUID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * Cursors an attacker crafts: well-formed JSON of the wrong types and lengths, and plain garbage.
 * None is valid for any list (["x", uuid] would be a fine cursor of a list sorted by name).
 */
const BAD_VALUES: unknown[] = ["x", 1.5, -1, 1e300, null, {}, [], true, "2026-02-30", "9999-99-99", "not-a-uuid", "a".repeat(5000), "\u0000", "2026-13-01T25:00:00Z"];
const CRAFTED: string[] = [
  ...[1, 2, 3, 4].flatMap((length) => BAD_VALUES.map((value) => b64(Array.from({ length }, () => value)))),
  b64(["x"]), b64([1, 2, 3]), b64([null]), b64([{}]),
  b64(["2026-01-01", "nope"]), b64(["2026-02-30", UUID]), b64([{}, UUID]), b64(["Hulshof", {}]),
  b64([1, "2026-02-30", UUID]), b64(["0", "x", UUID]), b64(["2025-2026", "yesterday", UUID]), b64(["2025-2026", "2026-01-01T10:00:00Z", "x"]),
  b64(["9223372036854775808"]), b64([-5]), b64(["1e5"]), b64({ a: 1 }), b64("x"), b64(1),
  "!!!", "e30", "%00", "A".repeat(10_000), b64(["a".repeat(100_000)]),
];

describe("decodeCursor", () => {
  it("gives back the values of a cursor it made, typed", () => {
    expect(decodeCursor(encodeCursor(["2026-01-01", UUID]), ["date", "uuid"])).toEqual(["2026-01-01", UUID]);
    expect(decodeCursor(encodeCursor(["0", "hulshof", UUID]), ["int", "text", "uuid"])).toEqual([0, "hulshof", UUID]);
    expect(decodeCursor(encodeCursor(["2026-11-23 10:00:00.123+00", UUID]), ["timestamp", "uuid"])).toEqual(["2026-11-23 10:00:00.123+00", UUID]);
    expect(decodeCursor(encodeCursor(["2025-2026", "2026-11-23T10:00:00.000Z", UUID]), ["text", "timestamp", "uuid"])[1]).toBe("2026-11-23T10:00:00.000Z");
    expect(decodeCursor(encodeCursor(["12345"]), ["bigint"])).toEqual(["12345"]);
  });

  it.each([
    [["x"], ["date"]], [["2026-02-30"], ["date"]], [[{}], ["uuid"]], [["nope"], ["uuid"]], [[1.5], ["int"]], [["x"], ["int"]],
    [["-1"], ["bigint"]], [[null], ["text"]], [["\u0000"], ["text"]], [["2026-01-01T24:00:00Z"], ["timestamp"]], [[1, 2], ["int"]],
  ] as const)("refuses %j for %j with 400 VALIDATION_FAILED", (values, kinds) => {
    expect(() => decodeCursor(b64(values), kinds)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED", status: 400 }));
  });
});

describe("every list's cursor, fuzzed from the route inventory", () => {
  let t: TestDatabase;
  let web: TestApp;
  let token: string;
  const jar = new CookieJar();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const admin = await makeUserWithToken(t.db, { regionId: region.id, role: "admin" });
    token = admin.token;
    ids.users = admin.user.id;
    await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    const post = async (urlPath: string, body: unknown) => {
      const response = await web.request(`/api/v1${urlPath}`, { method: "POST", token, body: JSON.stringify(body) });
      expect(response.status, await response.clone().text()).toBeLessThan(300);
      return ((await response.json()) as { id: string }).id;
    };
    ids.organisations = await post("/organisations", { kind: "company", name: "Hulshof Installatietechniek", tier: "regular", status: "active", tags: [] });
    ids.people = await post("/people", { name: "Anouk Jansen", email: null, phone: null, lawfulBasis: "legitimate_interest", optOut: false });
  });
  afterAll(() => t.drop());

  const concrete = (routePath: string) =>
    routePath
      .split("/")
      .map((segment, i, all) => (segment === ":schoolYear" ? "2025-2026" : segment.startsWith(":") ? (ids[all[i - 1] ?? ""] ?? ids.organisations!) : segment))
      .join("/");

  it("every GET API list answers a crafted cursor with 400 VALIDATION_FAILED, and no GET answers 500", async () => {
    const lists: string[] = [];
    const problems: string[] = [];
    for (const route of apiRoutes().filter((r) => r.method === "GET")) {
      const address = concrete(route.path);
      const plain = await web.request(address, { token });
      const plainBody = await plain.text();
      const isList = plain.status === 200 && (plain.headers.get("content-type") ?? "").includes("json") && "nextCursor" in (JSON.parse(plainBody) as object);
      if (isList) lists.push(route.path);
      // A list meets every crafted cursor; any other GET (which ignores the parameter) a sample of them, for the 500s.
      for (const cursor of isList ? CRAFTED : CRAFTED.filter((_, i) => i % 8 === 0)) {
        const response = await web.request(`${address}?cursor=${encodeURIComponent(cursor)}`, { token });
        if (response.status >= 500) problems.push(`${route.path} ${cursor.slice(0, 40)}: ${response.status}`);
        else if (isList) {
          const text = await response.text();
          const body = JSON.parse(text) as { error?: { code: string } };
          // A list that pages refuses the cursor; one that does not page (budgets, rates) ignores it.
          if (response.status === 200 && text === plainBody) continue;
          if (response.status !== 400 || body.error?.code !== "VALIDATION_FAILED") problems.push(`${route.path} ${cursor.slice(0, 40)}: ${response.status} ${JSON.stringify(body).slice(0, 80)}`);
        } else await response.arrayBuffer();
      }
    }
    expect(problems).toEqual([]);
    expect(lists.length, `lists found: ${lists.join(", ")}`).toBeGreaterThanOrEqual(10);
  }, 300_000);

  it("every page that reads a cursor answers a crafted one with a clear 400 page, never a 500", async () => {
    // The cursor parameters the pages read, and the pages that read them, from the code.
    const routeDir = path.resolve("app/routes");
    const names = new Set<string>(["cursor"]);
    for (const file of readdirSync(routeDir)) for (const m of readFileSync(path.join(routeDir, file), "utf8").matchAll(/["'](\w*[cC]ursor)["']/g)) names.add(m[1]!);
    names.delete("nextCursor");
    const sourceOf = (id: string) => ["tsx", "ts"].map((ext) => path.resolve("app", `${id}.${ext}`)).find(existsSync);
    const pages = (await pageRoutes()).filter((route) => {
      const file = route.hasLoader ? sourceOf(route.id) : undefined;
      return file !== undefined && /cursor|list[A-Z]\w*\(/i.test(readFileSync(file, "utf8")) && !/:token|sign-out/.test(route.path);
    });
    expect(pages.length).toBeGreaterThanOrEqual(8);
    const problems: string[] = [];
    const sample = CRAFTED.filter((_, i) => i % 4 === 0).concat(b64(["x"]), b64([{}]), b64(["2026-02-30", UUID]), b64(["2026-01-01", "nope"]));
    for (const page of pages) {
      const address = concrete(page.path);
      // The cursor parameters this page's own module reads: another page's parameter means nothing here.
      const source = readFileSync(sourceOf(page.id)!, "utf8");
      const read = [...names].filter((name) => source.includes(`"${name}"`) || source.includes(`'${name}'`));
      for (const name of read.length ? read : ["cursor"]) {
        for (const cursor of sample) {
          const response = await web.request(`${address}?${name}=${encodeURIComponent(cursor)}`, { jar });
          const html = await response.text();
          if (response.status >= 500) problems.push(`${page.path}?${name}=${cursor.slice(0, 30)}: ${response.status}`);
          if (response.status === 400 && !html.includes("Dit adres klopt niet")) problems.push(`${page.path}?${name}: a 400 without its message`);
        }
      }
    }
    expect(problems).toEqual([]);
  }, 300_000);

  it("the organisation list page with a crafted cursor says the address is not right (the attack)", async () => {
    const response = await web.get(`/organisations?cursor=${b64(["x", 1, {}])}`, { jar });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Dit adres klopt niet");
    const api = await web.request(`/api/v1/organisations?cursor=${b64(["x", {}])}`, { token });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
  });
});
