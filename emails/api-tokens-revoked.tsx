import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";

/** Why the tokens stopped working: each is a recovery of the account (issue 14, item 7). */
export type ApiTokensRevokedReason = "password_changed" | "password_reset" | "signed_out_everywhere";

export type ApiTokensRevokedEmailProps = { locale: Locale; name: string; regionName: string; count: number; reason: ApiTokensRevokedReason; url: string };

/**
 * Sent when a password change, a reset or "sign out everywhere" revoked the person's API tokens: a
 * script that used one stops, and its owner should know why rather than find out from a failed job.
 */
export function ApiTokensRevokedEmail(props: ApiTokensRevokedEmailProps) {
  const t = translator(props.locale);
  const body = t(`email.apiTokensRevoked.${props.reason}`, { count: props.count });
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("email.apiTokensRevoked.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      <Paragraph>{t("email.apiTokensRevoked.next")}</Paragraph>
      <ActionLink locale={props.locale} href={props.url} label={t("email.apiTokensRevoked.action")} />
      <Paragraph muted>{t("email.apiTokensRevoked.notYou")}</Paragraph>
    </EmailLayout>
  );
}
