import { Link } from "@remix-run/react";
import type { HealthState } from "../../db/schema";
import { HealthBadge } from "./health";
import { formatDay, formatDayInWords, useLocale, useT } from "../utils/i18n";

type MyTask = { id: string; title: string; dueDate: string; isOverdue: boolean; organisationId: string | null; organisationName: string | null };
type MyRelationship = { organisationId: string; name: string; state: HealthState; reason: string | null };
type MyUpcoming = { organisationId: string; name: string; expectedState: HealthState; onDate: string; reason: string };
type MyActivity = { id: string; title: string; type: string; startDate: string; endDate: string; startTime: string | null; organisationNames: string[]; partnerNames: string[] };

export type MyWork = {
  tasks: MyTask[];
  relationships: MyRelationship[];
  holdsRelationships: boolean;
  offers: MyActivity[];
  week: MyActivity[];
  /** "Binnenkort koud": her relationships that turn cooling or cold within `days` days without contact. */
  upcoming: { days: number; items: MyUpcoming[] };
};

/** When an activity runs, as a day (or a period) and its start time. */
function When({ activity }: { activity: MyActivity }) {
  const t = useT();
  const locale = useLocale();
  const days = activity.endDate !== activity.startDate
    ? t("activities.period", { from: formatDay(activity.startDate, locale), until: formatDay(activity.endDate, locale) })
    : formatDay(activity.startDate, locale);
  return <>{activity.startTime ? `${days} ${activity.startTime}` : days}</>;
}

/**
 * The signed-in staff member's own work, first on the start page: her tasks that are overdue or due
 * this week, her relationships that are not healthy, partners' offers waiting for her, her week.
 */
export function MyWorkSections({ work }: { work: MyWork }) {
  const t = useT();
  const locale = useLocale();
  const overdue = work.tasks.filter((task) => task.isOverdue).length;
  return (
    <div className="my-work">
      <section className="card" aria-labelledby="my-tasks-heading">
        <h2 id="my-tasks-heading">{t("dashboard.myTasks")}</h2>
        {work.tasks.length === 0 ? (
          <p className="my-work-empty">{t("dashboard.myTasksNone")}</p>
        ) : (
          <>
            {overdue ? <p>{t("dashboard.overdueCount", { count: overdue })}</p> : null}
            <ul className="my-work-list">
              {work.tasks.map((task) => (
                <li key={task.id}>
                  <span>{task.title}</span>
                  {task.organisationId ? <> · <Link to={`/organisations/${task.organisationId}`}>{task.organisationName}</Link></> : null}
                  {" · "}
                  {task.isOverdue ? (
                    <span className="badge badge-danger">{t("dashboard.overdueSince", { date: formatDay(task.dueDate, locale) })}</span>
                  ) : (
                    <span className="task-meta">{t("dashboard.dueOn", { date: formatDay(task.dueDate, locale) })}</span>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        <p><Link to="/tasks">{t("dashboard.toTasks")}</Link></p>
      </section>

      <section className="card" aria-labelledby="my-relationships-heading">
        <h2 id="my-relationships-heading">{t("dashboard.myRelationships")}</h2>
        {!work.holdsRelationships ? (
          <p className="my-work-empty">{t("dashboard.noRelationships")}</p>
        ) : work.relationships.length === 0 ? (
          <p className="my-work-empty">{t("dashboard.myRelationshipsNone")}</p>
        ) : (
          <ul className="my-work-list">
            {work.relationships.map((relationship) => (
              <li key={relationship.organisationId}>
                <Link to={`/organisations/${relationship.organisationId}`}>{relationship.name}</Link> <HealthBadge state={relationship.state} />
                {relationship.reason ? <span className="my-work-reason">{relationship.reason}</span> : null}
              </li>
            ))}
          </ul>
        )}
        {work.holdsRelationships ? <p><Link to="/attention?whose=mine">{t("dashboard.toMyAttention")}</Link></p> : null}
      </section>

      {work.holdsRelationships ? (
        <section className="card" aria-labelledby="upcoming-heading">
          <h2 id="upcoming-heading">{t("foresight.upcomingTitle")}</h2>
          {work.upcoming.items.length === 0 ? (
            <p className="my-work-empty">{t("foresight.upcomingNone", { days: work.upcoming.days })}</p>
          ) : (
            <>
              <p>{t("foresight.upcomingIntro")}</p>
              <ul className="my-work-list">
                {work.upcoming.items.map((item) => (
                  <li key={item.organisationId}>
                    <Link to={`/organisations/${item.organisationId}`}>{item.name}</Link>
                    {" · "}<HealthBadge state={item.expectedState} />{" "}
                    {t("foresight.onDate", { date: formatDayInWords(item.onDate, locale) })}
                    <span className="my-work-reason">{item.reason}</span>
                    <Link to={`/organisations/${item.organisationId}#log`}>{t("foresight.logContact")}<span className="visually-hidden">{`: ${item.name}`}</span></Link>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      ) : null}

      <section className="card" aria-labelledby="offers-waiting-heading">
        <h2 id="offers-waiting-heading">{t("dashboard.offersWaiting")}</h2>
        {work.offers.length === 0 ? (
          <p className="my-work-empty">{t("dashboard.offersWaitingNone")}</p>
        ) : (
          <>
            <p>{t("dashboard.offersWaitingIntro")}</p>
            <ul className="my-work-list">
              {work.offers.map((offer) => (
                <li key={offer.id}>
                  <Link to={`/activities/${offer.id}`}>{offer.title}</Link>
                  {" · "}<When activity={offer} />
                  {offer.partnerNames.length ? ` · ${t("dashboard.offerFrom", { names: offer.partnerNames.join(", ") })}` : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="my-week-heading">
        <h2 id="my-week-heading">{t("dashboard.myWeek")}</h2>
        {work.week.length === 0 ? (
          <p className="my-work-empty">{t("dashboard.myWeekNone")}</p>
        ) : (
          <ul className="my-work-list">
            {work.week.map((activity) => (
              <li key={activity.id}>
                <When activity={activity} />{" · "}
                <Link to={`/activities/${activity.id}`}>{activity.title}</Link>
                {activity.organisationNames.length ? ` · ${activity.organisationNames.join(", ")}` : null}
              </li>
            ))}
          </ul>
        )}
        <p><Link to="/activities">{t("dashboard.toActivities")}</Link></p>
      </section>
    </div>
  );
}
