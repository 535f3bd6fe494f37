import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ChoosePasswordInput } from "../../server/domains/users/users.schemas";
import { findUserByToken, setPasswordWithToken } from "../services.server";
import { ChoosePasswordForm } from "../components/choose-password-form";
import { Alert } from "../components/ui/alert";
import { DEFAULT_LOCALE } from "../i18n";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Uitnodiging · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

export async function loader({ context, params }: LoaderFunctionArgs) {
  const user = await findUserByToken(context.db, params.token ?? "", "invitation", context.clock.now());
  // An invitation already accepted (the account has a password) is spent.
  return user && !user.passwordHash ? { isValid: true as const, name: user.name } : { isValid: false as const, name: "" };
}

/** Accepting sets the password and signs the new user in at once. */
export async function action({ context, params, request }: ActionFunctionArgs) {
  const locale = DEFAULT_LOCALE;
  try {
    const { password } = parseForm(ChoosePasswordInput, await request.formData(), locale);
    const { userId } = await context.db.transaction().execute((trx) =>
      setPasswordWithToken(trx, { token: params.token ?? "", purpose: "invitation", password }, context.clock.now()),
    );
    if (context.sessionId) await context.sessions.invalidate(context.sessionId, context.isSecure);
    const setCookie = await context.sessions.create(userId, { ip: context.ip, userAgent: request.headers.get("user-agent"), secure: context.isSecure });
    return redirect("/", { headers: { "Set-Cookie": setCookie } });
  } catch (error) {
    return formError(error, locale);
  }
}

export default function InvitationPage() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const errors = useActionData<FormErrors>();
  return (
    <div className="page page-narrow">
      <h1>{t("invitation.title")}</h1>
      {data.isValid ? (
        <>
          <p className="lead">{t("invitation.intro", { name: data.name })}</p>
          <ChoosePasswordForm errors={errors} submitLabel={t("invitation.submit")} />
        </>
      ) : (
        <Alert tone="error">{t("invitation.invalidLink")}</Alert>
      )}
    </div>
  );
}
