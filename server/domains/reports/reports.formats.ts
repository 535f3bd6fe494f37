import { Readable } from "node:stream";
import PDFDocument from "pdfkit";
import { csvString } from "../../csv";
import { toWebStream } from "../../http/web-stream";
import { type Locale, translator, type Translate } from "../../../i18n";
import { formatEuros } from "../commitments/commitments.schemas";
import { streamXlsxSheets, type XlsxCell } from "../organisations/xlsx-stream";
import type { ContributionStatement, SchoolYearFigures } from "./reports.service";
import { dateFormat, numberFormat } from "../../../i18n/intl";

/*
 * The school year's report as files. Every number comes from schoolYearFigures() (or, for the
 * statement, contributionStatement()): this file only lays them out. Units: counts as whole
 * numbers; money in CSV and XLSX as euros with two decimals under a header naming the unit
 * ("Bedrag (EUR)"), in the PDF and on the page the Dutch way ("€ 2.630,00"), in JSON as cents.
 * See docs/decisions/062-report-formats-and-units.md.
 */

export const REPORT_CONTENT_TYPES = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
} as const;

/** A report file as a download, streamed when it is a stream (XLSX, PDF). */
export function reportFileResponse(body: string | Readable, format: keyof typeof REPORT_CONTENT_TYPES, fileName: string): Response {
  const content = typeof body === "string" ? body : toWebStream(body);
  return new Response(content, {
    headers: { "Content-Type": REPORT_CONTENT_TYPES[format], "Content-Disposition": `attachment; filename="${fileName}.${format}"`, "Cache-Control": "private, no-store" },
  });
}

/** Cents as a euro amount for a spreadsheet: 263000 → 2630 (exact to the cent as a binary double at these sizes). */
export const centsToEuros = (cents: number) => cents / 100;

