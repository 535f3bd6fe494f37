import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";

export type SignInLinkEmailProps = { locale: Locale; name: string; regionName: string; url: string; validMinutes: number };

/** Sent when a partner asks for a sign-in link: one link that signs them in once. */
export function SignInLinkEmail(props: SignInLinkEmailProps) {
  const t = translator(props.locale);
  const body = t("email.signInLink.body");
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("email.signInLink.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <ActionLink locale={props.locale} href={props.url} label={t("email.signInLink.action")} />
      <Paragraph muted>{t("email.signInLink.expiry", { count: props.validMinutes })}</Paragraph>
    </EmailLayout>
  );
}
