import nodemailer, { type SendMailOptions } from "nodemailer";
import type { Database } from "../../db/database";

/** Anything that sends a message the way nodemailer does; a real transport in production and tests. */
export type MailTransport = { sendMail(message: SendMailOptions): Promise<unknown> };

/** After this many failed attempts an email is marked `failed` and stays in the outbox for an admin to see. */
export const MAX_DELIVERY_ATTEMPTS = 12;
const FIRST_RETRY_MINUTES = 1;
const LONGEST_RETRY_MINUTES = 60;
const LAST_ERROR_LENGTH = 2000;

/**
 * An SMTP transport from a URL such as `smtp://user:pass@mail.example.org:587`. The timeouts are far
 * below nodemailer's defaults (up to 10 minutes) because a row stays locked while its email is sent.
 */
export function createSmtpTransport(smtpUrl: string) {
  return nodemailer.createTransport({ url: smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
}

/** Minutes to wait before the next attempt after `attempts` failures: 1, 2, 4, ... up to 60. */
export function retryDelayMinutes(attempts: number): number {
  return Math.min(FIRST_RETRY_MINUTES * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MINUTES);
}

/**
 * Sends the emails that are due, oldest first, at most `batchSize` of them. Each email is claimed
 * with `for update skip locked` in its own transaction and stays locked while it is sent, so two
 * workers never send the same email. One transaction per email (not per batch) means that a
 * failure halfway through a batch cannot roll back the `sent` marks of emails already delivered,
 * which would send them again. `db` must be the database itself, not a transaction.
 */
export async function deliverDueEmails(
  db: Database,
  transport: MailTransport,
  opts: { now: Date; from: string; batchSize?: number },
): Promise<{ sent: number; failed: number }> {
  const batchSize = opts.batchSize ?? 50;
  const result = { sent: 0, failed: 0 };
  while (result.sent + result.failed < batchSize) {
    const outcome = await db.transaction().execute(async (trx) => {
      const email = await trx
        .selectFrom("email_outbox")
        .select(["id", "to_address", "to_name", "subject", "html", "text", "attempts"])
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", opts.now)
        .orderBy("created_at")
        .orderBy("id")
        .limit(1)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!email) return undefined;

      const attempts = email.attempts + 1;
      try {
        await transport.sendMail({
          messageId: outboxMessageId(email.id, opts.from),
          from: opts.from,
          to: email.to_name ? { name: email.to_name, address: email.to_address } : email.to_address,
          subject: email.subject,
          html: email.html,
          text: email.text,
        });
      } catch (error) {
        const isFinal = attempts >= MAX_DELIVERY_ATTEMPTS;
        await trx
          .updateTable("email_outbox")
          .set({
            attempts,
            status: isFinal ? "failed" : "pending",
            last_error: describeError(error),
            next_attempt_at: new Date(opts.now.getTime() + retryDelayMinutes(attempts) * 60_000),
          })
          .where("id", "=", email.id)
          .execute();
        return "failed" as const;
      }
      await trx
        .updateTable("email_outbox")
        .set({ attempts, status: "sent", sent_at: opts.now, last_error: null })
        .where("id", "=", email.id)
        .execute();
      return "sent" as const;
    });
    if (!outcome) break;
    result[outcome] += 1;
  }
  return result;
}

/**
 * The Message-ID of an outbox email: the same on every attempt, from any process. Delivery is at
 * least once: a process killed after the SMTP server's 250 but before the row is marked sent sends
 * the email again after the restart, and this lets mail servers and clients recognise the copy.
 */
export function outboxMessageId(outboxId: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? "schakel.local";
  return `<${outboxId}@${domain}>`;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.slice(0, LAST_ERROR_LENGTH);
}
