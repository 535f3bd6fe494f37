/**
 * The one error type of Schakel. Services throw it; the API turns it into
 * `{ error: { code, message, fields? } }` and Remix actions into a message next to the field.
 * `message` is English (API, command line); `fields` hold one message per field.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  /** The region requires a second factor of this user, who has none: set it up first. */
  TWO_FACTOR_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RULE_VIOLATION: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * Marks every AppError, so `instanceof AppError` holds for an error made by another copy of this
 * module: the Remix build bundles its own copy of the pure modules pages import (decision 140).
 */
const APP_ERROR = Symbol.for("schakel.AppError");

export class AppError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [APP_ERROR]?: unknown })[APP_ERROR] === true;
  }

  readonly [APP_ERROR] = true;
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;
  /** A key into the translation files for the message a person reads, when it differs from `message`. */
  readonly userMessageKey: string | undefined;
  /** Facts a client can act on, such as the id of the record a duplicate clashes with. */
  readonly details: Record<string, unknown> | undefined;
  /** The translation keys behind `fields`, so a page can show them in its reader's language. */
  readonly fieldKeys: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      fields?: Record<string, string>;
      fieldKeys?: Record<string, string> | undefined;
      userMessageKey?: string;
      details?: Record<string, unknown> | undefined;
    } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.fields = options.fields;
    this.userMessageKey = options.userMessageKey;
    this.details = options.details;
    this.fieldKeys = options.fieldKeys;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toJSON() {
    return {
      error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}), ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const notFound = (what = "Record") => new AppError("NOT_FOUND", `${what} not found`);
export const forbidden = () => new AppError("FORBIDDEN", "You may not do this");
