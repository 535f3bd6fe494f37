import { defineConfig } from "vitest/config";
import { isDatabaseUnavailable } from "./server/db/unavailable";

/** Test files that run with nothing beside them (see `projects` below). */
const ALONE = [
  "tests/e2e/**/*.test.ts",
  ...[
    "backup", "cli", "cli-database-notice", "demo", "faults-sigkill", "page-weight", "start-heap-limit", "two-instances",
    "upload-limits", "web-concurrency", "database-outage", "database-roles", "soak-smoke", "mail-capture-smtp", "rate-limits",
    "national-seed", "primary-modules",
  ].map((name) => `tests/integration/${name}.test.ts`),
];

export default defineConfig({
  test: {
    globals: true,
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A server a test starts as a child process (npx schakel start) must not take email capture's port 2525.
    // And one web process each (WEB_CONCURRENCY defaults to one per core): the web-concurrency test asks for more.
    env: { TZ: "Europe/Amsterdam", LOG_LEVEL: "silent", INBOUND_SMTP_PORT: "off", WEB_CONCURRENCY: "1" },
    // Two groups, one after the other. First the tests that only talk to PostgreSQL and the app in
    // their own process, two files at a time; then, one file at a time, those whose timing a neighbour
    // could upset: browser tests, and tests that start servers or command-line processes, send
    // uploads of tens of megabytes or measure memory. (All files one at a time took about 1,250 s;
    // all two at a time 1,021-1,087 s, but a browser test beside a timing-sensitive file now and
    // then failed in a way nobody could reproduce.)
    projects: [
      {
        extends: true,
        test: {
          name: "alongside",
          include: ["tests/**/*.test.{ts,tsx}", "server/**/*.test.ts", "app/**/*.test.{ts,tsx}", "emails/**/*.test.tsx"],
          exclude: ALONE,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: "alone", include: ALONE, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
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
