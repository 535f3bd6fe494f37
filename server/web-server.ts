import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serve } from "@hono/node-server";
import type { ServerBuild } from "@remix-run/server-runtime";
import { broadcastDevReady, createRequestHandler } from "@remix-run/server-runtime";
import { createApp, type RemixHandler } from "./app";
import { withAddressErrorsAsBadRequest } from "./http/page-errors";
import { createSecretBox, loadSecretKey } from "./auth/secret-key";
import { createSessions } from "./auth/sessions";
import { ensureSameSecretKey } from "./auth/secret-key-check";
import { encryptPlaintextTotpSecrets } from "./auth/two-factor";
import { createClock } from "./clock";
import { tellPrimary } from "./cluster";
import { type Config, withBoundPort } from "./config";
import type { AppServices, RunningServer } from "./context";
import { connectDatabaseServer } from "./db/connect";
import { recordRunningServer } from "./running-servers";
import { createDatabase } from "./db/database";
import { migrateToLatest } from "./db/migrate";
import { prepareSetupToken } from "./domains/setup/setup.service";
import { startJobs } from "./jobs/jobs";
import { createLogger } from "./logger";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUILD_PATH = path.join(ROOT, "build/index.js");
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * A process that serves requests: the whole server (WEB_CONCURRENCY=1) or one web process of a
 * cluster. server/index.ts imports this module only in such a process, so a cluster's primary never
 * loads the web part (the Hono app, the API and its schemas, Remix's request handler; decision 147).
 *
 * The process: database (embedded or DATABASE_URL), migrations, jobs, HTTP server, and a graceful
 * shutdown that undoes them in reverse order.
 */
export async function startServer(config: Config, role: "whole" | "web" = "whole"): Promise<RunningServer> {
  // A web process of a cluster (server/cluster.ts) serves requests only: its primary has migrated
  // the database and runs the jobs and the SMTP listener, once for all of them.
  const whole = role === "whole";
  const log = createLogger(config.logLevel);
  const say = (line: string) => whole && config.logLevel !== "silent" && process.stdout.write(`${line}\n`);
  const clock = createClock(config.now);
  // Before anything starts: a deployment without a usable SCHAKEL_SECRET_KEY stops here.
  const secrets = createSecretBox(loadSecretKey(config));

  const databaseServer = await connectDatabaseServer(config, say);
  const db = createDatabase(databaseServer.url);
  try {
    if (whole) {
      const applied = await migrateToLatest(db);
      if (applied.length) say(`Applied migrations: ${applied.join(", ")}`);
      // Before anything is sealed: a key that is not this database's stops here (decision 152).
      await ensureSameSecretKey(db, secrets);
      const encrypted = await encryptPlaintextTotpSecrets(db, secrets);
      if (encrypted) say(`Encrypted ${encrypted} two-factor secret(s) with SCHAKEL_SECRET_KEY`);
    }
  } catch (error) {
    await db.destroy();
    await databaseServer.stop();
    throw error;
  }

  // Listen first: on a localhost run with PORT=0 the address links name is the port actually bound,
  // and it is resolved once, here, before anything can build a link (decision 090).
  let app: ReturnType<typeof createApp> | undefined;
  const server = serve({
    fetch: (request, env) => (app ? app.fetch(request, env) : new Response("Schakel is starting. / Schakel start op.", { status: 503, headers: { "Retry-After": "1" } })),
    port: config.port,
    hostname: config.host,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
  } catch (error) {
    await db.destroy();
    await databaseServer.stop();
    throw error;
  }
  const address = server.address();
  config = withBoundPort(config, typeof address === "object" && address ? address.port : config.port);
  const url = config.appUrl;

  let jobs: Awaited<ReturnType<typeof startJobs>> | undefined;
  try {
    if (whole) {
      jobs = await startJobs({
        connectionString: databaseServer.url,
        db,
        smtpUrl: config.smtpUrl,
        mailFrom: config.mailFrom,
        now: clock.now,
        log: say,
        appUrl: config.appUrl,
      });
    }
    const started = jobs;
    const services: AppServices = {
      db, clock, config, log, sessions: createSessions(db, clock), secrets,
      // In a web process the primary runs the mail sender: it is told, and sends at once.
      notifyEmailQueued: async () => (started ? started.notifyEmailQueued() : tellPrimary({ type: "schakel:email-queued" })),
    };
    app = createApp(services, remixHandlerLoader(config));
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await jobs?.stop();
    await db.destroy();
    await databaseServer.stop();
    throw error;
  }
  const running = jobs;
  // Email capture's SMTP listener, once the app is ready (decision 112). A port that is taken stops the start, with the reason.
  let smtp: { port: number; close(): Promise<void> } | undefined;
  if (whole && config.inboundMail.smtpPort !== null) {
    try {
      const { startSmtpListener } = await import("./domains/mail-capture/smtp-listener");
      smtp = await startSmtpListener({ db, config, clock, log, port: config.inboundMail.smtpPort, host: config.host });
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running?.stop();
      await db.destroy();
      await databaseServer.stop();
      throw error;
    }
    say(`Mail to log-…@${config.inboundMail.domain} is taken on SMTP port ${smtp.port}`);
  }
  say(`Schakel is running at ${url}`);
  // So that `npx schakel` typed in another folder can warn that it would work on other data.
  const forgetRunningServer = whole && databaseServer.isEmbedded ? recordRunningServer({ url, dataDir: config.dataDir }) : () => {};

  const setupToken = whole ? await prepareSetupToken(db, clock.now()) : null;
  if (setupToken) say(`No users yet. Set up Schakel once at: ${url}/setup?token=${setupToken}`);
  tellPrimary({ type: "schakel:listening" });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      say("Stopping: finishing running requests");
      // No new mail first; a sender cut off mid-message hears nothing and tries again later.
      await smtp?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      const timer = setTimeout(() => "closeAllConnections" in server && server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await closed;
      clearTimeout(timer);
      await running?.stop();
      await db.destroy();
      forgetRunningServer();
      await databaseServer.stop();
      say("Stopped");
    })());
  return { url, inboundSmtpPort: smtp?.port ?? null, stop };
}

/** Production: the build is loaded once. Development (`npm run dev`): reloaded when it changes. */
function remixHandlerLoader(config: Config): () => Promise<RemixHandler> {
  if (!fs.existsSync(BUILD_PATH)) throw new Error(`No Remix build at ${BUILD_PATH}: run "npm run build" first.`);
  const mode = config.isProduction ? "production" : "development";
  let cached: { mtime: number; handler: RemixHandler } | undefined;
  return async () => {
    const mtime = config.isProduction && cached ? cached.mtime : fs.statSync(BUILD_PATH).mtimeMs;
    if (!cached || cached.mtime !== mtime) {
      const build = (await import(`${pathToFileURL(BUILD_PATH).href}?t=${mtime}`)) as ServerBuild;
      cached = { mtime, handler: createRequestHandler(withAddressErrorsAsBadRequest(build), mode) };
      if (!config.isProduction && process.env.REMIX_DEV_ORIGIN) await broadcastDevReady(build);
    }
    return cached.handler;
  };
}
