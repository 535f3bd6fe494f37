import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { makePortalWorld } from "../support/portal";

/*
 * Issue 14, finding 10(b): a partner stored `javascript:alert(1)` as its website (z.url() accepts
 * it) and the organisation page rendered it as a link. Every URL field accepts only http(s), and a
 * link is rendered only for an http(s) value.
 */

const HOSTILE = [
  "javascript:alert(1)",
  "JAVASCRIPT:alert(1)",
  " javascript:alert(1)",
  "java\tscript:alert(1)",
  "javascript://example.nl/%0Aalert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "file:///etc/passwd",
  "ftp://example.nl",
  "mailto:a@example.nl",
  "https://user:pass@example.nl",
  "http://",
  "//example.nl",
  "example.nl",
];
const GOOD = ["https://hulshof.example", "http://www.hulshof.example/over-ons?x=1#team"];

const ROOT = path.resolve(".");
function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, pattern) : pattern.test(name) ? [full] : [];
  });
}

/** Field names that hold a web address, in any schema (camelCase words: not the "url" of hourlyRate). */
const URL_FIELD = /^(url|website|link|href|homepage)|(Url|Uri|Website|Link|Href|Homepage)(s?$|[A-Z])/;

describe("every URL field of every schema accepts only http(s)", () => {
  it("walks the zod objects of server/domains/*/*.schemas.ts and refuses every hostile address in each URL field", async () => {
    const checked: string[] = [];
    const problems: string[] = [];
    for (const file of filesUnder(path.join(ROOT, "server/domains"), /\.schemas\.ts$/)) {
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      for (const [name, exported] of Object.entries(module)) {
        // A response schema describes what the API answers, not what it accepts: the inputs guard the store.
        if (name.endsWith("Response")) continue;
        const base = exported instanceof z.ZodPipe ? exported.in : exported;
        if (!(base instanceof z.ZodObject)) continue;
        for (const [key, field] of Object.entries(base.shape as Record<string, z.ZodType>)) {
          if (!URL_FIELD.test(key)) continue;
          checked.push(`${name}.${key}`);
          for (const value of HOSTILE) if (field.safeParse(value).success) problems.push(`${path.relative(ROOT, file)} ${name}.${key} accepts ${JSON.stringify(value)}`);
          for (const value of GOOD) if (!field.safeParse(value).success) problems.push(`${path.relative(ROOT, file)} ${name}.${key} refuses ${value}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toEqual(expect.arrayContaining(["CreateOrganisationInput.website", "UpdateOrganisationInput.website"]));
  });

  it("no page renders a link from a value that is not a path of ours or through webHref", () => {
    const unsafe: string[] = [];
    for (const file of filesUnder(path.join(ROOT, "app"), /\.tsx$/)) {
      readFileSync(file, "utf8").split("\n").forEach((line, index) => {
        for (const match of line.matchAll(/\bhref=\{([^}]*)/g)) {
          const value = match[1]!.trim();
          if (/^[`"']\/(?!\/)|^[`"']#|^webHref\(/.test(value)) continue;
          unsafe.push(`${path.relative(ROOT, file)}:${index + 1}: href={${value}`);
        }
      });
    }
    expect(unsafe).toEqual([]);
  });
});

describe("a partner's javascript: website (the attack)", () => {
  let t: TestDatabase;
  let web: TestApp;
  let w: Awaited<ReturnType<typeof makePortalWorld>>;
  const holder = new CookieJar();

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    w = await makePortalWorld(t.db);
    await web.postForm("/sign-in", { email: w.holder.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: holder });
  });
  afterAll(() => t.drop());

  it.each(HOSTILE)("is refused when the partner saves %j through the API, and nothing changes", async (website) => {
    const before = await t.db.selectFrom("organisations").select(["website", "version"]).where("id", "=", w.own.id).executeTakeFirstOrThrow();
    const response = await web.request(`/api/v1/organisations/${w.own.id}`, { method: "PATCH", token: w.partnerToken, body: JSON.stringify({ version: before.version, website }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { fields: Record<string, string> } }).error.fields.website).toBe("Enter a web address starting with https:// or http://.");
    expect(await t.db.selectFrom("organisations").select(["website", "version"]).where("id", "=", w.own.id).executeTakeFirstOrThrow()).toEqual(before);
  });

  it("accepts an https website", async () => {
    const { version } = await t.db.selectFrom("organisations").select("version").where("id", "=", w.own.id).executeTakeFirstOrThrow();
    const response = await web.request(`/api/v1/organisations/${w.own.id}`, { method: "PATCH", token: w.partnerToken, body: JSON.stringify({ version, website: "https://hulshof.example" }) });
    expect(response.status).toBe(200);
  });

  it("a javascript: website stored before this check is shown as text, never as a link", async () => {
    await t.db.updateTable("organisations").set({ website: "javascript:alert(document.cookie)" }).where("id", "=", w.own.id).execute();
    const html = await (await web.get(`/organisations/${w.own.id}`, { jar: holder })).text();
    expect(html).toContain("javascript:alert(document.cookie)");
    expect(html).not.toMatch(/href="\s*javascript:/i);
    await t.db.updateTable("organisations").set({ website: "https://hulshof.example" }).where("id", "=", w.own.id).execute();
    const fixed = await (await web.get(`/organisations/${w.own.id}`, { jar: holder })).text();
    expect(fixed).toContain('href="https://hulshof.example"');
  });
});
