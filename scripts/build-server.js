/**
 * Bundles the server (server/main.ts and everything of ours it imports) into build/server.js, the
 * file `npm start` runs with plain node (decision 087), and the command line (server/cli.ts) into
 * build/cli.js. Without it the server ran its TypeScript
 * through tsx's loader at run time, which cost about 130 MB of resident memory for nothing the
 * server does. Packages stay outside the bundle (imported from node_modules as before); the Remix
 * build is build/index.js, loaded by the server as before.
 *
 * Migrations are found by reading db/migrations when TypeScript runs directly; here the module that
 * does that is replaced by one that imports each migration file, so they are bundled too.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MIGRATIONS_DIR = path.join(ROOT, "db/migrations");
// The same pattern as server/db/migration-modules.ts (TypeScript, which this plain script cannot import).
const MIGRATION_FILE = /^\d{4}_\d{2}_\d{2}_\d{4}_.+\.ts$/;

const bundledMigrations = {
  name: "bundled-migrations",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]server[\\/]db[\\/]migration-modules\.ts$/ }, () => {
      const files = fs.readdirSync(MIGRATIONS_DIR).filter((file) => MIGRATION_FILE.test(file)).sort();
      const lines = files.map((file, i) => `import * as m${i} from ${JSON.stringify(path.join(MIGRATIONS_DIR, file))};`);
      const entries = files.map((file, i) => `  ${JSON.stringify(file.replace(/\.ts$/, ""))}: m${i},`);
      return {
        contents: `${lines.join("\n")}\nexport async function loadMigrationModules() {\n  return {\n${entries.join("\n")}\n  };\n}\n`,
        loader: "ts",
        resolveDir: MIGRATIONS_DIR,
      };
    });
  },
};

const started = Date.now();
await build({
  // build/server.js is what `npm start` runs; build/cli.js is the command line, which bin/schakel.js
  // runs when it is newer than the sources (a bundle starts in a second, the TypeScript loader in five).
  entryPoints: { server: path.join(ROOT, "server/main.ts"), cli: path.join(ROOT, "server/cli.ts") },
  outdir: path.join(ROOT, "build"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  // A stack trace in the log can be mapped back with `node --enable-source-maps build/server.js`.
  sourcemap: "linked",
  plugins: [bundledMigrations],
  logLevel: "warning",
});
process.stdout.write(`[info] server and command line bundled into build/ (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
