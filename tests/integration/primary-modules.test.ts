import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAppProcesses, startAppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_NOW } from "../support/factories";

const MODULE_LOG = fileURLToPath(new URL("../support/module-log.mjs", import.meta.url));

/** Which modules each process loaded, by pid, from the log tests/support/module-log.mjs writes. */
function modulesByProcess(file: string): Map<number, string[]> {
  const byPid = new Map<number, string[]>();
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    const [pid, url] = line.split(" ") as [string, string];
    byPid.set(Number(pid), [...(byPid.get(Number(pid)) ?? []), url]);
  }
  return byPid;
}

/** The web part: what a process that serves requests loads, and the primary of a cluster must not (decision 147). */
const WEB_PART = [/\/build\/chunk-web-server-[^/]+\.js$/, /\/build\/index\.js(\?|$)/, /\/node_modules\/(hono|@hono|@remix-run)\//];
/** The React Email components our emails do not use (Tailwind's CSS compiler, Prism, marked): bundled out. */
const UNUSED_EMAIL_COMPONENTS = /\/node_modules\/(@react-email\/(components|tailwind|code-block|markdown)|tailwindcss|prismjs|marked)\//;

describe("the primary of WEB_CONCURRENCY=2 (decision 147)", () => {
  let t: TestDatabase;
  const dir = mkdtempSync(path.join(os.tmpdir(), "schakel-modules-"));
  const log = path.join(dir, "modules.log");

  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await killAppProcesses();
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads the database, migrations and jobs but not the web part, which only the web processes load", async () => {
    const app = await startAppProcess({
      databaseUrl: t.url,
      now: TEST_NOW,
      env: { WEB_CONCURRENCY: "2", NODE_OPTIONS: `--import ${pathToFileURL(MODULE_LOG).href}`, SCHAKEL_MODULE_LOG: log },
    });
    // A page from each web process (each new connection goes to the next), so both have loaded the Remix build.
    for (let i = 0; i < 4; i++) await (await fetch(`${app.url}/sign-in`, { headers: { connection: "close" } })).arrayBuffer();
    await app.stop();

    const byProcess = modulesByProcess(log);
    const primary = byProcess.get(app.pid) ?? [];
    const web = [...byProcess.entries()].filter(([pid]) => pid !== app.pid).map(([, urls]) => urls);
    // It did its part: the cluster's chunk (migrations, jobs) and pg-boss.
    expect(primary.some((url) => /\/build\/chunk-cluster-[^/]+\.js$/.test(url))).toBe(true);
    expect(primary.some((url) => url.includes("/node_modules/pg-boss/"))).toBe(true);
    expect(primary.filter((url) => WEB_PART.some((pattern) => pattern.test(url)))).toEqual([]);
    // Nor argon2, which only checking a password needs (server/auth/passwords.ts).
    expect(primary.filter((url) => url.includes("/node_modules/@node-rs/argon2"))).toEqual([]);
    // The web processes load what the primary did not (so the patterns above do find something).
    expect(web).toHaveLength(2);
    for (const urls of web) for (const pattern of WEB_PART) expect(urls.some((url) => pattern.test(url)), String(pattern)).toBe(true);
    // No process reads the email components it does not use.
    expect([...byProcess.values()].flat().filter((url) => UNUSED_EMAIL_COMPONENTS.test(url))).toEqual([]);
  }, 120_000);
});
