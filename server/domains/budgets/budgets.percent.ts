/*
 * Shares and percentages as people type and read them, with the rules the API applies to basis
 * points. No zod here: the penvoerder's form uses these in the browser.
 */

/** The 2025 scheme's minimum: the companies' contribution reaches 10% of the subsidised budget. */
export const DEFAULT_TARGET_BASIS_POINTS = 1000;

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

// Formatting lives on the ground floor (i18n/intl.ts); re-exported for the code that imports it from here.
export { formatPercent } from "../../../i18n/intl";
