import { readFileSync, readdirSync } from "node:fs";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAppProcesses, startAppProcess, waitFor } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW } from "../support/factories";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";

/** The processes whose parent is `pid`, with the CPU time (clock ticks) each has used so far. */
function childrenOf(pid: number): Array<{ pid: number; cpu: number }> {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the name: state, ppid, …; utime and stime are fields 14 and 15 of stat(5), here 11 and 12.
      return Number(fields[1]) === pid ? [{ pid: Number(entry), cpu: Number(fields[11]) + Number(fields[12]) }] : [];
    } catch {
      return [];
    }
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** One request on a connection of its own, so the cluster hands each to the next web process. */
const getOnce = (url: string) =>
  new Promise<number>((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: 15_000 }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    request.on("timeout", () => request.destroy(new Error(`No answer from ${url} within 15 s`)));
    request.on("error", reject);
  });

describe("WEB_CONCURRENCY=2", () => {
  let t: TestDatabase;
  let sink: SmtpSink;

  beforeAll(async () => {
    t = await createTestDatabase();
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await killAppProcesses();
    await sink?.stop();
    await t?.drop();
  });

  it("serves one port from two web processes, replaces one that dies, sends a queued email once through the one mail sender, and stops them all on SIGTERM", async () => {
    const app = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW, env: { WEB_CONCURRENCY: "2", SMTP_URL: sink.url, LOG_LEVEL: "info" } });
    const workers = await waitFor("two web processes", async () => (childrenOf(app.pid).length === 2 ? childrenOf(app.pid) : false), 60_000, 100);

    // Both take requests: each new connection goes to the next process in turn.
    const statuses = [];
    for (let i = 0; i < 60; i++) statuses.push(getOnce(`${app.url}/sign-in`));
    expect(new Set(await Promise.all(statuses))).toEqual(new Set([200]));
    const after = childrenOf(app.pid);
    for (const worker of workers) expect(after.find((w) => w.pid === worker.pid)!.cpu).toBeGreaterThan(worker.cpu);

    // One dies outright; the primary starts another and the port never stops answering.
    process.kill(workers[0]!.pid, "SIGKILL");
    // A connection handed to the dying process in the instant it dies is lost; the next ones are answered.
    await waitFor("an answer while one web process is gone", async () => (await getOnce(`${app.url}/healthz`).catch(() => 0)) === 200, 30_000, 100);
    const replaced = await waitFor("a replacement web process", async () => {
      const now = childrenOf(app.pid);
      return now.length === 2 && !now.some((w) => w.pid === workers[0]!.pid) ? now : false;
    }, 60_000, 100);
    await waitFor("the replacement to serve", async () => (await Promise.all([getOnce(`${app.url}/sign-in`), getOnce(`${app.url}/sign-in`)])).every((s) => s === 200), 60_000, 200);

    // A web process queues the reset; the primary's mail sender is nudged and sends it, once.
    const region = await makeRegion(t.db);
    const user = await makeUser(t.db, { regionId: region.id, role: "accounthouder" });
    const posted = await fetch(`${app.url}/forgot-password`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url }, body: new URLSearchParams({ email: user.email }).toString() });
    expect(posted.status).toBe(200);
    // Well inside the minute after which the scheduled run would have sent it anyway: the nudge reached the sender.
    await sink.waitFor((message) => message.to.includes(user.email), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(sink.messages.filter((message) => message.to.includes(user.email))).toHaveLength(1);

    await app.stop();
    expect(app.output()).toContain("(2 web processes)");
    expect(app.output()).toContain("Stopped");
    expect(app.output()).toContain("[the server exited: code 0]");
    for (const worker of replaced) expect(isAlive(worker.pid)).toBe(false);
  }, 240_000);
});
