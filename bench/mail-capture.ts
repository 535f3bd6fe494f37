/**
 * Benchmark of email capture (issue 16): messages logged per second through SMTP, and the listener's
 * memory with 100 concurrent slow clients. The real server (build/server.js, as `npm start` runs it)
 * with its SMTP listener on a free port, against its own embedded PostgreSQL in a temporary folder;
 * nodemailer delivers as a mail server would (10 pooled connections). Run with `npm run bench:mail`
 * (MESSAGES=… to change the count). RSS is read from /proc; the V8 heap from the server's --trace-gc.
 */
import fs from "node:fs/promises";
import os from "node:os";
import net from "node:net";
import path from "node:path";
import nodemailer from "nodemailer";
import { createApiToken } from "../server/auth/api-tokens";
import { createDatabase } from "../server/db/database";
import { startEmbeddedPostgres } from "../server/db/embedded-postgres";
import { migrateToLatest } from "../server/db/migrate";
import { loggingAddressOf } from "../server/domains/mail-capture/mail-capture.addresses";
import { createRegion } from "../server/domains/regions/regions.service";
import { createUser } from "../server/domains/users/users.service";
import { createTestApp } from "../tests/support/app";
import { sentMail } from "../tests/support/mail";
import { freePort, readRssMb, startServerProcess, stopServerProcess } from "./lib/server-process";