/** Cents with a decimal comma and no thousands separator, as Dutch Excel reads a number from a ';' CSV: 263000 → "2630,00". */
export function csvEuros(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

/** A calendar day as people write it: 1 okt 2025. Read at noon UTC, so no time zone shifts the day. */
export function formatReportDay(day: string, locale: Locale): string {
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

type IndicatorRow = { section: string; description: string; count?: number; cents?: number | null };

/** The report's lines, in the order of the page: shared by CSV and XLSX so the two cannot differ. */
export function indicatorRows(figures: SchoolYearFigures, locale: Locale): IndicatorRow[] {
  const t = translator(locale);
  const f = (key: string) => t(`reports.file.${key}`);
  const rows: IndicatorRow[] = [
    { section: f("general"), description: t("reports.schoolYear"), count: undefined },
    { section: f("general"), description: f("region") },
    { section: f("general"), description: t("reports.subregion") },
    { section: t("reports.participation"), description: t("reports.companiesParticipating"), count: figures.companiesParticipating },
    { section: t("reports.participation"), description: t("reports.tradeSchools"), count: figures.tradeSchools.length },
    ...figures.tradeSchools.map((o) => ({ section: t("reports.tradeSchools"), description: o.name })),
    { section: t("reports.participation"), description: t("reports.mboSchools"), count: figures.mboSchools.length },
    ...figures.mboSchools.map((o) => ({ section: t("reports.mboSchools"), description: o.name })),
    { section: t("reports.reach"), description: t("reports.pupilsReached"), count: figures.pupilsReached },
    { section: t("reports.reach"), description: t("reports.teachersInvolved"), count: figures.teachersInvolved },
    { section: t("reports.reach"), description: t("reports.activitiesDone"), count: figures.activitiesDone },
    { section: t("reports.reach"), description: t("reports.guestLessonsGiven"), count: figures.guestLessonsGiven },
    { section: f("internships"), description: t("reports.internshipsOffered"), count: figures.internships.offered },
    { section: f("internships"), description: t("reports.internshipsFilled"), count: figures.internships.filled },
    ...Object.entries(figures.activitiesByType).map(([type, count]) => ({ section: f("activityTypes"), description: t(`activities.types.${type}`), count })),
    ...Object.entries(figures.activitiesByProfile).map(([profile, count]) => ({ section: f("profiles"), description: profile, count })),
    { section: t("reports.cofinancing"), description: t("reports.pledged"), cents: figures.commitments.pledgedCents },
    { section: t("reports.cofinancing"), description: t("reports.realised"), cents: figures.commitments.realisedCents },
    { section: t("reports.cofinancing"), description: t("reports.target"), cents: figures.commitments.targetCents },
    ...figures.partners.map((p) => ({ section: f("partnerPledged"), description: p.name, cents: p.pledgedCents })),
    ...figures.partners.map((p) => ({ section: f("partnerRealised"), description: p.name, cents: p.realisedCents })),
  ];
  // The general lines carry text, not numbers: the year, the region and the subregion (or the whole region).
  rows[0]!.description = `${t("reports.schoolYear")}: ${figures.schoolYear}`;
  rows[1]!.description = `${f("region")}: ${figures.region.name}`;
  rows[2]!.description = `${t("reports.subregion")}: ${figures.subregion?.name ?? t("reports.wholeRegion")}`;
  return rows;
}

function headers(t: Translate) {
  return [t("reports.file.section"), t("reports.file.description"), t("reports.file.count"), t("reports.file.amount")];
}

/** The report as CSV: ';' and a byte-order mark as Dutch Excel expects (as the organisation export does). */
export function reportCsv(figures: SchoolYearFigures, locale: Locale): string {
  const t = translator(locale);
  const rows = indicatorRows(figures, locale).map((row) => [
    row.section, row.description, row.count === undefined ? "" : row.count, row.cents === undefined || row.cents === null ? "" : csvEuros(row.cents),
  ]);
  return csvString([headers(t), ...rows], { delimiter: ";", bom: true });
}

/** The report as XLSX: a sheet of figures and a sheet of partners, amounts as numbers in euros. */
export function reportXlsx(figures: SchoolYearFigures, locale: Locale): Readable {
  const t = translator(locale);
  const indicators: XlsxCell[][] = [
    headers(t),
    ...indicatorRows(figures, locale).map((row) => [
      row.section, row.description, row.count ?? "", row.cents === undefined || row.cents === null ? "" : centsToEuros(row.cents),
    ]),
  ];
  const partners: XlsxCell[][] = [
    [t("reports.partner"), t("reports.file.kind"), t("reports.file.pledged"), t("reports.file.realised"), t("reports.file.dates")],
    ...figures.partners.map((p) => [p.name, t(`organisations.kinds.${p.kind}`), centsToEuros(p.pledgedCents), centsToEuros(p.realisedCents), p.realisationDates.join(", ")]),
    [t("reports.total"), "", centsToEuros(figures.commitments.pledgedCents), centsToEuros(figures.commitments.realisedCents), ""],
  ];
  return streamXlsxSheets([
    { name: t("reports.file.indicators"), rows: indicators },
    { name: t("reports.file.partners"), rows: partners },
  ]);
}

// ---- PDF ---------------------------------------------------------------------------------------

const MARGIN = 56;
const WIDTH = 595.28 - 2 * MARGIN;

/**
 * pdfkit with its built-in Helvetica (WinAnsi: € and the Dutch accents render, no font files to
 * ship). `compress: false` is for tests that read the text back; the routes keep the default.
 */
function newPdf(title: string, options: { compress?: boolean } = {}) {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, compress: options.compress ?? true, info: { Title: pdfSafe(title), Creator: "Schakel" } });
  // Every text goes through pdfSafe: the built-in fonts cannot show what WinAnsi does not have.
  const text = doc.text.bind(doc) as (value: string, ...rest: unknown[]) => typeof doc;
  doc.text = ((value: string, ...rest: unknown[]) => text(pdfSafe(String(value)), ...rest)) as unknown as typeof doc.text;
  doc.font("Helvetica");
  return doc;
}

