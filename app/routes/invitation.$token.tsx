import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AcceptInvitationInput } from "../../server/domains/users/users.schemas";
import { ChoosePasswordForm } from "../components/choose-password-form";
import { Alert } from "../components/ui/alert";
import { DEFAULT_LOCALE } from "../../i18n";
import { type FormErrors, formError, parseForm, refusedByLimit } from "../utils/forms.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Uitnodiging · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

export async function loader({ context, params }: LoaderFunctionArgs) {
  // Links are long random secrets; still, an address may try only so many (issue 14, item 8).
  const refused = await refusedByLimit(() => context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now()), DEFAULT_LOCALE);
  if (refused) return refused;
  const user = await context.server.findUserByToken(context.db, params.token ?? "", "invitation", context.clock.now());
  // An invitation already accepted (the account has a password, or joined without one) is spent.
  return user && !user.passwordHash && !user.joinedAt
    ? { isValid: true as const, name: user.name, passwordOptional: context.server.mayJoinWithoutPassword(user.role) }
    : { isValid: false as const, name: "", passwordOptional: false };
}

/**
 * Accepting sets the password and signs the new user in at once. A partner may leave the password
 * out: they sign in by emailed link from then on (decision 126).
 */
export async function action({ context, params, request }: ActionFunctionArgs) {
  const locale = DEFAULT_LOCALE;
  try {
    const { password } = parseForm(AcceptInvitationInput, await request.formData(), locale);
    await context.server.limitLinkTokenCheck(context.db, context.ip, context.clock.now());
    const { userId } = await context.server.runSystemChange(context, (trx, meta) =>
      context.server.setPasswordWithToken(trx, { token: params.token ?? "", purpose: "invitation", password }, meta.now, meta.appUrl),
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
      {"rateLimited" in data ? (
        <Alert tone="error">{data.rateLimited}</Alert>
      ) : data.isValid ? (
        <>
          <p className="lead">{t(data.passwordOptional ? "invitation.introPartner" : "invitation.intro", { name: data.name })}</p>
          <ChoosePasswordForm errors={errors} submitLabel={t("invitation.submit")} optionalNote={data.passwordOptional ? t("invitation.passwordOptional") : undefined} />
        </>
      ) : (
        <Alert tone="error">{t("invitation.invalidLink")}</Alert>
      )}
    </div>
  );
}
