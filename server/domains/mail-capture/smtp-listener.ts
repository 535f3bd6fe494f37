import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Clock } from "../../clock";
import type { Config } from "../../config";
import type { Database } from "../../db/database";
import { AppError } from "../../errors";
import type { Logger } from "../../logger";
import { loggingTokenOf } from "./mail-capture.addresses";
import { checkLoggingRecipient, ingestMessage, type IngestOutcome, MAX_MESSAGE_BYTES, withIngestSlot } from "./mail-capture.service";

/**
 * The SMTP listener of email capture (issue 16, decision 112): mail to `log-…@INBOUND_MAIL_DOMAIN`
 * straight from the sender's server, or from an MX or forwarding rule that relays it. It refuses
 * what it can before the data (unknown logging address, a sender who is not its owner: 550 at RCPT),
 * counts the data as it arrives (over 10 MB: 552, never more buffered), and takes a message in only
 * when an ingest slot and memory are free (otherwise 451: the sender's server tries again later,
 * nothing is lost). It shares the web server's process and event loop, so everything it does is
 * bounded: connections, bytes in memory, ingests at once, and idle time per connection.
 */

/** Bytes of message data held in memory by all connections together; past it a message hears 451. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const MAX_CLIENTS = 250;
const MAX_RECIPIENTS = 5;
const SOCKET_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 10_000;
/** How long a received message waits for an ingest slot before it hears 451 (its sender waits for the answer anyway). */
const SLOT_WAIT_MS = 10_000;

export type SmtpListener = { port: number; close(): Promise<void> };

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** The SMTP answer for a refusal or failure of ingest: 5xx for what will never be accepted, 451 for what may be later. */
export function smtpErrorOf(error: unknown): Error & { responseCode: number } {
  if (error instanceof AppError) {
    if (error.code === "NOT_FOUND") return smtpError(550, `5.1.1 ${error.message}`);
    if (error.code === "FORBIDDEN") return smtpError(550, `5.7.1 ${error.message}`);
    if (error.code === "VALIDATION_FAILED") return smtpError(550, `5.6.0 ${error.message}`);
  }
  return smtpError(451, "4.3.0 Schakel could not take the message now; try again later");
}

function answerOf(outcomes: IngestOutcome[]): string {
  const logged = outcomes.reduce((sum, outcome) => sum + (outcome.status === "logged" ? outcome.interactionIds.length : 0), 0);
  if (outcomes.some((o) => o.status === "logged")) return `2.0.0 Logged: ${logged} contact moment(s)`;
  if (outcomes.some((o) => o.status === "unmatched")) return "2.0.0 Kept in Te koppelen: no known contact person";
  if (outcomes.some((o) => o.status === "duplicate")) return "2.0.0 Already logged";
  return `2.0.0 Not logged: ${outcomes[0]?.reason ?? "nothing to log"}`;
}

export async function startSmtpListener(opts: { db: Database; config: Config; clock: Clock; log: Logger; port: number; host: string }): Promise<SmtpListener> {
  const { db, config, clock, log } = opts;
  const domain = config.inboundMail.domain;
  const tls = config.inboundMail.tls;
  let buffered = 0;

  const receive = (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, message?: string) => void) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    let overBudget = false;
    const release = () => {
      buffered -= held;
      held = 0;
      chunks.length = 0;
    };
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_MESSAGE_BYTES && held) release();
      if (size > MAX_MESSAGE_BYTES || overBudget) return;
      if (buffered + chunk.length > MAX_BUFFERED_BYTES) {
        // Memory for mail in flight is used up: this message is read to its end but not kept.
        overBudget = true;
        release();
        return;
      }
      chunks.push(chunk);
      held += chunk.length;
      buffered += chunk.length;
    });
    stream.once("error", (error: Error) => {
      release();
      callback(smtpError(451, `4.3.0 ${error.message}`));
    });
    stream.once("end", () => {
      if (size > MAX_MESSAGE_BYTES || stream.sizeExceeded) {
        release();
        // rejectOversized makes the server answer 552 whatever is said here.
        return callback(smtpError(552, `5.3.4 The message is larger than ${MAX_MESSAGE_BYTES} bytes`));
      }
      if (overBudget) return callback(smtpError(451, "4.3.1 Schakel is receiving too much mail at once; try again later"));
      const raw = Buffer.concat(chunks);
      chunks.length = 0;
      const recipients = [...new Set(session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()))];
      const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : null;
      const started = performance.now();
      // The message's bytes stay counted against the memory budget until it has been taken in.
      withIngestSlot(
        async () => {
          const outcomes: IngestOutcome[] = [];
          for (const recipient of recipients) {
            outcomes.push(await ingestMessage(db, { recipient, envelopeFrom, raw, via: "smtp" }, { now: clock.now(), trustedAuthservIds: config.inboundMail.trustedAuthservIds }));
          }
          return outcomes;
        },
        { waitMs: SLOT_WAIT_MS },
      )
        .then(
          (outcomes) => {
            if (!outcomes) return callback(smtpError(451, "4.3.2 Schakel is busy logging other mail; try again shortly"));
            log.info("mail", { via: "smtp", statuses: outcomes.map((o) => o.status), bytes: size, ms: Math.round(performance.now() - started) });
            callback(null, answerOf(outcomes));
          },
          (error: unknown) => {
            const answer = smtpErrorOf(error);
            if (answer.responseCode === 451) log.error("mail: ingest failed", { via: "smtp", error: error instanceof Error ? error.message : String(error) });
            else log.info("mail refused", { via: "smtp", code: answer.responseCode, reason: answer.message });
            callback(answer);
          },
        )
        .finally(release);
    });
  };

  const server = new SMTPServer({
    name: domain,
    banner: "Schakel mail capture",
    size: MAX_MESSAGE_BYTES,
    rejectOversized: true,
    authOptional: true,
    disabledCommands: tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    hideSTARTTLS: !tls,
    ...(tls ? { key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) } : {}),
    disableReverseLookup: true,
    logger: false,
    maxClients: MAX_CLIENTS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    closeTimeout: CLOSE_TIMEOUT_MS,
    onMailFrom(address, _session, callback) {
      // A bounce (null sender) is never its owner's mail.
      if (!address.address) return callback(smtpError(550, "5.7.1 Mail without a sender is not accepted"));
      callback();
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError(452, "4.5.3 Too many recipients"));
      const [, recipientDomain = ""] = address.address.toLowerCase().split("@");
      if (recipientDomain !== domain || !loggingTokenOf(address.address)) return callback(smtpError(550, "5.1.1 No such logging address"));
      const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
      checkLoggingRecipient(db, address.address, envelopeFrom).then(
        () => callback(),
        (error: unknown) => {
          const answer = smtpErrorOf(error);
          if (answer.responseCode === 451) log.error("mail: recipient check failed", { error: error instanceof Error ? error.message : String(error) });
          callback(answer);
        },
      );
    },
    onData: receive,
  });
  // A client that hangs up mid-conversation or sends garbage is an error event: logged, never fatal.
  server.on("error", (error: Error) => log.info("mail: connection error", { error: error.message }));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`INBOUND_SMTP_PORT ${opts.port} is in use: set INBOUND_SMTP_PORT to a free port, or to off`) : error);
    server.server.once("error", onError);
    server.listen(opts.port, opts.host, () => {
      server.server.off("error", onError);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
