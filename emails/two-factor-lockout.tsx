import { type Locale, translator } from "../i18n";
import { EmailLayout, Paragraph } from "./layout";

export type TwoFactorLockoutEmailProps = { locale: Locale; name: string; regionName: string; failedCodes: number; lockedUntil: string };

/**
 * Sent when wrong two-factor codes lock an account's code step (issue 14, item 4). Only someone who
 * knew the password reaches that step, so the owner is told to change it. No link: the reader
 * should go to Schakel the way they always do, not by a link in an email about an attack.
 */
export function TwoFactorLockoutEmail(props: TwoFactorLockoutEmailProps) {
  const t = translator(props.locale);
  const body = t("email.twoFactorLockout.body", { count: props.failedCodes });
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("email.twoFactorLockout.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <Paragraph>{t("email.twoFactorLockout.locked", { until: props.lockedUntil })}</Paragraph>
      <Paragraph>{t("email.twoFactorLockout.advice")}</Paragraph>
      <Paragraph muted>{t("email.twoFactorLockout.notYou")}</Paragraph>
    </EmailLayout>
  );
}
