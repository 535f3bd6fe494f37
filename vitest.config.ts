import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.{ts,tsx}", "server/**/*.test.ts", "app/**/*.test.{ts,tsx}", "emails/**/*.test.tsx"],
    globals: true,
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/per-file.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A server a test starts as a child process (npx schakel start) must not take email capture's port 2525.
    env: { TZ: "Europe/Amsterdam", LOG_LEVEL: "silent", INBOUND_SMTP_PORT: "off" },
    // postgres.js starts queries of its own on a new connection (the array types) without awaiting
    // them; when the server closes or refuses that connection — the database-outage test stops
    // PostgreSQL on purpose — the rejection is unhandled inside the driver. The app survives it
    // (server/index.ts logs it); here only such connection errors are let through, shown on stderr,
    // and everything else still fails the run.
    onUnhandledError(error) {
      const { code } = error as { code?: unknown };
      if (typeof code === "string" && ["CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "ECONNREFUSED"].includes(code)) {
        process.stderr.write(`Ignored a lost database connection inside postgres.js: ${code} ${String((error as { message?: unknown }).message ?? "")}\n`);
        return false;
      }
    },
  },
});
