import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";

export type SchoolAccountCreatedEmailProps = {
  locale: Locale;
  adminName: string;
  regionName: string;
  newName: string;
  newEmail: string;
  roleLabel: string;
  providerLabel: string;
  url: string;
};

/** Tells a region's admins that someone got an account by signing in with a school account of the region's domains. */
export function SchoolAccountCreatedEmail(props: SchoolAccountCreatedEmailProps) {
  const t = translator(props.locale);
  const body = t("email.schoolAccountCreated.body", { name: props.newName, email: props.newEmail, role: props.roleLabel, provider: props.providerLabel });
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("email.schoolAccountCreated.greeting", { name: props.adminName })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <Paragraph>{t("email.schoolAccountCreated.advice")}</Paragraph>
      <ActionLink locale={props.locale} href={props.url} label={t("email.schoolAccountCreated.action")} />
    </EmailLayout>
  );
}