// The characters of WinAnsi (Windows-1252) beyond Latin-1: what the built-in Helvetica can show besides U+0020–U+007E and U+00A0–U+00FF.
const WIN_ANSI_EXTRA = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");
const showable = (char: string) => {
  const code = char.codePointAt(0)!;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(char) || char === "\n";
};
const NEAREST: Record<string, string> = { ı: "i", İ: "I", ł: "l", Ł: "L", đ: "d", Đ: "D", ħ: "h", "\u2009": " ", "\u202f": " " };

/**
 * Text the built-in fonts can show: a letter outside WinAnsi becomes its nearest plain letter
 * (Yılmaz → Yilmaz, Şahin → Sahin, ĳ → ij), anything else a question mark — never garbled bytes.
 */
export function pdfSafe(value: string): string {
  let out = "";
  for (const char of value) {
    if (showable(char)) out += char;
    else if (NEAREST[char] !== undefined) out += NEAREST[char];
    else {
      const plain = char.normalize("NFKD").replace(/\p{M}/gu, "");
      out += plain && [...plain].every(showable) ? plain : "?";
    }
  }
  return out;
}

type Pdf = InstanceType<typeof PDFDocument>;

function ensureRoom(doc: Pdf, height: number) {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function heading(doc: Pdf, text: string) {
  ensureRoom(doc, 60);
  doc.moveDown(0.8).font("Helvetica-Bold").fontSize(12).text(text, MARGIN, doc.y, { width: WIDTH }).font("Helvetica").fontSize(10).moveDown(0.3);
}

/** One line of columns; each column { text, width, align }. Wrapped cells make the line as tall as its tallest cell. */
function line(doc: Pdf, cells: Array<{ text: string; width: number; align?: "left" | "right"; bold?: boolean }>) {
  ensureRoom(doc, 28);
  const top = doc.y;
  let x = MARGIN;
  let bottom = top;
  for (const cell of cells) {
    doc.font(cell.bold ? "Helvetica-Bold" : "Helvetica").text(cell.text, x, top, { width: cell.width - 6, align: cell.align ?? "left" });
    bottom = Math.max(bottom, doc.y);
    x += cell.width;
  }
  doc.font("Helvetica");
  doc.x = MARGIN;
  doc.y = bottom + 2;
}

function keyValue(doc: Pdf, key: string, value: string, bold = false) {
  line(doc, [{ text: key, width: WIDTH - 160, bold }, { text: value, width: 160, align: "right", bold }]);
}

/** The accountability report of a school year as a PDF, with the same figures as the page. */
export function reportPdf(figures: SchoolYearFigures, context: { today: string; locale: Locale }, options: { compress?: boolean } = {}): Readable {
  const { locale } = context;
  const regionName = figures.region.name;
  const t = translator(locale);
  const n = (value: number) => numberFormat(locale === "nl" ? "nl-NL" : "en-GB").format(value);
  const euros = (cents: number) => formatEuros(cents, locale);
  const title = t("reports.reportTitle", { schoolYear: figures.schoolYear });
  const doc = newPdf(`${title} · ${regionName}`, options);
  doc.font("Helvetica-Bold").fontSize(18).text(title, { width: WIDTH });
  doc.font("Helvetica").fontSize(11).text(`${regionName} · ${figures.subregion?.name ?? t("reports.wholeRegion")}`);
  doc.fontSize(10).text(t("reports.period", { from: formatReportDay(figures.from, locale), until: formatReportDay(figures.until, locale) }));

  heading(doc, t("reports.participation"));
  keyValue(doc, t("reports.companiesParticipating"), n(figures.companiesParticipating));
  keyValue(doc, t("reports.tradeSchools"), n(figures.tradeSchools.length));
  if (figures.tradeSchools.length) line(doc, [{ text: figures.tradeSchools.map((o) => o.name).join(", "), width: WIDTH }]);
  keyValue(doc, t("reports.mboSchools"), n(figures.mboSchools.length));
  if (figures.mboSchools.length) line(doc, [{ text: figures.mboSchools.map((o) => o.name).join(", "), width: WIDTH }]);

  heading(doc, t("reports.reach"));
  keyValue(doc, t("reports.pupilsReached"), n(figures.pupilsReached));
  keyValue(doc, t("reports.teachersInvolved"), n(figures.teachersInvolved));
  keyValue(doc, t("reports.activitiesDone"), n(figures.activitiesDone));
  keyValue(doc, t("reports.guestLessonsGiven"), n(figures.guestLessonsGiven));
  keyValue(doc, t("reports.internshipsOffered"), n(figures.internships.offered));
  keyValue(doc, t("reports.internshipsFilled"), n(figures.internships.filled));

  heading(doc, t("reports.byType"));
  for (const [type, count] of Object.entries(figures.activitiesByType)) keyValue(doc, t(`activities.types.${type}`), n(count));
  heading(doc, t("reports.byProfile"));
  const profiles = Object.entries(figures.activitiesByProfile);
  if (!profiles.length) line(doc, [{ text: t("reports.noProfiles"), width: WIDTH }]);
  for (const [profile, count] of profiles) keyValue(doc, profile, n(count));

  heading(doc, t("reports.cofinancing"));
  keyValue(doc, t("reports.pledged"), euros(figures.commitments.pledgedCents));
  keyValue(doc, t("reports.realised"), euros(figures.commitments.realisedCents));
  const target = figures.commitments.targetCents;
  keyValue(doc, t("reports.target"), target === null ? (figures.subregion ? t("reports.targetSubregion") : t("reports.noTarget")) : euros(target));

  heading(doc, t("reports.partners"));
  if (!figures.partners.length) line(doc, [{ text: t("reports.noPartners"), width: WIDTH }]);
  else {
    const columns = [WIDTH - 300, 100, 100, 100];
    line(doc, [
      { text: t("reports.partner"), width: columns[0]!, bold: true },
      { text: t("reports.pledged"), width: columns[1]!, align: "right", bold: true },
      { text: t("reports.realised"), width: columns[2]!, align: "right", bold: true },
      { text: t("reports.realisationDates"), width: columns[3]!, bold: true },
    ]);
    for (const p of figures.partners) {
      line(doc, [
        { text: p.name, width: columns[0]! },
        { text: euros(p.pledgedCents), width: columns[1]!, align: "right" },
        { text: euros(p.realisedCents), width: columns[2]!, align: "right" },
        { text: p.realisationDates.map((day) => formatReportDay(day, locale)).join(", "), width: columns[3]! },
      ]);
    }
    line(doc, [
      { text: t("reports.total"), width: columns[0]!, bold: true },
      { text: euros(figures.commitments.pledgedCents), width: columns[1]!, align: "right", bold: true },
      { text: euros(figures.commitments.realisedCents), width: columns[2]!, align: "right", bold: true },
      { text: "", width: columns[3]! },
    ]);
  }
  doc.moveDown(1.5).fontSize(8).text(t("reports.generated", { date: formatReportDay(context.today, locale) }), MARGIN, doc.y, { width: WIDTH });
  doc.end();
  return doc as unknown as Readable;
}

/** A partner's contribution statement as a PDF, ready to be signed by both sides. */
export function statementPdf(statement: ContributionStatement, context: { today: string; locale: Locale }, options: { compress?: boolean } = {}): Readable {
  const { locale } = context;
  const t = translator(locale);
  const euros = (cents: number) => formatEuros(cents, locale);
  const title = t("reports.statementTitle", { schoolYear: statement.schoolYear });
  const doc = newPdf(`${title} · ${statement.organisation.name}`, options);
  doc.font("Helvetica-Bold").fontSize(18).text(title, { width: WIDTH });
  doc.font("Helvetica-Bold").fontSize(12).text(statement.organisation.name);
  const details = [statement.organisation.city, statement.organisation.kvkNumber ? t("reports.kvk", { number: statement.organisation.kvkNumber }) : null].filter(Boolean).join(" · ");
  doc.font("Helvetica").fontSize(10);
  if (details) doc.text(details);
  doc.moveDown(0.5).text(
    t("reports.statementIntro", {
      organisation: statement.organisation.name, schoolYear: statement.schoolYear, region: statement.regionName,
      from: formatReportDay(statement.from, locale), until: formatReportDay(statement.until, locale),
    }),
    { width: WIDTH },
  );

  heading(doc, t("reports.commitments"));
  if (!statement.commitments.length) line(doc, [{ text: t("reports.noCommitments"), width: WIDTH }]);
  else {
    line(doc, [
      { text: t("reports.kind"), width: WIDTH - 260, bold: true },
      { text: t("reports.status"), width: 140, bold: true },
      { text: t("reports.amount"), width: 120, align: "right", bold: true },
    ]);
    for (const c of statement.commitments) {
      const what = [
        `${t(`commitments.kinds.${c.kind}`)} · ${t(`commitments.categories.${c.category}`)}`,
        c.hours !== null && c.hourlyRateCents !== null ? t("reports.hoursTimesRate", { hours: numberFormat(locale === "nl" ? "nl-NL" : "en-GB").format(c.hours), rate: euros(c.hourlyRateCents) }) : null,
        c.agreementReference,
      ].filter(Boolean).join(" · ");
      const status = [t(`commitments.statuses.${c.status}`), c.confirmedAt ? t("reports.confirmedOn", { date: formatReportDay(c.confirmedAt.toISOString().slice(0, 10), locale) }) : null].filter(Boolean).join(", ");
      line(doc, [{ text: what, width: WIDTH - 260 }, { text: status, width: 140 }, { text: euros(c.amountCents), width: 120, align: "right" }]);
    }
  }
  keyValue(doc, t("reports.pledged"), euros(statement.pledgedCents), true);

  heading(doc, t("reports.realisations"));
  if (!statement.realisations.length) line(doc, [{ text: t("reports.noRealisations"), width: WIDTH }]);
  else {
    line(doc, [
      { text: t("reports.date"), width: 90, bold: true },
      { text: t("reports.description"), width: WIDTH - 210, bold: true },
      { text: t("reports.amount"), width: 120, align: "right", bold: true },
    ]);
    for (const r of statement.realisations) {
      line(doc, [
        { text: formatReportDay(r.date, locale), width: 90 },
        { text: [r.description, r.evidence].filter(Boolean).join(" · "), width: WIDTH - 210 },
        { text: euros(r.amountCents), width: 120, align: "right" },
      ]);
    }
  }
  keyValue(doc, t("reports.realised"), euros(statement.realisedCents), true);

  heading(doc, t("reports.signing"));
  ensureRoom(doc, 170);
  const top = doc.y;
  const half = WIDTH / 2;
  for (const [i, party] of [statement.organisation.name, statement.regionName].entries()) {
    const x = MARGIN + i * half;
    doc.font("Helvetica-Bold").text(t("reports.signFor", { name: party }), x, top, { width: half - 20 }).font("Helvetica");
    for (const label of [t("reports.signName"), t("reports.signRole"), t("reports.signPlaceDate"), t("reports.signature")]) {
      doc.moveDown(label === t("reports.signature") ? 2.5 : 1.2);
      const y = doc.y;
      doc.text(label, x, y, { width: half - 20 });
      doc.moveTo(x, y + 13).lineTo(x + half - 30, y + 13).lineWidth(0.5).stroke();
    }
  }
  doc.moveDown(2).fontSize(8).text(t("reports.generated", { date: formatReportDay(context.today, locale) }), MARGIN, doc.y, { width: WIDTH });
  doc.end();
  return doc as unknown as Readable;
}
