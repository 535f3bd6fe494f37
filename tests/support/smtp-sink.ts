import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type SinkMessage = { to: string[]; subject: string; text: string; html: string; raw: string; messageId: string };

export type SmtpSink = {
  /** `smtp://127.0.0.1:<port>`, ready for SMTP_URL or createSmtpTransport. */
  url: string;
  /** Every message accepted so far, in order of arrival. */
  messages: SinkMessage[];
  /** While true, the server answers every sender with a temporary failure (451). */
  setReject(reject: boolean): void;
  waitFor(predicate: (message: SinkMessage) => boolean, timeoutMs: number): Promise<SinkMessage>;
  /**
   * While true, a message whose data has arrived in full (up to the final dot) is held: the server
   * does not answer it yet, so the sender is waiting for the 250 that would make it accepted.
   */
  setHold(hold: boolean): void;
  /** Messages held and not yet answered. */
  held: SinkMessage[];
  /** Held messages whose sender hung up before the answer: never accepted, never in `messages`. */
  dropped: SinkMessage[];
  waitForHeld(timeoutMs: number): Promise<SinkMessage>;
  /** Answers 250 to every held message whose sender is still connected: they are accepted now. */
  releaseHeld(): void;
  /** Resolves once a held message has been dropped because its sender hung up. */
  waitForDropped(timeoutMs: number): Promise<SinkMessage>;
  stop(): Promise<void>;
};

/**
 * A real SMTP server on a free port of 127.0.0.1 that keeps what it receives, so tests exercise the
 * same nodemailer transport as production. No authentication and no TLS.
 */
export async function startSmtpSink(opts: { reject?: boolean } = {}): Promise<SmtpSink> {
  let isRejecting = opts.reject ?? false;
  let isHolding = false;
  const messages: SinkMessage[] = [];
  const waiters = new Set<(message: SinkMessage) => void>();
  const held: SinkMessage[] = [];
  const dropped: SinkMessage[] = [];
  // Per SMTP session: the held message and the answer it waits for.
  const holding = new Map<string, { message: SinkMessage; answer: () => void }>();
  const heldWaiters = new Set<() => void>();
  const droppedWaiters = new Set<() => void>();
  const accept = (message: SinkMessage) => {
    messages.push(message);
    for (const notify of waiters) notify(message);
  };

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
    // The sender of a held message hung up without hearing 250: that message was never accepted.
    onClose(session) {
      const pending = holding.get(session.id);
      if (!pending) return;
      holding.delete(session.id);
      held.splice(held.indexOf(pending.message), 1);
      dropped.push(pending.message);
      for (const notify of droppedWaiters) notify();
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
              messageId: parsed.messageId ?? "",
            };
            if (!isHolding) {
              accept(message);
              return callback();
            }
            held.push(message);
            holding.set(session.id, {
              message,
              answer: () => {
                accept(message);
                callback();
              },
            });
            for (const notify of heldWaiters) notify();
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
    setHold(hold) {
      isHolding = hold;
    },
    held,
    dropped,
    waitForHeld: (timeoutMs) => waitUntil(heldWaiters, () => held[0], timeoutMs, "No message was held"),
    waitForDropped: (timeoutMs) => waitUntil(droppedWaiters, () => dropped[0], timeoutMs, "No held message was dropped"),
    releaseHeld() {
      const pending = [...holding.values()];
      holding.clear();
      held.length = 0;
      for (const { answer } of pending) answer();
    },
    stop() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function waitUntil<T>(waiters: Set<() => void>, found: () => T | undefined, timeoutMs: number, failure: string): Promise<T> {
  const now = found();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`${failure} within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = () => {
      const value = found();
      if (value === undefined) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve(value);
    };
    waiters.add(check);
  });
}
