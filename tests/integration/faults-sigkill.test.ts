import fs from "node:fs/promises";
import path from "node:path";
import { type RawBuilder, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSessions } from "../../server/auth/sessions";
import { createClock } from "../../server/clock";
import { createTestApp } from "../support/app";
import { killAppProcesses, startAppProcess, waitFor, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW } from "../support/factories";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";

// Enough rows that the commit's transaction runs for seconds: forty batches of organisations and
// people, then the health recompute, so the kill lands while it is writing.
const ROWS = 20_000;
const INTERRUPTED = "Het vorige importeren is afgebroken voordat het klaar was (de server is gestopt). Er is niets van dit bestand opgeslagen. U kunt het opnieuw importeren.";

function bigCsv(rows: number) {
  const lines = ["Naam;KvK;Plaats;Contactpersoon;E-mail"];
  for (let i = 0; i < rows; i++) lines.push(`Groot Bedrijf ${i};${30_000_000 + i};Enschede;Contact ${i};contact${i}@groot.nl`);
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * The real server as a child process, killed with SIGKILL at the worst moments: no shutdown code
 * runs, so what survives is what PostgreSQL committed and what the SMTP server acknowledged.
 */
describe("the app killed with SIGKILL", () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let regionId: string;
  let token: string;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    sink = await startSmtpSink();
    regionId = (await makeRegion(t.db)).id;
    const importer = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    token = importer.token;
    cookie = (await createSessions(t.db, createClock(TEST_NOW.toISOString())).create(importer.user.id, { ip: "127.0.0.1", userAgent: "faults-test", secure: false })).split(";")[0]!;
  });
  afterAll(async () => {
    await killAppProcesses();
    await sink?.stop();
    await t?.drop();
  });

  const api = (app: AppProcess, path: string, init: RequestInit = {}) =>
    fetch(`${app.url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const postForm = (app: AppProcess, path: string, fields: Record<string, string>) =>
    fetch(`${app.url}${path}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url }, body: new URLSearchParams(fields).toString() });
  const count = async (query: RawBuilder<{ n: string }>) => Number((await query.execute(t.db)).rows[0]!.n);
  /** PostgreSQL ends a dead client's transaction once it notices the connection is gone: no open transaction but this query's. */
  const openTransactions = () => count(sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`);

  it("stores nothing of an import killed mid-commit; after the restart the page says so and committing again stores every row once", async () => {
    const app = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW });
    const staged = await api(app, "/imports/organisations?dryRun=true&fileName=groot.csv", { method: "POST", headers: { "content-type": "text/csv; charset=utf-8" }, body: bigCsv(ROWS) });
    expect(staged.status).toBe(200);
    const { id, counts } = (await staged.json()) as { id: string; counts: Record<string, number> };
    expect(counts).toEqual({ new: ROWS, update: 0, duplicate: 0, error: 0, contacts: ROWS });

    const commit = api(app, `/imports/${id}/commit`, { method: "POST" }).then(
      (response) => response.status,
      () => "connection lost",
    );
    // The first batch written inside the transaction (progress is written beside it) and more to come.
    const atKill = await waitFor("the commit to have written its first batch", async () => {
      const row = await t.db.selectFrom("imports").select(["status", "progress_done", "progress_total"]).where("id", "=", id).executeTakeFirstOrThrow();
      return row.status === "committing" && row.progress_done > 0 ? row : undefined;
    }, 120_000, 20);
    // Alive, the commit holds its lock: the page's progress poll sees it running, not interrupted.
    const progress = await fetch(`${app.url}/imports/organisations/${id}/progress`, { headers: { cookie } });
    expect(await progress.json()).toMatchObject({ status: "committing" });
    await app.kill();
    expect(atKill.progress_done).toBeLessThan(atKill.progress_total);
    expect(await commit).toBe("connection lost");

    await waitFor("PostgreSQL to end the dead commit's transaction", async () => (await openTransactions()) === 0, 120_000, 100);
    expect(await count(sql<{ n: string }>`select count(*) as n from organisations where region_id = ${regionId}`)).toBe(0);
    expect(await count(sql<{ n: string }>`select count(*) as n from people where region_id = ${regionId}`)).toBe(0);
    expect(await count(sql<{ n: string }>`select count(*) as n from audit_log where region_id = ${regionId} and after->>'importId' = ${id}`)).toBe(0);
    // Nobody has looked yet: the record still says what it was doing when the process died.
    expect((await t.db.selectFrom("imports").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status).toBe("committing");

    const restarted = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW });
    const record = (await (await api(restarted, `/imports/${id}`)).json()) as { status: string; interruptedAt: string | null; progressDone: number; counts: Record<string, number> };
    expect(record).toMatchObject({ status: "staged", interruptedAt: TEST_NOW.toISOString(), progressDone: 0 });
    expect(record.counts).toEqual({ new: ROWS, update: 0, duplicate: 0, error: 0, contacts: ROWS });

    const page = await fetch(`${restarted.url}/imports/organisations/${id}`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(INTERRUPTED);
    expect(html).toMatch(/<button[^>]*value="commit"(?![^>]*disabled)[^>]*>Alles importeren</);

    const committed = await api(restarted, `/imports/${id}/commit`, { method: "POST" });
    expect(committed.status).toBe(200);
    expect(await committed.json()).toMatchObject({ status: "committed", interruptedAt: null, counts: { new: ROWS, contacts: ROWS } });
    expect(await count(sql<{ n: string }>`select count(*) as n from organisations where region_id = ${regionId}`)).toBe(ROWS);
    expect(await count(sql<{ n: string }>`select count(distinct kvk_number) as n from organisations where region_id = ${regionId} and name like 'Groot Bedrijf %'`)).toBe(ROWS);
    expect(await count(sql<{ n: string }>`select count(*) as n from people where region_id = ${regionId}`)).toBe(ROWS);
    expect(await count(sql<{ n: string }>`select count(distinct email) as n from people where region_id = ${regionId}`)).toBe(ROWS);
    expect(await count(sql<{ n: string }>`select count(*) as n from affiliations where region_id = ${regionId} and is_primary`)).toBe(ROWS);
    expect(await count(sql<{ n: string }>`select count(*) as n from audit_log where action = 'organisation.create' and after->>'importId' = ${id}`)).toBe(ROWS);

    const done = await (await fetch(`${restarted.url}/imports/organisations/${id}`, { headers: { cookie } })).text();
    expect(done).not.toContain(INTERRUPTED);
    await restarted.stop();
  }, 600_000);

  /** A password reset for a new user, through the form; the outbox row it queued. */
  async function requestReset(app: AppProcess) {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const response = await postForm(app, "/forgot-password", { email: user.email });
    expect(response.status).toBe(200);
    // The email job answers the request off its path (decision 098): the row appears shortly after.
    const email = await waitFor("the email job to queue the reset link", () =>
      t.db.selectFrom("email_outbox").select("id").where("to_address", "=", user.email).executeTakeFirst(), 60_000, 100);
    return { address: user.email, outboxId: email.id };
  }
  const outboxRow = (id: string) => t.db.selectFrom("email_outbox").select(["status", "attempts"]).where("id", "=", id).executeTakeFirstOrThrow();

  it("sends an email exactly once when the app is killed while the SMTP server has its data but has not answered", async () => {
    sink.setHold(true);
    const app = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW, env: { SMTP_URL: sink.url } });
    const { address, outboxId } = await requestReset(app);
    const held = await sink.waitForHeld(120_000);
    expect(held.to).toEqual([address]);
    await app.kill();
    // The sender hung up before the 250: the held message was never accepted.
    expect(await sink.waitForDropped(30_000)).toBe(held);
    sink.setHold(false);
    await waitFor("PostgreSQL to end the dead delivery's transaction", async () => (await openTransactions()) === 0, 120_000, 100);
    expect(await outboxRow(outboxId)).toEqual({ status: "pending", attempts: 0 });

    const restarted = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW, env: { SMTP_URL: sink.url } });
    const delivered = await sink.waitFor((message) => message.to.includes(address), 120_000);
    await waitFor("the outbox to mark the email sent", async () => (await outboxRow(outboxId)).status === "sent", 60_000);
    expect(sink.messages.filter((message) => message.to.includes(address))).toHaveLength(1);
    expect(await outboxRow(outboxId)).toEqual({ status: "sent", attempts: 1 });
    // Every attempt carries the outbox row's own Message-ID.
    expect(delivered.messageId).toBe(`<${outboxId}@schakel.local>`);
    expect(held.messageId).toBe(delivered.messageId);
    await restarted.stop();
    expect(sink.messages.filter((message) => message.to.includes(address))).toHaveLength(1);
  }, 600_000);

  it("sends it again, with the same Message-ID, when the app is killed after the SMTP server's 250 but before the email is marked sent", async () => {
    sink.setHold(true);
    const app = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW, env: { SMTP_URL: sink.url } });
    const { address, outboxId } = await requestReset(app);
    await sink.waitForHeld(120_000);

    // The outbox row is locked by the delivery (select … for update); a SHARE lock on the table lets
    // that be but makes the update to 'sent' wait, which holds the app in the window.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const locker = t.db.transaction().execute(async (trx) => {
      await sql`lock table email_outbox in share mode`.execute(trx);
      locked();
      await released;
    });
    try {
      await isLocked;
      sink.setHold(false);
      sink.releaseHeld();
      const accepted = await sink.waitFor((message) => message.to.includes(address), 30_000);
      expect(accepted.messageId).toBe(`<${outboxId}@schakel.local>`);
      await waitFor("the app to wait to mark the email sent", async () =>
        (await count(sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike 'update "email_outbox"%'`)) === 1,
      60_000);
      await app.kill();
    } finally {
      release();
      await locker;
    }
    await waitFor("PostgreSQL to end the dead delivery's transaction", async () => (await openTransactions()) === 0, 120_000, 100);
    expect(await outboxRow(outboxId)).toEqual({ status: "pending", attempts: 0 });

    const restarted = await startAppProcess({ databaseUrl: t.url, now: TEST_NOW, env: { SMTP_URL: sink.url } });
    await waitFor("the outbox to mark the email sent", async () => (await outboxRow(outboxId)).status === "sent", 120_000);
    const copies = sink.messages.filter((message) => message.to.includes(address));
    expect(copies).toHaveLength(2);
    // At least once: the copy is recognisable as the same message.
    expect(copies.map((message) => message.messageId)).toEqual([`<${outboxId}@schakel.local>`, `<${outboxId}@schakel.local>`]);
    expect(await outboxRow(outboxId)).toEqual({ status: "sent", attempts: 1 });
    await restarted.stop();
  }, 600_000);
});

