import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { knownMigrations } from "../../server/db/migrate";
import { CookieJar } from "../support/app";
import { killAppProcesses, startAppProcess, waitFor, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";
import { sendRaw, sentMail } from "../support/mail";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { SIGN_IN_LIMITS } from "../../server/auth/rate-limit";

/**
 * Issue 19 item 2 (decision 139): two instances of `npm start` — two real server processes, each
 * with its own jobs and SMTP listener — on one PostgreSQL given by DATABASE_URL, as two machines
 * behind a load balancer would run them. They start together on an empty database, and what one
 * does the other honours: sessions, rate limits, staged imports, and what must happen once (the
 * migrations, a scheduled job, an email) happens once.
 */
const MAIL_DOMAIN = "log.schakel.test";
const REQUEST_TIMEOUT_MS = 15_000;
const HEALTH_SCHEDULE = "30 2 * * *";

// JSON answers, read field by field in the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe("two instances on one database", () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let a: AppProcess;
  let b: AppProcess;
  let regionId: string;

  /** One request with a limit of its own, never following a redirect. */
  const call = (app: AppProcess, path: string, init: RequestInit & { token?: string; jar?: CookieJar } = {}) => {
    const { token, jar, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    if (jar?.size) headers.set("cookie", jar.header());
    return fetch(`${app.url}${path}`, { ...rest, headers, redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  };
  const json = async (response: Response): Promise<Json> => (await response.json()) as Json;
  /** The sign-in form as a browser without JavaScript sends it, to the instance the balancer picked. */
  const signIn = async (app: AppProcess, email: string, password: string, jar?: CookieJar) => {
    const response = await call(app, "/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: app.url },
      body: new URLSearchParams({ email, password, redirectTo: "/" }).toString(),
    });
    await response.arrayBuffer();
    jar?.store(response);
    return response;
  };
  const smtpPortOf = (app: AppProcess) => Number(/is taken on SMTP port (\d+)/.exec(app.output())?.[1]);

  beforeAll(async () => {
    t = await createTestDatabase({ empty: true });
    sink = await startSmtpSink();
    // Both at once on an empty database: each finds migrations to apply, and the lock lets one do it.
    const env = { SMTP_URL: sink.url, INBOUND_SMTP_PORT: "0", INBOUND_MAIL_DOMAIN: MAIL_DOMAIN };
    [a, b] = await Promise.all([startAppProcess({ databaseUrl: t.url, now: TEST_NOW, env }), startAppProcess({ databaseUrl: t.url, now: TEST_NOW, env })]);
    // The health recompute runs nightly; here its schedule is moved to every minute, and the
    // schedule's last check forgotten, so the next check of either instance (at most 30 s away)
    // sends it. The other claims later in this file run while it comes.
    await sql`update pgboss.schedule set cron = '* * * * *' where name = 'health-recompute'`.execute(t.db);
    await sql`update pgboss.version set cron_on = null`.execute(t.db);
    regionId = (await makeRegion(t.db)).id;
  }, 120_000);
  afterAll(async () => {
    await killAppProcesses();
    await sink?.stop();
    await t?.drop();
  });

  it("migrate the empty database once: one instance applies every migration under the lock, the other finds none to apply; both setup addresses work", async () => {
    const applied = [a, b].filter((app) => app.output().includes("Applied migrations:"));
    expect(applied).toHaveLength(1);
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(t.db);
    expect(rows.map((row) => row.name)).toEqual(await knownMigrations());
    // Each printed a setup address, and each works on the other instance too.
    const tokens = [a, b].map((app) => /\/setup\?token=([\w-]+)/.exec(app.output())?.[1]);
    for (const [i, token] of tokens.entries()) {
      expect(token).toBeTruthy();
      const html = await (await call(i === 0 ? b : a, `/setup?token=${token!}`)).text();
      expect(html).toContain('name="regionSlug"');
    }
    // Both serve, each on its own SMTP port.
    expect(smtpPortOf(a)).toBeGreaterThan(0);
    expect(smtpPortOf(b)).toBeGreaterThan(0);
    expect(smtpPortOf(a)).not.toBe(smtpPortOf(b));
  });

  it("honour on one instance the session made by signing in on the other, and end it on both when it is ended on one", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const jar = new CookieJar();
    expect((await signIn(a, user.email, TEST_PASSWORD, jar)).status).toBe(302);
    expect(jar.sessionId).toBeTruthy();
    const onB = await call(b, "/api/v1/me", { jar });
    expect(onB.status).toBe(200);
    expect(await json(onB)).toMatchObject({ id: user.id, email: user.email });
    const page = await call(b, "/organisations", { jar });
    await page.arrayBuffer();
    expect(page.status).toBe(200);

    const signedOut = await call(b, "/sign-out", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: b.url }, body: "", jar });
    await signedOut.arrayBuffer();
    expect(signedOut.status).toBe(302);
    const afterwards = await call(a, "/api/v1/me", { headers: { cookie: `schakel_session=${jar.sessionId ?? ""}` } });
    await afterwards.arrayBuffer();
    expect(afterwards.status).toBe(401);
  });

  it("count failed sign-ins on either instance against the same limit", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    for (let i = 0; i < SIGN_IN_LIMITS.perAccountAndAddress; i++) {
      expect((await signIn(i % 2 ? b : a, user.email, `guess ${i}`)).status).toBe(400);
    }
    // The right password now waits, on both: the failures of one are the other's.
    expect((await signIn(a, user.email, TEST_PASSWORD)).status).toBe(429);
    expect((await signIn(b, user.email, TEST_PASSWORD)).status).toBe(429);
  });

  it("commit on one instance an import staged on the other", async () => {
    const { token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder" });
    const names = [`Twee Instanties ${randomBytes(3).toString("hex")} BV`, `Gedeelde Database ${randomBytes(3).toString("hex")} BV`];
    const staged = await call(a, "/api/v1/imports/organisations?dryRun=true&fileName=partners.csv", {
      method: "POST", token, headers: { "content-type": "text/csv; charset=utf-8" }, body: `Naam;Plaats\n${names[0]};Enschede\n${names[1]};Hengelo\n`,
    });
    expect(staged.status).toBe(200);
    const dryRun = await json(staged);
    expect(dryRun).toMatchObject({ status: "staged", counts: { new: 2 } });

    const committed = await call(b, `/api/v1/imports/${dryRun.id as string}/commit`, { method: "POST", token });
    expect(committed.status).toBe(200);
    expect(await json(committed)).toMatchObject({ id: dryRun.id, status: "committed", counts: { new: 2 } });
    const stored = await t.db.selectFrom("organisations").select("name").where("region_id", "=", regionId).where("name", "in", names).execute();
    expect(stored.map((row) => row.name).sort()).toEqual([...names].sort());
  });

  it("send an email queued by a request to one instance once", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const posted = await call(a, "/forgot-password", {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: a.url }, body: new URLSearchParams({ email: user.email }).toString(),
    });
    await posted.arrayBuffer();
    expect(posted.status).toBe(200);
    await sink.waitFor((message) => message.to.includes(user.email), 30_000);
    // The outbox row is marked sent in the transaction that held it locked while it was sent: once
    // it says sent, no other sender can take it, so the count below is final.
    const row = await waitFor("the outbox row marked sent", async () => {
      const found = await t.db.selectFrom("email_outbox").select(["status", "attempts"]).where("to_address", "=", user.email).execute();
      return found.length === 1 && found[0]!.status === "sent" ? found[0]! : false;
    }, 15_000, 100);
    expect(row.attempts).toBe(1);
    expect(sink.messages.filter((message) => message.to.includes(user.email))).toHaveLength(1);
  });

  it("take mail on both SMTP listeners, and a message delivered to both once", async () => {
    const { user, token } = await makeUserWithToken(t.db, { regionId, role: "accounthouder", email: `eva-${randomBytes(3).toString("hex")}@school.example` });
    const logAddress = (await json(await call(a, "/api/v1/me", { token }))).loggingAddress as string;
    expect(logAddress).toMatch(new RegExp(`@${MAIL_DOMAIN.replace(/\./g, "\\.")}$`));
    const mail = (subject: string) => sentMail({ from: user.email, to: ["iemand@onbekend.example"], subject, text: "Zoals besproken.", messageId: `${randomBytes(6).toString("hex")}@school.example` });
    const toA = mail(`Via ${a.url}`);
    expect(await sendRaw(smtpPortOf(a), { from: user.email, to: logAddress }, toA)).toMatchObject({ accepted: true, code: 250 });
    expect(await sendRaw(smtpPortOf(b), { from: user.email, to: logAddress }, mail(`Via ${b.url}`))).toMatchObject({ accepted: true, code: 250 });
    // A sending server that tries again at the other instance is answered, and nothing is kept twice.
    expect(await sendRaw(smtpPortOf(b), { from: user.email, to: logAddress }, toA)).toMatchObject({ accepted: true, code: 250 });
    const taken = await t.db.selectFrom("inbound_messages").select("subject").where("region_id", "=", regionId).execute();
    expect(taken.map((row) => row.subject).sort()).toEqual([`Via ${a.url}`, `Via ${b.url}`].sort());
  });

  it("run a scheduled job once, in one of them", async () => {
    const jobs = () => sql<{ id: string; state: string }>`select id, state from pgboss.job where name = 'health-recompute'`.execute(t.db).then((result) => result.rows);
    // Sent by whichever instance checked the schedules first; moved back at once, so the next
    // minute does not send another.
    await waitFor("the health recompute to be sent", async () => (await jobs()).length > 0, 50_000, 100);
    await sql`update pgboss.schedule set cron = ${HEALTH_SCHEDULE} where name = 'health-recompute'`.execute(t.db);
    await waitFor("the health recompute to finish", async () => (await jobs()).every((job) => job.state === "completed"), 30_000, 100);
    expect(await jobs()).toHaveLength(1);
    const ran = [a, b].map((app) => app.output().match(/health: \d+ organisations recomputed/g)?.length ?? 0);
    expect(ran.sort()).toEqual([0, 1]);
  }, 90_000);
});
