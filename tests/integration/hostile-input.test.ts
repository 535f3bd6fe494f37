import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi, openApiDocumentOf } from "../../server/api";
import { createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";
import { NASTY_STRINGS } from "../support/hostile";

/**
 * Hostile input (issue 8, item 2): every write endpoint of the published API, taken from the OpenAPI
 * document (so a new endpoint is covered without anyone remembering it), gets generated bad bodies:
 * wrong types, huge strings, unicode, SQL and HTML fragments, negative and enormous numbers, malformed
 * dates. Every answer must be a 4xx in the error shape, never a 500, and the database must not change.
 * Every read endpoint gets hostile query strings and must never answer 5xx.
 */

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; enum?: unknown[]; format?: string; maxLength?: number };
type Operation = { method: string; path: string; schema: JsonSchema | null };


/** A value of the wrong JSON type for the declared one, or an extreme one of the right type. */
function hostileFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const types = new Set([schema?.type].flat().filter(Boolean) as string[]);
  const wrongTypes: fc.Arbitrary<unknown>[] = [];
  if (!types.has("string")) wrongTypes.push(fc.constantFrom(...NASTY_STRINGS), fc.string({ unit: "binary", maxLength: 50 }));
  if (!types.has("number") && !types.has("integer")) wrongTypes.push(fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.double({ noNaN: true })));
  if (!types.has("boolean")) wrongTypes.push(fc.boolean());
  if (!types.has("array")) wrongTypes.push(fc.array(fc.constantFrom(...NASTY_STRINGS), { maxLength: 3 }));
  if (!types.has("object")) wrongTypes.push(fc.dictionary(fc.constantFrom("a", "$where", "__proto__"), fc.constantFrom(...NASTY_STRINGS), { maxKeys: 2 }));
  // Of the right type but beyond any sane limit.
  if (types.has("string")) wrongTypes.push(fc.constant("x".repeat(Math.max(100_001, (schema?.maxLength ?? 0) + 1))));
  if (types.has("integer") || types.has("number")) wrongTypes.push(fc.constantFrom(-1, -(2 ** 53) - 7, 2 ** 63, 0.5, -0.001));
  if (schema?.enum) wrongTypes.push(fc.constantFrom("not-one-of-them", "ADMIN", "' or ''='"));
  return fc.oneof(...wrongTypes);
}

/** A body that no handler may accept: the object with every known field hostile, or not an object at all. */
function hostileBody(schema: JsonSchema | null): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema?.properties ?? {});
  const asObject = properties.length
    ? fc.record(Object.fromEntries(properties.map(([name, property]) => [name, hostileFor(property)])) as Record<string, fc.Arbitrary<unknown>>)
    : fc.constant({ unexpected: "<script>alert(1)</script>" });
  return fc.oneof({ arbitrary: asObject, weight: 4 }, fc.constantFrom(null, [], "just a string", 42, [{ a: 1 }]));
}

function operationsOf(document: { paths?: unknown }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>)) {
    for (const [method, operation] of Object.entries(item)) {
      operations.push({ method: method.toUpperCase(), path, schema: operation.requestBody?.content?.["application/json"]?.schema ?? null });
    }
  }
  return operations;
}

