import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { TwoFactorCodeInput } from "../../server/domains/users/users.schemas";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { translator } from "../../i18n";
import { requireUser } from "../utils/auth.server";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { formatMoment, useLocale, useT } from "../utils/i18n";
import { DisableTwoFactorInput } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Tweestapsverificatie · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

/**
 * Setting up, and managing, two-factor sign-in. Also where an admin or penvoerder is sent when the
 * region requires it and they have not set it up (server/app.ts lets nothing else through).
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  const status = await context.server.twoFactorStatus(context.db, user.id);
  const enrollment = status.enabled ? null : await context.server.enrollmentSecret(context.db, context.secrets, user);
  return { status, enrollment: enrollment && { secret: enrollment.secret, qrDataUrl: enrollment.qrDataUrl } };
}

type ActionData = FormErrors & { intent?: string; recoveryCodes?: string[]; success?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const now = context.clock.now();
  const t = translator(user.locale);
  try {
    if (intent === "confirm") {
      const { code } = parseForm(TwoFactorCodeInput, formData, user.locale);
      await context.server.limitEnrolmentCodeCheck(context.db, user.id, now);
      const { recoveryCodes } = await context.server.confirmEnrollment(context.db, context.secrets, user.id, code, now);
      return json<ActionData>({ intent, recoveryCodes, success: t("twoFactor.enabled") });
    }
    if (intent === "regenerate") {
      return json<ActionData>({ intent, recoveryCodes: await context.server.regenerateRecoveryCodes(context.db, user.id, now), success: t("twoFactor.regenerated") });
    }
    if (intent === "disable") {
      const { password } = parseForm(DisableTwoFactorInput, formData, user.locale);
      await context.server.limitCurrentPasswordCheck(context.db, user.id, now);
      await context.server.disableTwoFactor(context.db, user.id, password, now);
      return json<ActionData>({ intent, success: t("twoFactor.disabled") });
    }
    return json<ActionData>({ formError: "Unknown action" }, { status: 400 });
  } catch (error) {
    const response = formError(error, user.locale);
    return json<ActionData>({ ...((await response.json()) as FormErrors), intent }, { status: response.status, headers: response.headers });
  }
}

export default function TwoFactorPage() {
  const t = useT();
  const locale = useLocale();
  const { status, enrollment } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const errorsOf = (intent: string) => (data?.intent === intent ? data : undefined);
  return (
    <div className="page page-narrow">
      <h1>{t("twoFactor.title")}</h1>
      <p className="lead">{t("twoFactor.intro")}</p>
      {status.required && !status.enabled ? <Alert tone="info">{t("twoFactor.requiredNotice")}</Alert> : null}
      {data?.success ? <Alert tone="success">{data.success}</Alert> : null}
      {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}

      {data?.recoveryCodes ? (
        <section className="card" aria-labelledby="recovery-codes">
          <h2 id="recovery-codes">{t("twoFactor.recoveryTitle")}</h2>
          <p>{t("twoFactor.recoveryIntro")}</p>
          <ul className="recovery-codes" data-testid="recovery-codes">
            {data.recoveryCodes.map((code) => <li key={code}><code>{code}</code></li>)}
          </ul>
          <p><Link className="button" to="/">{t("twoFactor.continue")}</Link></p>
        </section>
      ) : null}

      {status.enabled ? (
        <section className="card" aria-labelledby="two-factor-status">
          <h2 id="two-factor-status">{t("twoFactor.title")}</h2>
          <p>{t("twoFactor.statusOn", { date: formatMoment(status.enabledAt!, locale) })}</p>
          <p>{t("twoFactor.recoveryLeft", { count: status.recoveryCodesLeft })}</p>
          <Form method="post">
            <button type="submit" name="intent" value="regenerate" className="button button-quiet">{t("twoFactor.regenerate")}</button>
          </Form>
          {status.required ? <p>{t("twoFactor.requiredByRegion")}</p> : (
            <Form method="post" noValidate>
              <input type="hidden" name="intent" value="disable" />
              <TextField label={t("twoFactor.disablePassword")} name="password" type="password" autoComplete="current-password" required error={errorsOf("disable")?.fields?.password} />
              <button type="submit" className="button button-danger">{t("twoFactor.disable")}</button>
            </Form>
          )}
        </section>
      ) : enrollment ? (
        <section className="card" aria-labelledby="two-factor-setup">
          <h2 id="two-factor-setup">{t("twoFactor.setUp")}</h2>
          <p>{t("twoFactor.scan")}</p>
          <img className="qr-code" src={enrollment.qrDataUrl} alt={t("twoFactor.qrAlt")} width={220} height={220} />
          <p>{t("twoFactor.manual")} <code className="secret" data-testid="totp-secret">{enrollment.secret}</code></p>
          <p>{t("twoFactor.enterCode")}</p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="confirm" />
            <TextField label={t("twoFactor.code")} name="code" inputMode="numeric" autoComplete="one-time-code" required error={errorsOf("confirm")?.fields?.code} />
            <button type="submit" className="button">{t("twoFactor.confirm")}</button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
