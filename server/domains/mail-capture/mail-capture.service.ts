import { createHash } from "node:crypto";
import { type Insertable, sql } from "kysely";
import type { InboundMessageKind, InboundMessagesTable, InteractionKind, InteractionSource, MailRetention } from "../../../db/schema";
import type { Actor, Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database, Tx } from "../../db/database";
import { AppError, notFound } from "../../errors";
import { concurrencyGate } from "../../http/concurrency-gate";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { recomputeOrganisations } from "../health/health.service";
import { logInteraction } from "../interactions/interactions.service";
import { addContact } from "../people/people.service";
import { allowedSendersOf, findLoggingAddressOwner, LOGGING_TOKEN, type LoggingAddressOwner } from "./mail-capture.addresses";
import { PUBLIC_MAIL_DOMAINS, suggestJobChanges } from "./mail-capture.job-changes";
import { authenticationRefusal, type AuthenticationVerdicts, senderRefusal } from "./mail-capture.auth";
import { type CalendarInvitation, parseInvitation } from "./mail-capture.calendar";
import { findInlineForward, type ForwardedOriginal, type MailAddress, ownText } from "./mail-capture.forwards";
import { type ParsedMessage, parseMessage } from "./mail-capture.parse";
import type { LinkInboxItemInput, ListInboxInput } from "./mail-capture.schemas";
import { countDropped, getMailCaptureSettings, matchingNeverLog } from "./mail-capture.settings";

/**
 * Email capture (issue 16): a message sent to a user's logging address becomes contact moments on
 * the organisations of the known people in it, once, or waits in the user's "Te koppelen" list.
 * The decisions 110–114 say why it works this way.
 */

/** The largest message taken in, over SMTP (552 past it) and HTTP (413). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** Messages parsed and written at once, for SMTP and the HTTP endpoint together (2 cores, a pool of 10). */
export const MAX_INGESTS = 4;
/** The one ingest gate of the process: the SMTP listener and the HTTP endpoint share it (through globalThis). */
export const ingestGate = concurrencyGate("mail-ingest", MAX_INGESTS);
/** Messages that may wait for a slot; more are refused at once (451 / 503), as the gate does. */
const MAX_WAITING = 64;
const waiting: Array<() => void> = [];

/**
 * Runs `work` in an ingest slot, waiting up to `waitMs` for one (a burst is smoothed rather than
 * bounced), or returns null when none came free or too many wait already: the caller answers
 * "try again" (451 over SMTP, 503 over HTTP) and the sender's server retries.
 */
export async function withIngestSlot<T>(work: () => Promise<T>, options: { waitMs: number }): Promise<T | null> {
  const deadline = Date.now() + options.waitMs;
  for (;;) {
    const ran = await ingestGate.run(
      async () => {
        try {
          return { value: await work() };
        } finally {
          // After the gate's own bookkeeping has freed the slot.
          setImmediate(() => waiting.shift()?.());
        }
      },
      () => null,
    );
    if (ran) return ran.value;
    const left = deadline - Date.now();
    if (left <= 0 || waiting.length >= MAX_WAITING) return null;
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        const index = waiting.indexOf(wake);
        if (index !== -1) waiting.splice(index, 1);
        resolve();
      };
      const timer = setTimeout(wake, left);
      waiting.push(wake);
    });
  }
}

/** What "excerpt" keeps of a mail's own text. */
export const EXCERPT_CHARACTERS = 1_000;
/** What "full" keeps at most: a mail's own words, not an attached report pasted into it. */
export const FULL_TEXT_CHARACTERS = 100_000;
/** Unlinked items are deleted after this many days. */
export const INBOX_DAYS = 30;
const SUMMARY_CHARACTERS = 5_000;

export type IngestInput = {
  /** The logging address the message was sent to. */
  recipient: string;
  /** The envelope sender (SMTP MAIL FROM; over HTTP the relay's header or the message's Return-Path). */
  envelopeFrom: string | null;
  raw: Buffer;
  via: "smtp" | "http";
  /** Over HTTP: the region the inbound secret belongs to; the logging address must be of it. */
  regionId?: string;
  /** DKIM/SPF/DMARC results the caller checked itself; a failure refuses the message. */
  authResults?: AuthenticationVerdicts;
};

