import { z } from "zod";
import { ACTIVITY_TYPES, AGREEMENT_KINDS, COMMITMENT_CATEGORIES, COMMITMENT_KINDS, COMMITMENT_STATUSES, IN_KIND_CATEGORIES, VALUATIONS } from "../../../db/schema";
import { CalendarDay, page, Timestamp } from "../../http/api-schemas";
import { DocumentResponse } from "../documents/documents.schemas";
import { hoursTimesRate } from "./commitments.amounts";

export { canMoveTo } from "./commitments.steps";
export { eurosInputValue, formatEuros, hoursTimesRate, parseEuros, parseHours } from "./commitments.amounts";

const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((value) => value || null);

/** "2025-2026": two consecutive years, from 2000 on. A school year that does not exist is refused. */
export const SchoolYear = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{4}$/, "commitments.validation.schoolYear")
  .refine((value) => {
    const [first, second] = value.split("-").map(Number) as [number, number];
    return second === first + 1 && first >= 2000 && first < 2100;
  }, "commitments.validation.schoolYear");

/** Money is integer cents: a negative or fractional amount is refused, naming the field. */
export const Cents = z
  .number({ error: (issue) => (issue.input === undefined || issue.input === null ? "validation.required" : "commitments.validation.cents") })
  .int("commitments.validation.cents")
  .min(0, "commitments.validation.cents")
  .max(Number.MAX_SAFE_INTEGER, "commitments.validation.cents");

/** Hours to the hundredth, more than zero. */
export const Hours = z
  .number({ error: (issue) => (issue.input === undefined || issue.input === null ? "validation.required" : "commitments.validation.hours") })
  .positive("commitments.validation.hours")
  .max(100000, "commitments.validation.hours")
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, "commitments.validation.hours");

const CommitmentShape = z.object({
  organisationId: z.uuid(),
  schoolYear: SchoolYear,
  kind: z.enum(COMMITMENT_KINDS),
  category: z.enum(COMMITMENT_CATEGORIES),
  amountCents: Cents.nullish(),
  hours: Hours.nullish(),
  hourlyRateCents: Cents.nullish(),
  valuation: z.enum(VALUATIONS).nullish(),
  agreementReference: optionalText(200),
  agreementId: z.uuid({ error: "commitments.validation.agreement" }).nullish(),
  notes: optionalText(2000),
});

type CommitmentShape = z.infer<typeof CommitmentShape>;

/**
 * The rules that tie the fields together: cash is category cash without a valuation; in kind has its
 * own category and a valuation; hours × rate computes the amount (a different amount sent along is
 * refused), every other valuation states the amount.
 */
function checkCommitment(value: CommitmentShape, ctx: z.RefinementCtx) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (value.kind === "cash") {
    if (value.category !== "cash") issue("category", "commitments.validation.cashCategory");
    if (value.valuation) issue("valuation", "commitments.validation.cashValuation");
    if (value.hours != null || value.hourlyRateCents != null) issue("hours", "commitments.validation.cashHours");
  } else {
    if (!(IN_KIND_CATEGORIES as readonly string[]).includes(value.category)) issue("category", "commitments.validation.inKindCategory");
    if (!value.valuation) issue("valuation", "validation.required");
  }
  if (value.valuation === "hours_rate") {
    if (value.hours == null) issue("hours", "validation.required");
    if (value.hourlyRateCents == null) issue("hourlyRateCents", "validation.required");
    if (value.hours != null && value.hourlyRateCents != null && value.amountCents != null && value.amountCents !== hoursTimesRate(value.hours, value.hourlyRateCents)) {
      issue("amountCents", "commitments.validation.amountNotHoursTimesRate");
    }
  } else if (value.amountCents == null) {
    issue("amountCents", "validation.required");
  }
}

/** The commitment as stored: the amount of hours × rate filled in. */
function withAmount<T extends CommitmentShape>(value: T) {
  const hoursRate = value.valuation === "hours_rate";
  return {
    ...value,
    amountCents: hoursRate ? hoursTimesRate(value.hours!, value.hourlyRateCents!) : value.amountCents!,
    hours: hoursRate || value.kind === "in_kind" ? (value.hours ?? null) : null,
    hourlyRateCents: hoursRate || value.kind === "in_kind" ? (value.hourlyRateCents ?? null) : null,
    valuation: value.valuation ?? null,
    agreementId: value.agreementId ?? null,
  };
}

