import { Form } from "@remix-run/react";
import { useId } from "react";
import { INTERACTION_KINDS } from "../../db/schema";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { SentimentChoice } from "./sentiment";
import { CheckboxField, SelectField, TextField } from "./ui/field";

/** Logging a contact moment takes seconds: kind and summary, today's date already filled in. */
export function InteractionForm({ people, today, errors, formKey }: { people: Array<{ personId: string; name: string }>; today: string; errors: FormErrors | undefined; formKey: number }) {
  const t = useT();
  const summaryId = useId();
  return (
    <section className="card section-contacts" aria-labelledby="log">
      <h2 id="log">{t("interactions.log")}</h2>
      <Form method="post" noValidate key={formKey}>
        <input type="hidden" name="intent" value="log-interaction" />
        <div className="grid-2">
          <SelectField label={t("interactions.kind")} name="kind" defaultValue="call" error={errors?.fields?.kind}>
            {INTERACTION_KINDS.map((kind) => <option key={kind} value={kind}>{t(`interactions.kinds.${kind}`)}</option>)}
          </SelectField>
          <TextField label={t("interactions.date")} name="date" type="date" defaultValue={today} max={today} error={errors?.fields?.date} />
        </div>
        <div className="field">
          <label htmlFor={summaryId}>{t("interactions.summary")}</label>
          <textarea id={summaryId} name="summary" required aria-invalid={errors?.fields?.summary ? true : undefined} aria-describedby={errors?.fields?.summary ? `${summaryId}-error` : undefined} />
          {errors?.fields?.summary ? <p className="field-error" id={`${summaryId}-error`} role="alert">{errors.fields.summary}</p> : null}
        </div>
        {people.length ? (
          <fieldset className="checkbox-group">
            <legend>{t("interactions.people")}</legend>
            {people.map((person) => (
              <CheckboxField key={person.personId} label={person.name} name="personIds" value={person.personId} />
            ))}
            {errors?.fields?.personIds ? <p className="field-error" role="alert">{errors.fields.personIds}</p> : null}
          </fieldset>
        ) : null}
        <SentimentChoice error={errors?.fields?.sentiment} />
        <div className="grid-2">
          <TextField label={t("interactions.nextStep")} name="nextStep" error={errors?.fields?.nextStep} />
          <TextField label={t("interactions.nextStepDate")} name="nextStepDate" type="date" min={today} error={errors?.fields?.nextStepDate} />
        </div>
        <button type="submit" className="button">{t("interactions.logSubmit")}</button>
      </Form>
    </section>
  );
}