describe("hostile input to every API endpoint", () => {
  let t: TestDatabase;
  let web: TestApp;
  let token: string;
  const ids: Record<string, string> = {};

  /** What a bad request must not change: the rows of the tables people write to. */
  async function fingerprint() {
    const { rows } = await sql<{ fp: string }>`
      select md5(string_agg(part, '|' order by part)) as fp from (
        select 'o' || md5(coalesce(string_agg(o::text, ',' order by o.id), '')) as part from organisations o
        union all select 'p' || md5(coalesce(string_agg(p::text, ',' order by p.id), '')) from people p
        union all select 'a' || md5(coalesce(string_agg(a::text, ',' order by a.id), '')) from affiliations a
        union all select 'i' || md5(coalesce(string_agg(i::text, ',' order by i.id), '')) from interactions i
        union all select 't' || md5(coalesce(string_agg(t::text, ',' order by t.id), '')) from tasks t
        union all select 'ac' || md5(coalesce(string_agg(ac::text, ',' order by ac.id), '')) from activities ac
        union all select 'c' || md5(coalesce(string_agg(c::text, ',' order by c.id), '')) from commitments c
        union all select 'cr' || count(*)::text from commitment_realisations
        union all select 'u' || md5(coalesce(string_agg(u::text, ',' order by u.id), '')) from users u
        union all select 'b' || count(*)::text from school_year_budgets
        union all select 'au' || count(*)::text from audit_log
        union all select 'e' || count(*)::text from email_outbox
        union all select 'r' || md5(coalesce(string_agg(r::text, ',' order by r.id), '')) from regions r
      ) parts`.execute(t.db);
    return rows[0]!.fp;
  }

  const send = (method: string, path: string, body?: unknown, query = "") =>
    web.request(`/api/v1${path}${query}`, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  /** Real records of the caller's region for the path's parameters, so bodies get past the lookup. */
  function concretePath(template: string) {
    return template
      .replace("{schoolYear}", "2025-2026")
      .replace(/^\/(\w+)\/\{id\}/, (_match, area: string) => `/${area}/${ids[area] ?? "00000000-0000-4000-8000-000000000000"}`)
      .replace("{realisationId}", ids.realisations ?? "00000000-0000-4000-8000-000000000000")
      .replace(/\{[^}]+\}/g, "00000000-0000-4000-8000-000000000000");
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { now: TEST_NOW });
    const regionId = (await makeRegion(t.db)).id;
    const admin = await makeUserWithToken(t.db, { regionId, role: "admin" });
    token = admin.token;
    ids.users = admin.user.id;
    const post = async (path: string, body: unknown) => {
      const response = await send("POST", path, body);
      expect(response.status, `${path}: ${await response.clone().text()}`).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    ids.organisations = await post("/organisations", { kind: "company", name: "Doelwit B.V.", status: "active", tier: "regular" });
    const school = await post("/organisations", { kind: "vmbo", name: "Doelwit College", status: "active", tier: "regular" });
    ids.people = await post("/people", { name: "Dirk Doelwit", lawfulBasis: "legitimate_interest" });
    ids.affiliations = await post(`/people/${ids.people}/affiliations`, { organisationId: ids.organisations, role: "Monteur", isPrimary: true, startDate: "2024-01-01" });
    ids.tasks = await post("/tasks", { organisationId: ids.organisations, assigneeId: admin.user.id, dueDate: "2026-12-01", title: "Bellen" });
    ids.activities = await post("/activities", { type: "guest_lesson", title: "Gastles", status: "planned", startDate: "2026-12-10", organisationIds: [ids.organisations], schoolIds: [school] });
    ids.commitments = await post("/commitments", { organisationId: ids.organisations, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 100000 });
  });
  afterAll(() => t.drop());

  const operations = operationsOf(JSON.parse(JSON.stringify(openApiDocumentOf(createApi()))));
  // Endpoints that take no body (restore, erase, confirm without fields) have nothing to refuse in it.
  const writes = operations.filter((o) => ["POST", "PATCH", "PUT"].includes(o.method) && o.schema !== null && o.path !== "/imports/organisations");
  const reads = operations.filter((o) => o.method === "GET");

  it("covers every write endpoint of the published API", () => {
    expect(writes.length).toBeGreaterThanOrEqual(30);
  });

  it.each(writes.map((o) => [`${o.method} ${o.path}`, o] as const))("%s refuses generated bad bodies with a 4xx and changes nothing", async (_name, operation) => {
    const path = concretePath(operation.path);
    await fc.assert(
      fc.asyncProperty(hostileBody(operation.schema), async (body) => {
        const before = await fingerprint();
        const response = await send(operation.method, path, body);
        const answer = (await response.json().catch(() => null)) as { error?: { code?: unknown; message?: unknown } } | null;
        expect(response.status, `${operation.method} ${path} ${JSON.stringify(body).slice(0, 300)} → ${JSON.stringify(answer).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(typeof answer?.error?.code).toBe("string");
        expect(typeof answer?.error?.message).toBe("string");
        expect(await fingerprint()).toBe(before);
      }),
      { numRuns: 12, seed: 20261123 },
    );
  });

  it("answers hostile query strings and path ids on every read endpoint without a 5xx", async () => {
    const hostileQuery = fc.record({
      limit: fc.constantFrom("-1", "0", "1e9", "abc", "50.5", ""),
      cursor: fc.constantFrom(...NASTY_STRINGS, "eyJ4IjoxfQ", "%%%"),
      q: fc.constantFrom(...NASTY_STRINGS),
      state: fc.constantFrom("cold", "lukewarm", "' or 1=1"),
      schoolYear: fc.constantFrom("2025-2027", "1999-2000", "abcd-efgh", ""),
    });
    for (const operation of reads) {
      await fc.assert(
        fc.asyncProperty(hostileQuery, fc.constantFrom(...NASTY_STRINGS.filter((text) => !/[\uD800-\uDFFF]/.test(text)).map(encodeURIComponent), "00000000-0000-4000-8000-000000000000"), async (query, hostileId) => {
          const path = operation.path.includes("{") ? operation.path.replace(/\{[^}]+\}/g, hostileId || "x") : operation.path;
          const response = await send("GET", path, undefined, `?${new URLSearchParams(query).toString()}`);
          expect(response.status, `GET ${path}`).toBeLessThan(500);
        }),
        { numRuns: 6, seed: 20261123 },
      );
    }
  });
});
