import { z } from "zod";
import { Timestamp } from "../../http/api-schemas";
import { Cents, SchoolYear } from "../commitments/commitments.schemas";
import { DEFAULT_TARGET_BASIS_POINTS } from "./budgets.percent";

export { DEFAULT_TARGET_BASIS_POINTS, formatPercent, parsePercentage, percentageInputValue } from "./budgets.percent";

/** A target share in basis points (1000 = 10%): a percentage with at most two decimals, 0–100%. */
export const TargetBasisPoints = z
  .number({ error: (issue) => (issue.input === undefined || issue.input === null ? "validation.required" : "cofinancing.validation.target") })
  .int("cofinancing.validation.target")
  .min(0, "cofinancing.validation.target")
  .max(10000, "cofinancing.validation.target");

export const SetBudgetInput = z.object({
  budgetCents: Cents,
  targetBasisPoints: TargetBasisPoints.default(DEFAULT_TARGET_BASIS_POINTS),
  notes: z.string().trim().max(2000).nullish().transform((value) => value || null),
  /** The version read; left out when no budget was set for the year yet. */
  version: z.number({ error: "validation.number" }).int().min(1).optional(),
});
export type SetBudgetInput = z.infer<typeof SetBudgetInput>;

export const SchoolYearParam = z.object({ schoolYear: SchoolYear });

/** A school year's budget and target as the API answers it; targetCents is the budget's share, to the cent. */
export const BudgetResponse = z.object({
  schoolYear: SchoolYear,
  budgetCents: z.number().int(),
  targetBasisPoints: z.number().int(),
  targetCents: z.number().int(),
  notes: z.string().nullable(),
  version: z.number().int(),
  updatedAt: Timestamp,
});
