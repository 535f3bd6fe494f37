import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pipeline, Readable, Transform } from "node:stream";
import { pipeline as pipelinePromise } from "node:stream/promises";
import { parse, type CsvError } from "csv-parse";
import type ExcelJS from "exceljs";
import { AppError } from "../../errors";

/** A file as a table of text cells: the first row names the columns; each row keeps its row number in the file. */
export type ImportTable = { headers: string[]; rows: Array<[number, string[]]> };
export type ImportFormat = "csv" | "xlsx";

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;

/**
 * What one import may cost, each enforced while the file is read, so reading stops at the first
 * one passed (decision 095). Without them a 20 MB CSV of one-character rows became ten million
 * arrays and ended the process. Together they bound one import's memory to what its rows keep
 * (at most `maxRows` × `maxColumns` cells of at most `maxCellChars`, within `maxBytes` of file) plus
 * the parser's buffers; the number of imports read at once is bounded by imports.gate.ts.
 */
export type ImportLimits = {
  /** Bytes of the file as sent. */
  maxBytes: number;
  /** Rows with content after the header row. */
  maxRows: number;
  /** Columns of the header and of any row (trailing empty cells aside). */
  maxColumns: number;
  /** Characters of one cell; Excel's own limit is 32,767. */
  maxCellChars: number;
  /** Characters of one CSV record, all its cells together. */
  maxRecordChars: number;
  /** Separators on one line of a CSV: empty cells cost memory without counting towards `maxRecordChars`. */
  maxSeparatorsPerLine: number;
  /** Decompressed bytes of all an XLSX file's parts together: a zip bomb stops here. */
  maxXmlBytes: number;
  /** Bytes of XML between two `<` or `>`: one text or tag the XML parser would hold whole. */
  maxXmlTokenBytes: number;
  /** Entries of the shared strings table, which is kept in memory while the sheet is read. */
  maxSharedStrings: number;
  /** Rows of the sheet, empty ones included (Excel's own maximum). */
  maxSheetRows: number;
};

export const IMPORT_LIMITS: ImportLimits = {
  maxBytes: MAX_IMPORT_BYTES,
  maxRows: MAX_IMPORT_ROWS,
  maxColumns: 100,
  maxCellChars: 32_767,
  maxRecordChars: 256 * 1024,
  maxSeparatorsPerLine: 10_000,
  maxXmlBytes: 256 * 1024 * 1024,
  maxXmlTokenBytes: 1024 * 1024,
  maxSharedStrings: 1_000_000,
  maxSheetRows: 1_048_576,
};

export const IMPORT_CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};

/** An upload the import cannot read: the message says what is wrong; `userMessageKey` says it in the reader's language. */
export function unreadable(message: string, userMessageKey: string, params?: Record<string, string | number>) {
  return new AppError("VALIDATION_FAILED", message, { userMessageKey: params ? `${userMessageKey}|${JSON.stringify(params)}` : userMessageKey });
}

/**
 * Which format a file is, from its first bytes (`SNIFF_BYTES` of them, or all of a shorter file) first (an XLSX is a zip: "PK"; an old .xls is an OLE
 * file) and its declared type or name second. Anything else that is not text is refused here.
 */
export function detectFormat(bytes: Uint8Array, declared: { contentType?: string | undefined; fileName?: string | undefined }): ImportFormat {
  if (bytes.length === 0) throw unreadable("The file is empty", "imports.errors.empty");
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

function tooManyRows(limits: ImportLimits) {
  return unreadable(`The file has more than ${limits.maxRows} rows; split it`, "imports.errors.tooManyRows", { max: limits.maxRows });
}

function tooManyColumns(limits: ImportLimits, row: number) {
  return unreadable(`Row ${row} has more than ${limits.maxColumns} columns`, "imports.errors.tooManyColumns", { max: limits.maxColumns, row });
}

function cellTooLong(limits: ImportLimits, row: number) {
  return unreadable(`Row ${row} has a cell longer than ${limits.maxCellChars} characters`, "imports.errors.cellTooLong", { max: limits.maxCellChars, row });
}

/** An XLSX file that unpacks to far more than its rows could need: a zip bomb, or a workbook that is not a list. */
function tooComplex() {
  return unreadable("The Excel file unpacks to more data than an import can read; save the sheet as CSV or split it", "imports.errors.tooComplex");
}

function notCsvOrXlsx() {
  return unreadable("The file is not a CSV or XLSX file", "imports.errors.notCsvOrXlsx");
}

const SNIFF_BYTES = 8192;

/** Text files have no NUL bytes and few control characters; PDFs, images and zips do. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control > sample.length / 100;
}

/** Dutch Excel separates with ';', most other tools with ','; the header line tells which. */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (char: string) => firstLine.split(char).length - 1;
  const candidates = [";", ",", "\t"].map((char) => [char, count(char)] as const).sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ",";
}

