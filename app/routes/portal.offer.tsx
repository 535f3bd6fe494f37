import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CreateActivityInput } from "../../server/domains/activities/activities.schemas";
import { VMBO_PROFILES } from "../../server/domains/activities/activities.fields";
import { Alert } from "../components/ui/alert";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { Combobox } from "../components/ui/combobox";
import { AppError } from "../../server/errors";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Aanbod · Mijn organisatie · Schakel" }];

const OFFER_TYPES = ["guest_lesson", "internship"] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "portal.use");
  if (!user.organisationId) throw new AppError("NOT_FOUND", "No organisation");
  return { ...(await context.server.offerChoices(context.db, scopeOf(user))), today: toLocalDate(context.clock.now()) };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "portal.use");
  if (!user.organisationId) throw new AppError("NOT_FOUND", "No organisation");
  const formData = await request.formData();
  const { profiles: _profiles, schoolId, speakerPersonId, topic, placesOffered, endDate, organisationId: _ignored, ...values } = formValues(formData);
  // The partner is always its own organisation (never read from the form), and the offer is always an offer.
  // One form serves both types: the fields of the other type are left out rather than refused.
  const guestLesson = values.type === "guest_lesson";
  const raw = {
    ...values,
    status: "offered",
    organisationIds: [user.organisationId],
    schoolIds: schoolId ? [schoolId] : [],
    profiles: formData.getAll("profiles"),
    ...(guestLesson ? { speakerPersonId, topic } : { placesOffered, endDate }),
  };
  try {
    const input = parseInput(CreateActivityInput, raw, user.locale);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.offerActivity(trx, scope, input, meta));
    return redirect("/portal?offered=1");
  } catch (error) {
    // A school or person of elsewhere reads as unknown, as on every page (formError answers the 404 page).
    return formError(error, user.locale);
  }
}

export default function PortalOfferPage() {
  const t = useT();
  const { schools, people, today } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>() as FormErrors | undefined;
  const e = errors?.fields ?? {};
  return (
    <div className="page">
      <p><Link to="/portal">← {t("portal.title")}</Link></p>
      <h1>{t("portal.offer")}</h1>
      <p className="lead">{t("portal.offerIntro")}</p>
      {errors?.formError ? <Alert tone="error">{errors.formError}</Alert> : null}
      <Form method="post" noValidate className="card">
        <SelectField label={t("portal.offerType")} name="type" defaultValue="guest_lesson" error={e.type}>
          {OFFER_TYPES.map((type) => <option key={type} value={type}>{t(`activities.types.${type}`)}</option>)}
        </SelectField>
        <TextField label={t("activities.fields.title")} name="title" required error={e.title} />
        <TextField label={t("portal.period")} name="startDate" type="date" defaultValue={today} required error={e.startDate} />
        <TextField label={t("activities.fields.endDate")} name="endDate" type="date" error={e.endDate} />
        <TextField label={t("activities.fields.placesOffered")} name="placesOffered" type="number" min={0} error={e.placesOffered} />
        <Combobox label={t("portal.school")} name="schoolId" options={schools} hint={t("portal.schoolHint")} error={e.schoolIds} />
        <TextField label={t("activities.fields.topic")} name="topic" error={e.topic} />
        <Combobox label={t("portal.speaker")} name="speakerPersonId" options={people} error={e.speakerPersonId} />
        <fieldset className="checkbox-group">
          <legend>{t("activities.fields.profiles")}</legend>
          {VMBO_PROFILES.map((profile) => <CheckboxField key={profile} label={profile} name="profiles" value={profile} />)}
          {e.profiles ? <p className="field-error" role="alert">{e.profiles}</p> : null}
        </fieldset>
        <button type="submit" className="button">{t("portal.offerSubmit")}</button>
      </Form>
    </div>
  );
}
