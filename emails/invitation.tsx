import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";

export type InvitationEmailProps = {
  locale: Locale;
  name: string;
  inviterName: string;
  regionName: string;
  roleLabel: string;
  url: string;
};

/** Sent to a new account holder: who invited them, to which region, with which role. */
export function InvitationEmail(props: InvitationEmailProps) {
  const t = translator(props.locale);
  const body = t("email.invitation.body", { inviter: props.inviterName, region: props.regionName, role: props.roleLabel });
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("email.invitation.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <ActionLink locale={props.locale} href={props.url} label={t("email.invitation.action")} />
      <Paragraph muted>{t("email.invitation.expiry")}</Paragraph>
    </EmailLayout>
  );
}
