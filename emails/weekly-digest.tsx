import { Link } from "@react-email/components";
import { type Locale, translator } from "../i18n";
import type { Tier } from "../db/schema";
import { ActionLink, EmailLayout, Paragraph } from "./layout";
import { formatDay, Lines, Meta, OrganisationHeading, SectionHeading } from "./parts";

type DigestTask = { title: string; dueDate: string; organisationName: string | null };

export type WeeklyDigestEmailProps = {
  locale: Locale;
  name: string;
  regionName: string;
  today: string;
  /** The ISO weekday the digest comes on (1 = Monday), to say how to change it. */
  weekday: number;
  relationships: Array<{ name: string; tier: Tier; state: "cold" | "cooling"; isNew: boolean; url: string; reasons: Array<{ message: string; nextStep: string }> }>;
  overdueTasks: DigestTask[];
  overdueCount: number;
  openTasks: DigestTask[];
  openCount: number;
  /** "Binnenkort koud": relationships that turn cooling or cold soon; `holiday` when all turn before it starts. */
  upcoming?: { days: number; holiday: string | null; items: Array<{ name: string; expectedState: "cooling" | "cold"; onDate: string; reason: string; url: string }> };
  tasksUrl: string;
  profileUrl: string;
};

/**
 * The weekly digest of an account holder: relationships that are cold or cooling with why and what
 * to do, then their overdue and open tasks. Activities of the coming two weeks are not in it yet:
 * activities do not exist yet, and get a section here when they do.
 */
export function WeeklyDigestEmail(props: WeeklyDigestEmailProps) {
  const t = translator(props.locale);
  const intro = t("email.digest.intro", { date: formatDay(props.today, props.locale) });
  const task = (item: DigestTask) =>
    [item.title, item.organisationName, t("email.digest.due", { date: formatDay(item.dueDate, props.locale) })].filter(Boolean).join(" · ");
  const more = (shown: number, total: number) => (total > shown ? [t("email.digest.more", { count: total - shown })] : []);
  return (
    <EmailLayout locale={props.locale} preview={intro} regionName={props.regionName}>
      <Paragraph>{t("email.digest.greeting", { name: props.name })}</Paragraph>
      <Paragraph>{intro}</Paragraph>

      <SectionHeading>{t("email.digest.relationships")}</SectionHeading>
      {props.relationships.length ? (
        props.relationships.map((relationship) => (
          <div key={relationship.url}>
            <OrganisationHeading href={relationship.url}>{relationship.name}</OrganisationHeading>
            <Meta>
              {t(`health.states.${relationship.state}`)} · {t(`organisations.tiers.${relationship.tier}`)}
              {relationship.isNew ? ` · ${t("email.digest.new")}` : ""}
            </Meta>
            <Lines items={relationship.reasons.map((reason) => `${reason.message}. ${reason.nextStep}`)} empty="" />
          </div>
        ))
      ) : (
        <Meta>{t("email.digest.noRelationships")}</Meta>
      )}

      {props.upcoming?.items.length ? (
        <>
          <SectionHeading>
            {props.upcoming.holiday
              ? t("foresight.digestBeforeHoliday", { count: props.upcoming.items.length, holiday: props.upcoming.holiday })
              : t("foresight.digestWithin", { count: props.upcoming.items.length, days: props.upcoming.days })}
          </SectionHeading>
          {props.upcoming.items.map((item) => (
            <div key={item.url}>
              <OrganisationHeading href={item.url}>{item.name}</OrganisationHeading>
              <Meta>{t("foresight.upcomingOn", { state: t(`health.states.${item.expectedState}`), date: formatDay(item.onDate, props.locale) })}</Meta>
              <Lines items={[item.reason]} empty="" />
            </div>
          ))}
        </>
      ) : null}

      <SectionHeading>{t("email.digest.overdue", { count: props.overdueCount })}</SectionHeading>
      <Lines items={[...props.overdueTasks.map(task), ...more(props.overdueTasks.length, props.overdueCount)]} empty={t("email.digest.noOverdue")} />

      <SectionHeading>{t("email.digest.open", { count: props.openCount })}</SectionHeading>
      <Lines items={[...props.openTasks.map(task), ...more(props.openTasks.length, props.openCount)]} empty={t("email.digest.noOpen")} />

      <ActionLink locale={props.locale} href={props.tasksUrl} label={t("email.digest.action")} />
      <Paragraph muted>
        {t("email.digest.settings", { day: t(`weekdays.${props.weekday}`) })} <Link href={props.profileUrl}>{props.profileUrl}</Link>
      </Paragraph>
    </EmailLayout>
  );
}
