import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { HandoverInput } from "../../server/domains/handover/handover.schemas";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { Alert } from "../components/ui/alert";
import { SelectField } from "../components/ui/field";
import { translator } from "../../i18n";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";
import { SubmitButton } from "../components/ui/submit-button";

// `users_` keeps this page out of the users list's layout while its address stays /admin/users/{id}/handover.
export const meta: MetaFunction = () => [{ title: "Relaties overdragen · Schakel" }];

const ASSIGN_PREFIX = "assign:";

async function loadHandover(context: LoaderFunctionArgs["context"], request: Request, params: LoaderFunctionArgs["params"]) {
  const admin = requirePermission(context, request, "region.manage");
  const userId = recordIdOf(params);
  return { admin, userId, handover: await context.server.getHandover(context.db, scopeOf(admin), userId, { locale: admin.locale, today: toLocalDate(context.clock.now()) }) };
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { handover } = await loadHandover(context, request, params);
  return handover;
}

type ActionData = FormErrors & { success?: string; values?: { toUserId?: string | undefined; assignments: Record<string, string> } };

/**
 * One submit for the whole screen: "Alles naar" for every organisation, and a per-row choice where
 * one differs. Rows left on "Zoals hierboven" follow the "Alles naar" choice.
 */
export async function action({ context, request, params }: ActionFunctionArgs) {
  const { admin, userId } = await loadHandover(context, request, params);
  const formData = await request.formData();
  const assignments: Record<string, string> = {};
  for (const [key, value] of formData) {
    if (key.startsWith(ASSIGN_PREFIX) && typeof value === "string" && value) assignments[key.slice(ASSIGN_PREFIX.length)] = value;
  }
  const toUserId = String(formData.get("toUserId") ?? "") || undefined;
  try {
    const input = parseInput(HandoverInput, { toUserId, assignments }, admin.locale);
    const result = await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.handOverOrganisations(trx, scope, userId, input, meta));
    const t = translator(admin.locale);
    const handedOver = t("handover.done", { count: result.organisations.length });
    return json<ActionData>({ success: result.emailsQueued ? `${handedOver} ${t("handover.doneEmails", { count: result.emailsQueued })}` : handedOver });
  } catch (error) {
    // A refused choice comes back with what was chosen, so the admin corrects one row, not all.
    const response = formError(error, admin.locale);
    const body = (await response.clone().json()) as ActionData;
    return json<ActionData>({ ...body, values: { toUserId, assignments } }, { status: response.status });
  }
}

const stateTone = { healthy: "badge-success", watch: "", cooling: "", cold: "badge-danger" } as const;

export default function HandoverPage() {
  const t = useT();
  const { user, organisations, colleagues } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const options = colleagues.map((colleague) => <option key={colleague.id} value={colleague.id}>{colleague.name}</option>);
  return (
    <div className="page">
      <p><Link to="/admin/users">← {t("handover.back")}</Link></p>
      <h1>{`${t("handover.title")}: ${user.name}`}</h1>
      {data?.success ? <Alert tone="success">{data.success}</Alert> : null}
      {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
      {organisations.length === 0 ? (
        <p className="lead">{t("handover.none", { name: user.name })}</p>
      ) : (
        <Form method="post" noValidate>
          <p className="lead">{t("handover.intro", { name: user.name })}</p>
          <SelectField label={t("handover.allTo")} name="toUserId" defaultValue={data?.values?.toUserId ?? ""} error={data?.fields?.toUserId}>
            <option value="">{t("handover.choose")}</option>
            {options}
          </SelectField>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>{t("handover.organisation")}</th>
                  <th>{t("handover.kind")}</th>
                  <th>{t("handover.tier")}</th>
                  <th>{t("handover.state")}</th>
                  <th>{t("handover.newOwner")}</th>
                </tr>
              </thead>
              <tbody>
                {organisations.map((organisation) => {
                  const error = data?.fields?.[`assignments.${organisation.organisationId}`];
                  return (
                    <tr key={organisation.organisationId} data-testid={`handover-${organisation.organisationId}`}>
                      <td><Link to={`/organisations/${organisation.organisationId}`}>{organisation.name}</Link></td>
                      <td>{t(`organisations.kinds.${organisation.kind}`)}</td>
                      <td>{t(`organisations.tiers.${organisation.tier}`)}</td>
                      <td>
                        <span className={`badge ${stateTone[organisation.state]}`}>{t(`health.states.${organisation.state}`)}</span>
                        {organisation.topReason ? <><br />{organisation.topReason.message}</> : null}
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={`assign-${organisation.organisationId}`}>{t("handover.newOwner")}: {organisation.name}</label>
                        <select
                          id={`assign-${organisation.organisationId}`}
                          name={`${ASSIGN_PREFIX}${organisation.organisationId}`}
                          defaultValue={data?.values?.assignments[organisation.organisationId] ?? ""}
                          aria-invalid={error ? true : undefined}
                        >
                          <option value="">{t("handover.sameAsAll")}</option>
                          {options}
                        </select>
                        {error ? <p className="field-error" role="alert">{error}</p> : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="actions"><SubmitButton>{t("handover.submit")}</SubmitButton></p>
        </Form>
      )}
    </div>
  );
}