type Chunks = AsyncIterable<Uint8Array>;

/**
 * Rows already parsed arrive through promises, which run before any other request's I/O: a file
 * whose next thousands of rows are already buffered would hold every other request until they were
 * all read. Every few thousand rows the reading steps aside (setImmediate) so they are served.
 */
const YIELD_EVERY_ROWS = 2_000;
const yieldToOtherRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads an import file as it arrives, from the request body's stream, and stops at the first limit
 * passed (`limits`, defaults `IMPORT_LIMITS`): the rest of the body is never read. The file's
 * format is told from its first bytes. `source` is any async iterable of bytes: a request body
 * (a web ReadableStream), a multipart part, a file read from disk.
 */
export async function readImportStream(
  source: Chunks | ReadableStream<Uint8Array>,
  declared: { contentType?: string | undefined; fileName?: string | undefined },
  limits: ImportLimits = IMPORT_LIMITS,
): Promise<ImportTable> {
  const bytes = countBytes("getReader" in source ? chunksOf(source) : source, limits.maxBytes)[Symbol.asyncIterator]();
  try {
    const parts: Uint8Array[] = [];
    let length = 0;
    let ended = false;
    while (length < SNIFF_BYTES) {
      const next = await bytes.next();
      if (next.done) {
        ended = true;
        break;
      }
      parts.push(next.value);
      length += next.value.byteLength;
    }
    const head = Buffer.concat(parts);
    const format = detectFormat(head, declared);
    const all = (async function* () {
      yield head;
      if (ended) return;
      for (;;) {
        const next = await bytes.next();
        if (next.done) return;
        yield next.value;
      }
    })();
    return format === "xlsx" ? await readXlsxStream(all, limits) : await readCsvStream(all, limits);
  } finally {
    // Stops reading the body (a web stream is cancelled) whenever reading ended early.
    await bytes.return?.(undefined);
  }
}

/** A whole file already in memory (the command line, tests): the same reader and limits. */
export async function readImportFile(bytes: Uint8Array, declared: { contentType?: string | undefined; fileName?: string | undefined }, limits: ImportLimits = IMPORT_LIMITS): Promise<ImportTable> {
  return readImportStream([bytes] as unknown as Chunks, declared, limits);
}

/** A web stream's chunks; ending early (a limit, an error) cancels the stream, which stops reading the request. */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function* countBytes(source: Chunks, maxBytes: number): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge();
    if (chunk.byteLength) yield chunk;
  }
}

/**
 * The rows as they are read: the first is the header, empty ones are skipped, and each limit on rows,
 * columns and cells is checked as the row arrives, so a file is refused at its first row too many.
 */
class TableBuilder {
  private headers: string[] | undefined;
  private readonly rows: Array<[number, string[]]> = [];
  constructor(private readonly limits: ImportLimits) {}

  add(rowNumber: number, cells: string[]) {
    if (cells.length > this.limits.maxColumns) {
      let end = cells.length;
      while (end > 0 && !cells[end - 1]) end--;
      if (end > this.limits.maxColumns) throw tooManyColumns(this.limits, rowNumber);
      cells = cells.slice(0, end);
    }
    if (cells.some((cell) => cell.length > this.limits.maxCellChars)) throw cellTooLong(this.limits, rowNumber);
    if (!this.headers) {
      if (cells.every((cell) => !cell.trim())) throw unreadable("The file has no header row", "imports.errors.empty");
      this.headers = cells.map((cell) => cell.trim());
      return;
    }
    if (!cells.some((cell) => cell.trim() !== "")) return;
    if (this.rows.length >= this.limits.maxRows) throw tooManyRows(this.limits);
    this.rows.push([rowNumber, cells]);
  }

  get hasHeader() {
    return this.headers !== undefined;
  }

