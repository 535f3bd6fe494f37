import { createElement } from "react";
import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";
import { formatDay } from "./parts";
import { type EmailMessage, renderMessage } from "./render";

export type AgreementExpiryEmailProps = {
  locale: Locale;
  regionName: string;
  recipientName: string;
  kind: "letter_of_intent" | "cooperation_agreement" | "covenant";
  title: string;
  parties: string[];
  expiresOn: string;
  daysLeft: number;
  ownerName: string | null;
  agreementUrl: string;
};

/** To the owner and the penvoerder 60 days before an agreement expires: which, with whom, when, and where to renew it. */
export function AgreementExpiryEmail(p: AgreementExpiryEmailProps) {
  const t = translator(p.locale);
  const kind = t(`agreements.kinds.${p.kind}`);
  return (
    <EmailLayout locale={p.locale} preview={t("email.agreementExpiry.intro", { kind, title: p.title, date: formatDay(p.expiresOn, p.locale), days: p.daysLeft })} regionName={p.regionName}>
      <Paragraph>{t("email.agreementExpiry.greeting", { name: p.recipientName })}</Paragraph>
      <Paragraph>{t("email.agreementExpiry.intro", { kind, title: p.title, date: formatDay(p.expiresOn, p.locale), days: p.daysLeft })}</Paragraph>
      <Paragraph>{t("email.agreementExpiry.parties", { parties: p.parties.join(", ") })}</Paragraph>
      {p.ownerName ? <Paragraph muted>{t("email.agreementExpiry.owner", { name: p.ownerName })}</Paragraph> : null}
      <Paragraph>{t("email.agreementExpiry.next")}</Paragraph>
      <ActionLink locale={p.locale} href={p.agreementUrl} label={t("email.agreementExpiry.action")} />
    </EmailLayout>
  );
}

export async function renderAgreementExpiryEmail(p: AgreementExpiryEmailProps): Promise<EmailMessage> {
  const t = translator(p.locale);
  const subject = t("email.agreementExpiry.subject", { title: p.title, date: formatDay(p.expiresOn, p.locale) });
  return renderMessage(subject, createElement(AgreementExpiryEmail, p));
}
