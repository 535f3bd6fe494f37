import { parseMailDate } from "./mail-capture.dates";

/**
 * Forwarded mail as the programs people use write it into the text of the forward, and the text a
 * region keeps of a mail: its own words, without the quoted history and the signature.
 */

export type MailAddress = { address: string; name: string };

export type ForwardFormat = "outlook" | "gmail" | "apple" | "thunderbird" | "eml";

/** The forwarded original: its sender and date count, not the forward's (issue 16). */
export type ForwardedOriginal = {
  format: ForwardFormat;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  date: Date | null;
  subject: string;
  /** The original's own text (what follows its header block), not yet cut to the region's retention. */
  text: string;
};

/** The separator line above a forwarded header block, by program. */
const MARKERS: Array<{ pattern: RegExp; format: ForwardFormat }> = [
  // Gmail: "---------- Forwarded message ---------" (and its Dutch "Doorgestuurd bericht").
  { pattern: /^-{5,}\s*(forwarded message|doorgestuurd bericht)\s*-{5,}$/i, format: "gmail" },
  // Thunderbird: "-------- Forwarded Message --------" / "-------- Doorgestuurd bericht --------".
  { pattern: /^-{5,}\s*(forwarded message|doorgestuurd bericht)\s*-{5,}$/i, format: "thunderbird" },
  // Apple Mail: "Begin forwarded message:" / "Begin doorgestuurd bericht:".
  { pattern: /^(begin forwarded message|begin doorgestuurd bericht)\s*:?$/i, format: "apple" },
];

const LABELS: Record<string, "from" | "date" | "to" | "cc" | "subject" | "other"> = {
  van: "from", from: "from",
  datum: "date", date: "date", verzonden: "date", sent: "date",
  aan: "to", to: "to",
  cc: "cc",
  onderwerp: "subject", subject: "subject",
  bcc: "other", bijlagen: "other", attachments: "other", "reply-to": "other", "beantwoorden aan": "other", prioriteit: "other", importance: "other", urgentie: "other",
};

/** `Label: value` at the start of a line, as forwards write them (Gmail's plain text sometimes in *stars*). */
const HEADER_LINE = /^\*?\s*([A-Za-z][A-Za-z -]{0,20}?)\s*:\*?\s*(.*)$/;

function labelOf(line: string): { label: (typeof LABELS)[string]; value: string } | null {
  const match = HEADER_LINE.exec(line.trim());
  if (!match) return null;
  const label = LABELS[match[1]!.toLowerCase()];
  return label ? { label, value: match[2]!.replace(/^\*+|\*+$/g, "").trim() } : null;
}

/** Outlook's block starts with From:/Van: and has Sent:/Verzonden: (or Date:/Datum:) within a few lines. */
function isOutlookBlockAt(lines: string[], index: number): boolean {
  if (labelOf(lines[index] ?? "")?.label !== "from") return false;
  for (let i = index + 1; i < Math.min(lines.length, index + 6); i++) {
    if (labelOf(lines[i] ?? "")?.label === "date") return true;
  }
  return false;
}

/**
 * The first forwarded original in a mail's text, or null. An explicit separator (Gmail, Apple Mail,
 * Thunderbird) always counts; Outlook's bare header block counts when the subject says it is a
 * forward, or when the mail went to no one but the logging address (`hasOtherRecipients` false): a
 * reply to a contact with the earlier mail quoted below it is that reply, not a forward.
 */
export function findInlineForward(text: string, options: { subject: string; hasOtherRecipients: boolean }): ForwardedOriginal | null {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^>\s?/, "").trim();
    const marker = MARKERS.find((m) => m.pattern.test(line));
    if (marker) {
      // Apple Mail quotes the whole forward ("> Van: …"): read it with one level of quoting taken off.
      const rest = /^\s*>/.test(lines[i]!) ? lines.slice(i + 1).map((l) => l.replace(/^\s*>\s?/, "")) : lines.slice(i + 1);
      const original = readHeaderBlock(rest, nextNonBlank(rest, 0), marker.format);
      if (original) return original;
      continue;
    }
    const isSeparator = /^_{10,}$/.test(line) || /^-{2,}\s*(oorspronkelijk bericht|original message)\s*-{2,}$/i.test(line);
    if ((isSeparator || i === 0 || !lines[i - 1]!.trim()) && isOutlookBlockAt(lines, isSeparator ? nextNonBlank(lines, i + 1) : i)) {
      const looksForwarded = /^\s*(fwd?|fw|doorst|tr|wg|vs)\s*:/i.test(options.subject) || !options.hasOtherRecipients;
      if (!looksForwarded) return null;
      const original = readHeaderBlock(lines, isSeparator ? nextNonBlank(lines, i + 1) : i, "outlook");
      if (original) return original;
    }
  }
  return null;
}

