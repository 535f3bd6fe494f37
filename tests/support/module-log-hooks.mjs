// The hooks of tests/support/module-log.mjs: each module's URL, once it is loaded, with the process's pid.
import { appendFileSync } from "node:fs";

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${process.pid} ${url}\n`);
  return nextLoad(url, context);
}
