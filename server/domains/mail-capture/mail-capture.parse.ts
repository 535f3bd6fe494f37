import type { AddressObject, ParsedMail } from "mailparser";
import { AppError } from "../../errors";
import type { MailAddress } from "./mail-capture.forwards";

/**
 * A raw message (RFC 5322, MIME) read with mailparser's simpleParser into what capture needs. The
 * parser is loaded with the first message (decision 081); attachments are read only to be named,
 * to find an invitation (text/calendar, .ics) or a forwarded message (message/rfc822, .eml), and are
 * never stored.
 */
export type ParsedMessage = {
  from: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  deliveredTo: string[];
  subject: string;
  messageId: string | null;
  /** The Date: header, or null when it is missing or unreadable (mailparser would say "now"). */
  date: Date | null;
  text: string;
  attachmentNames: string[];
  calendars: string[];
  attachedMessages: Buffer[];
  /** The values of these headers, topmost (the last hop's) first. */
  authenticationResults: string[];
  receivedSpf: string[];
  returnPath: string | null;
};

/** HTML longer than this is not turned into text (mailparser's own guard against a slow conversion). */
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024;

export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  const { simpleParser } = await import("mailparser");
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true, maxHtmlLengthToParse: MAX_HTML_TO_TEXT });
  } catch (error) {
    throw new AppError("VALIDATION_FAILED", `The message could not be read as MIME: ${error instanceof Error ? error.message : String(error)}`);
  }
  const headerValues = (key: string) =>
    parsed.headerLines.filter((line) => line.key === key).map((line) => unfold(line.line.slice(line.line.indexOf(":") + 1)));
  const rawDate = headerValues("date")[0];
  const date = rawDate ? new Date(Date.parse(rawDate.replace(/\s*\([^)]*\)\s*$/, ""))) : null;
  const attachmentNames: string[] = [];
  const calendars: string[] = [];
  const attachedMessages: Buffer[] = [];
  for (const attachment of parsed.attachments) {
    const type = attachment.contentType.toLowerCase();
    const name = attachment.filename ?? "";
    if (type === "text/calendar" || type === "application/ics" || /\.ics$/i.test(name)) calendars.push(attachment.content.toString("utf8"));
    else if (type === "message/rfc822" || /\.eml$/i.test(name)) attachedMessages.push(attachment.content);
    // Inline calendar parts and inline images have no name a person gave them: not listed.
    if (name && attachment.contentDisposition !== "inline") attachmentNames.push(name.slice(0, 255));
  }
  const returnPath = headerValues("return-path")[0];
  return {
    from: addressesOf(parsed.from),
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    deliveredTo: headerValues("delivered-to").map((value) => value.trim().toLowerCase()),
    subject: (parsed.subject ?? "").replace(/\s+/g, " ").trim().slice(0, 1000),
    messageId: parsed.messageId?.trim().slice(0, 998) || null,
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    text: parsed.text ?? "",
    attachmentNames: attachmentNames.slice(0, 100),
    calendars,
    attachedMessages,
    authenticationResults: headerValues("authentication-results"),
    receivedSpf: headerValues("received-spf"),
    returnPath: returnPath ? (/<([^>]*)>/.exec(returnPath)?.[1] ?? returnPath).trim().toLowerCase() : null,
  };
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, " ").trim();
}

/** The addresses of a header, groups flattened, lower-cased, each once. */
export function addressesOf(value: AddressObject | AddressObject[] | undefined): MailAddress[] {
  const found: MailAddress[] = [];
  const visit = (entries: Array<{ address?: string | undefined; name: string; group?: unknown }>) => {
    for (const entry of entries) {
      if (Array.isArray(entry.group)) visit(entry.group as typeof entries);
      const address = entry.address?.trim().toLowerCase();
      if (address && /^[^@\s]+@[^@\s]+$/.test(address) && !found.some((a) => a.address === address)) found.push({ address, name: (entry.name ?? "").slice(0, 200) });
    }
  };
  for (const object of Array.isArray(value) ? value : value ? [value] : []) visit(object.value);
  return found;
}
