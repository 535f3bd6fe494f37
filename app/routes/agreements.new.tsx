import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CreateAgreementInput } from "../../server/domains/agreements/agreements.schemas";
import { AgreementForm, type AgreementFormValues } from "../components/agreement-form";
import { Alert } from "../components/ui/alert";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { requirePermission } from "../utils/auth.server";
import { agreementFormError, agreementFromForm, readFile } from "../utils/agreement-form.server";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Nieuwe overeenkomst · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "money.write");
  const scope = scopeOf(user);
  const [organisations, owners] = await Promise.all([context.server.listCommitmentPartners(context.db, scope), context.server.listAgreementOwners(context.db, scope)]);
  const organisationId = new URL(request.url).searchParams.get("organisationId");
  return { organisations, owners, organisationIds: organisationId ? [organisationId] : [] };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "money.write");
  const { values, file } = agreementFromForm(await request.formData());
  try {
    // An empty owner means "the first party's account holder", which the service fills in.
    const input = parseInput(CreateAgreementInput, { ...values, ownerId: values.ownerId ?? undefined }, user.locale);
    const bytes = await readFile(file);
    const created = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.createAgreement(trx, scope, input, bytes, meta));
    return redirect(`/agreements/${created.id}?saved=1`);
  } catch (error) {
    return agreementFormError(error, user.locale, values);
  }
}

export default function NewAgreementPage() {
  const t = useT();
  const { organisations, owners, organisationIds } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as (FormErrors & { values: AgreementFormValues }) | undefined;
  return (
    <div className="page page-narrow">
      <h1>{t("agreements.newTitle")}</h1>
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      <AgreementForm values={result?.values ?? { organisationIds }} errors={result?.fields} organisations={organisations} owners={owners} submitLabel={t("agreements.save")} cancelTo="/agreements" />
    </div>
  );
}
