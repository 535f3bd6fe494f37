import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { PLAN_ROLES } from "../../db/schema";
import { translator } from "../../i18n";
import { UpdatePlanTemplateInput } from "../../server/domains/plans/plans.schemas";
import { Alert } from "../components/ui/alert";
import { SelectField, TextField } from "../components/ui/field";
import { SubmitButton } from "../components/ui/submit-button";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { PlanTemplateTarget } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Plannen · Schakel" }];

/** Empty lines under a template's steps, to add steps without JavaScript. */
const EMPTY_ROWS = 2;
const MAX_ROWS = 22;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  return { templates: await context.server.listPlanTemplates(context.db, scopeOf(admin)) };
}

type Row = { title: string; role: string; dueSchoolDays: string };
type ActionData = FormErrors & { templateId?: string; success?: string; rows?: Row[] };

export async function action({ context, request }: ActionFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const formData = await request.formData();
  const t = translator(admin.locale);
  const templateId = String(formData.get("templateId") ?? "");
  const rows: Row[] = [];
  for (let index = 0; index < MAX_ROWS && formData.has(`title-${index}`); index++) {
    rows.push({ title: String(formData.get(`title-${index}`) ?? ""), role: String(formData.get(`role-${index}`) ?? ""), dueSchoolDays: String(formData.get(`days-${index}`) ?? "") });
  }
  // A line whose task is empty is no step: that is how a step is dropped, and how the empty lines stay empty.
  const kept = rows.map((row, index) => ({ row, index })).filter(({ row }) => row.title.trim() !== "");
  try {
    parseInput(PlanTemplateTarget, { templateId }, admin.locale);
    const input = parseInput(UpdatePlanTemplateInput, { version: formData.get("version"), steps: kept.map(({ row }) => row) }, admin.locale);
    const saved = await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.updatePlanTemplate(trx, scope, templateId, input, meta));
    return json<ActionData>({ templateId, success: t("plans.saved", { name: t(`plans.events.${saved.event}`) }) });
  } catch (error) {
    const response = formError(error, admin.locale);
    const body = (await response.clone().json()) as ActionData;
    // Field errors name a step by its place among the kept lines ("steps.1.dueSchoolDays"): shown at its line.
    const fields = Object.fromEntries(Object.entries(body.fields ?? {}).map(([key, message]) => {
      const match = /^steps\.(\d+)\.(\w+)$/.exec(key);
      return match ? [`${kept[Number(match[1])]?.index ?? 0}.${match[2]}`, message] : [key, message];
    }));
    // After a conflict the form shows what is stored now; after a mistake, what was typed.
    return json<ActionData>({ ...body, ...(body.fields && { fields, rows }), templateId }, { status: response.status });
  }
}

export default function PlanTemplatesPage() {
  const t = useT();
  const { templates } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  return (
    <div className="page">
      <h1>{t("plans.title")}</h1>
      <p className="lead">{t("plans.intro")}</p>
      {templates.map((template) => {
        const mine = data?.templateId === template.id ? data : undefined;
        const stored: Row[] = template.steps.map((step) => ({ title: step.title, role: step.role, dueSchoolDays: String(step.dueSchoolDays) }));
        const rows = mine?.rows ?? [...stored, ...Array.from({ length: EMPTY_ROWS }, () => ({ title: "", role: "owner", dueSchoolDays: "" }))];
        const name = t(`plans.events.${template.event}`);
        return (
          <section key={template.id} className="card" aria-labelledby={`template-${template.event}`}>
            <h2 id={`template-${template.event}`}>{name}</h2>
            <p className="task-meta">{t(`plans.eventHints.${template.event}`)}</p>
            {mine?.success ? <Alert tone="success">{mine.success}</Alert> : null}
            {mine?.formError ? <Alert tone="error">{mine.formError}</Alert> : null}
            {template.steps.length === 0 ? <p>{t("plans.noSteps")}</p> : (
              <ol className="plan-steps">
                {template.steps.map((step, index) => (
                  <li key={index}>{step.title} <span className="task-meta">· {t(`plans.roles.${step.role}`)} · {t("plans.stepWithin", { count: step.dueSchoolDays })}</span></li>
                ))}
              </ol>
            )}
            {/* The steps read as a list; the form opens on request, and stays open after a save or a mistake. */}
            <details className="plan-edit" open={Boolean(mine)}>
              <summary>{t("plans.edit")}<span className="visually-hidden">{`: ${name}`}</span></summary>
              {/* Keyed by version: after a save the lines show what is stored now, also when hydrated. */}
              <Form method="post" noValidate key={`${template.id}-${template.version}`}>
                <input type="hidden" name="templateId" value={template.id} />
                <input type="hidden" name="version" value={template.version} />
                <p className="field-hint">{t("plans.stepsHint")}</p>
                {rows.map((row, index) => {
                  const error = (field: string) => mine?.fields?.[`${index}.${field}`];
                  return (
                    <fieldset key={index} className="plan-step">
                      <legend>{t("plans.step")} {index + 1}</legend>
                      <TextField label={t("plans.stepTitle")} name={`title-${index}`} defaultValue={row.title} maxLength={300} error={error("title")} />
                      <SelectField label={t("plans.stepRole")} name={`role-${index}`} defaultValue={row.role} error={error("role")}>
                        {PLAN_ROLES.map((role) => <option key={role} value={role}>{t(`plans.roles.${role}`)}</option>)}
                      </SelectField>
                      <TextField label={t("plans.stepDays")} name={`days-${index}`} type="number" inputMode="numeric" min={0} max={200} step={1}
                        defaultValue={row.dueSchoolDays} error={error("dueSchoolDays")} />
                    </fieldset>
                  );
                })}
                <SubmitButton>{t("common.save")}</SubmitButton>
              </Form>
            </details>
          </section>
        );
      })}
    </div>
  );
}
