import { type Locale, translator } from "../i18n";
import type { HealthState, InteractionKind, OrganisationKind, Tier } from "../db/schema";
import { ActionLink, EmailLayout, Paragraph } from "./layout";
import { formatDay, Label, Lines, Meta, OrganisationHeading } from "./parts";

export type HandoverRelationship = {
  name: string;
  kind: OrganisationKind;
  tier: Tier;
  url: string;
  state: HealthState;
  reasons: Array<{ message: string; nextStep: string }>;
  people: Array<{ name: string; role: string | null; isPrimary: boolean; email: string | null; phone: string | null }>;
  contactMoments: Array<{ date: string; kind: InteractionKind; summary: string; userName: string | null }>;
  openTasks: Array<{ title: string; dueDate: string; assigneeName: string }>;
};

export type HandoverSummaryEmailProps = {
  locale: Locale;
  name: string;
  fromName: string;
  assignedBy: string | null;
  regionName: string;
  organisations: HandoverRelationship[];
  tasksUrl: string;
};

/**
 * Sent to a new account holder after a handover: per relationship received, its state and why, the
 * people there, the last contact moments and the open tasks. Activities and commitments are not in
 * it yet: those features do not exist yet, and the summary gains a section for each when they do.
 */
export function HandoverSummaryEmail(props: HandoverSummaryEmailProps) {
  const t = translator(props.locale);
  const intro = props.assignedBy
    ? t("email.handover.intro", { by: props.assignedBy, from: props.fromName, count: props.organisations.length })
    : t("email.handover.introNoActor", { from: props.fromName, count: props.organisations.length });
  return (
    <EmailLayout locale={props.locale} preview={intro} regionName={props.regionName}>
      <Paragraph>{t("email.handover.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{intro}</Paragraph>
      {props.organisations.map((organisation) => (
        <div key={organisation.url}>
          <OrganisationHeading href={organisation.url}>{organisation.name}</OrganisationHeading>
          <Meta>
            {t(`organisations.kinds.${organisation.kind}`)} · {t(`organisations.tiers.${organisation.tier}`)} · {t(`health.states.${organisation.state}`)}
          </Meta>
          {organisation.reasons.length ? (
            <Lines items={organisation.reasons.map((reason) => `${reason.message}. ${reason.nextStep}`)} empty="" />
          ) : null}
          <Label>{t("email.handover.people")}</Label>
          <Lines
            empty={t("email.handover.noPeople")}
            items={organisation.people.map((person) =>
              [
                person.role ? `${person.name} (${person.role})` : person.name,
                person.isPrimary ? t("email.handover.primary") : null,
                person.email,
                person.phone,
              ].filter(Boolean).join(" · "),
            )}
          />
          <Label>{t("email.handover.contactMoments")}</Label>
          <Lines
            empty={t("email.handover.noContactMoments")}
            items={organisation.contactMoments.map((moment) =>
              [formatDay(moment.date, props.locale), t(`interactions.kinds.${moment.kind}`), moment.summary, moment.userName ? t("email.handover.by", { name: moment.userName }) : null]
                .filter(Boolean).join(" · "),
            )}
          />
          <Label>{t("email.handover.openTasks")}</Label>
          <Lines
            empty={t("email.handover.noOpenTasks")}
            items={organisation.openTasks.map((task) => t("email.handover.task", { title: task.title, date: formatDay(task.dueDate, props.locale), name: task.assigneeName }))}
          />
        </div>
      ))}
      <ActionLink locale={props.locale} href={props.tasksUrl} label={t("email.handover.action")} />
    </EmailLayout>
  );
}
