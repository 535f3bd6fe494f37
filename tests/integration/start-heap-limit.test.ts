import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER_HEAP_FLAG } from "../../server/heap";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { TEST_NOW } from "../support/factories";

/** The node processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number) {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return parent === pid ? [readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0")] : [];
    } catch {
      return [];
    }
  });
}

describe("npx schakel start", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.drop());

  it("serves from the bundled server (build/server.js, decision 087) in a node with the server's heap limit, and stops cleanly on SIGTERM", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: t.url, PORT: "0", HOST: "127.0.0.1", SCHAKEL_NOW: TEST_NOW.toISOString(), LOG_LEVEL: "info" };
    delete env.APP_URL;
    delete env.NODE_OPTIONS;
    const cli = spawn(process.execPath, [path.resolve("bin/schakel.js"), "start"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    cli.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const running = /running at (http:\S+)/.exec(output);
        if (running) {
          clearInterval(timer);
          resolve(running[1]!);
        } else if (cli.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(output));
        }
      }, 100);
    });
    expect((await fetch(`${url}/sign-in`)).status).toBe(200);
    expect(childrenOf(cli.pid!).some((argv) => argv.includes(SERVER_HEAP_FLAG) && argv.includes(path.resolve("build/server.js")))).toBe(true);

    cli.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("Stopped");
  }, 60_000);
});
