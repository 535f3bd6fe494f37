import { deflateRawSync } from "node:zlib";

/**
 * Large hostile upload bodies, made as they are sent (never held whole by the test): a CSV of
 * one-character rows and an XLSX whose one sheet is tens of megabytes of one-number rows. Each is an
 * iterable of chunks; a sender stops pulling once the server has answered.
 */

const CHUNK = 64 * 1024;

/** `bytes` of "Naam\na\na\n…": the report's crash, a CSV of one-character rows. */
export function* tinyRowsCsv(bytes: number): Generator<Buffer> {
  const header = Buffer.from("Naam\n");
  yield header;
  const chunk = Buffer.from("a\n".repeat(CHUNK / 2));
  for (let sent = header.length; sent < bytes; sent += chunk.length) yield sent + chunk.length <= bytes ? chunk : chunk.subarray(0, bytes - sent);
}

/** `bytes` of multipart body around a file part: what a browser's form sends. */
export function* multipartFile(boundary: string, fileName: string, contentType: string, file: Iterable<Buffer>): Generator<Buffer> {
  yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`);
  yield* file;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const RELS = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/** The small parts of a one-sheet workbook, in the order Excel writes them (before the sheet). */
const SMALL_PARTS: Array<[string, string]> = [
  ["[Content_Types].xml", `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`],
  ["_rels/.rels", `${XML}<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
  ["xl/workbook.xml", `${XML}<workbook xmlns="${MAIN}" xmlns:r="${DOC_RELS}"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>`],
  ["xl/_rels/workbook.xml.rels", `${XML}<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`],
];

/** The sheet: a header and then `<row r="n"><c r="An"><v>1</v></c></row>` until about `bytes`. Always the same bytes for the same `bytes`. */
function* sheetChunks(bytes: number): Generator<Buffer> {
  let size = 0;
  const open = Buffer.from(`${XML}<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>`);
  yield open;
  size += open.length;
  let row = 2;
  const close = Buffer.from("</sheetData></worksheet>");
  while (size + close.length < bytes) {
    let text = "";
    while (text.length < CHUNK && size + text.length + close.length < bytes) {
      text += `<row r="${row}"><c r="A${row}"><v>1</v></c></row>`;
      row++;
    }
    const chunk = Buffer.from(text);
    size += chunk.length;
    yield chunk;
  }
  yield close;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

function crc32(chunks: Iterable<Buffer>): { crc: number; size: number } {
  let crc = -1;
  let size = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) crc = CRC_TABLE[(crc ^ chunk[i]!) & 0xff]! ^ (crc >>> 8);
    size += chunk.length;
  }
  return { crc: (crc ^ -1) >>> 0, size };
}

function localHeader(name: string, crc: number, size: number): Buffer {
  const fileName = Buffer.from(name);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(0, 6); // flags: sizes are in this header
  header.writeUInt16LE(0, 8); // stored, not deflated: the file is as large as it unpacks
  header.writeUInt16LE(0, 10);
  header.writeUInt16LE(0x21, 12); // 1980-01-01
  header.writeUInt32LE(crc, 14);
  header.writeUInt32LE(size, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(fileName.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, fileName]);
}

/**
 * An XLSX file of about `bytes`, stored uncompressed so that its size is its content: a sheet of
 * one-number rows (over a million of them in 50 MB). The sheet's checksum is worked out once, by
 * making it and throwing it away; each call then makes it again as it is sent. The central
 * directory at the end is left out: a reader that streams never gets there, and ours is refused first.
 */
export function tinyRowsXlsx(bytes: number): () => Generator<Buffer> {
  const small = SMALL_PARTS.map(([name, text]) => {
    const data = Buffer.from(text);
    return { name, data, ...crc32([data]) };
  });
  const sheetBytes = bytes - small.reduce((sum, part) => sum + 30 + part.name.length + part.size, 0) - 30 - "xl/worksheets/sheet1.xml".length;
  const sheet = crc32(sheetChunks(sheetBytes));
  return function* () {
    for (const part of small) {
      yield localHeader(part.name, part.crc, part.size);
      yield part.data;
    }
    yield localHeader("xl/worksheets/sheet1.xml", sheet.crc, sheet.size);
    yield* sheetChunks(sheetBytes);
  };
}

/**
 * A small zip in memory: each part stored as is, or deflated (a part that unpacks to far more than
 * its compressed size: a zip bomb in miniature). With `xlsxParts` it is a workbook whose sheet is `sheet`.
 */
export function zipOf(parts: Array<{ name: string; data: Buffer; deflate?: boolean }>): Buffer {
  const out: Buffer[] = [];
  for (const part of parts) {
    const { crc, size } = crc32([part.data]);
    const body = part.deflate ? deflateRawSync(part.data) : part.data;
    const header = localHeader(part.name, crc, size);
    header.writeUInt16LE(part.deflate ? 8 : 0, 8);
    header.writeUInt32LE(body.length, 18);
    out.push(header, body);
  }
  return Buffer.concat(out);
}

/** The parts of a one-sheet workbook around `sheetData` (rows XML), optionally with a shared strings table stored after the sheet, as Excel stores it. */
export function xlsxParts(sheetData: string | Buffer, options: { sharedStrings?: string[]; deflateSheet?: boolean } = {}) {
  const withStrings = options.sharedStrings !== undefined;
  const parts = SMALL_PARTS.map(([name, text]) => ({ name, data: Buffer.from(text) }));
  if (withStrings) {
    parts[3] = {
      name: "xl/_rels/workbook.xml.rels",
      data: Buffer.from(`${XML}<Relationships xmlns="${RELS}"><Relationship Id="rId1" Type="${DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`),
    };
  }
  const sheet = typeof sheetData === "string" ? Buffer.from(`${XML}<worksheet xmlns="${MAIN}"><sheetData>${sheetData}</sheetData></worksheet>`) : sheetData;
  const all: Array<{ name: string; data: Buffer; deflate?: boolean }> = [...parts, { name: "xl/worksheets/sheet1.xml", data: sheet, deflate: options.deflateSheet ?? false }];
  if (withStrings) {
    const items = options.sharedStrings!.map((text) => `<si><t>${text}</t></si>`).join("");
    all.push({ name: "xl/sharedStrings.xml", data: Buffer.from(`${XML}<sst xmlns="${MAIN}" count="${options.sharedStrings!.length}" uniqueCount="${options.sharedStrings!.length}">${items}</sst>`) });
  }
  return all;
}
