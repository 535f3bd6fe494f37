import type { z } from "zod";
import { hasMessage, type Locale, translator } from "../i18n";
import { AppError } from "./errors";

/**
 * Validates input against a schema and returns the typed value, or throws VALIDATION_FAILED with
 * one message per field in the requested language (English for the API and command line).
 * Schemas name their own messages as translation keys ("validation.slug"); the rest are derived
 * from zod's issue codes here, so every form and endpoint speaks the same words.
 */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, locale: Locale = "en"): z.infer<S> {
  const result = schema.safeParse(data, { error: issueKey });
  if (result.success) return result.data;
  const messages = new Map<string, string>();
  for (const issue of result.error.issues) {
    const field = issue.path.length ? issue.path.map(String).join(".") : "_";
    if (!messages.has(field)) messages.set(field, issue.message);
  }
  throw validationFailed(Object.fromEntries(messages), locale);
}

/**
 * An error with one message per field, from field → message key (optionally `key|{"param":1}`).
 * The messages are in `locale` (English for the API); the keys travel along, so a form can show
 * them in its reader's language (app/utils/forms.server.ts).
 */
export function validationFailed(
  keys: Record<string, string>,
  locale: Locale = "en",
  options: { code?: "VALIDATION_FAILED" | "CONFLICT" | "RULE_VIOLATION"; message?: string; details?: Record<string, unknown> } = {},
): AppError {
  const fields = translateFields(keys, locale);
  const summary = Object.entries(translateFields(keys, "en")).map(([field, text]) => `${field}: ${text}`).join("; ");
  return new AppError(options.code ?? "VALIDATION_FAILED", options.message ?? `Invalid input (${summary})`, { fields, fieldKeys: keys, details: options.details });
}

/** Field messages from their keys, in a language. */
export function translateFields(keys: Record<string, string>, locale: Locale): Record<string, string> {
  return Object.fromEntries(
    Object.entries(keys).map(([field, raw]) => {
      const [key = "validation.invalid", params] = raw.split("|");
      return [field, hasMessage(key) ? translator(locale)(key, params ? JSON.parse(params) : undefined) : raw];
    }),
  );
}

function issueKey(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined || issue.input === null || issue.input === "") return "validation.required";
      return issue.expected === "number" || issue.expected === "int" ? "validation.number" : "validation.invalid";
    case "too_small":
      if (issue.origin !== "string") return "validation.invalid";
      return Number(issue.minimum) <= 1 ? "validation.required" : `validation.tooShort|${JSON.stringify({ minimum: Number(issue.minimum) })}`;
    case "too_big":
      return issue.origin === "string" ? `validation.tooLong|${JSON.stringify({ maximum: Number(issue.maximum) })}` : "validation.invalid";
    case "invalid_format":
      return issue.format === "email" ? "validation.email" : "validation.invalid";
    case "invalid_value":
      return `validation.choice|${JSON.stringify({ options: issue.values.map(String).join(", ") })}`;
    default:
      return "validation.invalid";
  }
}
