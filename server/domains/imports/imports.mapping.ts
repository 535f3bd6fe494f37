import { en } from "../../../i18n/en";
import { nl } from "../../../i18n/nl";
import { ORGANISATION_KINDS, ORGANISATION_STATUSES, TIERS } from "../../../db/schema";
import { validationFailed } from "../../validation";
import type { ColumnMapping, ImportField } from "./imports.schemas";

/** Lower case, accents and punctuation removed: "E-mail" and "email", "KvK-nummer" and "kvknummer" compare equal. */
export function normalise(text: string): string {
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** Header names (Dutch and English, as Excel lists and our own export name them) per field. */
const HEADER_NAMES: Record<ImportField, string[]> = {
  name: ["naam", "name", "organisatie", "organisatienaam", "organisation", "organisationname", "organization", "bedrijfsnaam", "companyname"],
  kind: ["soort", "kind", "type", "soortorganisatie"],
  kvkNumber: ["kvk", "kvknummer", "kvknumber", "kvknr", "chamberofcommerce"],
  kvkBranchNumber: ["vestigingsnummer", "kvkvestigingsnummer", "branchnumber", "kvkbranchnumber"],
  brinCode: ["brin", "brincode", "brinnummer"],
  sector: ["sector", "branche"],
  street: ["adres", "straat", "street", "address", "straatenhuisnummer"],
  postalCode: ["postcode", "postalcode", "zipcode", "zip"],
  city: ["plaats", "city", "woonplaats", "vestigingsplaats", "stad", "town"],
  website: ["website", "url", "site", "webadres"],
  subregion: ["subregio", "subregion"],
  tier: ["tier", "prioriteit", "priority", "contactfrequentie"],
  status: ["status"],
  tags: ["tags", "labels", "label", "tag", "trefwoorden"],
  contactName: ["contactpersoon", "contact", "contactname", "contactperson", "naamcontactpersoon"],
  contactRole: ["functie", "role", "rol", "function", "jobtitle", "functiecontactpersoon"],
  contactEmail: ["email", "emailadres", "mail", "emailaddress", "emailcontactpersoon"],
  contactPhone: ["telefoon", "telefoonnummer", "phone", "tel", "telephone", "mobiel", "phonenumber"],
};

const FIELD_BY_HEADER = new Map<string, ImportField>(
  (Object.entries(HEADER_NAMES) as Array<[ImportField, string[]]>).flatMap(([field, names]) => names.map((name) => [name, field] as const)),
);

/**
 * A mapping proposed from the headers: a recognised header fills its field (the first column
 * wins when two name the same field); an unrecognised one is left open ("") for a person to choose.
 */
export function guessMapping(headers: string[]): Array<ImportField | "" | null> {
  const taken = new Set<ImportField>();
  return headers.map((header) => {
    if (!header.trim()) return null;
    const field = FIELD_BY_HEADER.get(normalise(header));
    if (!field) return "";
    if (taken.has(field)) return null;
    taken.add(field);
    return field;
  });
}

/** Excel's name of a column: A, B, …, Z, AA, … */
export function columnLetter(index: number): string {
  let letter = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letter = String.fromCharCode(65 + ((n - 1) % 26)) + letter;
  return letter;
}

export function columnLabel(headers: string[], index: number): string {
  return `${columnLetter(index)} (${headers[index] || "—"})`;
}

/**
 * A mapping every column has decided on (a field or "do not import"), with each field at most
 * once and a column for the name. Problems are named per column (`column-<index>`), so the form
 * shows them next to that column's select and the API message names the column by letter and header.
 */
export function checkMapping(headers: string[], proposed: ReadonlyArray<ImportField | "" | null>): ColumnMapping {
  const problems: Record<string, string> = {};
  const seen = new Map<ImportField, number>();
  const mapping: ColumnMapping = headers.map((_, index) => {
    const field = proposed[index] ?? null;
    if (field === "") {
      problems[`column-${index}`] = `imports.errors.unmappedColumn|${JSON.stringify({ column: columnLabel(headers, index) })}`;
      return null;
    }
    if (field) {
      const earlier = seen.get(field);
      if (earlier !== undefined) problems[`column-${index}`] = `imports.errors.fieldTwice|${JSON.stringify({ column: columnLabel(headers, earlier) })}`;
      else seen.set(field, index);
    }
    return field;
  });
  if (!seen.has("name")) problems.mapping = "imports.errors.nameColumnMissing";
  if (Object.keys(problems).length) {
    const summary = Object.entries(problems).map(([key, problem]) => describeProblem(headers, key, problem)).join("; ");
    throw validationFailed(problems, "en", { message: `The columns cannot be mapped: ${summary}` });
  }
  return mapping;
}

function describeProblem(headers: string[], key: string, problem: string): string {
  if (key === "mapping") return "no column holds the organisation's name";
  const index = Number(key.slice("column-".length));
  if (problem.startsWith("imports.errors.unmappedColumn")) return `column ${columnLabel(headers, index)} matches no field; map it or leave it out with null`;
  if (problem.startsWith("imports.errors.fieldTwice")) return `column ${columnLabel(headers, index)} fills a field another column fills already`;
  return `column ${columnLabel(headers, index)}: ${problem}`;
}

/** The API's ?mapping= (header → field or null) over the proposal from the headers. */
export function mappingFromHeaders(headers: string[], byHeader: Record<string, ImportField | null>): Array<ImportField | "" | null> {
  const known = new Set(headers.map(normalise));
  const unknown = Object.keys(byHeader).filter((header) => !known.has(normalise(header)));
  if (unknown.length) {
    throw validationFailed({ mapping: "imports.errors.mappingUnknownColumn" }, "en", { message: `The mapping names columns the file does not have: ${unknown.join(", ")}` });
  }
  const chosen = new Map(Object.entries(byHeader).map(([header, field]) => [normalise(header), field]));
  const guessed = guessMapping(headers.map((header) => (chosen.has(normalise(header)) ? "" : header)));
  return headers.map((header, index) => (chosen.has(normalise(header)) ? chosen.get(normalise(header))! : guessed[index]!));
}

/** A cell's value for an enumeration: the code itself or its Dutch or English label, in any case. */
function choices<T extends string>(codes: readonly T[], labels: Array<Record<string, string>>): Map<string, T> {
  const map = new Map<string, T>();
  for (const code of codes) {
    map.set(normalise(code), code);
    for (const set of labels) if (set[code]) map.set(normalise(set[code]), code);
  }
  return map;
}

export const KIND_VALUES = choices(ORGANISATION_KINDS, [nl.organisations.kinds, en.organisations.kinds]);
export const TIER_VALUES = choices(TIERS, [nl.organisations.tiers, en.organisations.tiers]);
export const STATUS_VALUES = choices(ORGANISATION_STATUSES, [nl.organisations.statuses, en.organisations.statuses]);
