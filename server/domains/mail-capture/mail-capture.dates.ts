/**
 * The date lines mail programs write into a forwarded message, in Dutch and English, turned into a
 * moment. A line without a zone ("maandag 1 december 2026 14:03", Outlook's) is a wall-clock time in
 * the Netherlands: the forwarder's program wrote it in its own zone, which for Schakel's users is
 * Europe/Amsterdam.
 *
 *   Mon, 1 Dec 2026 14:03:00 +0100            (RFC 5322: Thunderbird, attached .eml)
 *   maandag 1 december 2026 14:03             (Outlook NL)
 *   Monday, December 1, 2026 2:03 PM          (Outlook EN, US) / Monday, 1 December 2026 14:03 (UK)
 *   Mon, Dec 1, 2026 at 2:03 PM               (Gmail EN)  /  ma 1 dec 2026 om 14:03 (Gmail NL)
 *   1 December 2026 at 14:03:00 CET           (Apple Mail EN) / 1 december 2026 om 14:03:00 CET (NL)
 *   01-12-2026 14:03                          (Outlook's short form, day first)
 */

const MONTHS: Record<string, number> = {
  jan: 1, januari: 1, january: 1,
  feb: 2, februari: 2, february: 2,
  mrt: 3, maart: 3, mar: 3, march: 3,
  apr: 4, april: 4,
  mei: 5, may: 5,
  jun: 6, juni: 6, june: 6,
  jul: 7, juli: 7, july: 7,
  aug: 8, augustus: 8, august: 8,
  sep: 9, sept: 9, september: 9,
  okt: 10, oktober: 10, oct: 10, october: 10,
  nov: 11, november: 11,
  dec: 12, december: 12,
};

/** Zone names mail programs print, as minutes east of UTC. */
const ZONES: Record<string, number> = { utc: 0, gmt: 0, wet: 0, west: 60, cet: 60, cest: 120, met: 60, mest: 120, bst: 60 };

/** A date line as a moment, or null when it cannot be read with confidence. */
export function parseMailDate(line: string): Date | null {
  const text = line.trim();
  if (!text) return null;
  // An RFC 5322 date (with its numeric zone) is read as it is.
  if (/\s[+-]\d{4}\b/.test(text) && /\d{1,2}:\d{2}/.test(text)) {
    const parsed = Date.parse(text.replace(/\s*\([^)]*\)\s*$/, ""));
    if (!Number.isNaN(parsed)) return new Date(parsed);
  }
  const lower = text.toLowerCase().replace(/[.,]/g, " ").replace(/\s+/g, " ");
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;

  const numeric = /\b(\d{1,2})[-/](\d{1,2})[-/](\d{4})\b/.exec(lower);
  if (numeric) {
    day = Number(numeric[1]);
    month = Number(numeric[2]);
    year = Number(numeric[3]);
  } else {
    const yearMatch = /\b(19|20)\d{2}\b/.exec(lower);
    if (!yearMatch) return null;
    year = Number(yearMatch[0]);
    const words = lower.replace(/\b\d{1,2}:\d{2}(:\d{2})?\b/g, " ").split(" ");
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (month === undefined && word in MONTHS) {
        month = MONTHS[word];
        // "1 december" (day before month) or "December 1" (after).
        const before = words[i - 1];
        const after = words[i + 1];
        if (before && /^\d{1,2}$/.test(before)) day = Number(before);
        else if (after && /^\d{1,2}$/.test(after)) day = Number(after);
      }
    }
  }
  if (!day || !month || !year || month > 12 || day > 31) return null;

  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  const time = /\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm|a m|p m)?/.exec(lower);
  if (time) {
    hours = Number(time[1]);
    minutes = Number(time[2]);
    seconds = Number(time[3] ?? 0);
    const meridiem = time[4]?.replace(" ", "");
    if (meridiem === "pm" && hours < 12) hours += 12;
    if (meridiem === "am" && hours === 12) hours = 0;
    if (hours > 23 || minutes > 59 || seconds > 59) return null;
  }

  const wall = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  // The calendar must agree (31 November is no day).
  if (new Date(wall).getUTCDate() !== day) return null;
  const offset = zoneOffsetMinutes(lower);
  if (offset !== null) return new Date(wall - offset * 60_000);
  return amsterdamWallTimeToInstant(wall);
}

/** An explicit zone in the line ("CET", "GMT+1", "UTC+01:00", "+0100"), as minutes east of UTC. */
function zoneOffsetMinutes(lower: string): number | null {
  const gmt = /\b(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b/.exec(lower);
  if (gmt) return (gmt[1] === "-" ? -1 : 1) * (Number(gmt[2]) * 60 + Number(gmt[3] ?? 0));
  const numeric = /(?:^|\s)([+-])(\d{2})(\d{2})\b/.exec(lower);
  if (numeric) return (numeric[1] === "-" ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
  for (const word of lower.split(" ")) if (word in ZONES) return ZONES[word]!;
  return null;
}

const amsterdamParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Amsterdam", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
});

/** Minutes Amsterdam is ahead of UTC at `instant` (60 or 120). */
function amsterdamOffsetAt(instant: number): number {
  const parts = Object.fromEntries(amsterdamParts.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - instant) / 60_000);
}

/** A wall-clock time in Amsterdam (given as if it were UTC) as the moment it names. */
export function amsterdamWallTimeToInstant(wallAsUtc: number): Date {
  let instant = wallAsUtc - amsterdamOffsetAt(wallAsUtc) * 60_000;
  // Around a change of summer time the first guess can be an hour off: check once more.
  instant = wallAsUtc - amsterdamOffsetAt(instant) * 60_000;
  return new Date(instant);
}
