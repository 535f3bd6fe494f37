import { createElement } from "react";
import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";
import { renderMessage } from "./render";

export type SenderAddressConfirmationEmailProps = { locale: Locale; name: string; email: string; regionName: string; url: string };

/** Sent to an address a user adds as one they log mail from: only its owner can confirm it (issue 16). */
export function SenderAddressConfirmationEmail(props: SenderAddressConfirmationEmailProps) {
  const t = translator(props.locale);
  const body = t("email.senderConfirmation.body", { email: props.email });
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("email.senderConfirmation.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <ActionLink locale={props.locale} href={props.url} label={t("email.senderConfirmation.action")} />
      <Paragraph muted>{t("email.senderConfirmation.expiry")}</Paragraph>
    </EmailLayout>
  );
}

export function renderSenderAddressConfirmationEmail(p: SenderAddressConfirmationEmailProps) {
  return renderMessage(translator(p.locale)("email.senderConfirmation.subject"), createElement(SenderAddressConfirmationEmail, p));
}
