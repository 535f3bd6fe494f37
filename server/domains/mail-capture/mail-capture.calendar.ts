import { toLocalDate } from "../../clock";
import { amsterdamWallTimeToInstant } from "./mail-capture.dates";
import type { MailAddress } from "./mail-capture.forwards";

/**
 * Meeting invitations (text/calendar, RFC 5546) as Outlook and Google Calendar send them: the one
 * event of a REQUEST or CANCEL, read with ical.js (unfolding, escaping and parameters are its job).
 */

export type CalendarInvitation = {
  method: "REQUEST" | "CANCEL";
  uid: string;
  sequence: number;
  summary: string;
  /** The calendar day of its start in the Netherlands. */
  date: string;
  start: Date;
  organizer: MailAddress | null;
  attendees: MailAddress[];
};

/**
 * The invitation in an iCalendar text, or null when it holds no REQUEST or CANCEL of an event with
 * a UID and a start. A DTSTART in UTC is turned into the Dutch calendar day; one with a TZID (Outlook's
 * "W. Europe Standard Time", Google's "Europe/Amsterdam") or floating is the organizer's wall-clock
 * day, which for a Dutch region's meetings is the Dutch day.
 */
export async function parseInvitation(text: string): Promise<CalendarInvitation | null> {
  const { default: ICAL } = await import("ical.js");
  let calendar;
  try {
    calendar = new ICAL.Component(ICAL.parse(text));
  } catch {
    return null;
  }
  const method = String(calendar.getFirstPropertyValue("method") ?? "").toUpperCase();
  if (method !== "REQUEST" && method !== "CANCEL") return null;
  const event = calendar.getFirstSubcomponent("vevent");
  if (!event) return null;
  const uid = String(event.getFirstPropertyValue("uid") ?? "").trim();
  const start = event.getFirstPropertyValue("dtstart");
  if (!uid || !start || !(start instanceof ICAL.Time)) return null;
  let date: string;
  let moment: Date;
  if (start.zone?.tzid === "UTC") {
    moment = start.toJSDate();
    date = toLocalDate(moment);
  } else {
    date = `${String(start.year).padStart(4, "0")}-${String(start.month).padStart(2, "0")}-${String(start.day).padStart(2, "0")}`;
    moment = amsterdamWallTimeToInstant(Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute));
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(moment.getTime())) return null;
  const addressOf = (property: { getFirstValue(): unknown; getParameter(name: string): unknown } | null): MailAddress | null => {
    if (!property) return null;
    const value = String(property.getFirstValue() ?? "").replace(/^mailto:/i, "").trim().toLowerCase();
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) return null;
    const name = property.getParameter("cn");
    return { address: value, name: typeof name === "string" ? name.slice(0, 200) : "" };
  };
  const sequence = Number(event.getFirstPropertyValue("sequence") ?? 0);
  return {
    method,
    uid: uid.slice(0, 500),
    sequence: Number.isFinite(sequence) ? Math.trunc(sequence) : 0,
    summary: String(event.getFirstPropertyValue("summary") ?? "").trim().slice(0, 1000),
    date,
    start: moment,
    organizer: addressOf(event.getFirstProperty("organizer")),
    attendees: event.getAllProperties("attendee").map(addressOf).filter((a): a is MailAddress => a !== null),
  };
}
