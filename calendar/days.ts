/**
 * Calendar days ('YYYY-MM-DD'), shared by the pages, the server and the emails. Days are computed at
 * noon UTC, so no time zone or daylight-saving change shifts one.
 */
const DAY_MS = 86_400_000;

export const dateOfDay = (day: string) => new Date(`${day}T12:00:00Z`);
export const dayOfDate = (date: Date) => date.toISOString().slice(0, 10);

/** The day `days` days after `day` (before it when negative). */
export const addDays = (day: string, days: number) => dayOfDate(new Date(dateOfDay(day).getTime() + days * DAY_MS));

/** How many days `to` is after `from` (negative when before it). */
export const daysBetween = (from: string, to: string) => Math.round((dateOfDay(to).getTime() - dateOfDay(from).getTime()) / DAY_MS);

/** Whether a day is a school day: a weekday outside every holiday (first and last days inclusive). */
export function isSchoolDay(day: string, holidays: ReadonlyArray<{ startDate: string; endDate: string }>) {
  const weekday = dateOfDay(day).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  // Calendar days as YYYY-MM-DD compare correctly as strings.
  return !holidays.some((holiday) => holiday.startDate <= day && day <= holiday.endDate);
}

/**
 * The `count`th school day after `day`. A start outside school days counts from the first school
 * day after it, as if started then: 0 is that day itself, 1 the school day after it.
 */
export function addSchoolDays(day: string, count: number, holidays: ReadonlyArray<{ startDate: string; endDate: string }>) {
  let current = day;
  while (!isSchoolDay(current, holidays)) current = addDays(current, 1);
  for (let left = count; left > 0; ) {
    current = addDays(current, 1);
    if (isSchoolDay(current, holidays)) left -= 1;
  }
  return current;
}
