import { z } from "zod";
import { Timestamp } from "../../http/api-schemas";
import { Cents, SchoolYear } from "../commitments/commitments.schemas";

// Browser-safe: the penvoerder's form parses a percentage with the same rules the API applies to basis points.

/** The 2025 scheme's minimum: the companies' contribution reaches 10% of the subsidised budget. */
export const DEFAULT_TARGET_BASIS_POINTS = 1000;

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

/**
 * A percentage as people type it ("10", "7,5", "12.25", "10 %") into basis points; null when it is
 * not one (negative, more than two decimals, letters). Above 100% is left to the schema to refuse.
 */
export function parsePercentage(text: string): number | null {
  const cleaned = text.replace(/%/g, "").replace(/\s/g, "").replace(",", ".");
  if (!/^\d{1,5}(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole = "0", fraction = ""] = cleaned.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** Basis points as a Dutch input value: 1000 → "10", 750 → "7,5", 1025 → "10,25". */
export function percentageInputValue(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  const fraction = String(basisPoints % 100).padStart(2, "0").replace(/0+$/, "");
  return fraction ? `${whole},${fraction}` : String(whole);
}

// Formatting lives on the ground floor (i18n/intl.ts); re-exported for the pages that import it from here.
export { formatPercent } from "../../../i18n/intl";

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
