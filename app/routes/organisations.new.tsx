import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { CreateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { OrganisationForm } from "../components/organisation-form";
import { parseInput } from "../../server/validation";
import { requirePermission } from "../utils/auth.server";
import { organisationFormError, organisationFormInput } from "../utils/organisation-form.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Nieuwe organisatie · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.create");
  const [subregions, accountHolders] = await Promise.all([context.server.listSubregions(context.db, user.regionId), context.server.listAssignableUsers(context.db, user.regionId)]);
  return { subregions, accountHolders, currentUserId: user.id };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "organisation.create");
  try {
    const input = parseInput(CreateOrganisationInput, organisationFormInput(await request.formData(), { isUpdate: false }), user.locale);
    const created = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.createOrganisation(trx, scope, input, meta));
    return redirect(`/organisations/${created.id}?saved=1`);
  } catch (error) {
    return organisationFormError(error, user.locale);
  }
}

export default function NewOrganisationPage() {
  const t = useT();
  const { subregions, accountHolders, currentUserId } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  return (
    <div className="page">
      <h1>{t("organisations.new")}</h1>
      <OrganisationForm
        subregions={subregions}
        accountHolders={accountHolders}
        errors={errors}
        submitLabel={t("organisations.create")}
        suggestSimilar
        values={{ kind: "company", name: "", kvkNumber: null, brinCode: null, sector: null, street: null, postalCode: null, city: null, website: null, subregionId: null, tier: "regular", status: "active", tags: [], accountHolderId: currentUserId }}
      />
    </div>
  );
}
