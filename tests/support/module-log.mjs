// Node's --import for a server under test: every module a process loads (its URL) is appended to the
// file SCHAKEL_MODULE_LOG names, after the process's pid, so a test can see which process loaded what
// (tests/integration/primary-modules.test.ts). The hooks run in a thread of the same process.
import { register } from "node:module";

register("./module-log-hooks.mjs", import.meta.url, { data: { file: process.env.SCHAKEL_MODULE_LOG } });
