/**
 * The server on its own: what `npm start` runs, bundled into build/server.js by
 * scripts/build-server.js (decision 087), and what `npm run dev` runs through tsx. The command
 * line's `start` (server/cli.ts) does the same.
 */
import "./production-env";
import { runServerUntilSignalled } from "./index";

runServerUntilSignalled().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
