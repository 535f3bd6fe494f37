/**
 * Calendar days ('YYYY-MM-DD'), shared by the pages, the server and the emails. Days are computed at
 * noon UTC, so no time zone or daylight-saving change shifts one.
 */
const DAY_MS = 86_400_000;

export const dateOfDay = (day: string) => new Date(`${day}T12:00:00Z`);
export const dayOfDate = (date: Date) => date.toISOString().slice(0, 10);

/** The day `days` days after `day` (before it when negative). */
export const addDays = (day: string, days: number) => dayOfDate(new Date(dateOfDay(day).getTime() + days * DAY_MS));
