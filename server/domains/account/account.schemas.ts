import { z } from "zod";
import { LOCALES, ROLES } from "../../../db/schema";
import { Timestamp } from "../../http/api-schemas";

export const SessionParam = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) });
export const RegionSecurityInput = z.object({ requireTwoFactor: z.boolean() });
export const RegionPartnerWorkInput = z.object({ everyStaffMember: z.boolean() });
export const RegionPrivacyInput = z.object({ retentionMonths: z.number().int().min(1).max(240).nullable() });

export const CurrentUserResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  regionId: z.uuid(),
  organisationId: z.uuid().nullable(),
  locale: z.enum(LOCALES),
  /** Where to BCC or forward mail to log it (email capture); null for a partner user. */
  loggingAddress: z.string().nullable(),
});

export const SessionResponse = z.object({
  id: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
});

export const PasswordChangedResponse = z.object({ otherSessionsEnded: z.number().int(), apiTokensRevoked: z.number().int() });
export const TwoFactorStatusResponse = z.object({ enabled: z.boolean(), enabledAt: Timestamp.nullable(), recoveryCodesLeft: z.number().int(), required: z.boolean() });
export const RegionSecurityResponse = z.object({ requireTwoFactor: z.boolean() });
export const RegionPrivacyResponse = z.object({ retentionMonths: z.number().int().nullable() });
/** Whether every staff member works every partner, or only account holders, admins and the organisation's owner. */
export const RegionPartnerWorkResponse = z.object({ everyStaffMember: z.boolean() });
