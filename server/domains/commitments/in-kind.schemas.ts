import { z } from "zod";
import { Cents, Hours, SchoolYear } from "./commitments.schemas";

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
