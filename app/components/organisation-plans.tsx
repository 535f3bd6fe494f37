import { Link } from "@remix-run/react";
import { formatDay, useLocale, useT } from "../utils/i18n";

/** A plan as the pages receive it (dates as strings). */
export type PlanView = {
  id: string;
  event: "contact_left" | "new_owner" | "new_partner" | "relationship_cold";
  status: "running" | "completed" | "recovered";
  startDate: string;
  stepsDone: number;
  stepsTotal: number;
  steps: Array<{ taskId: string; title: string; role: string; assigneeName: string; dueDate: string; status: "open" | "done"; closedReason: string | null }>;
};

/**
 * The organisation's running plans at a glance, at the side of its page: how far each is and the
 * next step; the plans page has every step, the ended plans and the form to start one.
 */
export function OrganisationPlans({ organisationId, plans }: { organisationId: string; plans: PlanView[] }) {
  const t = useT();
  const locale = useLocale();
  const running = plans.filter((plan) => plan.status === "running");
  return (
    <section className="card section-plans" aria-labelledby="plans">
      <h2 id="plans">{t("plans.section")}</h2>
      {running.length ? (
        <ul className="plain-list">
          {running.map((plan) => {
            const next = plan.steps.find((step) => step.status === "open");
            return (
              <li key={plan.id}>
                <strong>{t(`plans.events.${plan.event}`)}</strong>
                <div className="plan-progress">
                  <progress max={plan.stepsTotal} value={plan.stepsDone} aria-label={t(`plans.events.${plan.event}`)} />
                  <span>{t("plans.progress", { done: plan.stepsDone, total: plan.stepsTotal })}</span>
                </div>
                {next ? <p className="task-meta">{t("plans.next", { title: next.title, assignee: next.assigneeName, date: formatDay(next.dueDate, locale) })}</p> : null}
              </li>
            );
          })}
        </ul>
      ) : <p>{t("plans.none")}</p>}
      <p><Link to={`/organisations/${organisationId}/plans`}>{t("plans.allAndStart")}</Link></p>
    </section>
  );
}
