/**
 * School years run from 1 August to 31 July (DESIGN.md) and are the unit of most figures.
 * `schoolYearStart("2026-11-23")` is "2026-08-01"; an offset of -1 gives the year before.
 */
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