const MESSAGES = Number(process.env.MESSAGES ?? 1_000);
const ORGANISATIONS = 50;
const SLOW_CLIENTS = 100;
const NOW = "2026-12-07T10:00:00.000Z";
const DOMAIN = "bench.schakel.test";
const GC_LINE = /ms: (?:Scavenge|Mark-(?:Compact|Sweep))\b[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \(([\d.]+)\) MB/;

const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "schakel-bench-mail-"));
await fs.chmod(dataDir, 0o755);
const database = await startEmbeddedPostgres(dataDir);
const db = createDatabase(database.url);
let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
try {
  await migrateToLatest(db);
  const now = new Date(NOW);
  const region = await createRegion(db, { name: "STO Bench", slug: "bench-mail", subregions: ["Noord"] }, { actorId: null, now });
  const user = await db.transaction().execute((trx) => createUser(trx, { regionId: region.id, email: "eva@school.example", name: "Eva de Boer", role: "accounthouder", password: "bench-password-1" }, { actor: null, now, appUrl: "http://bench" }));
  const { token } = await createApiToken(db, { userId: user.id, name: "bench", now });
  const { request } = createTestApp(db, { now: NOW });
  const post = async (urlPath: string, body: unknown) => {
    const response = await request(`/api/v1${urlPath}`, { method: "POST", token, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${urlPath}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string };
  };
  const contacts: string[] = [];
  for (let i = 0; i < ORGANISATIONS; i++) {
    const organisation = await post("/organisations", { kind: "company", name: `Bench Partner ${i}` });
    const email = `contact-${i}@partner-${i}.example`;
    const person = await post("/people", { name: `Contact ${i}`, email });
    await post(`/people/${person.id}/affiliations`, { organisationId: organisation.id, startDate: "2024-01-01", isPrimary: true });
    contacts.push(email);
  }
  const logAddress = (await loggingAddressOf(db, { id: user.id, regionId: region.id, role: "accounthouder" }, { domain: DOMAIN, now }))!;

  const smtpPort = await freePort();
  process.env.INBOUND_SMTP_PORT = String(smtpPort);
  process.env.INBOUND_MAIL_DOMAIN = DOMAIN;
  let heap = { usedMb: 0, committedMb: 0 };
  const webPort = await freePort();
  server = await startServerProcess(database.url, webPort, {
    now: NOW, nodeFlags: ["--trace-gc"],
    onStdout: (line) => {
      const gc = GC_LINE.exec(line);
      if (gc) heap = { usedMb: Number(gc[1]), committedMb: Number(gc[2]) };
    },
  });
  const pid = server.pid!;

  const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 10, maxMessages: Infinity });
  let busy = 0;
  const deliver = async (raw: Buffer) => {
    for (;;) {
      try {
        return await transport.sendMail({ envelope: { from: user.email, to: logAddress }, raw });
      } catch (error) {
        if ((error as { responseCode?: number }).responseCode !== 451) throw error;
        busy++;
      }
    }
  };
  const message = (n: number, run: string) => sentMail({ from: `Eva de Boer <${user.email}>`, to: [contacts[n % ORGANISATIONS]!], subject: `Bericht ${n}`, text: `Zoals besproken, ${n}.`, messageId: `${run}-${n}@school.example` });
  // Warm up: the first messages load mailparser and fill the plan caches.
  await Promise.all(Array.from({ length: 50 }, (_, n) => deliver(message(n, "warm"))));

  const rssBefore = readRssMb(pid);
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, readRssMb(pid))), 100);
  const started = performance.now();
  await Promise.all(Array.from({ length: MESSAGES }, (_, n) => deliver(message(n, "run"))));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  transport.close();
  const logged = await db.selectFrom("inbound_messages").select(db.fn.countAll<string>().as("n")).where("status", "=", "logged").where("message_id", "like", "<run-%").executeTakeFirstOrThrow();
  const heapAfterBurst = heap;

  // 100 slow clients: half stall mid-command, half stall in the middle of a message's data (64 kB sent).
  const idleRss = readRssMb(pid);
  const sockets: net.Socket[] = [];
  await Promise.all(Array.from({ length: SLOW_CLIENTS }, (_, i) => new Promise<void>((resolve) => {
    const socket = net.connect(smtpPort, "127.0.0.1");
    sockets.push(socket);
    socket.on("error", () => resolve());
    let step = 0;
    socket.on("data", () => {
      step++;
      if (i % 2 === 0) {
        if (step === 1) socket.write("EHLO slow.example\r\nMAIL FROM:<");
        resolve();
        return;
      }
      const lines = ["EHLO slow.example\r\n", `MAIL FROM:<${user.email}>\r\n`, `RCPT TO:<${logAddress}>\r\n`, "DATA\r\n"];
      if (step <= lines.length) socket.write(lines[step - 1]!);
      else if (step === lines.length + 1) {
        socket.write(`From: ${user.email}\r\nTo: ${contacts[0]}\r\nSubject: traag\r\n\r\n${"x".repeat(78).concat("\r\n").repeat(820)}`);
        resolve();
      }
    });
  })));
  let slowPeak = readRssMb(pid);
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    slowPeak = Math.max(slowPeak, readRssMb(pid));
  }
  const healthzStarted = performance.now();
  const healthz = await fetch(`http://127.0.0.1:${webPort}/healthz`);
  await healthz.arrayBuffer();
  const healthzMs = performance.now() - healthzStarted;
  const heapWithSlowClients = heap;
  for (const socket of sockets) socket.destroy();

  const cpus = os.cpus();
  console.log([
    `Machine: ${cpus.length} cores (${cpus[0]?.model ?? "unknown"}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`,
    `SMTP: ${MESSAGES} messages (each to one of ${ORGANISATIONS} contacts, 10 pooled connections) in ${seconds.toFixed(1)} s: ${(MESSAGES / seconds).toFixed(1)} messages logged per second; ${logged.n} logged; ${busy} answered 451 and sent again`,
    `Server RSS: ${rssBefore} MB before the burst, peak ${peakRss} MB during it; V8 heap after the burst ${heapAfterBurst.usedMb} MB used (${heapAfterBurst.committedMb} MB committed, last --trace-gc line)`,
    `${SLOW_CLIENTS} slow clients (50 stalled mid-command, 50 stalled mid-DATA with 64 kB each): RSS ${idleRss} MB before, ${slowPeak} MB with them; V8 heap ${heapWithSlowClients.usedMb} MB used (${heapWithSlowClients.committedMb} MB committed); /healthz meanwhile ${healthz.status} in ${healthzMs.toFixed(0)} ms`,
  ].join("\n"));
} finally {
  if (server) await stopServerProcess(server);
  await db.destroy();
  await database.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
}
