import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CompleteSetupInput } from "../../server/domains/setup/setup.schemas";
import { Alert } from "../components/ui/alert";
import { TextAreaField, TextField } from "../components/ui/field";
import { SubmitButton } from "../components/ui/submit-button";
import { DEFAULT_LOCALE } from "../../i18n";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Inrichten · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return { token, isValid: await context.server.isSetupTokenValid(context.db, token) };
}

/** The one-time setup: the first region with its subregions and its admin, who is signed in straight away. */
export async function action({ context, request }: ActionFunctionArgs) {
  const locale = DEFAULT_LOCALE;
  const formData = await request.formData();
  try {
    const input = parseForm(CompleteSetupInput, formData, locale);
    const token = String(formData.get("token") ?? "");
    const { user } = await context.server.runSystemChange(context, (trx, meta) => context.server.completeSetup(trx, { ...input, token }, meta));
    const setCookie = await context.sessions.create(user.id, { ip: context.ip, userAgent: request.headers.get("user-agent"), secure: context.isSecure });
    return redirect("/", { headers: { "Set-Cookie": setCookie } });
  } catch (error) {
    return formError(error, locale);
  }
}

export default function SetupPage() {
  const t = useT();
  const { token, isValid } = useLoaderData<typeof loader>();
  const data = useActionData<FormErrors>();
  if (!isValid) {
    return (
      <div className="page page-narrow">
        <h1>{t("setup.title")}</h1>
        <Alert tone="error">{t("setup.invalidToken")}</Alert>
        <a href="/sign-in">{t("signIn.title")}</a>
      </div>
    );
  }
  return (
    <div className="page page-narrow">
      <h1>{t("setup.title")}</h1>
      <p className="lead">{t("setup.intro")}</p>
      {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
      <Form method="post" className="card" noValidate>
        <input type="hidden" name="token" value={token} />
        <TextField label={t("setup.regionName")} name="regionName" required placeholder="STO Twente" error={data?.fields?.regionName} />
        <TextField label={t("setup.regionSlug")} hint={t("setup.regionSlugHint")} name="regionSlug" required error={data?.fields?.regionSlug} />
        <TextAreaField label={t("setup.subregions")} hint={t("setup.subregionsHint")} name="subregions" rows={5} error={data?.fields?.subregions} />
        <TextField label={t("setup.adminName")} name="adminName" autoComplete="name" required error={data?.fields?.adminName} />
        <TextField label={t("setup.adminEmail")} name="adminEmail" type="email" autoComplete="email" required error={data?.fields?.adminEmail} />
        <TextField label={t("common.password")} hint={t("validation.passwordTooShort")} name="password" type="password" autoComplete="new-password" required error={data?.fields?.password} />
        <TextField label={t("resetPassword.confirm")} name="confirm" type="password" autoComplete="new-password" required error={data?.fields?.confirm} />
        <SubmitButton>{t("setup.submit")}</SubmitButton>
      </Form>
    </div>
  );
}
