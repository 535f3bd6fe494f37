/**
 * The real server as `npm start` runs it (build/server.js, the bundle of `npm run build`) as a child
 * process, so its memory is its own and can be read from /proc: used by `npm run bench` and
 * `npm run soak`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import { SERVER_HEAP_FLAG } from "../../server/heap";

/** The national data set's clock (SCHAKEL_NOW of the server), as `npm run bench` generates it. */
export const NATIONAL_NOW = "2026-11-23T09:00:00.000Z";

/**
 * The server's memory: the process and its children together (with WEB_CONCURRENCY=2 a primary and
 * two web processes), as issue 19's budget counts it.
 */
export function readRssMb(pid: number): number {
  let kb = 0;
  for (const one of processTree(pid)) {
    try {
      // Synchronous on purpose: a tiny /proc read, and the sampler must not queue behind the load.
      const status = readFileSync(`/proc/${one}/status`, "utf8");
      kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return Math.round(kb / 1024);
}

/** `pid` and its descendants, from the parent pid of every process in /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

export function sampleRss(pid: number) {
  let peak = readRssMb(pid);
  const start = peak;
  const timer = setInterval(() => (peak = Math.max(peak, readRssMb(pid))), 100);
  return { start, stop: () => (clearInterval(timer), Math.max(peak, readRssMb(pid))) };
}

export async function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * `now` is the server's SCHAKEL_NOW; `nodeFlags` are added to SERVER_NODE_OPTIONS's. `onStderr` receives
 * the server's error output line by line (still passed through to ours); `onStdout` its standard
 * output (not passed through: e.g. --trace-gc's lines). Without them the output is inherited.
 */
export async function startServerProcess(
  databaseUrl: string,
  port: number,
  options: { now?: string; nodeFlags?: string[]; onStderr?: (line: string) => void; onStdout?: (line: string) => void } = {},
) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "error", NODE_ENV: "production", SCHAKEL_NOW: options.now ?? NATIONAL_NOW };
  delete env.APP_URL;
  // One bench token plays many users, and the pinned clock never refills its bucket (decision 098):
  // the API's rate limit still runs its statement on every request, but cannot refuse.
  env.API_RATE_LIMIT_PER_MINUTE ??= "1000000";
  env.API_RATE_LIMIT_BURST ??= "1000000";
  // The benches measure the web server; email capture's listener is measured by bench/mail-capture.ts.
  env.INBOUND_SMTP_PORT ??= "off";
  // A bench data set outlives the checkout that made it: one fixed key, so any checkout's server
  // starts on it (the database records its key, decision 152). Benches hold no real secrets.
  env.SCHAKEL_SECRET_KEY ??= Buffer.alloc(32, "schakel-bench").toString("base64");
  // One web process, as the figures in docs/performance.md were taken, unless WEB_CONCURRENCY says
  // otherwise: the CPU and memory probes read this one process.
  env.WEB_CONCURRENCY ??= "1";
  // SERVER_NODE_OPTIONS: extra node flags for the server only (e.g. a heap limit), as a deployment would set them.
  // The heap limit of `npm start` (decision 080) first, so SERVER_NODE_OPTIONS and nodeFlags can override it.
  const flags = [SERVER_HEAP_FLAG, ...(process.env.SERVER_NODE_OPTIONS ?? "").split(" ").filter(Boolean), ...(options.nodeFlags ?? [])];
  const server = spawn(process.execPath, [...flags, "build/server.js"], {
    env, stdio: ["ignore", options.onStdout ? "pipe" : "inherit", options.onStderr ? "pipe" : "inherit"],
  });
  if (options.onStdout && server.stdout) forEachLine(server.stdout, options.onStdout);
  if (options.onStderr && server.stderr) forEachLine(server.stderr, options.onStderr, process.stderr);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`The server exited with ${server.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/sign-in`);
      await response.arrayBuffer();
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error("The server did not start within a minute");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function stopServerProcess(server: ChildProcess) {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
}

function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void, passThrough?: NodeJS.WritableStream) {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    passThrough?.write(chunk);
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) onLine(line);
  });
}
