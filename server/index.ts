import cluster from "node:cluster";
import { type Config, readConfig } from "./config";
import type { RunningServer } from "./context";
import { isDatabaseUnavailable } from "./db/unavailable";

export type { RunningServer } from "./context";

/*
 * What this module imports statically is what every process loads. The rest is imported where it is
 * needed (decision 147): a process that serves requests imports ./web-server (the Hono app, the API
 * and its schemas, Remix's request handler, and everything the pages reach); the primary of a cluster
 * imports ./cluster (the database, migrations, jobs and the SMTP listener) and never the web part.
 * build/server.js is split at these imports (scripts/build-server.js), so each becomes a chunk that
 * is read only when imported.
 */

/**
 * The process: database (embedded or DATABASE_URL), migrations, jobs, HTTP server, and a graceful
 * shutdown that undoes them in reverse order (server/web-server.ts). `role: "web"` is one web
 * process of a cluster (server/cluster.ts), which serves requests only.
 */
export async function startServer(config: Config = readConfig(), role: "whole" | "web" = "whole"): Promise<RunningServer> {
  const { startServer: start } = await import("./web-server");
  return start(config, role);
}

/** WEB_CONCURRENCY > 1 (decision 133): the primary, which forks the web processes and serves nothing itself. */
async function startPrimary(config: Config): Promise<RunningServer> {
  const { startPrimary: start } = await import("./cluster");
  return start(config, config.webConcurrency);
}

/** Runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
export async function runServerUntilSignalled(config: Config = readConfig()) {
  const running = cluster.isWorker
    ? await startServer(config, "web")
    : config.webConcurrency > 1
      ? await startPrimary(config)
      : await startServer(config);
  let signalled = false;
  const onSignal = (signal: string) => {
    if (signalled) return;
    signalled = true;
    process.stdout.write(`Received ${signal}\n`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("SIGINT", () => onSignal("SIGINT"));
  // A web process whose primary is gone (killed outright) has no one to replace it or stop it: it stops.
  if (cluster.isWorker) cluster.worker?.on("disconnect", () => onSignal("disconnect from the primary"));
  // postgres.js starts a query of its own on every new connection (the array types) without
  // awaiting it; if the database goes away at that moment the rejection is unhandled, and Node would
  // stop the whole app. The pool reconnects by itself, so such an error is logged, not fatal; any
  // other unhandled rejection still ends the process, as Node's default does.
  process.on("unhandledRejection", (reason) => {
    if (isDatabaseUnavailable(reason)) {
      process.stderr.write(`Database connection lost: ${reason instanceof Error ? reason.message : String(reason)}\n`);
      return;
    }
    process.stderr.write(`Unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
    process.exit(1);
  });
}
