import { Form } from "@remix-run/react";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { Alert } from "./ui/alert";
import { TextField } from "./ui/field";
import { SubmitButton } from "./ui/submit-button";

/**
 * The new-password form shared by the invitation and the password reset. With `optionalNote` the
 * password may be left empty (a partner's invitation), and the note says how they get in instead.
 */
export function ChoosePasswordForm({ errors, submitLabel, optionalNote }: { errors: FormErrors | undefined; submitLabel: string; optionalNote?: string | undefined }) {
  const t = useT();
  const required = !optionalNote;
  return (
    <>
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      {optionalNote ? <p>{optionalNote}</p> : null}
      <Form method="post" className="card" noValidate>
        <TextField label={t("resetPassword.newPassword")} hint={t("validation.passwordTooShort")} name="password" type="password" autoComplete="new-password" required={required} error={errors?.fields?.password} />
        <TextField label={t("resetPassword.confirm")} name="confirm" type="password" autoComplete="new-password" required={required} error={errors?.fields?.confirm} />
        <SubmitButton>{submitLabel}</SubmitButton>
      </Form>
    </>
  );
}