  finish(): ImportTable {
    if (!this.headers) throw unreadable("The file has no header row", "imports.errors.empty");
    if (this.rows.length === 0) throw unreadable("The file has a header row but no rows", "imports.errors.noRows");
    return { headers: this.headers, rows: this.rows };
  }
}

/**
 * UTF-8 (with or without a byte-order mark); a file that is not valid UTF-8 is read as Windows-1252,
 * which older Excel versions write. Decided as the text arrives: from the first chunk that is not
 * UTF-8 on (what came before was then plain ASCII, the same in both).
 */
async function* decodeText(bytes: Chunks): AsyncGenerator<string> {
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const windows1252 = new TextDecoder("windows-1252");
  let isUtf8 = true;
  let carry: Uint8Array = new Uint8Array(0);
  let first = true;
  const emit = (text: string) => {
    if (first && text) {
      first = false;
      return text.startsWith("\uFEFF") ? text.slice(1) : text;
    }
    return text;
  };
  for await (const chunk of bytes) {
    const all = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    if (isUtf8) {
      const cut = completeUtf8Length(all);
      try {
        const text = utf8.decode(all.subarray(0, cut));
        carry = all.slice(cut);
        if (text) yield emit(text);
        continue;
      } catch {
        isUtf8 = false;
      }
    }
    carry = new Uint8Array(0);
    yield emit(windows1252.decode(all));
  }
  if (carry.length) {
    let text: string;
    try {
      text = utf8.decode(carry);
    } catch {
      text = windows1252.decode(carry);
    }
    yield emit(text);
  }
}

/** How many bytes from the start end on a whole UTF-8 character: a character split between two chunks waits for the next. */
function completeUtf8Length(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/**
 * csv-parse counts a record's characters but not its separators, so a line of empty cells
 * (";;;;…") would grow one record without bound: the separators on one line are counted here.
 */
async function* limitSeparators(text: AsyncIterable<string>, delimiter: string, limits: ImportLimits): AsyncGenerator<string> {
  const separator = delimiter.charCodeAt(0);
  let onLine = 0;
  let line = 1;
  for await (const part of text) {
    for (let i = 0; i < part.length; i++) {
      const code = part.charCodeAt(i);
      if (code === 10) {
        onLine = 0;
        line++;
      } else if (code === separator && ++onLine > limits.maxSeparatorsPerLine) {
        throw tooManyColumns(limits, line);
      }
    }
    yield part;
  }
}

async function readCsvStream(bytes: Chunks, limits: ImportLimits): Promise<ImportTable> {
  const text = decodeText(bytes)[Symbol.asyncIterator]();
  // The header line names the separator; a first line longer than any record is refused by the parser.
  let start = "";
  let ended = false;
  while (!/[\r\n]/.test(start) && start.length <= limits.maxRecordChars) {
    const next = await text.next();
    if (next.done) {
      ended = true;
      break;
    }
    start += next.value;
  }
  const delimiter = detectDelimiter(start);
  const all = (async function* () {
    yield start;
    if (ended) return;
    for (;;) {
      const next = await text.next();
      if (next.done) return;
      yield next.value;
    }
  })();
  let sourceError: unknown;
  const source = Readable.from(limitSeparators(all, delimiter, limits), { objectMode: false });
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, max_record_size: limits.maxRecordChars });
  source.on("error", (error) => {
    sourceError = error;
    parser.destroy(error);
  });
  source.pipe(parser);
  const table = new TableBuilder(limits);
  let record = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      table.add(++record, cells);
      if (record % YIELD_EVERY_ROWS === 0) await yieldToOtherRequests();
    }
  } catch (error) {
    if (sourceError) throw sourceError;
    if (error instanceof AppError) throw error;
    const csvError = error as CsvError;
    // The parser may be records ahead of this loop: its own count names the row.
    const parsed = (error as { records?: unknown }).records;
    if (csvError.code === "CSV_MAX_RECORD_SIZE") throw cellTooLong(limits, (typeof parsed === "number" ? parsed : record) + 1);
    const line = csvError.lines;
    throw unreadable(`The CSV file cannot be read${line ? ` at line ${line}` : ""}: ${csvError.message}`, "imports.errors.badCsv", { line: typeof line === "number" ? line : "?" });
  } finally {
    source.destroy();
    await text.return?.(undefined);
  }
  return table.finish();
}

