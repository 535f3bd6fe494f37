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

/** The bundle's chunks (below) carry a hash in their name: the previous build's are removed first. */
const OUT_DIR = path.join(ROOT, "build");
const CHUNK = /^chunk-.+\.js(\.map)?$/;
for (const file of fs.existsSync(OUT_DIR) ? fs.readdirSync(OUT_DIR) : []) if (CHUNK.test(file)) fs.rmSync(path.join(OUT_DIR, file));

/**
 * Packages stay outside the bundle, imported from node_modules at run time, except the email
 * components (decision 147). @react-email/components re-exports every component of React Email, and
 * importing it evaluates all of them — Tailwind's with its CSS compiler, the code block's with Prism,
 * the Markdown one with marked: about 30 MB of memory in every process, for the plain components
 * our emails use. Bundled, the unused ones are left out (each package declares no side effects). Its
 * index also re-exports @react-email/render, which stays outside (it is loaded with the first email,
 * decision 081); a star export of an outside package would make esbuild keep every component, so
 * that one line is dropped here: our code imports `render` from @react-email/render itself.
 */
const BUNDLED_PACKAGE = /^@react-email\/(?!render(\/|$))/;
const packagesOutside = {
  name: "packages-outside",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED_PACKAGE.test(args.path) ? undefined : { path: args.path, external: true }));
    builder.onLoad({ filter: /[\\/]@react-email[\\/]components[\\/]dist[\\/]index\.mjs$/ }, (args) => ({
      contents: fs.readFileSync(args.path, "utf8").replace(/^export \* from "@react-email\/render";?$/m, ""),
      loader: "js",
      resolveDir: path.dirname(args.path),
    }));
  },
};

const started = Date.now();
const result = await build({
  // build/server.js is what `npm start` runs; build/cli.js is the command line, which bin/schakel.js
  // runs when it is newer than the sources (a bundle starts in a second, the TypeScript loader in five).
  entryPoints: { server: path.join(ROOT, "server/main.ts"), cli: path.join(ROOT, "server/cli.ts") },
  outdir: OUT_DIR,
  // Split at dynamic imports (decision 147): server/index.ts imports the web part (server/web-server.ts)
  // only in a process that serves requests, and the cluster's primary (server/cluster.ts) only in the
  // primary, so each is a chunk of its own and the primary never reads the Hono app, the API or Remix.
  // Chunks sit beside server.js (not in a folder): code that finds files from import.meta.url
  // (server/web-server.ts, server/app.ts) must see the same folder from either.
  splitting: true,
  chunkNames: "chunk-[name]-[hash]",
  // What each output imports, for tests/unit/server-bundle.test.ts.
  metafile: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // A stack trace in the log can be mapped back with `node --enable-source-maps build/server.js`.
  sourcemap: "linked",
  plugins: [packagesOutside, bundledMigrations],
  logLevel: "warning",
});
fs.writeFileSync(path.join(OUT_DIR, "server-bundle.meta.json"), JSON.stringify(result.metafile));
process.stdout.write(`[info] server and command line bundled into build/ (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
