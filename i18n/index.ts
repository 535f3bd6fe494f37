import { en } from "./en";
import { type Messages, nl } from "./nl";

export type Locale = "nl" | "en";
export const DEFAULT_LOCALE: Locale = "nl";
const dictionaries: Record<Locale, Messages> = { nl, en };

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Looks up a dotted key ("signIn.title") in the locale's dictionary and fills in `{name}` parameters. */
export function translator(locale: Locale): Translate {
  const dictionary = dictionaries[locale] ?? nl;
  return (key, params) => {
    const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], dictionary);
    const text = typeof value === "string" ? value : key;
    return params ? text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match)) : text;
  };
}

export function hasMessage(key: string): boolean {
  const value = key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], nl);
  return typeof value === "string";
}

export function isLocale(value: unknown): value is Locale {
  return value === "nl" || value === "en";
}
