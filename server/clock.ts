import { dateFormat } from "../i18n/intl";

/**
 * The one clock of the process. `SCHAKEL_NOW` (an ISO timestamp) pins it for tests and
 * demonstrations; otherwise it is the system time. Nothing else calls `new Date()` for "now".
 */
export type Clock = { now(): Date; today(): string };

export function createClock(fixed?: string): Clock {
  const pinned = fixed ? new Date(fixed) : undefined;
  if (pinned && Number.isNaN(pinned.getTime())) throw new Error(`SCHAKEL_NOW is not a valid timestamp: ${fixed}`);
  const now = () => (pinned ? new Date(pinned) : new Date());
  return { now, today: () => toLocalDate(now()) };
}

/** The calendar day in the Netherlands of a moment, as YYYY-MM-DD. */
export function toLocalDate(moment: Date): string {
  return dateFormat("en-CA", { timeZone: "Europe/Amsterdam", year: "numeric", month: "2-digit", day: "2-digit" }).format(moment);
}