/**
 * Without DATABASE_URL the app starts PostgreSQL itself. Killed outright, the app runs none of its
 * shutdown code, and PostgreSQL (a daemon in a session of its own) used to stay running with its
 * port and data folder taken. The watchdog the app starts beside it stops it (decision 094).
 */
describe("the app with its own embedded PostgreSQL, killed with SIGKILL", () => {
  const dataDir = path.resolve("tests/.tmp/sigkill-embedded");
  const postmasterPid = async () => Number((await fs.readFile(path.join(dataDir, "postgres/postmaster.pid"), "utf8")).split("\n")[0]);
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  afterAll(async () => {
    await killAppProcesses();
    // Should the watchdog have failed, the test does not leave its own failure running either.
    const pid = await postmasterPid().catch(() => 0);
    if (pid && isAlive(pid)) process.kill(pid, "SIGTERM");
  });

  it("leaves no PostgreSQL behind: the database server is gone within a few seconds, and the next start runs its own", async () => {
    const app = await startAppProcess({ databaseUrl: null, now: TEST_NOW, env: { DATA_DIR: dataDir } });
    const postgres = await postmasterPid();
    expect(isAlive(postgres)).toBe(true);

    await app.kill();
    const killedAt = Date.now();
    await waitFor("PostgreSQL to stop after its app was killed", async () => !isAlive(postgres), 30_000, 50);
    const goneAfter = Date.now() - killedAt;
    expect(goneAfter).toBeLessThan(5_000);
    process.stdout.write(`[faults-sigkill] PostgreSQL gone ${goneAfter} ms after its app was killed\n`);

    // A graceful stop stops it too, and the watchdog then stands down without a word.
    const restarted = await startAppProcess({ databaseUrl: null, now: TEST_NOW, env: { DATA_DIR: dataDir } });
    const second = await postmasterPid();
    expect(second).not.toBe(postgres);
    expect((await fetch(`${restarted.url}/healthz`)).status).toBe(200);
    await restarted.stop();
    await waitFor("PostgreSQL to stop with its app", async () => !isAlive(second), 5_000, 50);
  }, 180_000);
});