/** ExcelJS's own reader internals used here (it has no types for them); see readXlsxStream. */
type WorkbookReaderInternals = {
  sharedStrings?: unknown[];
  model?: { sheets?: Array<{ rId: string }> };
  workbookRels?: Array<{ Id: string; Target: string }>;
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Iterable<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
};
type ZipEntry = Readable & { path: string; autodrain(): { promise(): Promise<void> } };
type SaxNode = { name: string };
type SaxesParserLike = {
  on(event: "opentag" | "closetag", handler: (node: SaxNode) => void): void;
  on(event: "text", handler: (text: string) => void): void;
  on(event: "error", handler: (error: Error) => void): void;
  write(text: string): void;
  close(): void;
};

/** unzipper and saxes as ExcelJS itself loads them: the same versions its reader is written for. */
function exceljsDependency<T>(name: string): T {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve("exceljs"))(name) as T;
}

/**
 * An XLSX file read from a stream: ExcelJS's `WorkbookReader` does the reading, but its loop over
 * the zip is ours, because it has no limits of its own: each part's decompressed bytes pass
 * `guardXml` (a total for the workbook, and the longest text or tag the XML parser would hold),
 * the shared strings are read by a bounded reader of ours, and only the first sheet is parsed.
 * A sheet stored before the shared strings it needs (as Excel writes them) waits in a temporary
 * file, as ExcelJS does, bounded by the same total.
 */
async function readXlsxStream(bytes: Chunks, limits: ImportLimits): Promise<ImportTable> {
  // Loaded on the first XLSX import only: ExcelJS adds about 25 MB to a server that may never read one (decision 081).
  const { default: Excel } = await import("exceljs");
  const unzipper = exceljsDependency<{ Parse(options: { forceStream: true }): NodeJS.ReadWriteStream & AsyncIterable<ZipEntry> }>("unzipper");
  const reader = new Excel.stream.xlsx.WorkbookReader(Readable.from([]), {
    worksheets: "emit", sharedStrings: "cache", styles: "cache", hyperlinks: "ignore", entries: "ignore",
  }) as unknown as WorkbookReaderInternals;

  let sourceError: unknown;
  const input = Readable.from(bytes);
  const zip = unzipper.Parse({ forceStream: true });
  input.on("error", (error) => {
    sourceError = error;
    (zip as unknown as Readable).destroy(error);
  });
  input.pipe(zip);

  const budget = { bytes: 0 };
  const table = new TableBuilder(limits);
  let firstSheet: string | undefined;
  let sheetSeen = false;
  let waiting: { file: string; sheetNo: string } | undefined;
  let tmpDir: string | undefined;
  try {
    for await (const entry of zip) {
      const name = entry.path.replace(/^\//, "");
      const sheetNo = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(name)?.[1];
      const xml = guardXml(entry, budget, limits);
      if (name === "xl/_rels/workbook.xml.rels") await reader._parseRels(xml);
      else if (name === "xl/workbook.xml") await reader._parseWorkbook(xml);
      else if (name === "xl/styles.xml") await reader._parseStyles(xml);
      else if (name === "xl/sharedStrings.xml") reader.sharedStrings = await readSharedStrings(xml, limits);
      else if (sheetNo && !sheetSeen && name === (firstSheet ??= firstSheetPath(reader) ?? name)) {
        sheetSeen = true;
        // A workbook whose relationships name no shared strings (numbers, inline text) will not get any: read its sheet now.
        if (reader.workbookRels && !reader.sharedStrings && !reader.workbookRels.some((rel) => rel.Target.endsWith("sharedStrings.xml"))) reader.sharedStrings = [];
        if (reader.sharedStrings && reader.workbookRels) {
          await readSheet(reader, xml, sheetNo, table, limits);
        } else {
          tmpDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "schakel-import-"));
          const file = path.join(tmpDir, "sheet.xml");
          await streamToFile(xml, file);
          waiting = { file, sheetNo };
        }
      } else {
        // Read and thrown away, yet counted: a bomb in a part nobody needs costs time as much as one in the sheet.
        for await (const chunk of xml) void chunk;
      }
    }
    if (waiting) await readSheet(reader, fs.createReadStream(waiting.file), waiting.sheetNo, table, limits);
    if (!sheetSeen) throw unreadable("The workbook has no sheets", "imports.errors.empty");
  } catch (error) {
    if (sourceError) throw sourceError;
    if (error instanceof AppError) throw error;
    throw notCsvOrXlsx();
  } finally {
    input.destroy();
    (zip as unknown as Readable).destroy();
    if (tmpDir) await fs.promises.rm(tmpDir, { recursive: true, force: true });
  }
  return table.finish();
}

