import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { TwoFactorCodeInput } from "../../server/domains/users/users.schemas";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { DEFAULT_LOCALE, translator } from "../../i18n";
import { safeRedirectTo } from "../utils/auth.server";
import { type FormErrors, formError, parseForm, rateLimitedForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { clearChallengeCookie, readChallengeCookie } from "../utils/two-factor-cookie.server";

export const meta: MetaFunction = () => [{ title: "Code invullen · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

/** The second step of signing in, reached only with the challenge cookie the password step set. */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectTo(new URL(request.url).searchParams.get("redirectTo"));
  if (context.user) throw redirect(redirectTo);
  if (!readChallengeCookie(request)) throw redirect("/sign-in");
  return null;
}

export async function action({ context, request }: ActionFunctionArgs) {
  const formData = await request.formData();
  const locale = DEFAULT_LOCALE;
  try {
    const { code } = parseForm(TwoFactorCodeInput, formData, locale);
    const outcome = await context.server.completeChallenge(context.db, context.secrets, readChallengeCookie(request), code, context.clock.now());
    if (outcome.status === "expired") {
      throw redirect("/sign-in?codeExpired=1", { headers: { "Set-Cookie": clearChallengeCookie(context.isSecure) } });
    }
    if (outcome.status === "locked") {
      if (outcome.emailed) await context.notifyEmailQueued();
      const seconds = Math.ceil((outcome.lockedUntil.getTime() - context.clock.now().getTime()) / 1000);
      return rateLimitedForm(translator(locale), "twoFactor.locked", seconds);
    }
    if (outcome.status === "wrong_code") {
      return json<FormErrors>({ fields: { code: translator(locale)("twoFactor.wrongCode", { count: outcome.attemptsLeft }) } }, { status: 400 });
    }
    // A session that existed before is ended: the new one gets a fresh id (as in the password step).
    if (context.sessionId) await context.sessions.invalidate(context.sessionId, context.isSecure);
    const headers = new Headers();
    headers.append("Set-Cookie", await context.sessions.create(outcome.userId, { ip: context.ip, userAgent: request.headers.get("user-agent"), secure: context.isSecure }));
    headers.append("Set-Cookie", clearChallengeCookie(context.isSecure));
    return redirect(safeRedirectTo(formData.get("redirectTo")), { headers });
  } catch (error) {
    if (error instanceof Response) throw error;
    return formError(error, locale);
  }
}

export default function SignInCodePage() {
  const t = useT();
  const data = useActionData<FormErrors>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="page page-narrow">
      <h1>{t("twoFactor.signInTitle")}</h1>
      <p className="lead">{t("twoFactor.signInIntro")}</p>
      {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
      <Form method="post" className="card" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <TextField label={t("twoFactor.signInCode")} name="code" autoComplete="one-time-code" inputMode="text" required autoFocus error={data?.fields?.code} />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>{t("twoFactor.signInSubmit")}</button>
        </div>
      </Form>
    </div>
  );
}
