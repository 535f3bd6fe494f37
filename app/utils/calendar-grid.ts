import { addDays, dateOfDay } from "../../calendar/days";

export { addDays };

/**
 * The days a month or week view shows, Monday first as Dutch calendars are, computed on calendar
 * days ('YYYY-MM-DD') at noon UTC so no time zone shifts a day.
 */
export type CalendarView = "month" | "week";

/** 0 = Monday … 6 = Sunday. */
const weekday = (day: string) => (dateOfDay(day).getUTCDay() + 6) % 7;
const mondayOf = (day: string) => addDays(day, -weekday(day));

export function calendarGrid(view: CalendarView, anchor: string): { from: string; to: string; weeks: string[][]; previous: string; next: string } {
  if (view === "week") {
    const from = mondayOf(anchor);
    const days = Array.from({ length: 7 }, (_, i) => addDays(from, i));
    return { from, to: days[6]!, weeks: [days], previous: addDays(from, -7), next: addDays(from, 7) };
  }
  const first = `${anchor.slice(0, 7)}-01`;
  const [year, month] = first.split("-").map(Number) as [number, number];
  const nextMonth = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, "0")}-01`;
  const previousMonth = month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, "0")}-01`;
  const last = addDays(nextMonth, -1);
  const from = mondayOf(first);
  const to = addDays(mondayOf(last), 6);
  const weeks: string[][] = [];
  for (let day = from; day <= to; day = addDays(day, 7)) weeks.push(Array.from({ length: 7 }, (_, i) => addDays(day, i)));
  return { from, to, weeks, previous: previousMonth, next: nextMonth };
}
