import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { SignInLinkRequestInput } from "../../server/domains/users/users.schemas";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { SubmitButton } from "../components/ui/submit-button";
import { DEFAULT_LOCALE } from "../../i18n";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Inloggen met een link · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.user) throw redirect("/");
  return null;
}

/** "Stuur mij een inloglink" (decision 126): the same answer, after the same work, for every address. */
export async function action({ context, request }: ActionFunctionArgs) {
  const locale = DEFAULT_LOCALE;
  try {
    const { email } = parseForm(SignInLinkRequestInput, await request.formData(), locale);
    // Not in a transaction: a refused request must still use up the limit (decision 098).
    await context.server.requestSignInLink(context.db, { email, ip: context.ip, now: context.clock.now() });
    // The email job looks the address up and sends a link to a partner only, off this request's path.
    await context.notifyEmailQueued();
    return json<FormErrors & { sent?: boolean }>({ sent: true });
  } catch (error) {
    return formError(error, locale);
  }
}

export default function SignInLinkPage() {
  const t = useT();
  const data = useActionData<FormErrors & { sent?: boolean }>();
  return (
    <div className="page page-narrow">
      <h1>{t("signInLink.title")}</h1>
      {data?.sent ? (
        <Alert tone="success">{t("signInLink.sent")}</Alert>
      ) : (
        <>
          <p className="lead">{t("signInLink.intro")}</p>
          {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
          <Form method="post" className="card" noValidate>
            <TextField label={t("common.email")} name="email" type="email" autoComplete="email" required autoFocus error={data?.fields?.email} />
            <SubmitButton>{t("signInLink.submit")}</SubmitButton>
          </Form>
          <p>{t("signInLink.staff")}</p>
        </>
      )}
      <p><Link to="/sign-in">{t("signInLink.backToSignIn")}</Link></p>
    </div>
  );
}
