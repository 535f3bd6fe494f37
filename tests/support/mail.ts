import { readFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";

/** A fixture of tests/fixtures/mail as a real client wrote it, with the test's addresses put in for {{USER}}, {{LOG}}, {{CONTACT}}. */
export function mailFixture(name: string, values: Record<string, string> = {}): Buffer {
  const text = readFileSync(path.resolve("tests/fixtures/mail", name), "utf8");
  const filled = text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? `${key.toLowerCase()}@example.nl`);
  return Buffer.from(filled.replace(/\r?\n/g, "\r\n"), "utf8");
}

export type SmtpAnswer = { accepted: boolean; code: number; response: string };

/**
 * Sends one raw message over SMTP with nodemailer, as a mail server would deliver it (no TLS, no
 * AUTH), and says what the listener answered, refusals included.
 */
export async function sendRaw(port: number, envelope: { from: string; to: string | string[] }, raw: Buffer | string): Promise<SmtpAnswer> {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true, connectionTimeout: 10_000, socketTimeout: 30_000 });
  try {
    const info = await transport.sendMail({ envelope, raw });
    return { accepted: info.accepted.length > 0, code: Number(/^(\d{3})/.exec(info.response)?.[1] ?? 250), response: info.response };
  } catch (error) {
    const { responseCode, response, message } = error as { responseCode?: number; response?: string; message: string };
    return { accepted: false, code: responseCode ?? 0, response: response ?? message };
  } finally {
    transport.close();
  }
}

/** A plain message as a mail program sends it: the owner writes to people, BCC'ing the logging address (not in the headers). */
export function sentMail(input: { from: string; to: string[]; cc?: string[]; subject: string; text: string; messageId: string; date?: string; extraHeaders?: string }): Buffer {
  return Buffer.from(
    [
      `From: ${input.from}`,
      `To: ${input.to.join(", ")}`,
      ...(input.cc?.length ? [`Cc: ${input.cc.join(", ")}`] : []),
      `Subject: ${input.subject}`,
      `Date: ${input.date ?? "Fri, 5 Dec 2026 09:00:00 +0100"}`,
      `Message-ID: <${input.messageId}>`,
      ...(input.extraHeaders ? [input.extraHeaders] : []),
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      input.text,
      "",
    ].join("\r\n"),
  );
}
