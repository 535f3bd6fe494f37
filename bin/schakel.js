#!/usr/bin/env node
// `npx schakel ...`: runs the TypeScript command line in this one process (tsx's loader, no wrapper process).
import { register } from "tsx/esm/api";

register();
await import("../server/cli.ts");
