/**
 * School years run from 1 August to 31 July and are the unit of most figures. The one place this
 * rule is written in TypeScript; the SQL functions `school_year_start(date)` and
 * `school_year_of(date)` (migration 2026_12_07_1100_school_year_functions) say the same for queries.
 */

/** `schoolYearStart("2026-11-23")` is "2026-08-01"; an offset of -1 gives the year before. */
export function schoolYearStart(day: string, offset = 0): string {
  const [year, month] = day.split("-").map(Number) as [number, number];
  const startYear = (month >= 8 ? year : year - 1) + offset;
  return `${startYear}-08-01`;
}

/** "2026-2027" for any day in that school year. */
export function schoolYearOf(day: string): string {
  const start = Number(schoolYearStart(day).slice(0, 4));
  return `${start}-${start + 1}`;
}

export function schoolYearEnd(day: string): string {
  return `${Number(schoolYearStart(day).slice(0, 4)) + 1}-07-31`;
}

/** The first and last day of a school year named "2025-2026". */
export function schoolYearRange(schoolYear: string): { from: string; until: string } {
  const start = Number(schoolYear.slice(0, 4));
  return { from: `${start}-08-01`, until: `${start + 1}-07-31` };
}

/** Which school year a month ("YYYY-MM") of the year starting in `startYear` falls in, as "YYYY-MM" of its calendar year. */
export function monthOfSchoolYear(startYear: number, month: number): string {
  return `${month >= 8 ? startYear : startYear + 1}-${String(month).padStart(2, "0")}`;
}
