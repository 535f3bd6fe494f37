/**
 * Cached Intl formatters. Constructing an Intl.DateTimeFormat or NumberFormat costs tens of
 * microseconds (it resolves the locale's data); formatting with one is cheap. Pages that formatted
 * a day or a number per row built a new one each time, hundreds per request (decision 082). The
 * options passed are literals in the code, so the caches hold a handful of entries.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

export function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

const PERCENT_LOCALES = { nl: "nl-NL", en: "en-IE" } as const;

/** A share as people read it, one decimal: 0.0843 → "8,4%". Say its base with formatPercentOf (i18n/index.ts). */
export function formatPercent(share: number, locale: "nl" | "en" = "nl"): string {
  return `${numberFormat(PERCENT_LOCALES[locale], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(share * 100)}%`;
}

export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let format = numberFormats.get(key);
  if (!format) numberFormats.set(key, (format = new Intl.NumberFormat(locale, options)));
  return format;
}
