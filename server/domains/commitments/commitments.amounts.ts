/*
 * Euro amounts and hours as people type and read them, with the rules the API applies to cents.
 * No zod here: pages use these in the browser, where a schema module would bring zod along.
 */

/** hours × rate in cents, rounded to the cent as the database checks it. */
export function hoursTimesRate(hours: number, hourlyRateCents: number): number {
  return Math.round((Math.round(hours * 100) * hourlyRateCents) / 100);
}

/**
 * A euro amount as people type it ("2500", "2.500,00", "2500,50", "€ 2.500") into cents; null when
 * it is not one (negative, more than two decimals, letters). Dots group thousands, the comma is the decimal mark.
 */
export function parseEuros(text: string): number | null {
  const cleaned = text.replace(/€/g, "").replace(/\s/g, "");
  if (!/^(\d{1,3}(\.\d{3})+|\d+)(,\d{1,2})?$/.test(cleaned)) return null;
  const [whole = "0", fraction = ""] = cleaned.replace(/\./g, "").split(",");
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return Number.isSafeInteger(cents) ? cents : null;
}

/** Hours as people type them: "40", "2,5" or "2.5". */
export function parseHours(text: string): number | null {
  const cleaned = text.trim().replace(",", ".");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Number(cleaned);
}

const EURO_FORMATS = { nl: new Intl.NumberFormat("nl-NL", { style: "currency", currency: "EUR" }), en: new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" }) };

/** Cents as euros the Dutch way: 250000 → "€ 2.500,00". */
export function formatEuros(cents: number, locale: "nl" | "en" = "nl"): string {
  return EURO_FORMATS[locale].format(cents / 100);
}

/** Cents as a Dutch input value: 250050 → "2500,50". */
export function eurosInputValue(cents: number | null | undefined): string {
  if (cents == null) return "";
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, "0")}`;
}
