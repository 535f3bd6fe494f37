import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Alert } from "../components/ui/alert";
import { SubmitButton } from "../components/ui/submit-button";
import { DEFAULT_LOCALE } from "../../i18n";
import { type FormErrors, formError, refusedByLimit } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { challengeCookie } from "../utils/two-factor-cookie.server";

export const meta: MetaFunction = () => [{ title: "Inloggen · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

/**
 * Opening the link only asks to confirm (decision 126): mail scanners fetch every link in a mail,
 * and a GET that signed in would spend the link before its owner clicked it.
 */
export async function loader({ context, params }: LoaderFunctionArgs) {
  // Links are long random secrets; still, an address may try only so many (issue 14, item 8).
  const refused = await refusedByLimit(() => context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now()), DEFAULT_LOCALE);
  if (refused) return refused;
  return { isValid: await context.server.findSignInLink(context.db, params.token ?? "", context.clock.now()) };
}

/** The button: spends the link and signs in as the password does (a fresh session, or the code step). */
export async function action({ context, params, request }: ActionFunctionArgs) {
  const locale = DEFAULT_LOCALE;
  try {
    await context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now());
    const result = await context.server.signInWithLink(context.db, context.sessions, {
      token: params.token ?? "",
      ip: context.ip,
      userAgent: request.headers.get("user-agent"),
      secure: context.isSecure,
      now: context.clock.now(),
    });
    if (result.status === "two_factor") {
      return redirect("/sign-in/code?redirectTo=%2F", { headers: { "Set-Cookie": challengeCookie(result.challenge, context.isSecure) } });
    }
    // A session that existed before signing in is ended: the new one gets a fresh id.
    if (context.sessionId) await context.sessions.invalidate(context.sessionId, context.isSecure);
    return redirect("/", { headers: { "Set-Cookie": result.setCookie } });
  } catch (error) {
    return formError(error, locale);
  }
}

export default function SignInLinkConfirmPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const errors = useActionData<FormErrors>();
  const isValid = !("rateLimited" in data) && data.isValid && !errors?.formError;
  return (
    <div className="page page-narrow">
      <h1>{t("signInLink.confirmTitle")}</h1>
      {"rateLimited" in data ? (
        <Alert tone="error">{data.rateLimited}</Alert>
      ) : isValid ? (
        <>
          <p className="lead">{t("signInLink.confirmIntro")}</p>
          <Form method="post" className="card">
            <SubmitButton>{t("signInLink.confirmSubmit")}</SubmitButton>
          </Form>
        </>
      ) : (
        <>
          <Alert tone="error">{errors?.formError ?? t("signInLink.invalidLink")}</Alert>
          <p><Link to="/sign-in/link">{t("signInLink.requestNew")}</Link></p>
        </>
      )}
    </div>
  );
}
