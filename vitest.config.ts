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
    env: { TZ: "Europe/Amsterdam", LOG_LEVEL: "silent" },
  },
});
