import { AppError } from "../errors";

/** Keyset cursors: the sort key of the last row, opaque to clients. */
export function encodeCursor(values: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString("base64url");
}

export function decodeCursor(cursor: string, length: number): Array<string | number> {
  try {
    const values = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === "string" || typeof v === "number")) {
      return values as Array<string | number>;
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError("VALIDATION_FAILED", "Invalid cursor", { fields: { cursor: "Invalid cursor" } });
}
