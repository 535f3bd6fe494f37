import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChoosePasswordInput } from "../../server/domains/users/users.schemas";
import { ChoosePasswordForm } from "../components/choose-password-form";
import { Alert } from "../components/ui/alert";
import { DEFAULT_LOCALE } from "../../i18n";
import { type FormErrors, formError, parseForm, refusedByLimit } from "../utils/forms.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Nieuw wachtwoord · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

export async function loader({ context, params }: LoaderFunctionArgs) {
  // Links are long random secrets; still, an address may try only so many (issue 14, item 8).
  const refused = await refusedByLimit(() => context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now()), DEFAULT_LOCALE);
  if (refused) return refused;
  const user = await context.server.findUserByToken(context.db, params.token ?? "", "password_reset", context.clock.now());
  return { isValid: Boolean(user) };
}

export async function action({ context, params, request }: ActionFunctionArgs) {
  const locale = DEFAULT_LOCALE;
  try {
    const { password } = parseForm(ChoosePasswordInput, await request.formData(), locale);
    await context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now());
    const { apiTokensRevoked } = await context.server.runSystemChange(context, (trx, meta) =>
      context.server.setPasswordWithToken(trx, { token: params.token ?? "", purpose: "password_reset", password }, meta.now, meta.appUrl),
    );
    // The sign-in page says the tokens went too (the email says it again).
    return redirect(`/sign-in?passwordSet=1${apiTokensRevoked ? `&tokensRevoked=${apiTokensRevoked}` : ""}`);
  } catch (error) {
    return formError(error, locale);
  }
}

export default function ResetPasswordPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const errors = useActionData<FormErrors>();
  return (
    <div className="page page-narrow">
      <h1>{t("resetPassword.title")}</h1>
      {"rateLimited" in data ? (
        <Alert tone="error">{data.rateLimited}</Alert>
      ) : data.isValid ? (
        <ChoosePasswordForm errors={errors} submitLabel={t("resetPassword.submit")} />
      ) : (
        <>
          <Alert tone="error">{t("resetPassword.invalidLink")}</Alert>
          <Link to="/forgot-password">{t("resetPassword.requestNew")}</Link>
        </>
      )}
    </div>
  );
}
