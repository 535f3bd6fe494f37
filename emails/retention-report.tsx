import { createElement } from "react";
import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";
import { renderMessage } from "./render";

export type RetentionReportEmailProps = { locale: Locale; name: string; regionName: string; count: number; retentionMonths: number; url: string };

/** Tells a region's admin what the nightly retention run anonymised, so nothing disappears unseen. */
export function RetentionReportEmail(props: RetentionReportEmailProps) {
  const t = translator(props.locale);
  const body = t("privacy.email.body", { count: props.count, months: props.retentionMonths });
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("privacy.email.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <Paragraph>{t("privacy.email.kept")}</Paragraph>
      <ActionLink locale={props.locale} href={props.url} label={t("privacy.email.action")} />
    </EmailLayout>
  );
}

export function renderRetentionReportEmail(p: RetentionReportEmailProps) {
  return renderMessage(translator(p.locale)("privacy.email.subject", { count: p.count }), createElement(RetentionReportEmail, p));
}
