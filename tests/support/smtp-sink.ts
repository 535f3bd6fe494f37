import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type SinkMessage = { to: string[]; subject: string; text: string; html: string; raw: string };

export type SmtpSink = {
  /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL or createSmtpTransport. */
  url: string;
  /** Every message accepted so far, in order of arrival. */
  messages: SinkMessage[];
  /** While true, the server answers every sender with a temporary failure (451). */
  setReject(reject: boolean): void;
  waitFor(predicate: (message: SinkMessage) => boolean, timeoutMs: number): Promise<SinkMessage>;
  stop(): Promise<void>;
};

/**
 * A real SMTP server on a free port of 127.0.0.1 that keeps what it receives, so tests exercise the
 * same nodemailer transport as production. No authentication and no TLS.
 */
export async function startSmtpSink(opts: { reject?: boolean } = {}): Promise<SmtpSink> {
  let isRejecting = opts.reject ?? false;
  const messages: SinkMessage[] = [];
  const waiters = new Set<(message: SinkMessage) => void>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1_000,
    onMailFrom(_address, _session, callback) {
      if (!isRejecting) return callback();
      callback(Object.assign(new Error("Mailbox temporarily unavailable"), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (parsed) => {
            const message: SinkMessage = {
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              subject: parsed.subject ?? "",
              text: parsed.text ?? "",
              html: parsed.html || "",
              raw,
            };
            messages.push(message);
            for (const notify of waiters) notify(message);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  // A client that hangs up mid-conversation is an error event; a sink has nobody to tell.
  server.on("error", () => {});

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    setReject(reject) {
      isRejecting = reject;
    },
    waitFor(predicate, timeoutMs) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`No matching email arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = (message: SinkMessage) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(message);
        };
        waiters.add(check);
      });
    },
    stop() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
