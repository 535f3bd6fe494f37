import { z } from "zod";
import { type InboundMessageKind, MAIL_RETENTIONS } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";
import { InteractionResponse } from "../interactions/interactions.schemas";

/** Linking a "Te koppelen" item: the organisation, people of it, and optionally the unknown sender as a new contact of it. */
export const LinkInboxItemInput = z.object({
  organisationId: z.uuid(),
  personIds: z.array(z.uuid()).max(20).default([]),
  newPerson: z
    .object({
      name: z.string().trim().min(1).max(200),
      email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
    })
    .nullish()
    .transform((value) => value ?? null),
});
export type LinkInboxItemInput = z.infer<typeof LinkInboxItemInput>;

export const ListInboxInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.uuid().optional(),
});
export type ListInboxInput = z.infer<typeof ListInboxInput>;

export const NeverLogInput = z.object({
  pattern: z.string().trim().min(3).max(254),
  /** The region's list (admins) rather than the user's own. */
  forRegion: z.boolean().default(false),
});
export type NeverLogInput = z.infer<typeof NeverLogInput>;

export const MailRetentionInput = z.object({ retention: z.enum(MAIL_RETENTIONS) });
export type MailRetentionInput = z.infer<typeof MailRetentionInput>;

export const SenderAddressInput = z.object({ email: z.string().trim().toLowerCase().max(254).pipe(z.email()) });
export type SenderAddressInput = z.infer<typeof SenderAddressInput>;

const INBOUND_MESSAGE_KINDS = ["sent", "forward", "invitation", "cancellation"] as const satisfies readonly InboundMessageKind[];

/** What became of a relayed message. */
export const IngestOutcomeResponse = z.object({
  status: z.enum(["logged", "unmatched", "duplicate", "dropped"]),
  interactionIds: z.array(z.uuid()),
  inboundMessageId: z.uuid().optional(),
  reason: z.string().optional(),
});

/** One "Te koppelen" item: a logged mail Schakel could not place. */
export const InboxItemResponse = z.object({
  id: z.uuid(),
  kind: z.enum(INBOUND_MESSAGE_KINDS),
  receivedAt: Timestamp,
  date: CalendarDay,
  subject: z.string().nullable(),
  text: z.string().nullable(),
  fromAddress: z.string().nullable(),
  fromName: z.string().nullable(),
  participants: z.array(z.string()),
  attachmentNames: z.array(z.string()),
  reason: z.string().nullable(),
});

/** A linked item: the contact moment it became, and the contact person added with it. */
export const LinkedInboxItemResponse = z.object({ interaction: InteractionResponse, newPersonId: z.uuid().nullable() });

/** A further address the user logs mail from. */
export const SenderAddressResponse = z.object({ id: z.uuid(), email: z.string(), confirmedAt: Timestamp.nullable(), createdAt: Timestamp });

/** A region's settings for logged mail (GET/PATCH /region/mail); the inbound secret itself is never shown here. */
export const MailSettingsResponse = z.object({
  retention: z.enum(MAIL_RETENTIONS),
  hasInboundSecret: z.boolean(),
  inboundSecretCreatedAt: Timestamp.nullable(),
});

/** An entry of the region's never-log list. */
export const RegionNeverLogInput = NeverLogInput.pick({ pattern: true });
export const NeverLogEntryResponse = z.object({ id: z.uuid(), pattern: z.string(), droppedCount: z.number().int(), createdAt: Timestamp });

/** Confirming "mogelijk van baan gewisseld": where they work now (an organisation's exact name, else a new employer's) and since when. */
export const ConfirmJobChangeInput = z.object({
  version: z.coerce.number().int().min(1),
  employerName: z.string().trim().min(1).max(200),
  startDate: CalendarDay.optional().or(z.literal("").transform(() => undefined)),
});
export type ConfirmJobChangeInput = z.infer<typeof ConfirmJobChangeInput>;

export const DismissJobChangeInput = z.object({ version: z.coerce.number().int().min(1) });
export type DismissJobChangeInput = z.infer<typeof DismissJobChangeInput>;

/** The inbox page's job-change forms name their suggestion. */
export const JobChangeTarget = z.object({ suggestionId: z.uuid() });

export const ListJobChangesInput = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** A possible job change (decision 142): who, the new address and its domain, the mail's day; nothing of the mail itself. */
export const JobChangeSuggestionResponse = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personName: z.string(),
  email: z.string(),
  domain: z.string(),
  seenOn: CalendarDay,
  organisationNames: z.array(z.string()),
  likelyEmployer: z.string().nullable(),
  version: z.number().int(),
});

export const ConfirmedJobChangeResponse = z.object({
  personId: z.uuid(),
  leadId: z.uuid().nullable(),
  organisationId: z.uuid().nullable(),
  /** The person's email address from now on (the one seen in the mail); null when another person of the region has it. */
  email: z.string().nullable(),
});
