import { defineConfig } from "vitest/config";
import { isDatabaseUnavailable } from "./server/db/unavailable";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.{ts,tsx}", "server/**/*.test.ts", "app/**/*.test.{ts,tsx}", "emails/**/*.test.tsx"],
    globals: true,
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    pool: "forks",
    // One test file at a time (vitest's default on two cores). Two at a time took 1,021-1,087 s
    // instead of about 1,250 s, but a browser test beside a timing-sensitive file made the rare
    // failure that nobody could reproduce: a suite that lands every time is worth more than 15%.
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
