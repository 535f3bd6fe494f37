import cluster, { type Worker } from "node:cluster";
import net from "node:net";
import { createSecretBox, loadSecretKey } from "./auth/secret-key";
import { ensureSameSecretKey } from "./auth/secret-key-check";
import { encryptPlaintextTotpSecrets } from "./auth/two-factor";
import { createClock } from "./clock";
import { type Config, withBoundPort } from "./config";
import { connectDatabaseServer } from "./db/connect";
import { createDatabase } from "./db/database";
import { migrateToLatest } from "./db/migrate";
import { prepareSetupToken } from "./domains/setup/setup.service";
import { startJobs } from "./jobs/jobs";
import { createLogger } from "./logger";
import { recordRunningServer } from "./running-servers";
import type { RunningServer } from "./context";

/** What a web process tells the primary (decision 133). */
export type WorkerMessage = { type: "schakel:listening" } | { type: "schakel:email-queued" };

const WORKER_STOP_GRACE_MS = 20_000;
/** A worker that keeps dying is not restarted in a tight loop: at most this many restarts a minute. */
const RESTARTS_PER_MINUTE = 10;

/**
 * WEB_CONCURRENCY > 1 (decision 133): this process is the primary. It owns what must exist once —
 * the embedded PostgreSQL, the migrations, the jobs (pg-boss), the email-capture SMTP listener, the
 * setup address — and forks `workers` web processes that share the port (node:cluster hands each
 * connection to one of them) and serve the pages and the API against the same database. A worker
 * that dies is replaced; stop() lets every worker finish its requests, then undoes the rest.
 */
export async function startPrimary(config: Config, workers: number): Promise<RunningServer> {
  const say = (line: string) => config.logLevel !== "silent" && process.stdout.write(`${line}\n`);
  const clock = createClock(config.now);
  // Before any worker starts: a missing SCHAKEL_SECRET_KEY stops here, and a localhost run's key
  // file exists before the workers read it.
  const secrets = createSecretBox(loadSecretKey(config));

  const databaseServer = await connectDatabaseServer(config, say);
  // The primary's own queries are few (jobs, setup); the workers each have their own pool.
  const db = createDatabase(databaseServer.url, { max: 4 });
  let jobs: Awaited<ReturnType<typeof startJobs>> | undefined;
  let smtp: { port: number; close(): Promise<void> } | undefined;
  const undo = async () => {
    await smtp?.close();
    await jobs?.stop();
    await db.destroy();
    await databaseServer.stop();
  };
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) say(`Applied migrations: ${applied.join(", ")}`);
    // Before anything is sealed: a key that is not this database's stops here (decision 152).
    await ensureSameSecretKey(db, secrets);
    const encrypted = await encryptPlaintextTotpSecrets(db, secrets);
    if (encrypted) say(`Encrypted ${encrypted} two-factor secret(s) with SCHAKEL_SECRET_KEY`);
    // PORT=0: one free port, chosen here, so every worker (and every link) names the same one.
    const port = config.port === 0 ? await freePort(config.host) : config.port;
    config = withBoundPort({ ...config, port }, port);
    jobs = await startJobs({ connectionString: databaseServer.url, db, smtpUrl: config.smtpUrl, mailFrom: config.mailFrom, now: clock.now, log: say, appUrl: config.appUrl });
    if (config.inboundMail.smtpPort !== null) {
      const { startSmtpListener } = await import("./domains/mail-capture/smtp-listener");
      smtp = await startSmtpListener({ db, config, clock, log: createLogger(config.logLevel), port: config.inboundMail.smtpPort, host: config.host });
      say(`Mail to log-…@${config.inboundMail.domain} is taken on SMTP port ${smtp.port}`);
    }
  } catch (error) {
    await undo();
    throw error;
  }
  const running = jobs;

  let stopping = false;
  const restarts: number[] = [];
  const workerEnv = { DATABASE_URL: databaseServer.url, PORT: String(config.port) };
  const fork = () => {
    const worker = cluster.fork(workerEnv);
    worker.on("message", (message: WorkerMessage) => {
      if (message?.type === "schakel:email-queued") running.notifyEmailQueued();
    });
    return worker;
  };
  const listening = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      worker.on("message", (message: WorkerMessage) => message?.type === "schakel:listening" && resolve());
      worker.once("exit", (code, signal) => reject(new Error(`A web process stopped while starting (${signal ?? `code ${code}`})`)));
    });
  const first = Array.from({ length: workers }, fork);
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && restarts[0]! < now - 60_000) restarts.shift();
    process.stderr.write(`Web process ${worker.process.pid} stopped (${signal ?? `code ${code}`}); ${restarts.length > RESTARTS_PER_MINUTE ? "restarting it in 5 seconds" : "restarting it"}\n`);
    setTimeout(() => !stopping && fork(), restarts.length > RESTARTS_PER_MINUTE ? 5_000 : 0).unref();
  });

  const stopWorkers = async () => {
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => Boolean(worker && !worker.isDead()));
    await Promise.all(
      alive.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            const timer = setTimeout(() => worker.process.kill("SIGKILL"), WORKER_STOP_GRACE_MS);
            worker.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            // Each worker drains its own requests on SIGTERM (runServerUntilSignalled).
            worker.process.kill("SIGTERM");
          }),
      ),
    );
  };
  try {
    await Promise.all(first.map(listening));
  } catch (error) {
    await stopWorkers();
    await undo();
    throw error;
  }

  const url = config.appUrl;
  say(`Schakel is running at ${url} (${workers} web processes)`);
  const forgetRunningServer = databaseServer.isEmbedded ? recordRunningServer({ url, dataDir: config.dataDir }) : () => {};
  const setupToken = await prepareSetupToken(db, clock.now());
  if (setupToken) say(`No users yet. Set up Schakel once at: ${url}/setup?token=${setupToken}`);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      say("Stopping: finishing running requests");
      // No new mail first; a sender cut off mid-message hears nothing and tries again later.
      await smtp?.close();
      smtp = undefined;
      await stopWorkers();
      await undo();
      forgetRunningServer();
      say("Stopped");
    })());
  return { url, inboundSmtpPort: smtp?.port ?? null, stop };
}

/** A port nobody listens on now, on the interface the workers will bind. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("No free port"))));
    });
  });
}

/** In a web process: tell the primary. Outside a cluster: nothing to tell. */
export function tellPrimary(message: WorkerMessage): void {
  if (cluster.isWorker && process.send) process.send(message);
}
