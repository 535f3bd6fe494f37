import { Link } from "@remix-run/react";
import type { Activity } from "../../server/domains/activities/activities.service";
import { formatDay, useLocale, useT } from "../utils/i18n";

type SectionActivity = Pick<Activity, "id" | "type" | "title" | "status" | "startDate" | "endDate" | "pupilsReached" | "organisations">;

/**
 * An organisation's activities on its page: what is offered or planned first, then what was done
 * (the order comes from listOrganisationActivities). The other organisations taking part are named.
 */
export function ActivitiesSection({ organisationId, activities, canEdit }: { organisationId: string; activities: SectionActivity[]; canEdit: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card section-contacts" aria-labelledby="activities">
      <h2 id="activities">{t("activities.sectionTitle")}</h2>
      {activities.length === 0 ? (
        <p>{t("activities.sectionNone")}</p>
      ) : (
        <ul className="plain-list">
          {activities.map((a) => {
            const others = a.organisations.filter((o) => o.id !== organisationId).map((o) => o.name);
            return (
              <li key={a.id}>
                <Link to={`/activities/${a.id}`}>{a.title}</Link>{" "}
                <span className={`badge activity-status-${a.status}`}>{t(`activities.statuses.${a.status}`)}</span>
                <br />
                <span className="task-meta">
                  {t(`activities.types.${a.type}`)} ·{" "}
                  {a.endDate !== a.startDate ? t("activities.period", { from: formatDay(a.startDate, locale), until: formatDay(a.endDate, locale) }) : formatDay(a.startDate, locale)}
                  {others.length ? ` · ${t("activities.withWhom")} ${others.join(", ")}` : ""}
                  {a.pupilsReached !== null ? ` · ${a.pupilsReached} ${t("activities.fields.pupilsReached").toLowerCase()}` : ""}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {canEdit ? <p><Link to={`/activities/new?organisationId=${organisationId}`}>{t("activities.sectionNew")}</Link></p> : null}
    </section>
  );
}
