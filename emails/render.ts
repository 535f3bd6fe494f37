import { createElement, type ReactElement } from "react";
import { translator } from "../i18n";
import { ApiTokensRevokedEmail, type ApiTokensRevokedEmailProps } from "./api-tokens-revoked";
import { HandoverSummaryEmail, type HandoverSummaryEmailProps } from "./handover-summary";
import { InvitationEmail, type InvitationEmailProps } from "./invitation";
import { PasswordResetEmail, type PasswordResetEmailProps } from "./password-reset";
import { SchoolAccountCreatedEmail, type SchoolAccountCreatedEmailProps } from "./school-account-created";
import { SignInLinkEmail, type SignInLinkEmailProps } from "./sign-in-link";
import { TwoFactorLockoutEmail, type TwoFactorLockoutEmailProps } from "./two-factor-lockout";
import { WeeklyDigestEmail, type WeeklyDigestEmailProps } from "./weekly-digest";

/** A rendered email, ready for the outbox: the same message as HTML and as plain text. */
export type EmailMessage = { subject: string; html: string; text: string };

export async function renderInvitationEmail(p: InvitationEmailProps): Promise<EmailMessage> {
  const subject = translator(p.locale)("email.invitation.subject", { region: p.regionName });
  return renderMessage(subject, createElement(InvitationEmail, p));
}

export async function renderPasswordResetEmail(p: PasswordResetEmailProps): Promise<EmailMessage> {
  const subject = translator(p.locale)("email.passwordReset.subject");
  return renderMessage(subject, createElement(PasswordResetEmail, p));
}

export async function renderSignInLinkEmail(p: SignInLinkEmailProps): Promise<EmailMessage> {
  const subject = translator(p.locale)("email.signInLink.subject");
  return renderMessage(subject, createElement(SignInLinkEmail, p));
}

export async function renderApiTokensRevokedEmail(p: ApiTokensRevokedEmailProps): Promise<EmailMessage> {
  const subject = translator(p.locale)("email.apiTokensRevoked.subject", { count: p.count });
  return renderMessage(subject, createElement(ApiTokensRevokedEmail, p));
}

export async function renderTwoFactorLockoutEmail(p: TwoFactorLockoutEmailProps): Promise<EmailMessage> {
  const subject = translator(p.locale)("email.twoFactorLockout.subject");
  return renderMessage(subject, createElement(TwoFactorLockoutEmail, p));
}

export async function renderSchoolAccountCreatedEmail(p: SchoolAccountCreatedEmailProps): Promise<EmailMessage> {
  const subject = translator(p.locale)("email.schoolAccountCreated.subject", { name: p.newName });
  return renderMessage(subject, createElement(SchoolAccountCreatedEmail, p));
}

export async function renderHandoverSummaryEmail(p: HandoverSummaryEmailProps): Promise<EmailMessage> {
  const t = translator(p.locale);
  const [only] = p.organisations;
  const subject = p.organisations.length === 1 && only
    ? t("email.handover.subjectOne", { name: only.name, from: p.fromName })
    : t("email.handover.subjectMany", { count: p.organisations.length, from: p.fromName });
  return renderMessage(subject, createElement(HandoverSummaryEmail, p));
}

export async function renderWeeklyDigestEmail(p: WeeklyDigestEmailProps): Promise<EmailMessage> {
  const t = translator(p.locale);
  const subject = p.relationships.length
    ? t("email.digest.subjectAttention", { count: p.relationships.length })
    : t("email.digest.subject");
  return renderMessage(subject, createElement(WeeklyDigestEmail, p));
}

export async function renderMessage(subject: string, element: ReactElement): Promise<EmailMessage> {
  // @react-email/render (with prettier and html-to-text, about 20 MB) is loaded with the first email (decision 081).
  const { render } = await import("@react-email/render");
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  // A subject is one header line; a region name pasted with a line break must not split it.
  return { subject: subject.replace(/\s+/g, " ").trim(), html, text };
}
