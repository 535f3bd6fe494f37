/**
 * Word lists of the national data set that the Twente demo lists (demo-words.ts) do not cover:
 * one town per STO region, which names the region and is the main city of its organisations.
 * Some carry diacritics on purpose (search ignores accents).
 */
export const REGION_TOWNS = [
  "Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda", "Nijmegen",
  "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zaanstad", "Den Bosch", "Hoofddorp", "Zwolle", "Zoetermeer",
  "Leiden", "Leeuwarden", "Maastricht", "Dordrecht", "Ede", "Alphen aan den Rijn", "Alkmaar", "Naaldwijk", "Emmen", "Delft",
  "Venlo", "Deventer", "Sittard", "Helmond", "Oss", "Amstelveen", "Hilversum", "Heerlen", "Súdwest-Fryslân", "Hengelo",
  "Purmerend", "Roosendaal", "Schiedam", "Lelystad", "Voorburg", "Almelo", "Gouda", "Hoorn", "Vlaardingen", "Assen",
  "IJmuiden", "Bergen op Zoom", "Capelle aan den IJssel", "Veenendaal", "Katwijk", "Zeist", "Nieuwegein", "Roermond", "Den Helder", "Doetinchem",
  "Hoogeveen", "Terneuzen", "Middelburg", "Kampen", "Heerenveen", "Drachten", "Barneveld", "Woerden", "Harderwijk", "Vlissingen",
  "Goes", "Meppel", "Tiel", "Zutphen", "Weert", "Winterswijk", "Sneek", "Stadskanaal",
] as const;

/** Activity titles per type; {org} is the partner, {school} the vmbo location, {profile} a vmbo profile. */
export const ACTIVITY_TITLES: Record<string, string[]> = {
  internship: ["Snuffelstage bij {org}", "Stage {profile} bij {org}", "Beroepspraktijkvorming bij {org}"],
  guest_lesson: ["Gastles {org} op {school}", "Gastles {profile} door {org}"],
  company_visit: ["Bedrijfsbezoek {school} bij {org}", "Rondleiding bij {org} voor {profile}"],
  workshop: ["Workshop {profile} met {org}", "Praktijkworkshop bij {org}"],
  event: ["Techniekdag {school}", "Beroepenmarkt met {org}"],
  elective: ["Keuzevak {profile} met {org}"],
  teacher_placement: ["Docentstage bij {org}"],
  training: ["Scholing docenten {profile} door {org}"],
  technolab: ["Technolab-les {profile} voor {school}"],
};
