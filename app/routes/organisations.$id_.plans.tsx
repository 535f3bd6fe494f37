import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { PLAN_EVENTS } from "../../db/schema";
import { translator } from "../../i18n";
import { StartPlanInput } from "../../server/domains/plans/plans.schemas";
import { Alert } from "../components/ui/alert";
import { SelectField } from "../components/ui/field";
import { TableScroll } from "../components/table-scroll";
import { SubmitButton } from "../components/ui/submit-button";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Plannen · ${data?.organisation.name ?? "Organisatie"} · Schakel` }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const scope = scopeOf(user);
  const organisation = await context.server.getOrganisation(context.db, scope, recordIdOf(params));
  const [plans, templates, users] = await Promise.all([
    context.server.listOrganisationPlans(context.db, scope, organisation.id),
    context.server.listPlanTemplates(context.db, scope),
    context.server.listAssignableUsers(context.db, user.regionId),
  ]);
  return {
    organisation: { id: organisation.id, name: organisation.name, archived: organisation.archivedAt !== null },
    plans, users: users.map((u) => ({ id: u.id, name: u.name })),
    // Only a template with steps can start; a plan already running is not offered again.
    startable: templates.filter((template) => template.steps.length && !plans.some((plan) => plan.status === "running" && plan.event === template.event)).map((template) => template.event),
    canStart: userCan(user, "plan.start") && organisation.archivedAt === null,
  };
}

type ActionData = FormErrors & { started?: string };

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "plan.start");
  const id = recordIdOf(params);
  const formData = await request.formData();
  try {
    const input = parseForm(StartPlanInput, formData, user.locale);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.startPlanByHand(trx, scope, id, input, meta));
    return json<ActionData>({ started: translator(user.locale)("plans.started", { name: translator(user.locale)(`plans.events.${input.event}`) }) });
  } catch (error) {
    const response = formError(error, user.locale);
    return json<ActionData>((await response.clone().json()) as ActionData, { status: response.status });
  }
}

export default function OrganisationPlansPage() {
  const t = useT();
  const locale = useLocale();
  const { organisation, plans, users, startable, canStart } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const nameOf = (userId: string | null) => users.find((u) => u.id === userId)?.name;
  return (
    <div className="page">
      <p><Link to={`/organisations/${organisation.id}`}>← {t("plans.back", { name: organisation.name })}</Link></p>
      <h1>{t("plans.pageTitle", { name: organisation.name })}</h1>
      {data?.started ? <Alert tone="success">{data.started}</Alert> : null}
      {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
      {plans.length === 0 ? <p>{t("plans.noPlans")}</p> : null}
      {plans.map((plan) => (
        <section key={plan.id} className="card" aria-labelledby={`plan-${plan.id}`}>
          <h2 id={`plan-${plan.id}`}>
            {t(`plans.events.${plan.event}`)} <span className="badge">{t(`plans.statuses.${plan.status}`)}</span>
          </h2>
          <p className="task-meta">
            {t("plans.startedOn", { date: formatDay(plan.startDate, locale) })}{" "}
            {plan.startedById ? t("plans.startedBy", { name: nameOf(plan.startedById) ?? "" }) : t("plans.startedBySchakel")}
            {plan.endedAt ? ` · ${t("plans.endedOn", { date: formatMoment(plan.endedAt, locale) })}` : ""}
          </p>
          <div className="plan-progress">
            <progress max={plan.stepsTotal} value={plan.stepsDone} aria-label={t(`plans.events.${plan.event}`)} />
            <span>{t("plans.progress", { done: plan.stepsDone, total: plan.stepsTotal })}</span>
          </div>
          <TableScroll label={t(`plans.events.${plan.event}`)}>
            <table>
              <thead>
                <tr><th>{t("plans.stepTitle")}</th><th>{t("plans.assignee")}</th><th>{t("plans.due")}</th><th>{t("plans.status")}</th></tr>
              </thead>
              <tbody>
                {plan.steps.map((step) => (
                  <tr key={step.taskId}>
                    <td>{step.title}</td>
                    <td>{step.assigneeName} <span className="task-meta">({t(`plans.roles.${step.role}`)})</span></td>
                    <td>{formatDay(step.dueDate, locale)}</td>
                    <td>{step.closedReason ? t("plans.taskClosed") : step.status === "done" ? t("plans.taskDone") : t("plans.taskOpen")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      ))}
      {canStart && startable.length ? (
        <section className="card section-form" aria-labelledby="start-plan">
          <h2 id="start-plan">{t("plans.start")}</h2>
          <p>{t("plans.startIntro")}</p>
          <Form method="post" noValidate>
            <SelectField label={t("plans.which")} name="event" error={data?.fields?.event}>
              {PLAN_EVENTS.filter((event) => startable.includes(event)).map((event) => <option key={event} value={event}>{t(`plans.events.${event}`)}</option>)}
            </SelectField>
            <SubmitButton>{t("plans.start")}</SubmitButton>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
