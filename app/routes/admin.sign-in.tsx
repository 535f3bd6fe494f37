import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useState } from "react";
import { translator } from "../../i18n";
import { Alert } from "../components/ui/alert";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { SubmitButton } from "../components/ui/submit-button";
import { parseInput } from "../../server/validation";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { OidcProviderForm } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Inloggen met schoolaccount · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const admin = requirePermission(context, request, "region.signIn");
  const provider = await context.server.findOidcProvider(context.db, admin.regionId);
  const tenantId = provider?.kind === "entra" ? (/^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0$/.exec(provider.issuer)?.[1] ?? "") : "";
  return {
    provider: provider && {
      kind: provider.kind, issuer: provider.issuer, tenantId, clientId: provider.clientId, label: provider.label, domains: provider.domains.join(", "),
      provision: provider.provision, role: provider.role, schoolAccountOnly: provider.schoolAccountOnly,
    },
    redirectUri: `${context.config.appUrl}/auth/oidc/callback`,
  };
}

type ActionData = FormErrors & { success?: string; values?: Record<string, string> };

export async function action({ context, request }: ActionFunctionArgs) {
  const admin = requirePermission(context, request, "region.signIn");
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const t = translator(admin.locale);
  try {
    if (intent === "remove") {
      await context.server.runChange(context, admin, ({ trx, meta }) => context.server.removeOidcProvider(trx, admin.regionId, { actorId: meta.actor?.id ?? null, now: meta.now }));
      return json<ActionData>({ success: t("schoolSignIn.admin.removed") });
    }
    if (intent !== "save") return json<ActionData>({ formError: "Unknown action" }, { status: 400 });
    const values = parseInput(OidcProviderForm, { ...formValues(formData), schoolAccountOnly: formData.get("schoolAccountOnly") === "on" }, admin.locale);
    await context.server.runChange(context, admin, ({ trx, meta }) => context.server.saveOidcProvider(trx, context.secrets, admin.regionId, values, { actorId: meta.actor?.id ?? null, now: meta.now }));
    return json<ActionData>({ success: t("schoolSignIn.admin.saved") });
  } catch (error) {
    const response = formError(error, admin.locale);
    const body = (await response.clone().json()) as ActionData;
    // The secret is never sent back to the page, not even as typed.
    const { clientSecret: _secret, ...values } = formValues(formData);
    return json<ActionData>({ ...body, values }, { status: response.status });
  }
}

/**
 * "Inloggen met schoolaccount": the region's identity provider, chosen from Microsoft Entra ID
 * (a tenant id), Google Workspace (domains required) or another OpenID Connect issuer.
 */
export default function SchoolSignInSettingsPage() {
  const t = useT();
  const { provider, redirectUri } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const values = data?.values;
  const [kind, setKind] = useState(values?.kind ?? provider?.kind ?? "entra");
  const value = (name: keyof NonNullable<typeof provider>) => values?.[name] ?? (provider ? String(provider[name] ?? "") : "");
  return (
    <div className="page page-narrow">
      <h1>{t("schoolSignIn.admin.title")}</h1>
      <p className="lead">{t("schoolSignIn.admin.intro")}</p>
      <p><code>{redirectUri}</code></p>
      <p>{t("schoolSignIn.admin.scopes")}</p>
      {data?.success ? <Alert tone="success">{data.success}</Alert> : null}
      {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
      <p className="muted">{provider ? t("schoolSignIn.admin.current", { label: provider.label, issuer: provider.issuer }) : t("schoolSignIn.admin.none")}</p>
      <Form method="post" className="card section-form" noValidate key={provider ? `${provider.issuer}-${provider.clientId}` : "new"}>
        <input type="hidden" name="intent" value="save" />
        <SelectField label={t("schoolSignIn.admin.kind")} name="kind" value={kind} onChange={(event) => setKind(event.target.value as typeof kind)} error={data?.fields?.kind}>
          <option value="entra">{t("schoolSignIn.admin.kindEntra")}</option>
          <option value="google">{t("schoolSignIn.admin.kindGoogle")}</option>
          <option value="other">{t("schoolSignIn.admin.kindOther")}</option>
        </SelectField>
        {kind === "entra" ? (
          <TextField label={t("schoolSignIn.admin.tenantId")} hint={t("schoolSignIn.admin.tenantHint")} name="tenantId" defaultValue={value("tenantId")} error={data?.fields?.tenantId} autoComplete="off" />
        ) : null}
        {kind === "other" ? (
          <TextField label={t("schoolSignIn.admin.issuer")} name="issuer" type="url" defaultValue={value("issuer")} error={data?.fields?.issuer} autoComplete="off" />
        ) : null}
        <TextField label={t("schoolSignIn.admin.clientId")} name="clientId" defaultValue={value("clientId")} required error={data?.fields?.clientId} autoComplete="off" />
        <TextField
          label={t("schoolSignIn.admin.clientSecret")} name="clientSecret" type="password" autoComplete="new-password"
          hint={provider ? t("schoolSignIn.admin.clientSecretKeep") : undefined} error={data?.fields?.clientSecret}
        />
        <TextField label={t("schoolSignIn.admin.domains")} hint={t("schoolSignIn.admin.domainsHint")} name="domains" defaultValue={value("domains")} error={data?.fields?.domains} autoComplete="off" />
        <SelectField label={t("schoolSignIn.admin.provision")} name="provision" defaultValue={value("provision") || "invited"} error={data?.fields?.provision}>
          <option value="invited">{t("schoolSignIn.admin.provisionInvited")}</option>
          <option value="domain">{t("schoolSignIn.admin.provisionDomain")}</option>
        </SelectField>
        <SelectField label={t("schoolSignIn.admin.role")} name="role" defaultValue={value("role") || "accounthouder"} error={data?.fields?.role}>
          <option value="accounthouder">{t("roles.accounthouder")}</option>
          <option value="penvoerder">{t("roles.penvoerder")}</option>
        </SelectField>
        <TextField label={t("schoolSignIn.admin.label")} hint={t("schoolSignIn.admin.labelHint")} name="label" defaultValue={value("label")} error={data?.fields?.label} />
        <CheckboxField label={t("schoolSignIn.admin.schoolAccountOnly")} name="schoolAccountOnly" defaultChecked={values ? values.schoolAccountOnly === "on" : (provider?.schoolAccountOnly ?? false)} />
        <div className="actions">
          <SubmitButton>{t("schoolSignIn.admin.save")}</SubmitButton>
        </div>
      </Form>
      {provider ? (
        <Form method="post">
          <input type="hidden" name="intent" value="remove" />
          <SubmitButton className="button button-danger">{t("schoolSignIn.admin.remove")}</SubmitButton>
        </Form>
      ) : null}
    </div>
  );
}