export type IngestContext = { now: Date; trustedAuthservIds: string[] };

export type IngestOutcome = {
  status: "logged" | "unmatched" | "duplicate" | "dropped";
  interactionIds: string[];
  /** The stored message ("Te koppelen" item when unmatched); absent when dropped or a duplicate. */
  inboundMessageId?: string;
  /** Why it was dropped or could not be placed, in English. */
  reason?: string;
};

/** The owner of a logging address, or a refusal: what the SMTP listener asks at RCPT TO. */
export async function checkLoggingRecipient(db: Database, recipient: string, envelopeFrom: string | null, options: { regionId?: string } = {}): Promise<LoggingAddressOwner> {
  const owner = await findLoggingAddressOwner(db, recipient, options);
  if (!owner) throw new AppError("NOT_FOUND", "No such logging address");
  if (envelopeFrom !== null) {
    const refusal = senderRefusal(await allowedSendersOf(db, owner), envelopeFrom, [{ address: envelopeFrom.trim().toLowerCase(), name: "" }]);
    if (refusal) throw new AppError("FORBIDDEN", refusal);
  }
  return owner;
}

/**
 * Takes one message sent to a logging address. Refuses (AppError: NOT_FOUND for an unknown address,
 * FORBIDDEN for a sender who is not its owner or a failed DKIM/SPF verdict, VALIDATION_FAILED for a
 * message that cannot be read) with nothing written; otherwise logs it, files it under "Te koppelen",
 * recognises it as a duplicate, or drops it (never-log, colleagues only) leaving only a count.
 */
