#!/usr/bin/env node
// `npx schakel ...`: runs the command line in this one process — the bundle `npm run build` made when
// it is newer than every source file (it starts in about a second), else the TypeScript itself through
// tsx's loader (about five) — except `start`, below.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SERVER_BUNDLE = path.join(ROOT, "build/server.js");
const CLI_BUNDLE = path.join(ROOT, "build/cli.js");
/** What the command line's bundle is made of: a change to any of it after the build makes the bundle stale. */
const SOURCE_DIRS = ["server", "db", "emails", "i18n", "calendar"];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

const freshBundle = () => existsSync(CLI_BUNDLE) && statSync(CLI_BUNDLE).mtimeMs >= Math.max(...SOURCE_DIRS.map((dir) => newestSource(path.join(ROOT, dir))));

if (process.argv[2] !== "start" && freshBundle()) {
  await import(CLI_BUNDLE);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  const { hasHeapLimit, SERVER_HEAP_FLAG } = await import("../server/heap.ts");
  const bundled = existsSync(SERVER_BUNDLE);
  if (process.argv[2] === "start" && (bundled || !hasHeapLimit())) {
    // `start` serves from a child node: the bundled server of `npm run build` when there is one, which
    // needs no TypeScript loader and so about 130 MB less memory (decision 087), with the server's heap
    // limit unless node was given one (decision 080; node takes it only when it starts). Without a
    // build the command line itself runs in the child. Signals are passed on (the server ignores a
    // second one) and its exit code is ours. Every other command runs here, without the limit (the
    // national demo generator needs more).
    const flags = [...process.execArgv, ...(hasHeapLimit() ? [] : [SERVER_HEAP_FLAG])];
    const command = bundled ? [SERVER_BUNDLE] : process.argv.slice(1);
    const child = spawn(process.execPath, [...flags, ...command], { stdio: "inherit" });
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
    child.on("exit", (code, signal) => {
      process.exitCode = code ?? (signal ? 1 : 0);
    });
  } else {
    await import("../server/cli.ts");
  }
}
