import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../bench/lib/server-process";
import { SERVER_HEAP_FLAG } from "../../server/heap";
import { TEST_SECRET_KEY } from "./secret-key";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const START_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 30_000;

export type AppProcess = {
  pid: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** What the process wrote, for a failure message. */
  output(): string;
  /** SIGKILL to the process group: no shutdown code runs, as when the machine or the OOM killer ends it. */
  kill(): Promise<void>;
  /** SIGTERM, the graceful stop; SIGKILL if it has not exited after 30 s. */
  stop(): Promise<void>;
};

const running = new Set<AppProcess>();

/**
 * The real server as production runs it (`node build/server.js`, the bundle of `npm run build`), as a child
 * process in a process group of its own so it can be killed outright, against `databaseUrl`, or
 * with `databaseUrl: null` its own embedded PostgreSQL in `env.DATA_DIR`. Resolves once it serves
 * /sign-in. Needs build/index.js and build/server.js (`npm run build`).
 */
export async function startAppProcess(opts: { databaseUrl: string | null; now: Date; env?: Record<string, string> }): Promise<AppProcess> {
  const port = await freePort();
  // Only what the server needs: nothing of the test runner's environment leaks into it.
  const inherited = Object.fromEntries(["PATH", "HOME", "TZ"].flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...(opts.databaseUrl === null ? {} : { DATABASE_URL: opts.databaseUrl }),
    PORT: String(port),
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    LOG_LEVEL: "error",
    SCHAKEL_NOW: opts.now.toISOString(),
    SCHAKEL_SECRET_KEY: TEST_SECRET_KEY,
    CHECK_API_RESPONSES: "1",
    // The pinned clock never refills an API token's bucket: a limit these tests cannot reach (rate-limits.test.ts tests it).
    API_RATE_LIMIT_PER_MINUTE: "1000000",
    API_RATE_LIMIT_BURST: "1000000",
    // Servers run side by side in tests: none takes the default SMTP port of email capture.
    INBOUND_SMTP_PORT: "off",
    // One web process unless a test asks for a cluster (tests/integration/web-concurrency.test.ts).
    WEB_CONCURRENCY: "1",
    ...opts.env,
  };
  // The heap limit `npm start` gives it (decision 080): a test of memory sees what production would.
  const child = spawn(process.execPath, [SERVER_HEAP_FLAG, "build/server.js"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      output += `\n[the server exited: ${signal ?? `code ${code}`}]\n`;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;

  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  };
  const app: AppProcess = {
    pid: child.pid!,
    url,
    output: () => output,
    async kill() {
      await signal("SIGKILL");
      await exited;
      running.delete(app);
    },
    async stop() {
      await signal("SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), delay(EXIT_TIMEOUT_MS).then(() => false)]);
      if (!stopped) await app.kill();
      running.delete(app);
    },
  };
  running.add(app);

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(app);
      throw new Error(`The server exited (${child.exitCode ?? child.signalCode}) before it served a page:\n${output}`);
    }
    try {
      // Each try has a limit of its own: a process that accepted the connection and hangs is asked again.
      const response = await fetch(`${url}/sign-in`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.ok) return app;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await app.kill();
      throw new Error(`The server did not start within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
    }
    await delay(200);
  }
}

/** Kills every server this file started and has not stopped: for afterAll, also after a failure. */
export async function killAppProcesses(): Promise<void> {
  await Promise.all([...running].map((app) => app.kill()));
}

/** Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs / 1000} s for ${what}`);
    await delay(everyMs);
  }
}

function delay(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

