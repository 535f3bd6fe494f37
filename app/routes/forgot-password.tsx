import { json, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { ForgotPasswordInput } from "../../server/domains/users/users.schemas";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { DEFAULT_LOCALE } from "../../i18n";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { SubmitButton } from "../components/ui/submit-button";

export const meta: MetaFunction = () => [{ title: "Wachtwoord vergeten · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

export async function action({ context, request }: ActionFunctionArgs) {
  const locale = context.user?.locale ?? DEFAULT_LOCALE;
  try {
    const { email } = parseForm(ForgotPasswordInput, await request.formData(), locale);
    // Not in a transaction: a refused request must still use up the limit (decision 098).
    await context.server.requestPasswordReset(context.db, { email, ip: context.ip, now: context.clock.now() });
    // The email job looks the address up and sends the link, off this request's path.
    await context.notifyEmailQueued();
    // The same answer whether or not the address has an account: nothing to learn by trying.
    return json<FormErrors & { sent?: boolean }>({ sent: true });
  } catch (error) {
    return formError(error, locale);
  }
}

export default function ForgotPasswordPage() {
  const t = useT();
  const data = useActionData<FormErrors & { sent?: boolean }>();
  return (
    <div className="page page-narrow">
      <h1>{t("forgotPassword.title")}</h1>
      {data?.sent ? (
        <Alert tone="success">{t("forgotPassword.sent")}</Alert>
      ) : (
        <>
          <p className="lead">{t("forgotPassword.intro")}</p>
          {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
          <Form method="post" className="card" noValidate>
            <TextField label={t("common.email")} name="email" type="email" autoComplete="email" required error={data?.fields?.email} />
            <SubmitButton>{t("forgotPassword.submit")}</SubmitButton>
          </Form>
        </>
      )}
    </div>
  );
}
