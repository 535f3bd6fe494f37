import { z } from "zod";
import { LOCALES, ROLES } from "../../../db/schema";
import { Timestamp, Uuid } from "../../http/api-schemas";

export const InvitePartnerUserInput = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  name: z.string().trim().min(1).max(200),
});
export type InvitePartnerUserInput = z.infer<typeof InvitePartnerUserInput>;

/** A partner user of an organisation; `invited` until they chose a password. */
export const PartnerUserResponse = z.object({
  id: Uuid,
  name: z.string(),
  email: z.string(),
  active: z.boolean(),
  createdAt: Timestamp,
  invited: z.boolean(),
});

/** The account an invitation created (a partner user of the organisation, invited by email). */
export const InvitedPartnerUserResponse = z.object({
  id: Uuid,
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  regionId: Uuid,
  organisationId: Uuid.nullable(),
  active: z.boolean(),
  invited: z.boolean(),
  locale: z.enum(LOCALES),
  version: z.number().int(),
  createdAt: Timestamp,
});