function nextNonBlank(lines: string[], from: number): number {
  let index = from;
  while (index < lines.length && !lines[index]!.trim()) index++;
  return index;
}

/** Reads `Label: value` lines from `start` up to the first blank line; the rest is the original's text. */
function readHeaderBlock(lines: string[], start: number, format: ForwardFormat): ForwardedOriginal | null {
  const values: Partial<Record<"from" | "date" | "to" | "cc" | "subject", string>> = {};
  let last: keyof typeof values | "other" | undefined;
  let index = start;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    if (!line.trim()) break;
    const labelled = labelOf(line);
    if (labelled) {
      last = labelled.label;
      if (labelled.label !== "other" && values[labelled.label] === undefined) values[labelled.label] = labelled.value;
    } else if (last === "to" || last === "cc") {
      // A long list of recipients wraps onto the next line without a label.
      values[last] = `${values[last] ?? ""} ${line.trim()}`;
    } else {
      break;
    }
  }
  if (values.from === undefined || (values.date === undefined && values.subject === undefined)) return null;
  const body = lines.slice(index).join("\n");
  return {
    format,
    from: parseAddressList(values.from)[0] ?? (values.from ? { address: "", name: cleanName(values.from) } : null),
    to: parseAddressList(values.to ?? ""),
    cc: parseAddressList(values.cc ?? ""),
    date: values.date ? parseMailDate(values.date) : null,
    subject: (values.subject ?? "").trim(),
    text: body,
  };
}

const EMAIL = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+/gi;

/**
 * The addresses in a written list: `Jan Jansen <jan@bouw.nl>; 'Piet' [mailto:piet@x.nl]`, `Jansen,
 * Jan <jan@bouw.nl>` (a comma inside a name), bare addresses. Each with the name written before it.
 */
export function parseAddressList(value: string): MailAddress[] {
  const found: MailAddress[] = [];
  let consumed = 0;
  for (const match of value.matchAll(EMAIL)) {
    const at = match.index ?? 0;
    const address = match[0].toLowerCase().replace(/^mailto:/, "");
    const before = value.slice(consumed, at);
    consumed = at + match[0].length;
    // Skip past the closing bracket, so the next name starts after it.
    const close = /^[>\]]/.exec(value.slice(consumed));
    if (close) consumed += 1;
    if (found.some((existing) => existing.address === address)) continue;
    found.push({ address, name: cleanName(before) });
  }
  return found;
}

function cleanName(text: string): string {
  return text
    .replace(/mailto:\s*$/i, "")
    .replace(/^[\s,;]+|[\s<[(]+$/g, "")
    .replace(/^["']+|["']+$/g, "")
    .trim()
    .slice(0, 200);
}

/** Where quoted history starts: a reply's attribution line, a forward's separator, Outlook's header block. */
function isQuoteStart(lines: string[], index: number): boolean {
  const line = lines[index]!.trim();
  if (/^(op|on)\s.+\s(schreef|wrote)\b.*:$/i.test(line)) return true;
  // Gmail wraps a long attribution: "Op ma 1 dec 2026 om 14:03 schreef Jan Jansen <" / "jan@bouw.nl>:".
  if (/^(op|on)\s.+/i.test(line) && /\b(schreef|wrote)\b.*:$/i.test((lines[index + 1] ?? "").trim())) return true;
  if (/^-{2,}\s*(oorspronkelijk bericht|original message|forwarded message|doorgestuurd bericht)\s*-{2,}$/i.test(line)) return true;
  if (/^(begin forwarded message|begin doorgestuurd bericht)\s*:?$/i.test(line)) return true;
  if (/^_{10,}$/.test(line)) return true;
  return isOutlookBlockAt(lines, index);
}

/**
 * A mail's own words: everything before the first quoted reply, forwarded block or signature ("-- "),
 * without lines quoted with ">", blank runs collapsed.
 */
export function ownText(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^--\s?$/.test(line)) break;
    if (isQuoteStart(lines, i)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line.trimEnd());
  }
  return kept.join("\n").replace(/\n{3,}/g, "\n\n").trim();
}