export const CreateCommitmentInput = CommitmentShape.superRefine(checkCommitment).transform(withAmount);
export type CreateCommitmentInput = z.infer<typeof CreateCommitmentInput>;

/** The same rules over the merged record (stored values with the changes on top). */
export const CommitmentRecordCheck = CreateCommitmentInput;

export const UpdateCommitmentInput = CommitmentShape.omit({ organisationId: true })
  .partial()
  .extend({ status: z.enum(COMMITMENT_STATUSES).optional(), version: z.coerce.number().int().min(1) });
export type UpdateCommitmentInput = z.infer<typeof UpdateCommitmentInput>;

export const ListCommitmentsInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
  organisationId: z.uuid().optional(),
  schoolYear: SchoolYear.optional(),
  status: z.enum(COMMITMENT_STATUSES).optional(),
  kind: z.enum(COMMITMENT_KINDS).optional(),
});
export type ListCommitmentsInput = z.infer<typeof ListCommitmentsInput>;

const IsoDay = z.iso.date("commitments.validation.date");

/** A realisation: a dated amount with what it was and its evidence (a reference, or an uploaded file). */
export const RealisationInput = z.object({
  date: IsoDay,
  amountCents: Cents.refine((value) => value > 0, "commitments.validation.positiveCents"),
  description: optionalText(2000),
  evidence: optionalText(500),
});
export type RealisationInput = z.infer<typeof RealisationInput>;

/**
 * A done activity counted as in-kind realisation (issue 6, item 2): dated on the activity's end,
 * valued at hours × the commitment's hourly rate (the region's rate for the activity type when the
 * commitment has none). Hours default to the activity's; an amount given overrides the valuation
 * and then needs a description saying why.
 */
export const ActivityRealisationInput = z.object({
  activityId: z.uuid({ error: "commitments.validation.activity" }),
  hours: Hours.nullish(),
  amountCents: Cents.refine((value) => value > 0, "commitments.validation.positiveCents").nullish(),
  description: optionalText(2000),
  evidence: optionalText(500),
});
export type ActivityRealisationInput = z.infer<typeof ActivityRealisationInput>;

/** A commitment as the API answers it: amounts in integer cents, realisedCents the sum of its live realisations. */
export const CommitmentResponse = z.object({
  id: z.uuid(),
  organisationId: z.uuid(),
  organisationName: z.string(),
  schoolYear: SchoolYear,
  kind: z.enum(COMMITMENT_KINDS),
  category: z.enum(COMMITMENT_CATEGORIES),
  amountCents: z.number().int(),
  hours: z.number().nullable(),
  hourlyRateCents: z.number().int().nullable(),
  valuation: z.enum(VALUATIONS).nullable(),
  status: z.enum(COMMITMENT_STATUSES),
  realisedCents: z.number().int(),
  agreementReference: z.string().nullable(),
  agreementId: z.uuid().nullable(),
  notes: z.string().nullable(),
  confirmedAt: Timestamp.nullable(),
  confirmedBy: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: Timestamp.nullable(),
});

/** One realisation: a dated amount with its evidence, or a done activity counted in kind with its hours. */
export const RealisationResponse = z.object({
  id: z.uuid(),
  date: CalendarDay,
  amountCents: z.number().int(),
  description: z.string().nullable(),
  evidence: z.string().nullable(),
  document: DocumentResponse.extend({ sha256: z.string() }).nullable(),
  activityId: z.uuid().nullable(),
  hours: z.number().nullable(),
  activity: z.object({ id: z.uuid(), type: z.enum(ACTIVITY_TYPES), title: z.string() }).nullable(),
  createdBy: z.uuid().nullable(),
  createdByName: z.string().nullable(),
  createdAt: Timestamp,
});

/** A commitment with the agreement it rests on and its realisations, oldest first. */
export const CommitmentWithRealisationsResponse = CommitmentResponse.extend({
  agreement: z.object({ id: z.uuid(), kind: z.enum(AGREEMENT_KINDS), title: z.string(), expiresOn: CalendarDay.nullable() }).nullable(),
  realisations: z.array(RealisationResponse),
});

/** A realisation just recorded, with the commitment after it. */
export const RecordedRealisationResponse = RealisationResponse.extend({ commitment: CommitmentWithRealisationsResponse });

/** A page of commitments with the totals of the whole filtered set. */
export const CommitmentPageResponse = page(CommitmentResponse).extend({
  totals: z.object({ pledgedCents: z.number().int(), realisedCents: z.number().int(), count: z.number().int() }),
});
