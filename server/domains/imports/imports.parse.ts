import { parse } from "csv-parse/sync";
import type ExcelJS from "exceljs";
import { AppError } from "../../errors";

/** A file as a table of text cells: the first row names the columns; each row keeps its row number in the file. */
export type ImportTable = { headers: string[]; rows: Array<[number, string[]]> };
export type ImportFormat = "csv" | "xlsx";

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;

export const IMPORT_CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** An upload the import cannot read: the message says what is wrong; `userMessageKey` says it in the reader's language. */
export function unreadable(message: string, userMessageKey: string, params?: Record<string, string | number>) {
  return new AppError("VALIDATION_FAILED", message, { userMessageKey: params ? `${userMessageKey}|${JSON.stringify(params)}` : userMessageKey });
}

/**
 * Which format a file is, from its content first (an XLSX is a zip: "PK"; an old .xls is an OLE
 * file) and its declared type or name second. Anything else that is not text is refused here.
 */
export function detectFormat(bytes: Uint8Array, declared: { contentType?: string | undefined; fileName?: string | undefined }): ImportFormat {
  if (bytes.length === 0) throw unreadable("The file is empty", "imports.errors.empty");
  if (bytes.length > MAX_IMPORT_BYTES) throw tooLarge();
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const isOle = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  if (isOle) throw unreadable("This is an old Excel file (.xls); save it as .xlsx or .csv and try again", "imports.errors.oldExcel");
  const type = (declared.contentType ?? "").toLowerCase();
  const name = (declared.fileName ?? "").toLowerCase();
  if (isZip) {
    if (type.includes("spreadsheetml") || name.endsWith(".xlsx") || (!type && !name) || type.includes("octet-stream")) return "xlsx";
    throw notCsvOrXlsx();
  }
  const declaredOther = name && !/\.(csv|txt|tsv)$/.test(name) && !name.endsWith(".xlsx");
  const typeOther = type && !/^(text\/|application\/(csv|vnd\.ms-excel|octet-stream))/.test(type);
  if (declaredOther || typeOther || looksBinary(bytes)) throw notCsvOrXlsx();
  return "csv";
}

export function tooLarge() {
  return unreadable("The file is larger than 50 MB; split it into smaller files", "imports.errors.tooLarge");
}

function notCsvOrXlsx() {
  return unreadable("The file is not a CSV or XLSX file", "imports.errors.notCsvOrXlsx");
}

/** Text files have no NUL bytes and few control characters; PDFs, images and zips do. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control > sample.length / 100;
}

/** UTF-8 (with or without a byte-order mark); a file that is not valid UTF-8 is read as Windows-1252, which older Excel versions write. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

/** Dutch Excel separates with ';', most other tools with ','; the header line tells which. */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (char: string) => firstLine.split(char).length - 1;
  const candidates = [";", ",", "\t"].map((char) => [char, count(char)] as const).sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ",";
}

export function readCsv(bytes: Uint8Array): ImportTable {
  const text = decodeText(bytes);
  let records: string[][];
  try {
    records = parse(text, { delimiter: detectDelimiter(text), bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw unreadable(`The CSV file cannot be read${line ? ` at line ${line}` : ""}: ${(error as Error).message}`, "imports.errors.badCsv", { line: line ?? "?" });
  }
  return toTable(records.map((cells, index) => [index + 1, cells]));
}

export async function readXlsx(bytes: Uint8Array): Promise<ImportTable> {
  // Loaded on the first XLSX import only: ExcelJS adds about 25 MB to a server that may never read one (decision 081).
  const { default: Excel } = await import("exceljs");
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw notCsvOrXlsx();
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw unreadable("The workbook has no sheets", "imports.errors.empty");
  const rows: Array<[number, string[]]> = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    rows.push([row.number, Array.from(cells, (cell) => cell ?? "")]);
  });
  return toTable(rows);
}

/** A cell as the text a person sees: numbers without exponent, dates as YYYY-MM-DD, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === "boolean") return value ? "ja" : "nee";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ("richText" in value) return value.richText.map((part) => part.text).join("");
  if ("text" in value && typeof value.text === "string") return value.text;
  if ("result" in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  return "";
}

function toTable(records: Array<[number, string[]]>): ImportTable {
  const [header, ...rows] = records;
  if (!header || header[1].every((cell) => !cell.trim())) throw unreadable("The file has no header row", "imports.errors.empty");
  const body = rows.filter(([, cells]) => cells.some((cell) => cell.trim() !== ""));
  if (body.length === 0) throw unreadable("The file has a header row but no rows", "imports.errors.noRows");
  if (body.length > MAX_IMPORT_ROWS) throw unreadable(`The file has more than ${MAX_IMPORT_ROWS} rows; split it`, "imports.errors.tooManyRows", { max: MAX_IMPORT_ROWS });
  return { headers: header[1].map((cell) => cell.trim()), rows: body };
}

export async function readImportFile(bytes: Uint8Array, declared: { contentType?: string | undefined; fileName?: string | undefined }): Promise<ImportTable> {
  return detectFormat(bytes, declared) === "xlsx" ? readXlsx(bytes) : readCsv(bytes);
}
