import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Config } from "./config";

/**
 * Which Schakel servers run on this machine, and on which data folder, so that a command of
 * `npx schakel` started from another folder (DATA_DIR defaults to ./.data, relative to where it is
 * typed) can say that it works on other data than the server shows. A server on the embedded
 * PostgreSQL leaves a small file per process in a folder of the user's own under the system's
 * temporary folder while it runs; a file whose process is gone is ignored and removed.
 */
export type RunningServer = { pid: number; url: string; dataDir: string };

function registryDir(): string {
  const user = (() => {
    try {
      return os.userInfo().username;
    } catch {
      return String(process.getuid?.() ?? "user");
    }
  })();
  return path.join(os.tmpdir(), `schakel-${user.replace(/[^\w.-]/g, "_")}`, "servers");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Records this server while it runs; the returned function removes the record (at a graceful stop). */
export function recordRunningServer(server: Omit<RunningServer, "pid">): () => void {
  const dir = registryDir();
  const file = path.join(dir, `${process.pid}-${encodeURIComponent(server.url).replace(/%/g, "")}.json`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, ...server } satisfies RunningServer), { mode: 0o600 });
  } catch {
    // Only a convenience for the command line's warning: a server that cannot write it still serves.
    return () => {};
  }
  return () => fs.rmSync(file, { force: true });
}

/** The servers running now, other than this process. */
export function runningServers(): RunningServer[] {
  const dir = registryDir();
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = path.join(dir, name);
    try {
      const server = JSON.parse(fs.readFileSync(file, "utf8")) as RunningServer;
      if (server.pid === process.pid) return [];
      if (!isAlive(server.pid)) {
        fs.rmSync(file, { force: true });
        return [];
      }
      return [server];
    } catch {
      return [];
    }
  });
}

/**
 * Which database the command uses, for a person to read: the embedded PostgreSQL's data folder, or
 * DATABASE_URL's host, port and database (never its user name or password).
 */
export function describeDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): string {
  if (!config.databaseUrl) return `the embedded PostgreSQL in ${config.dataDir}`;
  try {
    const url = new URL(config.databaseUrl);
    const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "(the default database)";
    return `DATABASE_URL: PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ""}, database ${database}`;
  } catch {
    return "DATABASE_URL (not a URL that can be shown)";
  }
}

/** The lines a command prints on standard error before it works: its database, and any server that runs on other data. */
export function databaseNotice(config: Pick<Config, "databaseUrl" | "dataDir">): string[] {
  const lines = [`Database: ${describeDatabase(config)}`];
  for (const server of runningServers()) {
    if (!config.databaseUrl && path.resolve(server.dataDir) === path.resolve(config.dataDir)) continue;
    lines.push(
      `Warning: the Schakel server at ${server.url} (pid ${server.pid}) runs on another data folder, ${server.dataDir}: ` +
        `what this command changes does not show there. Run it with DATA_DIR=${server.dataDir} to work on that server's data.`,
    );
  }
  return lines;
}
