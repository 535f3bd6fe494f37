import { useRouteLoaderData } from "@remix-run/react";
import { DEFAULT_LOCALE, type Locale, translator } from "../../i18n";
import { dateFormat } from "../../i18n/intl";

/** The translate function for the current page, in the signed-in user's language (Dutch otherwise). */
export function useT() {
  const data = useRouteLoaderData<{ locale?: Locale }>("root");
  return translator(data?.locale ?? DEFAULT_LOCALE);
}

export function useLocale(): Locale {
  return useRouteLoaderData<{ locale?: Locale }>("root")?.locale ?? DEFAULT_LOCALE;
}

/** Dates as people in the Netherlands write them: 23 november 2026, 14:05. */
export function formatMoment(value: string | Date | null | undefined, locale: Locale): string {
  if (!value) return "";
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Amsterdam" }).format(new Date(value));
}

/** A calendar day in words, as a sentence says it: 23 november 2026. Read at noon UTC. */
export function formatDayInWords(value: string, locale: Locale): string {
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${value}T12:00:00Z`));
}

/** A calendar day ('YYYY-MM-DD') as people write it: 23 nov 2026. Read at noon UTC, so no time zone shifts the day. */
export function formatDay(value: string | null | undefined, locale: Locale): string {
  if (!value) return "";
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${value}T12:00:00Z`));
}
