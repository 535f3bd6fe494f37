import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { translator } from "../../i18n";
import { Alert } from "../components/ui/alert";
import { CheckboxField, TextField } from "../components/ui/field";
import { SubmitButton } from "../components/ui/submit-button";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { ManageViewForm } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Weergaven · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "view.save");
  const views = await context.server.listSavedViews(context.db, scopeOf(user));
  return {
    views: views.map((view) => ({
      id: view.id, list: view.list, name: view.name, query: view.query, shared: view.shared, version: view.version,
      createdByName: view.createdByName, mine: view.createdBy === user.id,
      canChange: userCan(user, "view.save", { kind: "savedView", createdBy: view.createdBy }),
    })),
  };
}

type Result = FormErrors & { success?: string; viewId?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "view.save");
  const t = translator(user.locale);
  let viewId: string | undefined;
  try {
    const input = parseForm(ManageViewForm, await request.formData(), user.locale);
    viewId = input.viewId;
    if (input.intent === "archive") {
      const view = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.archiveSavedView(trx, scope, input.viewId, meta));
      return json<Result>({ success: t("savedViews.archived", { name: view.name }) });
    }
    const view = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateSavedView(trx, scope, input.viewId, input, meta));
    return json<Result>({ success: t("savedViews.updated", { name: view.name }), viewId: view.id });
  } catch (error) {
    const answer = formError(error, user.locale);
    const body = (await answer.clone().json()) as FormErrors;
    return json<Result>({ ...body, viewId }, { status: answer.status });
  }
}

/** Weergaven beheren: the views a staff member can open; those they made (all, for an admin) renamed, shared or deleted here. */
export default function ViewsPage() {
  const t = useT();
  const { views } = useLoaderData<typeof loader>();
  const result = useActionData<Result>();
  return (
    <div className="page">
      <h1>{t("savedViews.manage")}</h1>
      <p className="lead">{t("savedViews.manageIntro")}</p>
      {result?.success ? <Alert tone="success">{result.success}</Alert> : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      {views.length === 0 ? <p>{t("savedViews.none")}</p> : null}
      <ul className="view-list">
        {views.map((view) => (
          <li key={view.id} className="card">
            <h2>
              <Link to={`/${view.list}${view.query ? `?${view.query}` : ""}`}>{view.name}</Link>
            </h2>
            <p className="field-hint">
              {t(`savedViews.lists.${view.list}`)} · {view.shared ? t("savedViews.sharedBy", { name: view.createdByName }) : t("savedViews.private")}
            </p>
            {view.canChange ? (
              <>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="viewId" value={view.id} />
                  <input type="hidden" name="version" value={view.version} />
                  <TextField label={t("savedViews.name")} name="name" defaultValue={view.name} required maxLength={80} error={result?.viewId === view.id ? result.fields?.name : undefined} />
                  <CheckboxField label={t("savedViews.shared")} name="shared" defaultChecked={view.shared} />
                  <SubmitButton name="intent" value="update" className="button button-small">{t("savedViews.rename")}</SubmitButton>
                </Form>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="viewId" value={view.id} />
                  <SubmitButton name="intent" value="archive" className="button button-small button-quiet" aria-label={`${t("savedViews.archive")}: ${view.name}`}>{t("savedViews.archive")}</SubmitButton>
                </Form>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
