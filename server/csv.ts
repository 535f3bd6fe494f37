import { stringify as stringifyStream } from "csv-stringify";
import { stringify as stringifySync } from "csv-stringify/sync";

/*
 * Every CSV Schakel writes goes through this module, the only one that imports csv-stringify
 * (tests/integration/downloads.test.ts checks both). A spreadsheet reads a cell that starts with
 * = + - @, a tab or a carriage return as a formula: a partner who names its city
 * `=HYPERLINK(...)` would run it on the computer of whoever opens the export (CSV injection).
 * Such a cell is written with a leading apostrophe, OWASP's advice, which Excel and LibreOffice
 * show as text (decision 091).
 */

/** A CSV cell: text, a number, or nothing. */
export type CsvCell = string | number | null | undefined;

/** A plain number written as text ("-12", "2630,00"): a spreadsheet reads it as a number, never as a formula. */
const PLAIN_NUMBER = /^-?\d+(?:[.,]\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell as it may be written: formula-like text prefixed with `'`, numbers and plain numeric text unchanged. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) return `'${value}`;
  return value;
}

export type CsvOptions = { delimiter?: string; bom?: boolean };

/** Rows as one CSV string, every cell through csvCell. */
export function csvString(rows: Iterable<readonly CsvCell[]>, options: CsvOptions = {}): string {
  return stringifySync([...rows].map((row) => row.map(csvCell)), { delimiter: options.delimiter ?? ";", bom: options.bom ?? true });
}

/**
 * A CSV stream writer (a Node transform: write rows of cells, read text), every cell through
 * csvCell, for exports too large to hold in memory.
 */
export function csvStream(options: CsvOptions = {}) {
  return stringifyStream({
    delimiter: options.delimiter ?? ";",
    bom: options.bom ?? true,
    cast: { string: (value) => csvCell(value), number: (value) => csvCell(value) },
  });
}
