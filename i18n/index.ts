import { en } from "./en";
import { formatPercent } from "./intl";
import { type Messages, nl } from "./nl";

export type Locale = "nl" | "en";
export const DEFAULT_LOCALE: Locale = "nl";
const dictionaries: Record<Locale, Messages> = { nl, en };

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * A message that depends on a number: `{ one: "{count} organisatie", other: "{count} organisaties" }`.
 * The form is chosen by the language's plural rules (Intl.PluralRules) for the `count` parameter.
 */
export type PluralMessage = { one: string; other: string };

function isPlural(value: unknown): value is PluralMessage {
  return typeof value === "object" && value !== null && typeof (value as PluralMessage).one === "string" && typeof (value as PluralMessage).other === "string";
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
function pluralForm(locale: Locale, count: number): "one" | "other" {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(count) === "one" ? "one" : "other";
}

/**
 * Looks up a dotted key ("signIn.title") in the locale's dictionary, picks the plural form of a
 * plural message by `params.count`, and fills in `{name}` parameters.
 */
/** Per language, what each dotted key found: a page asks for a few hundred texts on every render. */
const lookups = new Map<Locale, Map<string, unknown>>();

export function translator(locale: Locale): Translate {
  const dictionary = dictionaries[locale] ?? nl;
  let found = lookups.get(locale);
  if (!found) lookups.set(locale, (found = new Map()));
  const known = found;
  return (key, params) => {
    let value = known.get(key);
    if (value === undefined && !known.has(key)) {
      value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], dictionary);
      known.set(key, value);
    }
    const text = typeof value === "string" ? value : isPlural(value) ? value[pluralForm(locale, Number(params?.count ?? 0))] : key;
    return params ? text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match)) : text;
  };
}

/** What a percentage is a share of: every percentage shown says its base ("3,0% van de begroting"). */
export type PercentBase = "budget" | "target";

/** A share with its base in the reader's language: (0.3, "target") → "30,0% van het doel". */
export function formatPercentOf(share: number, base: PercentBase, locale: Locale): string {
  return translator(locale)(base === "budget" ? "percent.ofBudget" : "percent.ofTarget", { percent: formatPercent(share, locale) });
}

export function hasMessage(key: string): boolean {
  const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], nl);
  return typeof value === "string" || isPlural(value);
}

export function isLocale(value: unknown): value is Locale {
  return value === "nl" || value === "en";
}
