import { AppError } from "../errors";

/** Keyset cursors: the sort key of the last row, opaque to clients. */
export function encodeCursor(values: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

/**
 * What each value of a list's sort key is, so a cursor is checked before it reaches SQL: a
 * well-formed cursor of the wrong types (["x"] for a date, {} for a uuid) answered 500 on seven
 * API lists and four pages (issue 14).
 * - `text`: a string without NUL, at most 1,000 characters
 * - `date`: YYYY-MM-DD, a real day
 * - `timestamp`: an ISO or PostgreSQL timestamp text, a real moment
 * - `uuid`: a UUID
 * - `int`: a safe integer, as a number or as its text
 * - `bigint`: a non-negative integer of at most 18 digits, as a number or as its text
 */
export type CursorKind = "text" | "date" | "timestamp" | "uuid" | "int" | "bigint";
type CursorValue<K extends CursorKind> = K extends "int" ? number : string;
export type CursorValues<K extends readonly CursorKind[]> = { [I in keyof K]: K[I] extends CursorKind ? CursorValue<K[I]> : never };

const MAX_CURSOR_LENGTH = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$/;

function isRealDay(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return Number(year) >= 1 && date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

function checked(kind: CursorKind, value: unknown): string | number | undefined {
  switch (kind) {
    case "text":
      return typeof value === "string" && value.length <= 1000 && !value.includes("\u0000") ? value : undefined;
    case "uuid":
      return typeof value === "string" && UUID.test(value) ? value : undefined;
    case "date": {
      const match = typeof value === "string" ? DATE.exec(value) : null;
      return match && isRealDay(match[1]!, match[2]!, match[3]!) ? value as string : undefined;
    }
    case "timestamp": {
      const match = typeof value === "string" ? TIMESTAMP.exec(value) : null;
      return match && isRealDay(match[1]!, match[2]!, match[3]!) ? value as string : undefined;
    }
    case "int": {
      const number = typeof value === "string" && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
      return typeof number === "number" && Number.isSafeInteger(number) ? number : undefined;
    }
    case "bigint": {
      const text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
      return typeof text === "string" && /^\d{1,18}$/.test(text) ? text : undefined;
    }
  }
}

/**
 * The values of a cursor, each checked against the kind of its sort key; anything else (not
 * base64url JSON, the wrong length, a value of the wrong type) answers 400 VALIDATION_FAILED.
 */
export function decodeCursor<const K extends readonly CursorKind[]>(cursor: string, kinds: K): CursorValues<K> {
  try {
    if (cursor.length <= MAX_CURSOR_LENGTH) {
      const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
      if (Array.isArray(values) && values.length === kinds.length) {
        const result = kinds.map((kind, i) => checked(kind, values[i]));
        if (result.every((value) => value !== undefined)) return result as CursorValues<K>;
      }
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError("VALIDATION_FAILED", "Invalid cursor", { fields: { cursor: "Invalid cursor" } });
}

/**
 * A keyset page from the `limit + 1` rows a list query fetched: the first `limit` rows, and the
 * cursor after the last of them when the extra row shows there is more.
 */
export function keysetPage<T>(rows: readonly T[], limit: number, cursorOf: (last: T) => ReadonlyArray<string | number>): { rows: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
