import { z } from "zod";
import { ORGANISATION_KINDS, TIERS } from "../../../db/schema";
import { CalendarDay } from "../../http/api-schemas";

/** A known contact who now works at an organisation that is not a partner of the region yet (decision 129). */
export const LeadResponse = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personName: z.string(),
  fromOrganisationId: z.uuid().nullable(),
  fromOrganisationName: z.string().nullable(),
  /** The last day at the organisation they left: "uw contact bij Sjöberg tot maart". */
  fromEndDate: CalendarDay.nullable(),
  /** The organisation in Schakel they work at now, or null when it is not in Schakel yet (its name only). */
  toOrganisationId: z.uuid().nullable(),
  toOrganisationName: z.string(),
  since: CalendarDay,
  version: z.number().int(),
});

/**
 * Turning a lead into a partner: the organisation (created with this name and kind when it is not in
 * Schakel yet, else made active), its tier and owner, and the person as its contact.
 */
export const ConvertLeadInput = z.object({
  version: z.coerce.number().int().min(1),
  name: z.string().trim().min(1).max(200).optional(),
  kind: z.enum(ORGANISATION_KINDS).default("company"),
  tier: z.enum(TIERS).default("regular"),
  accountHolderId: z.uuid().nullish().or(z.literal("").transform(() => null)),
});
export type ConvertLeadInput = z.infer<typeof ConvertLeadInput>;

/** A page of leads: at most `limit` (default 50, at most 200), after `cursor`. */
export const ListLeadsInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListLeadsInput = z.infer<typeof ListLeadsInput>;

export const DismissLeadInput = z.object({ version: z.coerce.number().int().min(1) });
export type DismissLeadInput = z.infer<typeof DismissLeadInput>;

export const ConvertedLeadResponse = z.object({ organisationId: z.uuid(), personId: z.uuid() });

/** The Kansen page's forms name their lead. */
export const LeadTarget = z.object({ leadId: z.uuid() });
