import { z } from "zod";
import { MAIL_RETENTIONS } from "../../../db/schema";

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
