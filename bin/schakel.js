#!/usr/bin/env node
// `npx schakel ...`: runs the TypeScript command line in this one process (tsx's loader, no wrapper
// process), except `start`, below.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const { hasHeapLimit, SERVER_HEAP_FLAG } = await import("../server/heap.ts");
const SERVER_BUNDLE = fileURLToPath(new URL("../build/server.js", import.meta.url));
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
