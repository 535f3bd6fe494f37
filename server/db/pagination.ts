import { type RawBuilder, sql } from "kysely";
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

/** What a sort key's SQL value is: how its cursor value is checked, and cast back in SQL. */
export type SortKeyKind = "text" | "int" | "date" | "timestamp";
const SQL_TYPE: Record<SortKeyKind, string> = { text: "text", int: "int", date: "date", timestamp: "timestamptz" };

/**
 * One order of a list a user can sort: its name (`"health.desc"`), its keys (SQL expressions that
 * are never null, so a row comparison holds) and the row's id as the last key. The whole tuple runs
 * one way, so `(keys…, id) > (cursor…)` finds the next page exactly, in both directions.
 */
export type ListOrder = {
  name: string;
  keys: ReadonlyArray<{ expr: RawBuilder<unknown>; kind: SortKeyKind }>;
  id: RawBuilder<unknown>;
  descending: boolean;
};

/**
 * The two keys of a column that may be empty, putting the rows without a value last in either
 * direction: the flag is "has none" ascending and "has one" descending, so both run the tuple's own
 * way and the order still pages exactly. (Its descending order is then not the exact reverse of its
 * ascending one; each is an order of its own with its own name.)
 */
export function noneLastKeys(expr: RawBuilder<unknown>, descending: boolean): ListOrder["keys"] {
  return [
    { expr: descending ? sql`((${expr}) is not null)::int` : sql`((${expr}) is null)::int`, kind: "int" },
    { expr: sql`coalesce(${expr}, '')`, kind: "text" },
  ];
}

/** The select column that carries a row's sort key values, for its cursor (`sortKeys`). */
export function sortKeysColumn(order: ListOrder) {
  return sql<string[]>`array[${sql.join(order.keys.map((key) => sql`(${key.expr})::text`))}]`.as("sortKeys");
}

/** The ORDER BY of a list order, keys then id, each in the order's direction. */
export function orderByOf(order: ListOrder): RawBuilder<unknown> {
  const direction = sql.raw(order.descending ? "desc" : "asc");
  return sql.join([...order.keys.map((key) => sql`${key.expr} ${direction}`), sql`${order.id} ${direction}`]);
}

/**
 * The condition "after this cursor" of a list order. A cursor carries the name of the order it was
 * made in; one of another order (or direction) is refused like any other bad cursor, never read as
 * values of the wrong columns.
 */
export function afterCursor(order: ListOrder, cursor: string): RawBuilder<boolean> {
  const values = decodeCursor(cursor, ["text", ...order.keys.map((key) => key.kind), "uuid"] as CursorKind[]);
  if (values[0] !== order.name) throw new AppError("VALIDATION_FAILED", "This cursor belongs to another sort order", { fields: { cursor: "Invalid cursor" } });
  // Sent as text and cast in SQL: a parameter PostgreSQL reads as a timestamptz goes through the
  // driver's Date serialiser, which keeps milliseconds only, so a cursor of 12:00:00.123456 would
  // come back as 12:00:00.123 and the page would start again at its own last row.
  const after = order.keys.map((key, i) => sql`cast(cast(${String(values[i + 1])} as text) as ${sql.raw(SQL_TYPE[key.kind])})`);
  const comparison = sql.raw(order.descending ? "<" : ">");
  return sql<boolean>`(${sql.join([...order.keys.map((key) => key.expr), order.id])}) ${comparison} (${sql.join([...after, sql`${String(values.at(-1))}::uuid`])})`;
}

/** `keysetPage` for a list order: the cursor names the order, then the last row's keys and id. */
export function orderedPage<T extends { sortKeys: readonly unknown[]; id: string }>(rows: readonly T[], limit: number, order: ListOrder): { rows: Array<Omit<T, "sortKeys">>; nextCursor: string | null } {
  const page = keysetPage(rows, limit, (last) => [order.name, ...last.sortKeys.map(String), last.id]);
  return { rows: page.rows.map(({ sortKeys: _sortKeys, ...row }) => row), nextCursor: page.nextCursor };
}