export async function ingestMessage(db: Database, input: IngestInput, context: IngestContext): Promise<IngestOutcome> {
  const owner = await checkLoggingRecipient(db, input.recipient, null, { regionId: input.regionId });
  const allowed = await allowedSendersOf(db, owner);
  const envelopeRefusal = senderRefusal(allowed, input.envelopeFrom, [{ address: (input.envelopeFrom ?? "").trim().toLowerCase(), name: "" }]);
  if (envelopeRefusal) throw new AppError("FORBIDDEN", envelopeRefusal);
  const parsed = await parseMessage(input.raw);
  const refusal = senderRefusal(allowed, input.envelopeFrom, parsed.from) ?? authenticationRefusal(parsed, context.trustedAuthservIds, input.authResults);
  if (refusal) throw new AppError("FORBIDDEN", refusal);

  const capture = await captureOf(parsed, allowed, context.now);
  const own = (address: string) => allowed.has(address) || LOGGING_TOKEN.test(address.split("@")[0] ?? "");
  const parties = uniqueAddresses(capture.parties).filter((party) => !own(party.address));
  const colleagues = await colleagueAddresses(db, owner.regionId, parties.map((party) => party.address));
  const others = parties.filter((party) => !colleagues.has(party.address));
  if (parties.length && !others.length) return { status: "dropped", interactionIds: [], reason: "Mail only between colleagues of the region is not logged" };
  const neverLog = await matchingNeverLog(db, owner, others.map((party) => party.address));
  if (neverLog.length) {
    await countDropped(db, owner.regionId, neverLog);
    return { status: "dropped", interactionIds: [], reason: "An address in the message is on a never-log list" };
  }

  const { retention } = await getMailCaptureSettings(db, owner.regionId);
  const stored = {
    region_id: owner.regionId,
    user_id: owner.userId,
    dedupe_key: capture.dedupeKey,
    kind: capture.kind,
    via: input.via,
    message_id: parsed.messageId,
    calendar_uid: capture.invitation?.uid ?? null,
    subject: capture.subject || null,
    body: keptText(capture.text, retention),
    attachment_names: capture.attachmentNames,
    from_address: capture.from?.address || null,
    from_name: capture.from?.name || null,
    participants: others.map((party) => party.address),
    sent_at: capture.sentAt,
    date: toLocalDate(capture.sentAt),
    created_at: context.now,
  };
  if (capture.invitation) stored.date = capture.invitation.date;

  return withRetryOnDeadlock(() =>
    db.transaction().execute(async (trx) => {
      const actor = { id: owner.userId, name: owner.name };
      const scope: Scope = { regionId: owner.regionId, userId: owner.userId, role: owner.role, organisationId: null };
      if (capture.kind === "cancellation") return cancelMeeting(trx, scope, { ...stored, status: "logged" }, capture.invitation!.uid, { actor, now: context.now });

      // A person's current organisation: where they work today, whatever the mail's date.
      const placed = await placeParties(trx, owner.regionId, others.map((party) => party.address), toLocalDate(context.now));
      // Known contacts writing from a new company's domain: a possible job change, for staff to confirm.
      await suggestJobChanges(trx, { regionId: owner.regionId, userId: owner.userId }, others, { day: stored.date, today: toLocalDate(context.now), now: context.now });
      const status = placed.groups.size ? "logged" : "unmatched";
      const reason = placed.groups.size ? null : placed.reason;
      const inserted = await trx
        .insertInto("inbound_messages")
        .values({ ...stored, status, reason })
        .onConflict((oc) => oc.columns(["region_id", "dedupe_key"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!inserted) return { status: "duplicate" as const, interactionIds: [] };
      // A changed invitation (a higher SEQUENCE) replaces the moments of the earlier one.
      if (capture.invitation) await archiveMeetingMoments(trx, scope, capture.invitation.uid, inserted.id, context.now);
      if (!placed.groups.size) return { status: "unmatched" as const, interactionIds: [], inboundMessageId: inserted.id, reason: reason ?? undefined };

      const interactionIds: string[] = [];
      for (const [organisationId, personIds] of placed.groups) {
        const interaction = await logInteraction(
          trx, scope,
          { organisationId, kind: capture.interactionKind, summary: summaryOf(stored.subject, stored.body, capture.interactionKind), date: stored.date, personIds, nextStep: null, nextStepDate: null, source: capture.source },
          { actor, now: context.now },
        );
        interactionIds.push(interaction.id);
      }
      await trx.insertInto("inbound_message_interactions").values(interactionIds.map((id) => ({ region_id: owner.regionId, inbound_message_id: inserted.id, interaction_id: id }))).execute();
      return { status: "logged" as const, interactionIds, inboundMessageId: inserted.id };
    }),
  );
}

type Capture = {
  kind: InboundMessageKind;
  interactionKind: InteractionKind;
  source: InteractionSource;
  dedupeKey: string;
  subject: string;
  text: string;
  sentAt: Date;
  from: MailAddress | null;
  parties: MailAddress[];
  /** Names only: attachments are never stored (with a forwarded .eml, its own attachments too). */
  attachmentNames: string[];
  invitation?: CalendarInvitation;
};

/** What kind of message this is (an invitation, a forward, or mail the user sent), and who and when count. */
async function captureOf(parsed: ParsedMessage, allowed: Set<string>, now: Date): Promise<Capture> {
  const attached = await Promise.all(parsed.attachedMessages.slice(0, 5).map((raw) => parseMessage(raw).catch(() => null)));
  for (const text of [...parsed.calendars, ...attached.flatMap((message) => message?.calendars ?? [])]) {
    const invitation = await parseInvitation(text);
    if (!invitation) continue;
    return {
      kind: invitation.method === "CANCEL" ? "cancellation" : "invitation",
      interactionKind: "meeting",
      source: "calendar",
      dedupeKey: `cal:${invitation.uid}:${invitation.sequence}:${invitation.method}`,
      subject: invitation.summary || stripForwardPrefix(parsed.subject),
      text: ownText(parsed.text),
      sentAt: invitation.start,
      from: invitation.organizer,
      parties: [...(invitation.organizer ? [invitation.organizer] : []), ...invitation.attendees],
      attachmentNames: parsed.attachmentNames,
      invitation,
    };
  }
  const own = (address: string) => allowed.has(address) || LOGGING_TOKEN.test(address.split("@")[0] ?? "");
  const hasOtherRecipients = [...parsed.to, ...parsed.cc].some((recipient) => !own(recipient.address));
  const eml = attached.find((message) => message && message.from.length);
  const original: ForwardedOriginal | null = eml
    ? { format: "eml", from: eml.from[0] ?? null, to: eml.to, cc: eml.cc, date: eml.date, subject: eml.subject, text: eml.text }
    : findInlineForward(parsed.text, { subject: parsed.subject, hasOtherRecipients });
  if (original) {
    const sentAt = original.date ?? parsed.date ?? now;
    const subject = original.subject || stripForwardPrefix(parsed.subject);
    const key = original.date && original.from?.address
      ? `fwd:${sha256([original.from.address, minuteOf(original.date), subject.toLowerCase().replace(/\s+/g, " ")].join("|"))}`
      : messageKey(parsed);
    return {
      kind: "forward", interactionKind: "email", source: "email", dedupeKey: key, subject, text: ownText(original.text), sentAt,
      from: original.from, parties: [...(original.from?.address ? [original.from] : []), ...original.to, ...original.cc],
      attachmentNames: [...parsed.attachmentNames, ...(eml?.attachmentNames ?? [])].slice(0, 100),
    };
  }
  return {
    kind: "sent", interactionKind: "email", source: "email", dedupeKey: messageKey(parsed), subject: parsed.subject, text: ownText(parsed.text),
    sentAt: parsed.date ?? now, from: parsed.from[0] ?? null, parties: [...parsed.to, ...parsed.cc], attachmentNames: parsed.attachmentNames,
  };
}

function messageKey(parsed: ParsedMessage): string {
  if (parsed.messageId) return `mid:${parsed.messageId}`;
  return `hash:${sha256([parsed.from[0]?.address ?? "", parsed.date ? minuteOf(parsed.date) : "", parsed.subject, parsed.to.map((a) => a.address).join(",")].join("|"))}`;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** Forwards show the original's time to the minute (Outlook) or the second: compared to the minute. */
const minuteOf = (moment: Date) => moment.toISOString().slice(0, 16);
const stripForwardPrefix = (subject: string) => subject.replace(/^\s*((fwd?|fw|doorst|tr|wg|vs)\s*:\s*)+/i, "").trim();

function uniqueAddresses(addresses: MailAddress[]): MailAddress[] {
  const seen = new Map<string, MailAddress>();
  for (const address of addresses) if (address.address && !seen.has(address.address)) seen.set(address.address, address);
  return [...seen.values()];
}

/** What the region keeps of a mail's own text: nothing, 1,000 characters, or all of it (up to 100,000). */
export function keptText(text: string, retention: MailRetention): string | null {
  if (retention === "subject" || !text.trim()) return null;
  return text.trim().slice(0, retention === "excerpt" ? EXCERPT_CHARACTERS : FULL_TEXT_CHARACTERS);
}

function summaryOf(subject: string | null, body: string | null, kind: InteractionKind): string {
  const title = subject?.trim() || (kind === "meeting" ? "(afspraak zonder onderwerp)" : "(geen onderwerp)");
  return (body ? `${title}\n\n${body}` : title).slice(0, SUMMARY_CHARACTERS);
}

/** Addresses (of `addresses`) that are users of the region, by sign-in or confirmed further address. */
async function colleagueAddresses(db: Database, regionId: string, addresses: string[]): Promise<Set<string>> {
  if (!addresses.length) return new Set();
  const { rows } = await sql<{ email: string }>`
    select lower(email) as email from users where region_id = ${regionId} and email = any(${addresses}::citext[])
    union
    select lower(email) from mail_sender_addresses where region_id = ${regionId} and confirmed_at is not null and email = any(${addresses}::citext[])`.execute(db);
  return new Set(rows.map((row) => row.email));
}

/**
 * The known people among the addresses (a person of the region with that email, current or former
 * job), grouped by their current organisation: the primary job first, else the latest started.
 */
async function placeParties(db: Database, regionId: string, addresses: string[], day: string): Promise<{ groups: Map<string, string[]>; reason: string | null }> {
  const groups = new Map<string, string[]>();
  if (!addresses.length) return { groups, reason: "The message names no one but you" };
  const { rows } = await sql<{ person_id: string; organisation_id: string | null }>`
    select p.id as person_id, current_job.organisation_id
    from people p
    left join lateral (
      select a.organisation_id from affiliations a join organisations o on o.id = a.organisation_id
      where a.person_id = p.id and a.region_id = ${regionId} and o.archived_at is null
        and a.start_date <= ${day}::date and (a.end_date is null or a.end_date > ${day}::date)
      order by a.is_primary desc, a.start_date desc, a.created_at desc limit 1
    ) current_job on true
    where p.region_id = ${regionId} and p.email = any(${addresses}::citext[]) and p.anonymised_at is null and p.archived_at is null
    order by p.id`.execute(db);
  for (const row of rows) {
    if (!row.organisation_id) continue;
    const people = groups.get(row.organisation_id) ?? [];
    people.push(row.person_id);
    groups.set(row.organisation_id, people);
  }
  if (groups.size) return { groups, reason: null };
  return { groups, reason: rows.length ? "The known people in the message have no current organisation" : "No known contact person in the message" };
}

/** Archives the live contact moments an earlier invitation with this UID made (a changed or cancelled meeting). */
async function archiveMeetingMoments(db: Database, scope: Scope, uid: string, exceptMessageId: string, now: Date): Promise<string[]> {
  const earlier = await db
    .selectFrom("inbound_messages")
    .select("id")
    .where("region_id", "=", scope.regionId)
    .where("calendar_uid", "=", uid)
    .where("kind", "=", "invitation")
    .where("id", "<>", exceptMessageId)
    .execute();
  if (!earlier.length) return [];
  const ids = earlier.map((row) => row.id);
  // An earlier copy still waiting in "Te koppelen" is no longer worth linking.
  await db.updateTable("inbound_messages").set({ status: "discarded", decided_at: now, reason: "Replaced or cancelled by a later invitation" })
    .where("id", "in", ids).where("region_id", "=", scope.regionId).where("status", "=", "unmatched").execute();
  const archived = await db
    .updateTable("interactions")
    .set({ archived_at: now })
    .where("region_id", "=", scope.regionId)
    .where("archived_at", "is", null)
    .where("id", "in", db.selectFrom("inbound_message_interactions").select("interaction_id").where("region_id", "=", scope.regionId).where("inbound_message_id", "in", ids))
    .returning(["id", "organisation_id"])
    .execute();
  for (const row of archived) {
    await recordAudit(db, { regionId: scope.regionId, actorId: scope.userId, action: "interaction.archive", entityType: "interaction", entityId: row.id, after: { reason: "meeting changed or cancelled" }, now });
  }
  await recomputeOrganisations(db, archived.map((row) => row.organisation_id), now);
  return archived.map((row) => row.id);
}

type StoredMessage = Omit<Insertable<InboundMessagesTable>, "status" | "reason"> & { status: "logged" };

/** A METHOD:CANCEL: the meeting's contact moments are archived (by UID); the cancellation is kept for dedupe. */
async function cancelMeeting(db: Database, scope: Scope, stored: StoredMessage, uid: string, meta: { actor: Actor; now: Date }): Promise<IngestOutcome> {
  const inserted = await db
    .insertInto("inbound_messages")
    .values({ ...stored, participants: [], reason: null })
    .onConflict((oc) => oc.columns(["region_id", "dedupe_key"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) return { status: "duplicate", interactionIds: [] };
  const archived = await archiveMeetingMoments(db, scope, uid, inserted.id, meta.now);
  if (archived.length) {
    await db.insertInto("inbound_message_interactions").values(archived.map((id) => ({ region_id: scope.regionId, inbound_message_id: inserted.id, interaction_id: id }))).execute();
    return { status: "logged", interactionIds: archived, inboundMessageId: inserted.id };
  }
  await db.updateTable("inbound_messages").set({ status: "discarded", reason: "No logged meeting with this UID to cancel" }).where("id", "=", inserted.id).where("region_id", "=", scope.regionId).execute();
  return { status: "dropped", interactionIds: [], reason: "No logged meeting with this UID to cancel" };
}

/** Two messages touching the same organisations at once may deadlock in the health recompute: the loser runs again. */
async function withRetryOnDeadlock<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= attempts || (code !== "40P01" && code !== "40001")) throw error;
    }
  }
}

// --- "Te koppelen": what could not be placed, per user -------------------------------------------

export type InboxItem = {
  id: string;
  kind: InboundMessageKind;
  receivedAt: Date;
  /** The day it counts for: the mail's (or forwarded original's) date, or the meeting's. */
  date: string;
  subject: string | null;
  text: string | null;
  fromAddress: string | null;
  fromName: string | null;
  /** The other people's addresses in it (not the user's own, nor colleagues'). */
  participants: string[];
  attachmentNames: string[];
  reason: string | null;
};

const inboxColumns = [
  "id", "kind", "created_at as receivedAt", "date", "subject", "body as text", "from_address as fromAddress", "from_name as fromName",
  "participants", "attachment_names as attachmentNames", "reason",
] as const;

/** The user's unlinked messages, newest first (own items only, admins too). Pass `nextCursor` back for the next page. */
export async function listInbox(db: Database, scope: Scope, page: ListInboxInput): Promise<{ items: InboxItem[]; nextCursor: string | null }> {
  let query = db
    .selectFrom("inbound_messages")
    .select(inboxColumns)
    .where("region_id", "=", scope.regionId)
    .where("user_id", "=", scope.userId)
    .where("status", "=", "unmatched")
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(page.limit + 1);
  if (page.cursor) {
    // The cursor is the last id shown; its (created_at, id) is read here, keeping the microseconds a Date would lose.
    query = query.where(sql<boolean>`(inbound_messages.created_at, inbound_messages.id) < (
      select c.created_at, c.id from inbound_messages c where c.id = ${page.cursor} and c.region_id = ${scope.regionId} and c.user_id = ${scope.userId})`);
  }
  const rows = await query.execute();
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null };
}