/** The lock that tells a live commit from a dead one, without killing anything. */
describe("an import marked 'committing'", () => {
  let t: TestDatabase;
  let api: ReturnType<typeof createTestApp>;
  let token: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    api = createTestApp(t.db, { now: TEST_NOW });
    const regionId = (await makeRegion(t.db)).id;
    token = (await makeUserWithToken(t.db, { regionId, role: "accounthouder" })).token;
  });
  afterAll(() => t.drop());

  it("stays committing while its commit's transaction lives, refuses a second commit, and is staged again once that transaction is gone", async () => {
    const staged = await api.request("/api/v1/imports/organisations?dryRun=true", { method: "POST", token, body: "Naam;KvK\nLevend Bedrijf;40000001\n", headers: { "content-type": "text/csv" } });
    const { id } = (await staged.json()) as { id: string };
    const status = async () => ((await (await api.request(`/api/v1/imports/${id}`, { token })).json()) as { status: string; interruptedAt: string | null });

    // A commit in another process, at work: its transaction holds the import's lock.
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => (started = resolve));
    const otherProcess = t.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('schakel:import-commit'), hashtext(${id}::text))`.execute(trx);
      await t.db.updateTable("imports").set({ status: "committing" }).where("id", "=", id).execute();
      started();
      await finished;
    });
    try {
      await isStarted;
      expect(await status()).toMatchObject({ status: "committing", interruptedAt: null });
      const second = await api.request(`/api/v1/imports/${id}/commit`, { method: "POST", token });
      expect(second.status).toBe(409);
      expect(await status()).toMatchObject({ status: "committing" });
    } finally {
      finish();
      await otherProcess;
    }

    // Its transaction ended without committing the import (as when its process dies).
    expect(await status()).toEqual(expect.objectContaining({ status: "staged", interruptedAt: TEST_NOW.toISOString() }));
    const committed = await api.request(`/api/v1/imports/${id}/commit`, { method: "POST", token });
    expect(committed.status).toBe(200);
    expect(await committed.json()).toMatchObject({ status: "committed", interruptedAt: null, counts: { new: 1 } });
  });
});
