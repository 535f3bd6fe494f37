import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";

export type PasswordResetEmailProps = { locale: Locale; name: string; regionName: string; url: string };

/** Sent on a "forgot password" request: one link to choose a new password. */
export function PasswordResetEmail(props: PasswordResetEmailProps) {
  const t = translator(props.locale);
  const body = t("email.passwordReset.body");
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("email.passwordReset.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <ActionLink locale={props.locale} href={props.url} label={t("email.passwordReset.action")} />
      <Paragraph muted>{t("email.passwordReset.expiry")}</Paragraph>
    </EmailLayout>
  );
}
