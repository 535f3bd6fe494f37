import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "node_modules/", ".cache/", "tests/.tmp/", ".data/", ".bench-data*/"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-explicit-any": ["error", { ignoreRestArgs: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  {
    // Migrations are frozen in time and take Kysely<any> (Kysely's own convention).
    files: ["db/migrations/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Layers (docs/decisions/100): what the pages hold is never imported below them.
    // tests/unit/import-graph.test.ts checks the whole graph, cycles included.
    files: ["server/**", "emails/**", "db/**", "i18n/**", "calendar/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/app/**", "~/**"], message: "server/, emails/, db/ and the ground floor never import app/: move what both need to i18n/ or calendar/." }] }],
    },
  },
  {
    files: ["server/cli.ts", "tests/**", "db/seed/**", "bench/**"],
    rules: { "no-console": "off" },
  },
);
