import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessions } from "../../server/auth/sessions";
import { createClock } from "../../server/clock";
import { killAppProcesses, startAppProcess, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW } from "../support/factories";

const KB = 1024;
/** What a page's JavaScript may weigh as sent over the wire (issue 17). */
const PAGE_SCRIPT_BUDGET = 250 * KB;
const BROWSER_ENCODINGS = "gzip, deflate, br, zstd";
/** Strings only zod's own code holds: the name its object schemas and its errors carry. */
const ZOD = /"\$?ZodObject"|"\$?ZodError"/;
/**
 * Every script a page makes the browser load: its <script src>, its modulepreload links and the
 * modules its inline bootstrap imports (Remix's manifest, the entry, the route modules).
 */
function scriptsOf(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) found.add(match[1]!);
  for (const match of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"|<link[^>]*href="([^"]+)"[^>]*rel="modulepreload"/g)) found.add((match[1] ?? match[2])!);
  for (const match of html.matchAll(/import(?:\s*\*\s*as\s+\w+\s+from)?\s*"(\/build\/[^"]+\.js)"/g)) found.add(match[1]!);
  return [...found];
}

describe("what a page weighs as the browser receives it", () => {
  let t: TestDatabase;
  let app: AppProcess;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db);
    const admin = await makeUser(t.db, { regionId: region.id, role: "admin" });
    await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Hulshof Installatietechniek" }).execute();
    cookie = (await createSessions(t.db, createClock(TEST_NOW.toISOString())).create(admin.id, { ip: "127.0.0.1", userAgent: "page-weight-test", secure: false })).split(";")[0]!;
    app = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW });
  }, 120_000);
  afterAll(async () => {
    await killAppProcesses();
    await t?.drop();
  });

  const page = async (path: string) => {
    const response = await fetch(`${app.url}${path}`, { headers: { cookie, "accept-encoding": BROWSER_ENCODINGS } });
    expect(response.status).toBe(200);
    return { response, html: await response.text() };
  };

  it("sends the organisation list's JavaScript in under 250 KB, compressed", async () => {
    const { html } = await page("/organisations");
    const scripts = scriptsOf(html);
    expect(scripts.some((src) => /\/routes\/organisations\._index-\w+\.js$/.test(src))).toBe(true);
    expect(scripts.some((src) => /\/entry\.client-\w+\.js$/.test(src))).toBe(true);

    let sent = 0;
    let unpacked = 0;
    for (const src of scripts) {
      const response = await fetch(`${app.url}${src}`, { headers: { "accept-encoding": BROWSER_ENCODINGS } });
      expect(response.status, src).toBe(200);
      // fetch decompresses the body; what travelled is the compressed length the server declared.
      const length = Number(response.headers.get("content-length"));
      expect(response.headers.get("content-encoding"), src).toBe("br");
      sent += length;
      unpacked += (await response.arrayBuffer()).byteLength;
    }
    expect(sent).toBeLessThan(PAGE_SCRIPT_BUDGET);
    const bodies = await Promise.all(scripts.map(async (src) => (await fetch(`${app.url}${src}`)).text()));
    expect(bodies.filter((body) => ZOD.test(body))).toEqual([]);
    // The figure compares like with like: brotli sends well under half of what the browser runs.
    expect(sent).toBeLessThan(unpacked / 2);
  });

  it("sends a fingerprinted script compressed as the browser asks, cached for a year, and varies by encoding", async () => {
    const { html } = await page("/organisations");
    const src = scriptsOf(html).find((s) => /\/entry\.client-\w+\.js$/.test(s))!;
    const raw = Buffer.from(await (await fetch(`${app.url}${src}`, { headers: { "accept-encoding": "identity" } })).arrayBuffer());

    for (const [encoding, decode] of [
      ["br", zlib.brotliDecompressSync],
      ["gzip", zlib.gunzipSync],
    ] as const) {
      // node:http rather than fetch: fetch would undo the encoding before the test could see the bytes.
      const answer = await new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
        import("node:http").then(({ default: http }) =>
          http
            .get(`${app.url}${src}`, { headers: { "accept-encoding": encoding } }, (response) => {
              const chunks: Buffer[] = [];
              response.on("data", (chunk: Buffer) => chunks.push(chunk));
              response.on("end", () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
            })
            .on("error", reject),
        );
      });
      expect(answer.headers["content-encoding"]).toBe(encoding);
      expect(answer.headers["content-type"]).toMatch(/javascript/);
      expect(answer.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(answer.headers.vary).toMatch(/Accept-Encoding/i);
      expect(Number(answer.headers["content-length"])).toBe(answer.body.length);
      expect(decode(answer.body).equals(raw)).toBe(true);
    }

    const plain = await fetch(`${app.url}${src}`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toMatch(/Accept-Encoding/i);
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("never lets a page itself be cached: it holds the signed-in user's data", async () => {
    const { response } = await page("/organisations");
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control") ?? "").not.toMatch(/public|immutable|max-age=[1-9]/);
  });

  it("keeps zod, the validation library, out of every page's scripts: forms are validated on the server", () => {
    const build = path.resolve("public/build");
    const manifestFile = readdirSync(build).find((name) => /^manifest-\w+\.js$/.test(name))!;
    const manifest = JSON.parse(readFileSync(path.join(build, manifestFile), "utf8").replace(/^window\.__remixManifest=/, "").replace(/;$/, "")) as {
      routes: Record<string, { module: string; imports?: string[] }>;
    };
    const fileOf = (src: string) => readFileSync(path.join(build, src.replace(/^\/build\//, "")), "utf8");
    const loadingZod = Object.entries(manifest.routes)
      .filter(([, route]) => [route.module, ...(route.imports ?? [])].some((src) => ZOD.test(fileOf(src))))
      .map(([id]) => id);
    // The test would pass on nothing if it could not recognise zod.
    expect(ZOD.test(readFileSync(path.resolve("node_modules/zod/v4/classic/schemas.js"), "utf8"))).toBe(true);
    expect(loadingZod).toEqual([]);
  });
});
