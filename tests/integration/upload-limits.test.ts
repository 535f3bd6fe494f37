import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessions } from "../../server/auth/sessions";
import { killAppProcesses, startAppProcess, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUserWithToken, TEST_NOW } from "../support/factories";
import { createClock } from "../../server/clock";
import { multipartFile, tinyRowsCsv, tinyRowsXlsx } from "../support/payloads";
import { apiRoutes, pageRoutes } from "../support/route-inventory";

const MB = 1024 * 1024;
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Answer = { status: number | "closed"; headers: http.IncomingHttpHeaders; text: string; sent: number; ms: number };

/**
 * Sends a body pulled from `chunks` as fast as the server takes it and stops sending as soon as
 * the server answers (or hangs up): the test never holds a body, and a refused upload costs only
 * what the server read before refusing.
 */
function send(url: string, method: string, headers: Record<string, string>, chunks: Iterable<Buffer>): Promise<Answer> {
  return new Promise((resolve) => {
    const started = performance.now();
    let sent = 0;
    let done = false;
    const request = http.request(url, { method, headers, agent: false });
    const finish = (answer: Omit<Answer, "sent" | "ms">) => {
      if (done) return;
      done = true;
      resolve({ ...answer, sent, ms: performance.now() - started });
      request.destroy();
    };
    let answered: Omit<Answer, "sent" | "ms" | "text"> | undefined;
    let text = "";
    let stopWriting = false;
    request.on("response", (response) => {
      // The answer is in: the rest of the body would only be thrown away by the server.
      stopWriting = true;
      answered = { status: response.statusCode ?? 0, headers: response.headers };
      response.setEncoding("utf8");
      response.on("data", (data: string) => {
        if (text.length < 200_000) text += data;
      });
      response.on("end", () => finish({ ...answered!, text }));
      response.on("error", () => finish({ ...answered!, text }));
    });
    // A server that answers early and then hangs up on the rest of the body may reset the socket
    // while this side still writes; its answer, already on the wire, is read first.
    request.on("error", () => setTimeout(() => finish(answered ? { ...answered, text } : { status: "closed", headers: {}, text: "" }), 200));
    const iterator = chunks[Symbol.iterator]();
    const pump = () => {
      while (!done && !stopWriting) {
        const next = iterator.next();
        if (next.done) {
          request.end();
          return;
        }
        sent += next.value.length;
        if (!request.write(next.value)) {
          request.once("drain", pump);
          return;
        }
      }
    };
    pump();
  });
}

/** Zero-filled chunks: a body of `bytes` that is neither JSON nor a form. */
function* filler(bytes: number, byte = 0x61): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, byte);
  for (let sent = 0; sent < bytes; sent += chunk.length) yield chunk;
}

async function rssMb(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Polls /healthz and the server's resident memory every 100 ms until stopped. */
function watch(app: AppProcess) {
  const failures: string[] = [];
  let peakRss = 0;
  let slowestHealth = 0;
  let polls = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(15_000) });
        await response.arrayBuffer();
        if (response.status !== 200) failures.push(`/healthz answered ${response.status}`);
      } catch (error) {
        failures.push(`/healthz failed: ${(error as Error).message}`);
      }
      slowestHealth = Math.max(slowestHealth, performance.now() - started);
      const rss = await rssMb(app.pid).catch(() => Number.POSITIVE_INFINITY);
      peakRss = Math.max(peakRss, rss);
      polls++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { failures, peakRss, slowestHealth, polls };
    },
  };
}

/**
 * The real server (build/server.js, as production runs it) receiving bodies an attacker would
 * send: whatever arrives, it answers 4xx and keeps serving everyone else.
 */
