/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside every script, style sheet and source map of the
 * client build (public/build), once per build, at the strongest settings: the server sends the copy
 * the browser accepts (server/app.ts, serveStatic's `precompressed`) instead of compressing each
 * request again. The files are fingerprinted, so a copy never goes stale: a changed file has a new name.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_DIR = path.join(ROOT, "public/build");
const COMPRESSIBLE = /\.(js|css|map|json|svg)$/;
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

const started = Date.now();
const files = filesUnder(BUILD_DIR).filter((file) => COMPRESSIBLE.test(file));
let before = 0;
let after = 0;
await Promise.all(
  files.map(async (file) => {
    const content = await fs.promises.readFile(file);
    const [br, gz] = await Promise.all([
      brotli(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length } }),
      gzip(content, { level: 9 }),
    ]);
    await Promise.all([fs.promises.writeFile(`${file}.br`, br), fs.promises.writeFile(`${file}.gz`, gz)]);
    before += content.length;
    after += br.length;
  }),
);
const kb = (bytes) => `${Math.round(bytes / 1024)} KB`;
process.stdout.write(`[info] ${files.length} client files compressed: ${kb(before)} → ${kb(after)} brotli (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
