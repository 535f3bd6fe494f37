import { sql } from "kysely";
import PgBoss from "pg-boss";
import type { Database } from "../db/database";
import { queueSpeakerReminders } from "../domains/activities/speaker-reminders";
import { queueAgreementReminders } from "../domains/agreements/agreement-reminders";
import { queueWeeklyDigests } from "../domains/digest/digest.service";
import { createSmtpTransport, deliverDueEmails } from "../domains/email/delivery";
import { recomputeDueHealth } from "../domains/health/health.service";
import { applyRetention } from "../domains/privacy/privacy.service";
import { sendRequestedPasswordResets } from "../domains/users/users.service";
import { sendRequestedSignInLinks } from "../auth/sign-in-links";
import { pruneRateLimitBuckets, pruneSignInAttempts } from "../auth/rate-limit";
import { pruneInbox } from "../domains/mail-capture/mail-capture.service";

export type Jobs = {
  /** Asks for a delivery run now instead of at the next minute. Call it after the email's transaction commits. */
  notifyEmailQueued(): Promise<void>;
  /** Stops taking jobs, waits for running ones, and closes pg-boss's own connections (not `db`). */
  stop(): Promise<void>;
};

const EMAIL_DELIVER = "email-deliver";
const HEALTH_RECOMPUTE = "health-recompute";
const EMAIL_BATCH_SIZE = 50;
const WEEKLY_DIGEST = "weekly-digest";
const SPEAKER_REMINDERS = "speaker-reminders";
const AGREEMENT_REMINDERS = "agreement-reminders";
const PRIVACY_RETENTION = "privacy-retention";
const LIMITS_PRUNE = "rate-limits-prune";
const MAIL_INBOX_PRUNE = "mail-inbox-prune";
const STOP_TIMEOUT_MS = 30_000;

type JobsOptions = {
  connectionString: string;
  db: Database;
  smtpUrl?: string;
  mailFrom: string;
  now: () => Date;
  log: (line: string) => void;
  /** The address links in scheduled emails (the weekly digest) point to: `config.appUrl`. */
  appUrl: string;
};

/**
 * Starts pg-boss in its own schema (`pgboss`) of the application database, with its own small
 * connection pool, and the workers and schedules of Schakel.
 *
 * Every instance on the database starts its own (decision 139); pg-boss makes each job run once.
 * But pg-boss creates a queue with DDL (a table attached as a partition of its job table) that
 * deadlocks when two processes create queues at the same moment, as two instances starting together
 * on a new database do. So one instance at a time sets pg-boss up, under a session advisory lock on
 * a connection of `db`; the next finds the queues made and only adds its workers. The lock goes with
 * the connection should the process die holding it.
 */