/** How many items wait in the user's "Te koppelen" list (the dashboard's link says so). */
export async function countInbox(db: Database, scope: Scope): Promise<number> {
  const row = await db
    .selectFrom("inbound_messages")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("region_id", "=", scope.regionId)
    .where("user_id", "=", scope.userId)
    .where("status", "=", "unmatched")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * One of the user's own items, or null when it has been linked or discarded since (the page that
 * linked it is shown again); another user's item, or another region's, is not found.
 */
export async function getInboxItem(db: Database, scope: Scope, id: string): Promise<InboxItem | null> {
  const item = await db
    .selectFrom("inbound_messages")
    .select([...inboxColumns, "status"])
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("user_id", "=", scope.userId)
    .where("kind", "<>", "cancellation")
    .executeTakeFirst();
  if (!item) throw notFound("Inbox item");
  if (item.status !== "unmatched") return null;
  const { status: _status, ...rest } = item;
  return rest;
}

/**
 * The organisations an item probably belongs to, for the "Te koppelen" page: those where someone
 * with an address at the same domain works now, or whose website is on that domain (public mail
 * providers such as gmail.com excepted). At most `limit`, by name.
 */
export async function suggestOrganisationsFor(db: Database, scope: Scope, item: Pick<InboxItem, "participants" | "fromAddress">, options: { limit: number; today: string }) {
  const domains = [...new Set([...item.participants, ...(item.fromAddress ? [item.fromAddress] : [])].map((address) => address.split("@")[1]?.toLowerCase() ?? ""))]
    .filter((domain) => domain.includes(".") && !PUBLIC_MAIL_DOMAINS.has(domain));
  if (!domains.length) return [];
  const { rows } = await sql<{ id: string; name: string; city: string | null }>`
    select o.id, o.name, o.city from organisations o
    where o.region_id = ${scope.regionId} and o.archived_at is null and (
      exists (
        select 1 from affiliations a join people p on p.id = a.person_id
        where a.organisation_id = o.id and a.region_id = ${scope.regionId} and p.anonymised_at is null and p.archived_at is null
          and (a.end_date is null or a.end_date > ${options.today}::date)
          and lower(split_part(p.email, '@', 2)) = any(${domains}::text[])
      )
      or substring(lower(o.website) from '^(?:[a-z]+://)?(?:www[.])?([^/:?#]+)') = any(${domains}::text[])
    )
    order by o.name limit ${options.limit}`.execute(db);
  return rows;
}

