import { createElement } from "react";
import { type Locale, translator } from "../i18n";
import { ActionLink, EmailLayout, Paragraph } from "./layout";
import { formatDay } from "./parts";
import { renderMessage } from "./render";

/** What an offer email says about the activity offered. */
export type OfferedActivity = { title: string; typeLabel: string; startDate: string; organisationName: string };

export type PartnerOfferEmailProps = {
  locale: Locale;
  /**
   * `holder`: the organisation's account holder is asked to plan or decline it; `partner`: the partner
   * user gets a confirmation; `withdrawn`: the account holder hears that the partner withdrew it.
   */
  audience: "holder" | "partner" | "withdrawn";
  name: string;
  offeredBy: string;
  regionName: string;
  activity: OfferedActivity;
  url: string;
};

const BODY = { holder: "portal.email.offerBody", partner: "portal.email.confirmationBody", withdrawn: "portal.email.withdrawnBody" } as const;
const SUBJECT = { holder: "portal.email.offerSubject", partner: "portal.email.confirmationSubject", withdrawn: "portal.email.withdrawnSubject" } as const;

/** Sent when a partner offers an internship, guest lesson or other activity through the portal. */
export function PartnerOfferEmail(props: PartnerOfferEmailProps) {
  const t = translator(props.locale);
  const vars = { organisation: props.activity.organisationName, by: props.offeredBy, title: props.activity.title, type: props.activity.typeLabel, date: formatDay(props.activity.startDate, props.locale) };
  const body = t(BODY[props.audience], vars);
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("portal.email.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      {props.audience === "holder" ? <Paragraph>{t("portal.email.offerNext")}</Paragraph> : null}
      <ActionLink locale={props.locale} href={props.url} label={t(props.audience === "partner" ? "portal.email.portalAction" : "portal.email.offerAction")} />
    </EmailLayout>
  );
}

export type PartnerOfferDecisionEmailProps = {
  locale: Locale;
  decision: "planned" | "cancelled";
  name: string;
  regionName: string;
  activity: OfferedActivity;
  url: string | null;
};

/** Sent to the partner user who made an offer once the account holder plans it or declines it. */
export function PartnerOfferDecisionEmail(props: PartnerOfferDecisionEmailProps) {
  const t = translator(props.locale);
  const vars = { title: props.activity.title, type: props.activity.typeLabel, date: formatDay(props.activity.startDate, props.locale) };
  const body = t(props.decision === "planned" ? "portal.email.plannedBody" : "portal.email.declinedBody", vars);
  return (
    <EmailLayout locale={props.locale} preview={body} regionName={props.regionName}>
      <Paragraph>{t("portal.email.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{body}</Paragraph>
      {props.url ? <ActionLink locale={props.locale} href={props.url} label={t("portal.email.portalAction")} /> : null}
    </EmailLayout>
  );
}

export function renderPartnerOfferEmail(p: PartnerOfferEmailProps) {
  const t = translator(p.locale);
  const subject = t(SUBJECT[p.audience], { organisation: p.activity.organisationName, title: p.activity.title });
  return renderMessage(subject, createElement(PartnerOfferEmail, p));
}

export function renderPartnerOfferDecisionEmail(p: PartnerOfferDecisionEmailProps) {
  const t = translator(p.locale);
  const subject = t(p.decision === "planned" ? "portal.email.plannedSubject" : "portal.email.declinedSubject", { title: p.activity.title });
  return renderMessage(subject, createElement(PartnerOfferDecisionEmail, p));
}
