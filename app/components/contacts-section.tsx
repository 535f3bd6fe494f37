import { Form } from "@remix-run/react";
import { END_REASONS } from "../../db/schema";
import type { OrganisationContact } from "../../server/domains/people/people.service";
import type { FormErrors } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { Alert } from "./ui/alert";
import { CheckboxField, SelectField, TextField } from "./ui/field";

type Contact = OrganisationContact;

/**
 * The organisation's people: who works there now, who left (kept, with date and reason), a form
 * to add a contact and, per contact, a way to record that they left.
 */
export function ContactsSection({ contacts, today, canEdit, errors }: { contacts: Contact[]; today: string; canEdit: boolean; errors: FormErrors | undefined }) {
  const t = useT();
  const locale = useLocale();
  const current = contacts.filter((c) => !c.endDate);
  const former = contacts.filter((c) => c.endDate);
  return (
    <section className="card section-contacts" aria-labelledby="contacts">
      <h2 id="contacts">{t("contacts.title")}</h2>
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      {current.length === 0 ? <p>{t("contacts.none")}</p> : null}
      <ul className="plain-list">
        {current.map((c) => (
          <li key={c.affiliationId} className="contact">
            <div>
              <strong><a href={`/people/${c.personId}`}>{c.name}</a></strong>
              {c.isPrimary ? <> <span className="badge badge-success">{t("contacts.primary")}</span></> : null}
              {c.role ? <> · {c.role}</> : null}
              <br />
              {[c.email, c.phone].filter(Boolean).join(" · ")}
            </div>
            {canEdit ? (
              <details>
                <summary>{t("contacts.left")}</summary>
                <Form method="post" className="inline-form">
                  <input type="hidden" name="intent" value="end-contact" />
                  <input type="hidden" name="affiliationId" value={c.affiliationId} />
                  <TextField label={t("contacts.endDate")} name="endDate" type="date" defaultValue={today} max={today} />
                  <SelectField label={t("contacts.endReason")} name="endReason" defaultValue="left_organisation">
                    {END_REASONS.map((reason) => <option key={reason} value={reason}>{t(`contacts.reasons.${reason}`)}</option>)}
                  </SelectField>
                  {/* Who takes over feeds the health rules: without a successor the owner gets a follow-up. */}
                  <SelectField label={t("contacts.successor")} name="successorPersonId" defaultValue="" hint={t("contacts.successorHint")}>
                    <option value="">{t("contacts.successorUnknown")}</option>
                    {current.filter((other) => other.personId !== c.personId).map((other) => <option key={other.personId} value={other.personId}>{other.name}</option>)}
                  </SelectField>
                  <TextField label={t("contacts.successorNew")} name="successorName" />
                  <button type="submit" className="button button-small">{t("common.save")}</button>
                </Form>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
      {former.length ? (
        <>
          <h3>{t("contacts.former")}</h3>
          <ul className="plain-list">
            {former.map((c) => (
              <li key={c.affiliationId}>
                <a href={`/people/${c.personId}`}>{c.name}</a>
                {c.role ? <> · {c.role}</> : null} — {t("contacts.leftOn", { date: formatDay(c.endDate, locale), reason: t(`contacts.reasons.${c.endReason}`) })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {canEdit ? (
        // Keyed on the number of contacts: after a contact is added the form starts empty and closed again.
        <details key={contacts.length} className="add-contact" open={Boolean(errors?.fields)}>
          <summary>{t("contacts.add")}</summary>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="add-contact" />
            <TextField label={t("common.name")} name="name" required error={errors?.fields?.name} />
            <TextField label={t("contacts.role")} name="role" error={errors?.fields?.role} />
            <TextField label={t("common.email")} name="email" type="email" error={errors?.fields?.email} />
            <TextField label={t("contacts.phone")} name="phone" type="tel" error={errors?.fields?.phone} />
            <CheckboxField label={t("contacts.makePrimary")} name="isPrimary" />
            <button type="submit" className="button">{t("contacts.addSubmit")}</button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
