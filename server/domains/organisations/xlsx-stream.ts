import { PassThrough, Readable } from "node:stream";
import ZipStream from "zip-stream";

/**
 * A one-sheet XLSX workbook written as a stream. We write the sheet XML ourselves (inline strings,
 * no shared-string table, one plain style) into a streaming zip, only as fast as the reader takes
 * it: ExcelJS's streaming writer grew by about 0.9 MB per 1,000 rows whatever its options.
 * See docs/decisions/018-xlsx-export-written-by-hand.md and docs/performance.md.
 */
export function streamXlsx(sheetName: string, rows: AsyncIterable<readonly string[]>): Readable {
  return streamXlsxSheets([{ name: sheetName, rows }]);
}

/** A cell: text, or a number written as a number (so a spreadsheet can add it up). */
export type XlsxCell = string | number;

/** The same workbook with several sheets, written one after the other. */
export function streamXlsxSheets(sheets: ReadonlyArray<{ name: string; rows: AsyncIterable<readonly XlsxCell[]> | Iterable<readonly XlsxCell[]> }>): Readable {
  const output = new PassThrough();
  const zip = new ZipStream({ level: 6 });
  zip.on("error", (error: Error) => output.destroy(error));
  zip.pipe(output);
  const add = (source: string | Readable, name: string) =>
    new Promise<void>((resolve, reject) => {
      zip.entry(source, { name }, (error) => (error ? reject(error) : resolve()));
    });
  void (async () => {
    try {
      await add(contentTypes(sheets.length), "[Content_Types].xml");
      await add(ROOT_RELS, "_rels/.rels");
      await add(workbookXml(sheets.map((sheet) => sheet.name)), "xl/workbook.xml");
      await add(workbookRels(sheets.length), "xl/_rels/workbook.xml.rels");
      await add(STYLES, "xl/styles.xml");
      for (const [i, sheet] of sheets.entries()) await add(Readable.from(sheetXml(sheet.rows)), `xl/worksheets/sheet${i + 1}.xml`);
      zip.finalize();
    } catch (error) {
      output.destroy(error as Error);
    }
  })();
  return output;
}

async function* sheetXml(rows: AsyncIterable<readonly XlsxCell[]> | Iterable<readonly XlsxCell[]>) {
  yield `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN_NS}"><sheetData>`;
  let r = 0;
  // Rows go out in chunks of about 64 kB: one small write per row costs more in the zip's deflate and checksum streams than the XML itself.
  let chunk = "";
  for await (const row of rows) {
    r += 1;
    chunk += `<row r="${r}">`;
    row.forEach((value, i) => {
      if (value === "") return;
      if (typeof value === "number") {
        if (Number.isFinite(value)) chunk += `<c r="${columnName(i)}${r}"><v>${value}</v></c>`;
        return;
      }
      chunk += `<c r="${columnName(i)}${r}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
    });
    chunk += "</row>";
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}</sheetData></worksheet>`;
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

// Characters XML 1.0 does not allow at all are dropped; a spreadsheet cell cannot hold them either.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeXml(value: string): string {
  return value.replace(INVALID_XML, "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Excel refuses sheet names over 31 characters or with any of []:*?/\ in them. */
function workbookXml(sheetNames: string[]) {
  const sheets = sheetNames
    .map((sheetName, i) => `<sheet name="${escapeXml(sheetName.replace(/[[\]:*?/\\]/g, " ").slice(0, 31) || `Sheet${i + 1}`)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>${sheets}</sheets></workbook>`;
}

const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";

function contentTypes(sheetCount: number) {
  const sheets = Array.from({ length: sheetCount }, (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
}

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

// The style sheet is the relationship after the sheets.
function workbookRels(sheetCount: number) {
  const sheets = Array.from({ length: sheetCount }, (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="${PKG_REL_NS}">${sheets}<Relationship Id="rId${sheetCount + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`;
}

// The smallest style sheet Excel accepts without a repair prompt: one font, fill, border and cell format.
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="${MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>`;
