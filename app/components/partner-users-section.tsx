import { Form } from "@remix-run/react";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { Alert } from "./ui/alert";
import { TextField } from "./ui/field";

type PartnerUser = { id: string; name: string; email: string; active: boolean; invited: boolean };

/** Who of the partner can sign in to the partner portal, and an invitation for another colleague. */
export function PartnerUsersSection({ users, canInvite, errors, invited }: { users: PartnerUser[]; canInvite: boolean; errors: FormErrors | undefined; invited: boolean }) {
  const t = useT();
  return (
    <section className="card section-contacts" aria-labelledby="portal-users">
      <h2 id="portal-users">{t("partnerUsers.title")}</h2>
      <p className="lead">{t("partnerUsers.intro")}</p>
      {invited ? <Alert tone="success">{t("partnerUsers.invited")}</Alert> : null}
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      {users.length ? (
        <ul className="plain-list">
          {users.map((user) => (
            <li key={user.id}>
              <strong>{user.name}</strong> · {user.email}
              {user.invited ? <> <span className="badge">{t("partnerUsers.pending")}</span></> : null}
              {!user.active ? <> <span className="badge">{t("common.inactive")}</span></> : null}
            </li>
          ))}
        </ul>
      ) : <p>{t("partnerUsers.none")}</p>}
      {canInvite ? (
        <details open={Boolean(errors?.fields)}>
          <summary>{t("partnerUsers.invite")}</summary>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="invite-partner" />
            <div className="grid-2">
              <TextField label={t("common.name")} name="name" error={errors?.fields?.name} />
              <TextField label={t("common.email")} name="email" type="email" error={errors?.fields?.email} />
            </div>
            <button type="submit" className="button">{t("partnerUsers.send")}</button>
          </Form>
        </details>
      ) : null}
    </section>
  );
}
