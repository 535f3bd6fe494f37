import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { UpdateAgreementInput } from "../../server/domains/agreements/agreements.schemas";
import { AgreementForm, type AgreementFormValues } from "../components/agreement-form";
import { AgreementExpiry } from "../components/organisation-agreements";
import { Alert } from "../components/ui/alert";
import { AppError } from "../../server/errors";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { agreementFormError, agreementFromForm, readFile } from "../utils/agreement-form.server";
import type { FormErrors } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.agreement.title ?? "Overeenkomst"} · Schakel` }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "organisation.read");
  const scope = scopeOf(user);
  const agreement = await context.server.getAgreement(context.db, scope, recordIdOf(params));
  if (agreement.archivedAt) throw new AppError("NOT_FOUND", "Agreement archived");
  const canEdit = userCan(user, "money.write");
  const [organisations, owners] = canEdit ? await Promise.all([context.server.listCommitmentPartners(context.db, scope), context.server.listAgreementOwners(context.db, scope)]) : [[], []];
  return { agreement, organisations, owners, canEdit, isPartner: userCan(user, "portal.use"), today: toLocalDate(context.clock.now()) };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "money.write");
  const id = recordIdOf(params);
  const form = await request.formData();
  const { values, file } = agreementFromForm(form);
  try {
    if (form.get("intent") === "archive") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.archiveAgreement(trx, scope, id, meta));
      return redirect("/agreements");
    }
    const input = parseInput(UpdateAgreementInput, { ...values, version: form.get("version") }, user.locale);
    const bytes = await readFile(file);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateAgreement(trx, scope, id, input, bytes, meta));
    return redirect(`/agreements/${id}?saved=1`);
  } catch (error) {
    return agreementFormError(error, user.locale, values);
  }
}

export default function AgreementPage() {
  const t = useT();
  const locale = useLocale();
  const { agreement: a, organisations, owners, canEdit, isPartner, today } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as (FormErrors & { values: AgreementFormValues }) | undefined;
  const [params] = useSearchParams();
  return (
    <div className="page">
      {/* A partner came from its portal and goes back there, not to the region's list. */}
      <p>{isPartner ? <Link to="/portal">← {t("portal.title")}</Link> : <Link to="/agreements">{t("agreements.back")}</Link>}</p>
      <h1>{a.title}</h1>
      {params.get("saved") ? <Alert tone="success">{t("agreements.saved")}</Alert> : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      <section className="card">
        <dl className="details">
          <dt>{t("agreements.kind")}</dt>
          <dd>{t(`agreements.kinds.${a.kind}`)}</dd>
          <dt>{t("agreements.parties")}</dt>
          <dd>{a.organisations.map((o, index) => <span key={o.id}>{index ? ", " : ""}{canEdit ? <Link to={`/organisations/${o.id}`}>{o.name}</Link> : o.name}</span>)}</dd>
          <dt>{t("agreements.signedOn")}</dt>
          <dd>{formatDay(a.signedOn, locale)}</dd>
          <dt>{t("agreements.expiresOn")}</dt>
          <dd data-testid="expires"><AgreementExpiry expiresOn={a.expiresOn} today={today} /></dd>
          <dt>{t("agreements.owner")}</dt>
          <dd>{a.ownerName ?? "—"}</dd>
          {a.notes ? (<><dt>{t("agreements.notes")}</dt><dd>{a.notes}</dd></>) : null}
          <dt>{t("commitments.evidence")}</dt>
          <dd>{a.document ? <a href={`/api/v1/documents/${a.document.id}`} download={a.document.fileName}>{t("agreements.download", { name: a.document.fileName })}</a> : t("agreements.noDocument")}</dd>
        </dl>
        {canEdit ? (
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="archive" />
            <button type="submit" className="button button-quiet">{t("agreements.archive")}</button>
          </Form>
        ) : null}
      </section>
      {canEdit ? (
        <>
          <h2>{t("agreements.edit")}</h2>
          <AgreementForm
            values={result?.values ?? { kind: a.kind, title: a.title, organisationIds: a.organisationIds, signedOn: a.signedOn, expiresOn: a.expiresOn, ownerId: a.ownerId, notes: a.notes }}
            errors={result?.fields}
            organisations={organisations}
            owners={owners}
            version={a.version}
            submitLabel={t("agreements.save")}
            cancelTo={`/agreements/${a.id}`}
          />
        </>
      ) : null}
    </div>
  );
}
