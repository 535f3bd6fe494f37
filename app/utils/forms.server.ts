import { type HeadersFunction, json } from "@remix-run/node";
import type { z } from "zod";
import { type Locale, type Translate, translator } from "../../i18n";
import { AppError } from "../../server/errors";
import { parseInput, translateFields } from "../../server/validation";

export type FormErrors = { fields?: Record<string, string>; formError?: string };

/**
 * Form data as a plain object for the shared zod schemas (the last value of a repeated name wins).
 * An empty field is left out: for a form, empty means "not given", as an absent key does in JSON.
 */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData) if (typeof value === "string" && value !== "") values[key] = value;
  return values;
}

export function parseForm<S extends z.ZodType>(schema: S, formData: FormData, locale: Locale): z.infer<S> {
  return parseInput(schema, formValues(formData), locale);
}

/**
 * Expected failures are returned to the form (a message next to each field, or one above the
 * form) with their status; anything else is rethrown to the error boundary.
 */
export function formError(error: unknown, locale: Locale) {
  // A record that is not there (or is another region's) is no mistake in the form: the 404 page
  // answers it, as for a loader (server/http/page-errors.ts).
  if (!(error instanceof AppError) || error.status >= 500 || error.status === 401 || error.code === "NOT_FOUND") throw error;
  const t = translator(locale);
  if (error.code === "RATE_LIMITED") return rateLimitedForm(t, error.userMessageKey ?? "rateLimit.tooMany", Number(error.details?.retryAfterSeconds ?? 60));
  const body: FormErrors = error.fields
    ? { fields: error.fieldKeys ? translateFields(error.fieldKeys, locale) : error.fields }
    : { formError: error.userMessageKey ? t(error.userMessageKey) : error.message };
  return json(body, { status: error.status });
}

/** "30 seconden" or "5 minuten": how long a rate limit asks someone to wait. */
export function waitText(t: Translate, seconds: number): string {
  return seconds < 60 ? t("rateLimit.seconds", { count: Math.max(1, seconds) }) : t("rateLimit.minutes", { count: Math.ceil(seconds / 60) });
}

/** A form refused by a rate limit: 429 with Retry-After, and a message that says how long to wait. */
export function rateLimitedForm(t: Translate, messageKey: string, retryAfterSeconds: number) {
  return json<FormErrors>({ formError: t(messageKey, { wait: waitText(t, retryAfterSeconds) }) }, { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } });
}

/**
 * Remix hands an action's headers to the page only through the route's `headers` export: a route
 * whose form can be rate limited re-exports this, so its 429 carries Retry-After.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders, loaderHeaders }) => {
  const retryAfter = actionHeaders.get("Retry-After") ?? loaderHeaders.get("Retry-After");
  const headers: Record<string, string> = {};
  if (retryAfter) headers["Retry-After"] = retryAfter;
  return headers;
};

/**
 * For a loader: runs the rate limit `take`; when it refuses, the page's data is the message to show
 * instead (429 with Retry-After); anything else is rethrown.
 */
export async function refusedByLimit(take: () => Promise<unknown>, locale: Locale) {
  try {
    await take();
    return null;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "RATE_LIMITED") throw error;
    const t = translator(locale);
    const seconds = Number(error.details?.retryAfterSeconds ?? 60);
    return json({ rateLimited: t(error.userMessageKey ?? "rateLimit.tooMany", { wait: waitText(t, seconds) }) }, { status: 429, headers: { "Retry-After": String(seconds) } });
  }
}
