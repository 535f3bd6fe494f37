#!/usr/bin/env node
// `npx schakel ...`: runs the TypeScript command line in this one process (tsx's loader, no wrapper
// process), except `start` without a heap limit, below.
import { spawn } from "node:child_process";
import { register } from "tsx/esm/api";

register();
const { hasHeapLimit, SERVER_HEAP_FLAG } = await import("../server/heap.ts");
if (process.argv[2] === "start" && !hasHeapLimit()) {
  // node takes its heap limit only when it starts (decision 080): `start` without one serves from a
  // child node given the server's limit; signals are passed on (the server ignores a second one) and
  // its exit code is ours. Every other command runs here, without the limit (the national demo
  // generator needs more).
  const child = spawn(process.execPath, [...process.execArgv, SERVER_HEAP_FLAG, ...process.argv.slice(1)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
} else {
  await import("../server/cli.ts");
}
