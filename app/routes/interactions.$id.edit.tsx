import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useId } from "react";
import { INTERACTION_KINDS } from "../../db/schema";
import { UpdateInteractionInput } from "../../server/domains/interactions/interactions.schemas";
import { SentimentChoice } from "../components/sentiment";
import { Alert } from "../components/ui/alert";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { AppError } from "../../server/errors";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { requirePermission } from "../utils/auth.server";
import { recordIdOf } from "../utils/page-inputs.server";
import { type FormErrors, formError } from "../utils/forms.server";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Contactmoment wijzigen · ${data?.interaction.organisationName ?? "Schakel"} · Schakel` }];

/**
 * The contact moment of the region named in the path, if the user may change it: its logger, or an
 * admin (403 for others). Of another region, deleted or no id at all: 404.
 */
async function changeableInteraction(context: LoaderFunctionArgs["context"], request: Request, params: LoaderFunctionArgs["params"]) {
  const user = requirePermission(context, request, "interaction.change");
  const interaction = await context.server.getInteraction(context.db, scopeOf(user), recordIdOf(params));
  if (!interaction.mayChange) throw new AppError("FORBIDDEN", "Not the logger of this contact moment");
  return { user, interaction };
}

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const { user, interaction } = await changeableInteraction(context, request, params);
  // Anyone who works or worked at the organisation may have taken part, each once.
  const contacts = await context.server.listOrganisationContacts(context.db, user.regionId, interaction.organisationId);
  const people = [...new Map(contacts.map((c) => [c.personId, { id: c.personId, name: c.name }])).values()].sort((a, b) => a.name.localeCompare(b.name, "nl"));
  return { interaction, people };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const { user, interaction } = await changeableInteraction(context, request, params);
  const formData = await request.formData();
  const back = `/organisations/${interaction.organisationId}`;
  try {
    if (formData.get("intent") === "delete") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.archiveInteraction(trx, scope, interaction.id, meta));
      return redirect(`${back}?moment=deleted#timeline`);
    }
    const input = parseInput(
      UpdateInteractionInput,
      {
        kind: formData.get("kind") ?? undefined,
        date: formData.get("date") || undefined,
        // An emptied summary is refused, not ignored: send what was typed.
        summary: formData.get("summary") ?? "",
        nextStep: formData.get("nextStep") ?? "",
        // Only a typed moment offers the choice; a captured one keeps having none.
        sentiment: interaction.source === "manual" ? formData.get("sentiment") ?? "" : undefined,
        personIds: formData.getAll("personIds"),
        version: formData.get("version"),
      },
      user.locale,
    );
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateInteraction(trx, scope, interaction.id, input, meta));
    return redirect(`${back}?moment=saved#timeline`);
  } catch (error) {
    return formError(error, user.locale);
  }
}

export default function EditInteractionPage() {
  const t = useT();
  const locale = useLocale();
  const { interaction: i, people } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>() as FormErrors | undefined;
  const [params] = useSearchParams();
  const summaryId = useId();
  const back = `/organisations/${i.organisationId}`;
  const e = errors?.fields ?? {};
  const asking = params.get("delete") === "1";
  return (
    <div className="page">
      <p><Link to={`${back}#timeline`}>← {i.organisationName}</Link></p>
      <h1>{t("interactions.editTitle")}</h1>
      <p className="lead">
        {t(`interactions.kinds.${i.kind}`)} · {formatDay(i.date, locale)}
        {i.userName ? ` · ${t("timeline.by", { name: i.userName })}` : ""}
        {i.source !== "manual" ? ` · ${t(i.source === "email" ? "timeline.viaEmail" : "timeline.viaCalendar")}` : ""}
      </p>
      {i.updatedAt ? <p className="task-meta">{t("interactions.lastChanged", { date: formatMoment(i.updatedAt, locale) })}</p> : null}
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      {asking ? (
        <section className="card danger-zone" aria-labelledby="delete-confirm">
          <h2 id="delete-confirm">{t("interactions.deleteQuestion")}</h2>
          <p>{t("interactions.deleteExplain")}</p>
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="delete" />
            <button type="submit" className="button button-danger">{t("interactions.deleteYes")}</button>
            <Link to="." className="button button-quiet">{t("interactions.deleteNo")}</Link>
          </Form>
        </section>
      ) : null}
      {/* Keyed on the version: after a conflict the form shows what is stored now. */}
      <Form method="post" noValidate className="card" key={i.version}>
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="version" value={i.version} />
        <div className="grid-2">
          <SelectField label={t("interactions.kind")} name="kind" defaultValue={i.kind} error={e.kind}>
            {INTERACTION_KINDS.map((kind) => <option key={kind} value={kind}>{t(`interactions.kinds.${kind}`)}</option>)}
          </SelectField>
          <TextField label={t("interactions.date")} name="date" type="date" required defaultValue={i.date} error={e.date} />
        </div>
        <div className="field">
          <label htmlFor={summaryId}>{t("interactions.summary")}</label>
          <textarea
            id={summaryId} name="summary" required defaultValue={i.summary}
            aria-invalid={e.summary ? true : undefined} aria-describedby={e.summary ? `${summaryId}-error` : undefined}
          />
          {e.summary ? <p className="field-error" id={`${summaryId}-error`} role="alert">{e.summary}</p> : null}
        </div>
        {people.length ? (
          <fieldset className="checkbox-group">
            <legend>{t("interactions.people")}</legend>
            {people.map((person) => (
              <CheckboxField key={person.id} label={person.name} name="personIds" value={person.id} defaultChecked={i.personIds.includes(person.id)} />
            ))}
            {e.personIds ? <p className="field-error" role="alert">{e.personIds}</p> : null}
          </fieldset>
        ) : null}
        {i.source === "manual" ? <SentimentChoice defaultValue={i.sentiment} error={e.sentiment} /> : null}
        <TextField label={t("interactions.nextStep")} name="nextStep" defaultValue={i.nextStep ?? ""} hint={t("interactions.nextStepEditHint")} error={e.nextStep} />
        <div className="actions">
          <button type="submit" className="button">{t("common.save")}</button>
          <Link to={`${back}#timeline`} className="button button-quiet">{t("common.cancel")}</Link>
        </div>
      </Form>
      {asking ? null : (
        <p className="danger-zone">
          <Link to="?delete=1" className="button button-danger">{t("interactions.delete")}</Link>
        </p>
      )}
    </div>
  );
}
