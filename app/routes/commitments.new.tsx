import { schoolYearOf } from "../../calendar/school-year";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { COMMITMENT_CATEGORIES, COMMITMENT_KINDS, VALUATIONS } from "../../db/schema";
import { CreateCommitmentInput } from "../../server/domains/commitments/commitments.schemas";
import { parseEuros, parseHours } from "../../server/domains/commitments/commitments.amounts";
import { Alert } from "../components/ui/alert";
import { SelectField, TextField } from "../components/ui/field";
import { Combobox } from "../components/ui/combobox";
import { AppError } from "../../server/errors";
import { parseInput, validationFailed } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { SubmitButton } from "../components/ui/submit-button";

export const meta: MetaFunction = () => [{ title: "Nieuwe toezegging · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "money.write");
  const today = toLocalDate(context.clock.now());
  const [partners, agreements] = await Promise.all([context.server.listCommitmentPartners(context.db, scopeOf(user)), context.server.listAgreements(context.db, scopeOf(user), { limit: 200 }, today)]);
  const organisationId = new URL(request.url).searchParams.get("organisationId") ?? "";
  return {
    partners, organisationId, schoolYear: schoolYearOf(today),
    agreements: agreements.items.map((a) => ({ id: a.id, kind: a.kind, title: a.title, parties: a.organisations.map((o) => o.name).join(", ") })),
  };
}

/**
 * Euro fields as people type them ("2.500,00") become cents; a field that is not an amount gets
 * its own message, shown together with whatever else the schema finds wrong.
 */
function commitmentFromForm(values: Record<string, string>) {
  const problems: Record<string, string> = {};
  const euros = (text: string | undefined, field: string) => {
    if (text === undefined) return undefined;
    const cents = parseEuros(text);
    if (cents === null) problems[field] = "commitments.validation.euros";
    return cents ?? undefined;
  };
  const hours = values.hours === undefined ? undefined : parseHours(values.hours);
  if (hours === null) problems.hours = "commitments.validation.hours";
  const input = {
    organisationId: values.organisationId,
    schoolYear: values.schoolYear,
    kind: values.kind,
    category: values.category,
    valuation: values.valuation,
    // Hours × rate computes the amount: a typed amount next to it would only be a second opinion.
    amountCents: values.valuation === "hours_rate" ? undefined : euros(values.amount, "amountCents"),
    hours: hours ?? undefined,
    hourlyRateCents: euros(values.hourlyRate, "hourlyRateCents"),
    agreementReference: values.agreementReference,
    agreementId: values.agreementId,
    notes: values.notes,
  };
  return { input, problems };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "money.write");
  try {
    const { input, problems } = commitmentFromForm(formValues(await request.formData()));
    let parsed: CreateCommitmentInput;
    try {
      parsed = parseInput(CreateCommitmentInput, input, user.locale);
    } catch (error) {
      if (error instanceof AppError && error.fieldKeys) throw validationFailed({ ...error.fieldKeys, ...problems }, user.locale);
      throw error;
    }
    if (Object.keys(problems).length) throw validationFailed(problems, user.locale);
    const created = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.createCommitment(trx, scope, parsed, meta));
    return redirect(`/commitments/${created.id}?saved=1`);
  } catch (error) {
    return formError(error, user.locale);
  }
}

export default function NewCommitmentPage() {
  const t = useT();
  const { partners, organisationId, schoolYear, agreements } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>() as FormErrors | undefined;
  const field = (name: string) => errors?.fields?.[name];
  return (
    <div className="page page-narrow">
      <h1>{t("commitments.newTitle")}</h1>
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      <Form method="post" className="card stack" noValidate>
        <Combobox label={t("commitments.organisation")} name="organisationId" options={partners} defaultValue={organisationId} error={field("organisationId")} required />
        <TextField label={t("commitments.schoolYear")} name="schoolYear" defaultValue={schoolYear} error={field("schoolYear")} required />
        <SelectField label={t("commitments.kind")} name="kind" defaultValue="cash" error={field("kind")}>
          {COMMITMENT_KINDS.map((kind) => <option key={kind} value={kind}>{t(`commitments.kinds.${kind}`)}</option>)}
        </SelectField>
        <SelectField label={t("commitments.category")} name="category" defaultValue="cash" error={field("category")}>
          {COMMITMENT_CATEGORIES.map((category) => <option key={category} value={category}>{t(`commitments.categories.${category}`)}</option>)}
        </SelectField>
        <SelectField label={t("commitments.valuation")} name="valuation" defaultValue="" error={field("valuation")}>
          <option value="">—</option>
          {VALUATIONS.map((valuation) => <option key={valuation} value={valuation}>{t(`commitments.valuations.${valuation}`)}</option>)}
        </SelectField>
        <TextField label={t("commitments.amountEuros")} name="amount" inputMode="decimal" placeholder="2.500,00" error={field("amountCents")} />
        <TextField label={t("commitments.hours")} name="hours" inputMode="decimal" hint={t("commitments.hoursHint")} error={field("hours")} />
        <TextField label={t("commitments.hourlyRate")} name="hourlyRate" inputMode="decimal" placeholder="65,00" error={field("hourlyRateCents")} />
        <SelectField label={t("agreements.choose")} name="agreementId" defaultValue="" hint={t("agreements.chooseHint")} error={field("agreementId")}>
          <option value="">—</option>
          {agreements.map((a) => <option key={a.id} value={a.id}>{t(`agreements.kinds.${a.kind}`)}: {a.title} ({a.parties})</option>)}
        </SelectField>
        <TextField label={t("commitments.agreementReference")} name="agreementReference" error={field("agreementReference")} />
        <TextField label={t("commitments.notes")} name="notes" error={field("notes")} />
        <div className="actions">
          <SubmitButton>{t("commitments.save")}</SubmitButton>
          <Link to="/commitments">{t("common.cancel")}</Link>
        </div>
      </Form>
    </div>
  );
}