export async function startJobs(opts: JobsOptions): Promise<Jobs> {
  return opts.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtext('schakel.jobs-setup'))`.execute(connection);
    try {
      return await setUpJobs(opts);
    } finally {
      // A connection lost meanwhile has released the lock with it: nothing left to undo.
      await sql`select pg_advisory_unlock(hashtext('schakel.jobs-setup'))`.execute(connection).catch(() => {});
    }
  });
}

async function setUpJobs(opts: JobsOptions): Promise<Jobs> {
  const boss = new PgBoss({ connectionString: opts.connectionString, schema: "pgboss", max: 4, application_name: "schakel-jobs" });
  // pg-boss reports failed polls and maintenance as events; an unhandled 'error' event would end the process.
  boss.on("error", (error) => opts.log(`jobs: ${error.message}`));
  await boss.start();

  const transport = opts.smtpUrl ? createSmtpTransport(opts.smtpUrl) : undefined;
  try {
    // "stately" keeps at most one waiting and one running delivery job: a burst of notifications
    // collapses into one job, and an email queued while a run is busy still gets the next one.
    // No pg-boss retries: the outbox keeps its own per-email retries, and the schedule runs every minute.
    await boss.createQueue(EMAIL_DELIVER, { name: EMAIL_DELIVER, policy: "stately", retryLimit: 0 });
    let isStopping = false;
    // Runs in progress, so stop() can wait for them before the caller closes `db`.
    const running = new Set<Promise<unknown>>();
    const track = <T,>(run: Promise<T>): Promise<T> => {
      const settled = run.catch(() => {}).finally(() => running.delete(settled));
      running.add(settled);
      return run;
    };
    const deliverOutbox = async () => {
      // "Forgot password" requests are answered here, off the request path (decision 098), with
      // links built from the configured address.
      await sendRequestedPasswordResets(opts.db, { now: opts.now(), appUrl: opts.appUrl });
      // So are partners' "send me a sign-in link" requests (decision 126).
      await sendRequestedSignInLinks(opts.db, { now: opts.now(), appUrl: opts.appUrl });
      // Without SMTP the mail stays pending in the outbox, where an admin page shows it.
      if (!transport) return;
      const total = { sent: 0, failed: 0 };
      try {
        // Batch after batch until the due mail is done, or until stop() asks to finish early.
        while (!isStopping) {
          const batch = await deliverDueEmails(opts.db, transport, { now: opts.now(), from: opts.mailFrom, batchSize: EMAIL_BATCH_SIZE });
          total.sent += batch.sent;
          total.failed += batch.failed;
          if (batch.sent + batch.failed < EMAIL_BATCH_SIZE) break;
        }
      } catch (error) {
        // pg-boss records a failed job silently; say it where the operator looks.
        opts.log(`email: delivery run failed: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      } finally {
        if (total.sent || total.failed) opts.log(`email: ${total.sent} sent, ${total.failed} failed`);
      }
    };
    // A delivery job left 'active' by a killed process stays so until pg-boss expires it (15 minutes),
    // and under "stately" it blocks every new delivery run until then, so at start-up an active
    // delivery job is taken for a dead one. With several instances (decision 139) it may be another
    // instance's live run: failing it only lets two runs overlap, which the outbox's row locks
    // (for update skip locked) make safe, and that run's end is then not recorded.
    const orphaned = await sql<{ id: string }>`select id from pgboss.job where name = ${EMAIL_DELIVER} and state = 'active'`.execute(opts.db);
    if (orphaned.rows.length) {
      await boss.fail(EMAIL_DELIVER, orphaned.rows.map((job) => job.id));
      opts.log(`email: ${orphaned.rows.length} delivery run(s) of a stopped process let go`);
    }
    const workerId = await boss.work(EMAIL_DELIVER, { pollingIntervalSeconds: 5 }, () => {
      return track(deliverOutbox());
    });
    // What is due now (also an email a killed run was sending, rolled back to pending) goes out at
    // start-up rather than at the next minute.
    if (transport) {
      await boss.send(EMAIL_DELIVER, {}, { singletonKey: EMAIL_DELIVER });
      boss.notifyWorker(workerId);
    }
    // The same singleton key as notifyEmailQueued, so a scheduled run and a nudge do not queue twice.
    await boss.schedule(EMAIL_DELIVER, "* * * * *", {}, { singletonKey: EMAIL_DELIVER });
    if (!transport) opts.log("email: SMTP_URL is not set; email is kept in the outbox and not sent");

    // Every night: silence grows by itself, without any change to trigger it. Only the organisations
    // whose health can have changed by time alone are recomputed (decision 141); writes recompute theirs.
    await boss.createQueue(HEALTH_RECOMPUTE, { name: HEALTH_RECOMPUTE, policy: "singleton", retryLimit: 2, retryDelay: 300 });
    await boss.work(HEALTH_RECOMPUTE, async () => {
      return track(recomputeDueHealth(opts.db, opts.now()).then((result) => {
        opts.log(`health: ${result.organisations} organisations recomputed (those due today), ${result.changed} changed, ${result.tasksCreated} follow-ups`);
      }));
    });
    await boss.schedule(HEALTH_RECOMPUTE, "30 2 * * *", {}, { tz: "Europe/Amsterdam" });

    // The weekly digest: every morning after the nightly recompute, for the users whose day it is.
    // pg-boss retries a failed run (with backoff); digest_runs makes a retry queue only the digests
    // still missing, never one twice.
    await boss.createQueue(WEEKLY_DIGEST, { name: WEEKLY_DIGEST, policy: "singleton", retryLimit: 5, retryDelay: 300, retryBackoff: true });
    await boss.work(WEEKLY_DIGEST, async () => {
      const run = queueWeeklyDigests(opts.db, { now: opts.now(), appUrl: opts.appUrl }).catch((error: unknown) => {
        opts.log(`digest: run failed, pg-boss retries it: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      });
      track(run);
      const result = await run;
      if (result.queued) {
        opts.log(`digest: ${result.queued} weekly digest(s) queued`);
        await boss.send(EMAIL_DELIVER, {}, { singletonKey: EMAIL_DELIVER });
        boss.notifyWorker(workerId);
      }
    });
    await boss.schedule(WEEKLY_DIGEST, "0 6 * * *", {}, { tz: "Europe/Amsterdam" });

    // Guest-lesson speakers hear from us two days before, each once (activity_reminders).
    await boss.createQueue(SPEAKER_REMINDERS, { name: SPEAKER_REMINDERS, policy: "singleton", retryLimit: 5, retryDelay: 300, retryBackoff: true });
    await boss.work(SPEAKER_REMINDERS, async () => {
      const result = await track(queueSpeakerReminders(opts.db, { now: opts.now() }));
      if (result.queued) {
        opts.log(`reminders: ${result.queued} speaker reminder(s) queued`);
        await boss.send(EMAIL_DELIVER, {}, { singletonKey: EMAIL_DELIVER });
        boss.notifyWorker(workerId);
      }
    });
    await boss.schedule(SPEAKER_REMINDERS, "0 7 * * *", {}, { tz: "Europe/Amsterdam" });

    // Agreements expiring within 60 days: their owner and the penvoerder hear once (agreement_reminders).
    await boss.createQueue(AGREEMENT_REMINDERS, { name: AGREEMENT_REMINDERS, policy: "singleton", retryLimit: 5, retryDelay: 300, retryBackoff: true });
    await boss.work(AGREEMENT_REMINDERS, async () => {
      const result = await track(queueAgreementReminders(opts.db, { now: opts.now(), appUrl: opts.appUrl }));
      if (result.queued) {
        opts.log(`reminders: ${result.queued} agreement expiry reminder(s) queued`);
        await boss.send(EMAIL_DELIVER, {}, { singletonKey: EMAIL_DELIVER });
        boss.notifyWorker(workerId);
      }
    });
    await boss.schedule(AGREEMENT_REMINDERS, "15 7 * * *", {}, { tz: "Europe/Amsterdam" });

    // The AVG retention period: departed contacts are anonymised at night and the admins told.
    await boss.createQueue(PRIVACY_RETENTION, { name: PRIVACY_RETENTION, policy: "singleton", retryLimit: 3, retryDelay: 600, retryBackoff: true });
    await boss.work(PRIVACY_RETENTION, async () => {
      const result = await track(applyRetention(opts.db, { now: opts.now(), appUrl: opts.appUrl }));
      if (result.erased) {
        opts.log(`privacy: ${result.erased} departed contact(s) anonymised after the retention period`);
        await boss.send(EMAIL_DELIVER, {}, { singletonKey: EMAIL_DELIVER });
        boss.notifyWorker(workerId);
      }
    });
    await boss.schedule(PRIVACY_RETENTION, "30 3 * * *", {}, { tz: "Europe/Amsterdam" });

    // Rate-limit buckets untouched for a day are full again: their rows can go. Sign-in attempts
    // (an address and an IP each) go once no limit reads them any more.
    await boss.createQueue(LIMITS_PRUNE, { name: LIMITS_PRUNE, policy: "singleton", retryLimit: 1 });
    await boss.work(LIMITS_PRUNE, async () => {
      await track(pruneRateLimitBuckets(opts.db, opts.now()));
      await track(pruneSignInAttempts(opts.db, opts.now()));
    });
    await boss.schedule(LIMITS_PRUNE, "45 4 * * *", {}, { tz: "Europe/Amsterdam" });

    // Email capture: "Te koppelen" items nobody linked, and discarded ones, go after 30 days.
    await boss.createQueue(MAIL_INBOX_PRUNE, { name: MAIL_INBOX_PRUNE, policy: "singleton", retryLimit: 2, retryDelay: 600 });
    await boss.work(MAIL_INBOX_PRUNE, async () => {
      const deleted = await track(pruneInbox(opts.db, opts.now()));
      if (deleted) opts.log(`mail: ${deleted} unlinked or discarded message(s) older than 30 days deleted`);
    });
    await boss.schedule(MAIL_INBOX_PRUNE, "50 4 * * *", {}, { tz: "Europe/Amsterdam" });

    return {
      async notifyEmailQueued() {
        try {
          await boss.send(EMAIL_DELIVER, {}, { singletonKey: EMAIL_DELIVER });
          boss.notifyWorker(workerId);
        } catch (error) {
          // The email is safe in the outbox and the schedule sends it within a minute, so a failed
          // nudge must not fail the request that queued it.
          opts.log(`jobs: could not queue ${EMAIL_DELIVER}: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
      async stop() {
        isStopping = true;
        // `close` ends only the pool pg-boss opened from the connection string; `db` belongs to the caller.
        await boss.stop({ graceful: true, wait: true, close: true, timeout: STOP_TIMEOUT_MS });
        // pg-boss stops waiting after its timeout; the caller may close `db` once this returns, so
        // a delivery still using it must end first.
        await Promise.all([...running]);
        transport?.close();
      },
    };
  } catch (error) {
    await boss.stop({ graceful: false, close: true });
    transport?.close();
    throw error;
  }
}