describe("request bodies sent to the real server", () => {
  let t: TestDatabase;
  let app: AppProcess;
  let token: string;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    const regionId = (await makeRegion(t.db)).id;
    const admin = await makeUserWithToken(t.db, { regionId, role: "admin" });
    token = admin.token;
    cookie = (await createSessions(t.db, createClock(TEST_NOW.toISOString())).create(admin.user.id, { ip: "127.0.0.1", userAgent: "upload-limits-test", secure: false })).split(";")[0]!;
    app = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW });
  }, 120_000);
  afterAll(async () => {
    await killAppProcesses();
    await t?.drop();
  });

  const healthy = async () => (await fetch(`${app.url}/healthz`)).status;
  const apiHeaders = (contentType: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, "content-type": contentType, ...extra });
  const pageHeaders = (boundary: string, extra: Record<string, string> = {}) => ({ cookie, origin: app.url, "content-type": `multipart/form-data; boundary=${boundary}`, ...extra });

  /**
   * The class test: every API endpoint that takes a body and every page action, read from the code
   * (tests/support/route-inventory.ts), gets 60 MB three ways: streamed without a length (chunked),
   * with a Content-Length that says so, and with a Content-Length that lies (100 bytes, then 60 MB).
   * The first two are refused with a 4xx (a page's upload form may instead send the browser back to
   * itself with ?error=tooLarge); the lie is cut off by Node at its declared length, so whatever the
   * route makes of 100 bytes, it is no 5xx. After each, /healthz still answers.
   */
  it("refuses a 60 MB body on every API endpoint and page action, however it is sent, and stays up", async () => {
    const body = 60 * MB;
    const boundary = "schakel-test-boundary";
    const targets = [
      ...apiRoutes()
        .filter((route) => route.method !== "GET")
        .map((route) => ({
          name: `${route.method} ${route.path}`,
          method: route.method,
          url: `${app.url}${route.path.replace(/:[A-Za-z]+/g, "00000000-0000-4000-8000-000000000000")}`,
          headers: (extra?: Record<string, string>) => apiHeaders(route.path.startsWith("/api/v1/imports/") ? "text/csv" : "application/json", extra),
          chunks: () => (route.path.startsWith("/api/v1/imports/") ? tinyRowsCsv(body) : filler(body)),
        })),
      ...(await pageRoutes())
        .filter((route) => route.hasAction)
        .map((route) => ({
          name: `POST ${route.path}`,
          method: "POST",
          url: `${app.url}${route.path.replace(/:[A-Za-z]+/g, "00000000-0000-4000-8000-000000000000")}${route.id.endsWith("_index") ? "?index" : ""}`,
          headers: (extra?: Record<string, string>) => pageHeaders(boundary, extra),
          chunks: () => multipartFile(boundary, "bijlage.csv", "text/csv", tinyRowsCsv(body)),
        })),
    ];
    expect(targets.length).toBeGreaterThan(60);

    // A route that answers before reading (a 413 for the declared length, a 404 before the body
    // matters) and then hangs up on the rest may reset the connection before this side has read the
    // answer (TCP drops unread data on a reset): that, before the body was all sent, is a refusal too.
    const refusedProperly = (answer: Answer) =>
      (typeof answer.status === "number" && answer.status >= 400 && answer.status < 500) ||
      (answer.status === 303 && /[?&]error=tooLarge/.test(String(answer.headers.location))) ||
      (answer.status === "closed" && answer.sent < body);
    const problems: string[] = [];
    for (const target of targets) {
      const streamed = await send(target.url, target.method, target.headers(), target.chunks());
      if (!refusedProperly(streamed)) problems.push(`${target.name} streamed: ${streamed.status} after ${streamed.sent} bytes`);
      const declared = await send(target.url, target.method, target.headers({ "content-length": String(body) }), target.chunks());
      if (!refusedProperly(declared)) problems.push(`${target.name} declared: ${declared.status} after ${declared.sent} bytes`);
      const lying = await send(target.url, target.method, target.headers({ "content-length": "100" }), target.chunks());
      if (typeof lying.status === "number" && lying.status >= 500) problems.push(`${target.name} lying: ${lying.status}`);
      if ((await healthy()) !== 200) problems.push(`${target.name}: /healthz no longer 200`);
    }
    expect(problems).toEqual([]);
    expect(await rssMb(app.pid)).toBeLessThan(400);
  }, 180_000);

  it("refuses a body that declares both a length and chunked encoding (request smuggling's shape) and stays up", async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(new URL(app.url).port), "127.0.0.1");
      let text = "";
      socket.on("data", (data) => (text += data.toString("latin1")));
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
      socket.write(`POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n`);
      // Node refuses at the headers: the body need not follow (more of it would only race the answer with a reset).
      socket.write(`${(60 * MB).toString(16)}\r\n`);
      setTimeout(() => socket.destroy(), 2_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(await healthy()).toBe(200);
  });

  it("the API refuses a 20 MB CSV of one-character rows at its row limit, in the API's error shape, while reading it", async () => {
    const answer = await send(`${app.url}/api/v1/imports/organisations?dryRun=true&fileName=klein.csv`, "POST", apiHeaders("text/csv"), tinyRowsCsv(20 * MB));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toEqual({ error: { code: "VALIDATION_FAILED", message: "The file has more than 100000 rows; split it" } });
    // Refused at the 100,001st row (about 200 KB in), not after reading 20 MB.
    expect(answer.sent).toBeLessThan(10 * MB);
    expect(await healthy()).toBe(200);
  });

  it("the import page refuses a 20 MB CSV and a 20 MB XLSX of tiny rows with a Dutch message", async () => {
    const boundary = "schakel-page-boundary";
    const csv = await send(`${app.url}/imports/organisations?index`, "POST", pageHeaders(boundary), multipartFile(boundary, "klein.csv", "text/csv", tinyRowsCsv(20 * MB)));
    expect(csv.status).toBe(400);
    expect(csv.text).toContain("Het bestand heeft meer dan 100.000 rijen. Splits het in kleinere bestanden.");
    const xlsx = await send(`${app.url}/imports/organisations?index`, "POST", pageHeaders(boundary), multipartFile(boundary, "klein.xlsx", XLSX_TYPE, tinyRowsXlsx(20 * MB)()));
    expect(xlsx.status).toBe(400);
    expect(xlsx.text).toContain("Het bestand heeft meer dan 100.000 rijen. Splits het in kleinere bestanden.");
    expect(await t.db.selectFrom("imports").select("id").where("file_name", "in", ["klein.csv", "klein.xlsx"]).execute()).toHaveLength(0);
  }, 60_000);

  it("reads at most two imports at once: a third is refused with 429 and Retry-After, not queued", async () => {
    // Two uploads that keep their connection open, sending a row now and then.
    const slow = () => {
      const request = http.request(`${app.url}/api/v1/imports/organisations?dryRun=true`, { method: "POST", headers: apiHeaders("text/csv"), agent: false });
      request.on("error", () => {});
      request.write("Naam;KvK\nLangzaam;1\n");
      const answered = new Promise<number>((resolve) => request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }));
      return { answered, end: () => request.end("Langzaam;2\n") };
    };
    const first = slow();
    const second = slow();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const third = await send(`${app.url}/api/v1/imports/organisations?dryRun=true`, "POST", apiHeaders("text/csv"), ["Naam\nDerde\n"].map((line) => Buffer.from(line)));
    expect(third.status).toBe(429);
    expect(third.headers["retry-after"]).toBe("10");
    expect(JSON.parse(third.text)).toMatchObject({ error: { code: "RATE_LIMITED" } });
    first.end();
    second.end();
    expect(await first.answered).toBe(200);
    expect(await second.answered).toBe(200);
    // Once they are done, the next one is read.
    const fourth = await send(`${app.url}/api/v1/imports/organisations?dryRun=true`, "POST", apiHeaders("text/csv"), [Buffer.from("Naam\nVierde\n")]);
    expect(fourth.status).toBe(200);
  });

  it("takes in at most four document or evidence files at once: a fifth is refused with 429 and Retry-After", async () => {
    const boundary = "schakel-slow-boundary";
    const slow = (path: string) => {
      const request = http.request(`${app.url}${path}`, { method: "POST", headers: apiHeaders(`multipart/form-data; boundary=${boundary}`), agent: false });
      request.on("error", () => {});
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`);
      const answered = new Promise<number>((resolve) => request.on("response", (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }));
      return { answered, end: () => request.end(`\r\n--${boundary}--\r\n`) };
    };
    const held = [slow("/api/v1/agreements"), slow("/api/v1/agreements"), slow("/api/v1/commitments/00000000-0000-4000-8000-000000000000/realisations"), slow("/api/v1/agreements")];
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fifth = await send(`${app.url}/api/v1/agreements`, "POST", apiHeaders(`multipart/form-data; boundary=${boundary}`), [Buffer.from(`--${boundary}--\r\n`)]);
    expect(fifth.status).toBe(429);
    expect(fifth.headers["retry-after"]).toBe("5");
    expect(JSON.parse(fifth.text)).toMatchObject({ error: { code: "RATE_LIMITED" } });
    for (const upload of held) upload.end();
    // Each held one is then read and answered (a form without its other fields is a 4xx).
    for (const upload of held) expect(await upload.answered).toBeGreaterThanOrEqual(400);
    const after = await send(`${app.url}/api/v1/agreements`, "POST", apiHeaders(`multipart/form-data; boundary=${boundary}`), [Buffer.from(`--${boundary}--\r\n`)]);
    expect(after.status).not.toBe(429);
  });

  /**
   * The "done when": ten 50 MB CSVs and ten 50 MB XLSX files of tiny rows at once, and
   * again for those told to wait, until each has been read and refused. /healthz answers 200
   * throughout and the server's resident memory stays under 400 MB.
   */
  it("refuses ten 50 MB CSVs and ten 50 MB XLSX files of tiny rows sent at once with a clear 4xx, while /healthz stays 200 and RSS stays under 400 MB", async () => {
    const makeXlsx = tinyRowsXlsx(50 * MB);
    const uploads = [
      ...Array.from({ length: 10 }, (_, i) => ({ name: `csv ${i}`, contentType: "text/csv", chunks: () => tinyRowsCsv(50 * MB) })),
      ...Array.from({ length: 10 }, (_, i) => ({ name: `xlsx ${i}`, contentType: XLSX_TYPE, chunks: makeXlsx })),
    ];
    const rssBefore = await rssMb(app.pid);
    const monitor = watch(app);
    const started = performance.now();
    const refused: Array<{ name: string; ms: number; sent: number }> = [];
    const told: Answer[] = [];
    const hungUp: string[] = [];
    let pending = uploads;
    for (let round = 0; pending.length && round < 30; round++) {
      const answers = await Promise.all(pending.map((upload) => send(`${app.url}/api/v1/imports/organisations?dryRun=true`, "POST", apiHeaders(upload.contentType), upload.chunks())));
      const waiting: typeof uploads = [];
      answers.forEach((answer, i) => {
        const upload = pending[i]!;
        if (answer.status === 429) {
          told.push(answer);
          waiting.push(upload);
          return;
        }
        // As in the 60 MB test above: the server answers 400 once it has read past the row limit and
        // hangs up on the rest; on a busy machine the reset can overtake the answer on this side
        // (TCP drops unread data on a reset). A hang-up before the whole body was sent is that refusal.
        if (answer.status === "closed" && answer.sent < 50 * MB) {
          hungUp.push(upload.name);
          refused.push({ name: upload.name, ms: answer.ms, sent: answer.sent });
          return;
        }
        expect(answer.status, upload.name).toBe(400);
        expect(JSON.parse(answer.text), upload.name).toEqual({ error: { code: "VALIDATION_FAILED", message: "The file has more than 100000 rows; split it" } });
        refused.push({ name: upload.name, ms: answer.ms, sent: answer.sent });
      });
      pending = waiting;
    }
    const total = performance.now() - started;
    const { failures, peakRss, slowestHealth, polls } = await monitor.stop();

    if (failures.length) process.stdout.write(`[upload-limits] server output:\n${app.output().slice(-3000)}\n`);
    expect(pending).toEqual([]);
    expect(refused).toHaveLength(20);
    // Most refusals are read as the clear 400; a hang-up is the exception a loaded machine makes.
    expect(hungUp.length, `hung up on: ${hungUp.join(", ")}`).toBeLessThanOrEqual(5);
    for (const answer of told) expect(answer.headers["retry-after"]).toBe("10");
    expect(failures).toEqual([]);
    expect(polls).toBeGreaterThan(10);
    expect(peakRss).toBeLessThan(400);
    const slowest = (kind: string) => Math.max(...refused.filter((r) => r.name.startsWith(kind)).map((r) => r.ms));
    // The figures docs/performance.md quotes.
    process.stdout.write(
      `[upload-limits] RSS before ${rssBefore.toFixed(0)} MB; 20 uploads of 50 MB refused in ${(total / 1000).toFixed(1)} s; peak RSS ${peakRss.toFixed(0)} MB; ` +
        `slowest refusal: CSV ${slowest("csv").toFixed(0)} ms, XLSX ${slowest("xlsx").toFixed(0)} ms; ` +
        `most sent before a refusal ${(Math.max(...refused.map((r) => r.sent)) / MB).toFixed(1)} MB; ` +
        `slowest /healthz ${slowestHealth.toFixed(0)} ms over ${polls} polls; 429s ${told.length}\n`,
    );
  }, 120_000);
});
