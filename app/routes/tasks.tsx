import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Alert } from "../components/ui/alert";
import { translator } from "../../i18n";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { CompleteTaskForm } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Mijn acties · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const { items } = await context.server.listMyTasks(context.db, scopeOf(user), user.id, { status: "open", today: toLocalDate(context.clock.now()) });
  return { tasks: items };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "task.write");
  try {
    const { taskId, version } = parseForm(CompleteTaskForm, await request.formData(), user.locale);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.completeTask(trx, scope, taskId, version, meta));
    return json<FormErrors & { success?: string }>({ success: translator(user.locale)("tasks.completed") });
  } catch (error) {
    return formError(error, user.locale);
  }
}

/** "Mijn acties": open tasks by due date, the overdue ones marked, each done with one click. */
export default function TasksPage() {
  const t = useT();
  const locale = useLocale();
  const { tasks } = useLoaderData<typeof loader>();
  const result = useActionData<FormErrors & { success?: string }>();
  return (
    <div className="page">
      <h1>{t("tasks.title")}</h1>
      <p className="lead">{t("tasks.intro")}</p>
      {result?.success ? <Alert tone="success">{result.success}</Alert> : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      {tasks.length === 0 ? (
        <p>{t("tasks.none")}</p>
      ) : (
        <ul className="task-list">
          {tasks.map((task) => (
            <li key={task.id} className={`card task${task.isOverdue ? " task-overdue" : ""}`}>
              <div>
                <strong>{task.title}</strong>
                <br />
                <span className="task-meta">
                  {task.isOverdue ? <span className="badge badge-danger">{t("tasks.overdue")}</span> : null} {t("tasks.due")} {formatDay(task.dueDate, locale)}
                  {task.organisationId ? <> · <Link to={`/organisations/${task.organisationId}`}>{task.organisationName}</Link></> : null}
                  {task.source !== "manual" ? <> · {t(`tasks.sources.${task.source}`)}</> : null}
                </span>
              </div>
              <Form method="post">
                <input type="hidden" name="taskId" value={task.id} />
                <input type="hidden" name="version" value={task.version} />
                <button type="submit" className="button button-small" aria-label={`${t("tasks.done")}: ${task.title}`}>{t("tasks.done")}</button>
              </Form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
