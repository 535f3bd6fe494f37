import { defineConfig } from "vitest/config";
import { isDatabaseUnavailable } from "./server/db/unavailable";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.{ts,tsx}", "server/**/*.test.ts", "app/**/*.test.{ts,tsx}", "emails/**/*.test.tsx"],
    globals: true,
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    pool: "forks",
    // Two test files at a time, also on two cores (vitest's default there is one): most of a file's
    // time is waiting on PostgreSQL, a server process or Chromium. Measured on the two-core machine:
    // 1,021 s for the whole suite with two, against about 1,250 s with one (docs/performance.md).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A server a test starts as a child process (npx schakel start) must not take email capture's port 2525.
    // And one web process each (WEB_CONCURRENCY defaults to one per core): the web-concurrency test asks for more.
    env: { TZ: "Europe/Amsterdam", LOG_LEVEL: "silent", INBOUND_SMTP_PORT: "off", WEB_CONCURRENCY: "1" },
    // postgres.js starts queries of its own on a new connection (the array types) without awaiting
    // them; when the server closes or refuses that connection — the database-outage test stops
    // PostgreSQL on purpose — the rejection is unhandled inside the driver. The app survives it
    // (server/index.ts logs it); here the same rule (server/db/unavailable.ts) lets only such connection
    // errors through, shown on stderr, and everything else still fails the run.
    onUnhandledError(error) {
      if (isDatabaseUnavailable(error)) {
        const { code, message } = error as { code?: unknown; message?: unknown };
        process.stderr.write(`Ignored a lost database connection inside postgres.js: ${String(code)} ${String(message ?? "")}\n`);
        return false;
      }
    },
  },
});
