import { type Locale, translator } from "../../../i18n";
import type { HealthState } from "../../../db/schema";
import type { ReasonCode, StoredReason } from "./health.compute";
import { dateFormat } from "../../../i18n/intl";
import { addDays, daysBetween } from "../../../calendar/days";

export type HealthReason = {
  code: ReasonCode;
  state: Exclude<HealthState, "healthy">;
  since: string;
  message: string;
  nextStep: string;
};

/** "3 maart 2026": how people write a day in a sentence. Read at noon UTC so no time zone shifts it. */
export function spokenDay(day: string, locale: Locale) {
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

/** The note of a contact moment as a reason quotes it: on one line, at most 160 characters, cut at a word. */
export function shortened(note: string, max = 160): string {
  const text = note.replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, "")}…`;
}

/**
 * How many days a relationship has been silent on `today`, from its stored reason. The rules store
 * when the silence began (`silentFrom`: the last contact, moved on by the school holidays begun
 * since) and, in a holiday, its last day (`silentPausedUntil`: the count stands still until then),
 * so the reason stays the same from day to day and the days are counted when shown (decision 144).
 * A reason stored before that carries its count (`silentDays`).
 */
export function silentDaysOn(params: Record<string, unknown>, today: string): number {
  if (typeof params.silentFrom !== "string") return Number(params.silentDays);
  const paused = typeof params.silentPausedUntil === "string" && params.silentPausedUntil > today ? params.silentPausedUntil : today;
  return daysBetween(params.silentFrom, paused);
}

/**
 * The plain sentence and next step of a stored reason, in the reader's language, on `today` (a
 * silence's days are counted when shown). Reasons are stored as a code with its facts, not as text,
 * so a name corrected later or a reader's language is honoured.
 */
export function describeReason(reason: StoredReason, locale: Locale, today: string): HealthReason {
  const t = translator(locale);
  const p = reason.params as Record<string, string | number | boolean | null>;
  const base = { code: reason.code, state: reason.state, since: reason.since };
  switch (reason.code) {
    case "no_recent_contact": {
      const days = silentDaysOn(reason.params, today);
      // Since when it is overdue, as it was said before the start was stored: today less the days
      // beyond the cadence (in a holiday that day moves on with today; the stored one waits for its end).
      if (typeof p.silentFrom === "string") base.since = addDays(today, -(days - Number(p.cadenceDays)));
      const values = { days, cadence: Number(p.cadenceDays), date: p.lastContactDate ? spokenDay(String(p.lastContactDate), locale) : "" };
      return { ...base, message: t(p.lastContactDate ? "health.reasons.no_recent_contact" : "health.reasons.no_recent_contact_never", values), nextStep: t("health.nextSteps.no_recent_contact") };
    }
    case "contact_left": {
      const role = t(p.wasPrimary ? "health.contactRoles.primary" : p.wasLast ? "health.contactRoles.last" : "health.contactRoles.contact");
      const values = {
        name: String(p.personName), role, date: spokenDay(String(p.endDate), locale),
        left: t(`health.leftHow.${String(p.endReason ?? "other")}`), successor: String(p.successorName ?? ""),
      };
      return p.successorName
        ? { ...base, message: t("health.reasons.contact_left_successor", values), nextStep: t("health.nextSteps.contact_left_successor", values) }
        : { ...base, message: t("health.reasons.contact_left", values), nextStep: t("health.nextSteps.contact_left") };
    }
    case "single_threaded":
      return { ...base, message: t("health.reasons.single_threaded", { name: String(p.personName) }), nextStep: t("health.nextSteps.single_threaded") };
    case "account_holder_left":
      return { ...base, message: t("health.reasons.account_holder_left", { name: String(p.userName) }), nextStep: t("health.nextSteps.account_holder_left") };
    case "new_owner_no_contact":
      return { ...base, message: t("health.reasons.new_owner_no_contact", { name: String(p.userName), date: spokenDay(String(p.ownerSince), locale) }), nextStep: t("health.nextSteps.new_owner_no_contact") };
    case "activity_stopped": {
      const year = Number(p.schoolYear);
      const values = { previous: `${year - 1}-${year}`, current: `${year}-${year + 1}` };
      return { ...base, message: t("health.reasons.activity_stopped", values), nextStep: t("health.nextSteps.activity_stopped") };
    }
    case "commitment_at_risk": {
      const values = { date: spokenDay(String(p.yearEnd), locale) };
      return { ...base, message: t(p.lapsed ? "health.reasons.commitment_lapsed" : "health.reasons.commitment_at_risk", values), nextStep: t("health.nextSteps.commitment_at_risk") };
    }
    case "account_holder_concerned": {
      const values = { name: String(p.userName ?? ""), date: spokenDay(String(p.date), locale), note: shortened(String(p.note ?? "")) };
      return { ...base, message: t(p.userName ? "health.reasons.account_holder_concerned" : "health.reasons.account_holder_concerned_nobody", values), nextStep: t("health.nextSteps.account_holder_concerned") };
    }
    default:
      return { ...base, message: t(`health.reasons.${reason.code}`), nextStep: t(`health.nextSteps.${reason.code}`) };
  }
}
