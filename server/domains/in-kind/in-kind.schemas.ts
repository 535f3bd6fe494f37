import { z } from "zod";
import { ACTIVITY_TYPES, COMMITMENT_CATEGORIES } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";
import { Cents, Hours, SchoolYear } from "../commitments/commitments.schemas";

// Browser-safe: the proposals page and the API read the same shapes.

const IN_KIND_TYPES = ["guest_lesson", "internship", "company_visit", "workshop", "teacher_placement", "training"] as const;

const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((value) => value || null);

export const ListProposalsInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
  schoolYear: SchoolYear.optional(),
});
export type ListProposalsInput = z.infer<typeof ListProposalsInput>;

/**
 * Confirming a proposal, as proposed or adjusted: other hours are valued at the same rate, an
 * amount overrides the valuation. Any adjustment needs a note saying why (an auditor will ask).
 */
export const ConfirmProposalInput = z.object({
  commitmentId: z.uuid({ error: "inKind.validation.commitment" }).nullish(),
  hours: Hours.nullish(),
  amountCents: Cents.refine((value) => value > 0, "commitments.validation.positiveCents").nullish(),
  note: optionalText(1000),
});
export type ConfirmProposalInput = z.infer<typeof ConfirmProposalInput>;

export const RejectProposalInput = z.object({
  reason: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(500),
});
export type RejectProposalInput = z.infer<typeof RejectProposalInput>;

export const UpdateInKindRatesInput = z.object({
  rates: z.partialRecord(z.enum(IN_KIND_TYPES), Cents),
});
export type UpdateInKindRatesInput = z.infer<typeof UpdateInKindRatesInput>;

/** A done activity proposed as in-kind realisation, with the commitment and rate it would count at. */
export const InKindProposalResponse = z.object({
  activityId: z.uuid(),
  activityType: z.enum(IN_KIND_TYPES),
  title: z.string(),
  date: CalendarDay,
  hours: z.number(),
  organisationId: z.uuid(),
  organisationName: z.string(),
  commitmentId: z.uuid(),
  schoolYear: SchoolYear,
  commitmentCategory: z.enum(COMMITMENT_CATEGORIES),
  hourlyRateCents: z.number().int(),
  rateSource: z.enum(["commitment", "region"]),
  proposedCents: z.number().int(),
});

/** A rejection just recorded. */
export const RejectedProposalResponse = z.object({ activityId: z.uuid(), reason: z.string() });

/** A rejection taken back. */
export const UndoneRejectionResponse = z.object({ activityId: z.uuid() });

/** A rejected activity with the reason and who decided. */
export const InKindRejectionResponse = z.object({
  activityId: z.uuid(),
  activityType: z.enum(ACTIVITY_TYPES),
  title: z.string(),
  date: CalendarDay,
  reason: z.string(),
  rejectedByName: z.string().nullable(),
  rejectedAt: Timestamp,
});

/** The region's hourly rate for a counted activity type; isDefault when the region set none. */
export const InKindRateResponse = z.object({ activityType: z.enum(IN_KIND_TYPES), hourlyRateCents: z.number().int(), isDefault: z.boolean(), updatedAt: Timestamp.nullable() });
