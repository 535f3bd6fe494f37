import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { SchoolAccountChoices } from "../components/school-account-choices";
import { SignInInput } from "../../server/domains/users/users.schemas";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { DEFAULT_LOCALE, translator } from "../../i18n";
import { safeRedirectTo } from "../utils/auth.server";
import { type FormErrors, formError, parseForm, rateLimitedForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { challengeCookie } from "../utils/two-factor-cookie.server";

export const meta: MetaFunction = () => [{ title: "Inloggen · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (context.user) throw redirect(safeRedirectTo(url.searchParams.get("redirectTo")));
  const refusal = context.server.OIDC_REFUSALS.find((reason) => reason === url.searchParams.get("schoolAccountError")) ?? null;
  // Where to go after signing in, made safe here: the school-account buttons carry it on.
  return json({ schoolAccounts: await context.server.listSignInChoices(context.db), schoolAccountError: refusal, redirectTo: safeRedirectTo(url.searchParams.get("redirectTo")) });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const locale = DEFAULT_LOCALE;
  const t = translator(locale);
  try {
    const input = parseForm(SignInInput, formData, locale);
    const result = await context.server.signIn(context.db, context.sessions, {
      ...input,
      ip: context.ip,
      userAgent: request.headers.get("user-agent"),
      secure: context.isSecure,
      now: context.clock.now(),
    });
    if (result.status === "locked") {
      return rateLimitedForm(t, "signIn.rateLimited", result.retryAfterSeconds);
    }
    if (result.status === "invalid") return json<FormErrors>({ formError: t("signIn.invalid") }, { status: 400 });
    if (result.status === "school_account_only") return json<FormErrors>({ formError: t("schoolSignIn.onlySchoolAccount") }, { status: 400 });
    if (result.status === "two_factor") {
      const redirectTo = encodeURIComponent(safeRedirectTo(formData.get("redirectTo")));
      return redirect(`/sign-in/code?redirectTo=${redirectTo}`, { headers: { "Set-Cookie": challengeCookie(result.challenge, context.isSecure) } });
    }
    // A session that existed before signing in is ended: the new one gets a fresh id.
    if (context.sessionId) await context.sessions.invalidate(context.sessionId, context.isSecure);
    return redirect(safeRedirectTo(formData.get("redirectTo")), { headers: { "Set-Cookie": result.setCookie } });
  } catch (error) {
    return formError(error, locale);
  }
}

export default function SignInPage() {
  const t = useT();
  const data = useActionData<FormErrors>();
  const { schoolAccounts, schoolAccountError, redirectTo } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const [typedEmail, setTypedEmail] = useState("");
  const busy = useNavigation().state !== "idle";
  return (
    <div className="page page-narrow">
      <h1>{t("signIn.title")}</h1>
      <p className="lead">{t("signIn.intro")}</p>
      {params.get("signedOut") ? <Alert tone="success">{t("signIn.signedOut")}</Alert> : null}
      {params.get("passwordSet") ? <Alert tone="success">{t("signIn.passwordChanged")}</Alert> : null}
      {/^[1-9]\d{0,3}$/.test(params.get("tokensRevoked") ?? "") ? <Alert tone="info">{t("signIn.tokensRevoked", { count: Number(params.get("tokensRevoked")) })}</Alert> : null}
      {params.get("codeExpired") ? <Alert tone="error">{t("signIn.codeExpired")}</Alert> : null}
      {schoolAccountError ? <Alert tone="error">{t(`schoolSignIn.refused.${schoolAccountError}`)}</Alert> : null}
      {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
      <SchoolAccountChoices choices={schoolAccounts} typedEmail={typedEmail} redirectTo={redirectTo} />
      <Form method="post" className="card" noValidate onChange={(event) => {
        const field = event.target as HTMLInputElement;
        if (field.name === "email") setTypedEmail(field.value);
      }}>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <TextField label={t("common.email")} name="email" type="email" autoComplete="username" required autoFocus error={data?.fields?.email} />
        <TextField label={t("common.password")} name="password" type="password" autoComplete="current-password" required error={data?.fields?.password} />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>{t("signIn.submit")}</button>
          <Link to="/forgot-password">{t("signIn.forgot")}</Link>
        </div>
      </Form>
      {/* Partners may sign in without a password, by an emailed link (decision 126). */}
      <p>{t("signInLink.offer")} <Link to="/sign-in/link">{t("signInLink.ask")}</Link></p>
    </div>
  );
}