async function requireInboxItem(db: Database, scope: Scope, id: string) {
  const item = await db
    .selectFrom("inbound_messages")
    .select(["id", "kind", "status", "date", "subject", "body", "from_address", "from_name"])
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("user_id", "=", scope.userId)
    .forUpdate()
    .executeTakeFirst();
  if (!item || item.kind === "cancellation") throw notFound("Inbox item");
  if (item.status !== "unmatched") throw new AppError("RULE_VIOLATION", item.status === "logged" ? "This message has been linked already" : "This message has been discarded");
  return item;
}

/**
 * Links a "Te koppelen" item to an organisation: one contact moment on it, dated as the mail was,
 * with `personIds` (people of that organisation) and, with `newPerson`, the unknown sender made a
 * contact person of it first (which also clears "no contact person"). Health is recomputed.
 */
export async function linkInboxItem(db: Tx, scope: Scope, id: string, input: LinkInboxItemInput, meta: { actor: Actor; now: Date }) {
  const item = await requireInboxItem(db, scope, id);
  const personIds = [...input.personIds];
  let newPersonId: string | null = null;
  if (input.newPerson) {
    const existing = await db.selectFrom("people").select("id").where("region_id", "=", scope.regionId).where("email", "=", input.newPerson.email).where("anonymised_at", "is", null).executeTakeFirst();
    if (existing) throw validationFailed({ "newPerson.email": "mailCapture.personExists" }, "en", { details: { personId: existing.id } });
    const person = await addContact(db, scope.regionId, input.organisationId, { name: input.newPerson.name, email: input.newPerson.email, source: "E-mail (Schakel)" }, meta);
    newPersonId = person.id;
    personIds.push(person.id);
  }
  const isMeeting = item.kind === "invitation";
  const interaction = await logInteraction(
    db, scope,
    {
      organisationId: input.organisationId, kind: isMeeting ? "meeting" : "email", summary: summaryOf(item.subject, item.body, isMeeting ? "meeting" : "email"),
      date: item.date, personIds, nextStep: null, nextStepDate: null, source: isMeeting ? "calendar" : "email",
    },
    meta,
  );
  await db.updateTable("inbound_messages").set({ status: "logged", decided_at: meta.now, reason: null }).where("id", "=", item.id).where("region_id", "=", scope.regionId).execute();
  await db.insertInto("inbound_message_interactions").values({ region_id: scope.regionId, inbound_message_id: item.id, interaction_id: interaction.id }).execute();
  return { interaction, newPersonId };
}

/** Discards a "Te koppelen" item: its text and addresses are removed at once; only what recognises a second copy stays. */
export async function discardInboxItem(db: Tx, scope: Scope, id: string, meta: { actor: Actor; now: Date }): Promise<void> {
  await requireInboxItem(db, scope, id);
  await db
    .updateTable("inbound_messages")
    .set({ status: "discarded", decided_at: meta.now, subject: null, body: null, from_address: null, from_name: null, participants: [], attachment_names: [], reason: null })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .execute();
  await recordAudit(db, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "mail.inbox.discard", entityType: "inbound_message", entityId: id, now: meta.now });
}

/** The nightly job: unlinked and discarded items older than 30 days are deleted, in every region. */
export async function pruneInbox(db: Database, now: Date): Promise<number> {
  const before = new Date(now.getTime() - INBOX_DAYS * 86_400_000);
  const result = await db.deleteFrom("inbound_messages").where("status", "in", ["unmatched", "discarded"]).where("created_at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