/** The part of the workbook's first sheet (in the workbook's order, not the zip's). */
function firstSheetPath(reader: WorkbookReaderInternals): string | undefined {
  const rId = reader.model?.sheets?.[0]?.rId;
  const target = rId ? reader.workbookRels?.find((rel) => rel.Id === rId)?.Target : undefined;
  if (!target) return undefined;
  return target.startsWith("/") ? target.slice(1) : `xl/${target}`;
}

async function readSheet(reader: WorkbookReaderInternals, xml: Readable, sheetNo: string, table: TableBuilder, limits: ImportLimits) {
  let sheetRows = 0;
  for (const { eventType, value: worksheet } of reader._parseWorksheet(xml, sheetNo)) {
    if (eventType !== "worksheet") continue;
    for await (const row of worksheet) {
      if (++sheetRows > limits.maxSheetRows) throw tooComplex();
      if (sheetRows % YIELD_EVERY_ROWS === 0) await yieldToOtherRequests();
      if (!row.hasValues && !table.hasHeader) continue;
      if (row.cellCount > 16_384) throw tooManyColumns(limits, row.number);
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cellText(cell.value);
      });
      table.add(row.number, Array.from(cells, (cell) => cell ?? ""));
    }
  }
}

/**
 * The shared strings table: each entry's text (rich text runs joined, phonetic guides left out),
 * refused past `maxSharedStrings` entries, a cell's length, or `maxRecordChars` × 128 characters in all.
 */
async function readSharedStrings(xml: Readable, limits: ImportLimits): Promise<string[]> {
  const { SaxesParser } = exceljsDependency<{ SaxesParser: new () => SaxesParserLike }>("saxes");
  const parser = new SaxesParser();
  const strings: string[] = [];
  const maxTotal = limits.maxRecordChars * 128;
  let parts: string[] | null = null;
  let length = 0;
  let total = 0;
  let inText = false;
  let inPhonetic = false;
  let failure: Error | undefined;
  parser.on("opentag", (node) => {
    if (node.name === "si") {
      parts = [];
      length = 0;
    } else if (node.name === "t") inText = true;
    else if (node.name === "rPh") inPhonetic = true;
  });
  parser.on("text", (text) => {
    if (!parts || !inText || inPhonetic || failure) return;
    length += text.length;
    total += text.length;
    if (length > limits.maxCellChars) failure = cellTooLong(limits, strings.length + 1);
    else if (total > maxTotal) failure = tooComplex();
    else parts.push(text);
  });
  parser.on("closetag", (node) => {
    if (node.name === "t") inText = false;
    else if (node.name === "rPh") inPhonetic = false;
    else if (node.name === "si" && parts) {
      strings.push(parts.join(""));
      parts = null;
      if (strings.length > limits.maxSharedStrings) failure ??= tooComplex();
    }
  });
  parser.on("error", (error) => (failure ??= error));
  const decoder = new TextDecoder();
  for await (const chunk of xml as AsyncIterable<Buffer>) {
    parser.write(decoder.decode(chunk, { stream: true }));
    if (failure) throw failure;
  }
  parser.write(decoder.decode());
  parser.close();
  if (failure) throw failure;
  return strings;
}

/**
 * A zip part's decompressed bytes, counted against the workbook's total and checked for runs without
 * `<` or `>` (one text or tag longer than any cell could be): the XML parser holds such a run whole.
 */
function guardXml(entry: ZipEntry, budget: { bytes: number }, limits: ImportLimits): Readable {
  let run = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      budget.bytes += chunk.length;
      if (budget.bytes > limits.maxXmlBytes) return done(tooComplex());
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (byte === 0x3c || byte === 0x3e) run = 0;
        else if (++run > limits.maxXmlTokenBytes) return done(tooComplex());
      }
      done(null, chunk);
    },
  });
  pipeline(entry, guard, () => {});
  return guard;
}

async function streamToFile(stream: Readable, file: string) {
  await pipelinePromise(stream, fs.createWriteStream(file, { mode: 0o600 }));
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
