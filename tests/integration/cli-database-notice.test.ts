import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAppProcesses, startAppProcess, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, TEST_NOW } from "../support/factories";

const BIN = path.resolve("bin/schakel.js");
type Run = { code: number; stdout: string; stderr: string };

/** `npx schakel ...` with the environment given (LOG_LEVEL=info: the notice shows unless silenced). */
const schakel = (env: Record<string, string>, ...args: string[]) =>
  new Promise<Run>((resolve) => {
    const { DATABASE_URL: _inherited, ...rest } = process.env;
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: path.resolve("."), env: { ...rest, SCHAKEL_NOW: TEST_NOW.toISOString(), LOG_LEVEL: "info", ...env }, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });

const linesOf = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

describe("a command of npx schakel says which database it uses", () => {
  let t: TestDatabase;
  let slug: string;
  let withPassword: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    slug = (await makeRegion(t.db)).slug;
    const url = new URL(t.url);
    url.username = "schakel_owner";
    url.password = "a-secret-password";
    withPassword = url.toString();
  });
  afterAll(() => t.drop());

  it("names DATABASE_URL's host, port and database on standard error, never its user or password", async () => {
    const run = await schakel({ DATABASE_URL: t.url }, "health", "recompute", "--region", slug);
    const expected = new URL(t.url);

    expect(run.code).toBe(0);
    expect(linesOf(run.stderr)[0]).toBe(`Database: DATABASE_URL: PostgreSQL at ${expected.hostname}:${expected.port}, database ${expected.pathname.slice(1)}`);
    expect(run.stdout).not.toContain("Database:");

    // Credentials PostgreSQL refuses: the command fails, and its database line still names neither.
    const refused = await schakel({ DATABASE_URL: withPassword }, "health", "recompute", "--region", slug);
    expect(refused.code).not.toBe(0);
    const [databaseLine] = linesOf(refused.stderr);
    expect(databaseLine).toBe(`Database: DATABASE_URL: PostgreSQL at ${expected.hostname}:${expected.port}, database ${expected.pathname.slice(1)}`);
    expect(refused.stderr).not.toContain("a-secret-password");
  });

  it("stays quiet with LOG_LEVEL=silent, for scripts that read standard error", async () => {
    const run = await schakel({ DATABASE_URL: t.url, LOG_LEVEL: "silent" }, "health", "recompute", "--region", slug);

    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
  });

  describe("while a server runs on its own data folder", () => {
    const dataDir = path.resolve("tests/.tmp/cli-notice-embedded");
    let app: AppProcess;

    beforeAll(async () => {
      await fs.rm(dataDir, { recursive: true, force: true });
      app = await startAppProcess({ databaseUrl: null, now: TEST_NOW, env: { DATA_DIR: dataDir } });
    }, 180_000);
    afterAll(async () => {
      await killAppProcesses();
    });

    it("warns a command working on other data, naming the server's address and data folder", async () => {
      const run = await schakel({ DATABASE_URL: t.url }, "health", "recompute", "--region", slug);

      expect(run.code).toBe(0);
      // A localhost run names itself http://localhost:<port>, where the test reaches it at 127.0.0.1.
      const serverUrl = app.url.replace("127.0.0.1", "localhost");
      const warning = linesOf(run.stderr).find((line) => line.includes(serverUrl));
      expect(warning).toBe(
        `Warning: the Schakel server at ${serverUrl} (pid ${app.pid}) runs on another data folder, ${dataDir}: ` +
          `what this command changes does not show there. Run it with DATA_DIR=${dataDir} to work on that server's data.`,
      );
    });

    it("does not warn a command on the server's own data folder, and names that folder", async () => {
      const run = await schakel({ DATA_DIR: dataDir }, "health", "recompute");

      expect(run.code).toBe(0);
      expect(linesOf(run.stderr)[0]).toBe(`Database: the embedded PostgreSQL in ${dataDir}`);
      expect(run.stderr).not.toContain(app.url.replace("127.0.0.1", "localhost"));
    }, 120_000);

    it("no longer warns once the server has stopped", async () => {
      const url = app.url.replace("127.0.0.1", "localhost");
      await app.stop();

      const run = await schakel({ DATABASE_URL: t.url }, "health", "recompute", "--region", slug);

      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain(url);
    });
  });
});
