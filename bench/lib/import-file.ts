/**
 * The import benchmark's file: organisations with one contact person each, 12 columns as Dutch
 * Excel writes them (`;`, UTF-8 with BOM). Shared by `npm run bench:import` and `npm run bench`.
 */
export const IMPORT_HEADER = ["Naam", "KvK", "Plaats", "Soort", "Subregio", "Prioriteit", "Status", "Tags", "Contactpersoon", "Functie", "E-mail", "Telefoon"];
const KINDS = ["Bedrijf", "Mbo", "Vmbo-locatie", "Bedrijfsvakschool"];
const CITIES = ["Enschede", "Hengelo", "Almelo", "Oldenzaal"];

export function importRow(i: number, offset: number) {
  return [
    `Organisatie ${String(i).padStart(6, "0")} ${offset ? "Excel" : ""}`.trim(), String(10_000_000 + offset + i), CITIES[i % 4]!, KINDS[i % 4]!, i % 2 ? "Noord" : "Zuid",
    ["Strategisch", "Regulier", "Incidenteel"][i % 3]!, "Actief", `techniek, regio ${i % 20}`, `Contact Persoon ${i}`, "HR-adviseur", `contact${i}@bedrijf${i}.nl`, "053 123 45 67",
  ];
}

export function importCsv(rows: number) {
  return `\uFEFF${[IMPORT_HEADER, ...Array.from({ length: rows }, (_, i) => importRow(i, 0))].map((cells) => cells.join(";")).join("\r\n")}\r\n`;
}
