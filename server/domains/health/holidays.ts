import type { Database } from "../../db/database";

/**
 * The Dutch school holidays a new region starts with (regio noord, where Twente lies, for the school
 * years of the 2025-2028 grant period and the two before, so history is judged fairly). The
 * ministry publishes them years ahead; a region in the middle or south edits them on the
 * settings page. Silent days in a holiday do not count against a relationship.
 */
export const DEFAULT_SCHOOL_HOLIDAYS: Array<{ name: string; startDate: string; endDate: string }> = [
  { name: "Herfstvakantie 2023", startDate: "2023-10-21", endDate: "2023-10-29" },
  { name: "Kerstvakantie 2023-2024", startDate: "2023-12-23", endDate: "2024-01-07" },
  { name: "Voorjaarsvakantie 2024", startDate: "2024-02-17", endDate: "2024-02-25" },
  { name: "Meivakantie 2024", startDate: "2024-04-27", endDate: "2024-05-05" },
  { name: "Zomervakantie 2024", startDate: "2024-07-20", endDate: "2024-09-01" },
  { name: "Herfstvakantie 2024", startDate: "2024-10-19", endDate: "2024-10-27" },
  { name: "Kerstvakantie 2024-2025", startDate: "2024-12-21", endDate: "2025-01-05" },
  { name: "Voorjaarsvakantie 2025", startDate: "2025-02-15", endDate: "2025-02-23" },
  { name: "Meivakantie 2025", startDate: "2025-04-26", endDate: "2025-05-04" },
  { name: "Zomervakantie 2025", startDate: "2025-07-12", endDate: "2025-08-24" },
  { name: "Herfstvakantie 2025", startDate: "2025-10-18", endDate: "2025-10-26" },
  { name: "Kerstvakantie 2025-2026", startDate: "2025-12-20", endDate: "2026-01-04" },
  { name: "Voorjaarsvakantie 2026", startDate: "2026-02-14", endDate: "2026-02-22" },
  { name: "Meivakantie 2026", startDate: "2026-04-25", endDate: "2026-05-03" },
  { name: "Zomervakantie 2026", startDate: "2026-07-04", endDate: "2026-08-16" },
  { name: "Herfstvakantie 2026", startDate: "2026-10-17", endDate: "2026-10-25" },
  { name: "Kerstvakantie 2026-2027", startDate: "2026-12-19", endDate: "2027-01-03" },
  { name: "Voorjaarsvakantie 2027", startDate: "2027-02-13", endDate: "2027-02-21" },
  { name: "Meivakantie 2027", startDate: "2027-04-24", endDate: "2027-05-02" },
  { name: "Zomervakantie 2027", startDate: "2027-07-17", endDate: "2027-08-29" },
  { name: "Herfstvakantie 2027", startDate: "2027-10-16", endDate: "2027-10-24" },
  { name: "Kerstvakantie 2027-2028", startDate: "2027-12-25", endDate: "2028-01-09" },
  { name: "Voorjaarsvakantie 2028", startDate: "2028-02-19", endDate: "2028-02-27" },
  { name: "Meivakantie 2028", startDate: "2028-04-22", endDate: "2028-04-30" },
  { name: "Zomervakantie 2028", startDate: "2028-07-15", endDate: "2028-08-27" },
];

/** A new region's health settings: the default cadences (column defaults) and the default holidays. */
export async function insertDefaultHealthSettings(db: Database, regionId: string, now: Date) {
  await db.insertInto("region_health_settings").values({ region_id: regionId, updated_at: now }).onConflict((oc) => oc.column("region_id").doNothing()).execute();
  await db
    .insertInto("school_holidays")
    .values(DEFAULT_SCHOOL_HOLIDAYS.map((h) => ({ region_id: regionId, name: h.name, start_date: h.startDate, end_date: h.endDate, created_at: now })))
    .execute();
}
