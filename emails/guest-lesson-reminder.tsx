import { createElement } from "react";
import { type Locale, translator } from "../i18n";
import { EmailLayout, Paragraph } from "./layout";
import { type EmailMessage, renderMessage } from "./render";
import { dateFormat } from "../i18n/intl";

export type GuestLessonReminderEmailProps = {
  locale: Locale;
  regionName: string;
  speakerName: string;
  title: string;
  date: string;
  startTime: string | null;
  endTime: string | null;
  schoolName: string;
  schoolAddress: string | null;
  className: string | null;
  topic: string | null;
  contactName: string | null;
  contactEmail: string | null;
};

/** To the partner's speaker two days before a guest lesson: when, where, which class, whom to call. */
export function GuestLessonReminderEmail(p: GuestLessonReminderEmailProps) {
  const t = translator(p.locale);
  const when = t("email.speakerReminder.when", { date: spokenDay(p.date, p.locale), time: p.startTime ? (p.endTime ? `${p.startTime}–${p.endTime}` : p.startTime) : t("email.speakerReminder.noTime") });
  return (
    <EmailLayout locale={p.locale} preview={when} regionName={p.regionName}>
      <Paragraph>{t("email.speakerReminder.greeting", { name: p.speakerName })}</Paragraph>
      <Paragraph>{t("email.speakerReminder.intro", { title: p.title })}</Paragraph>
      <Paragraph>{when}</Paragraph>
      <Paragraph>{t("email.speakerReminder.where", { school: p.schoolName, address: p.schoolAddress ?? t("email.speakerReminder.noAddress") })}</Paragraph>
      {p.className ? <Paragraph>{t("email.speakerReminder.class", { className: p.className })}</Paragraph> : null}
      {p.topic ? <Paragraph>{t("email.speakerReminder.topic", { topic: p.topic })}</Paragraph> : null}
      {p.contactName ? <Paragraph muted>{t("email.speakerReminder.contact", { name: p.contactName, email: p.contactEmail ?? "" })}</Paragraph> : null}
    </EmailLayout>
  );
}

export async function renderGuestLessonReminderEmail(p: GuestLessonReminderEmailProps): Promise<EmailMessage> {
  const subject = translator(p.locale)("email.speakerReminder.subject", { date: spokenDay(p.date, p.locale), school: p.schoolName });
  return renderMessage(subject, createElement(GuestLessonReminderEmail, p));
}

function spokenDay(day: string, locale: Locale) {
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}
