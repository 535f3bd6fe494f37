import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ActivityForm } from "../components/activity-form";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { parseNewActivityForm } from "../utils/activity-form.server";
import { requirePermission } from "../utils/auth.server";
import { formError } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { ActivityPrefill } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Nieuwe activiteit · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "activity.write");
  const prefill = ActivityPrefill.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const organisationId = prefill.success ? prefill.data.organisationId : undefined;
  const [choices, contacts] = await Promise.all([context.server.activityChoices(context.db, scopeOf(user)), context.server.listCurrentContacts(context.db, user.regionId)]);
  // Opened from an organisation's page: that organisation is already chosen, as partner or school.
  const asPartner = organisationId && choices.partners.some((o) => o.id === organisationId) ? [organisationId] : [];
  const asSchool = organisationId && choices.schools.some((o) => o.id === organisationId) ? [organisationId] : [];
  return {
    ...choices,
    contacts,
    organisationIds: asPartner,
    schoolIds: asSchool,
    today: toLocalDate(context.clock.now()),
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "activity.write");
  try {
    const input = parseNewActivityForm(await request.formData(), user.locale);
    const created = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.createActivity(trx, scope, input, meta));
    return redirect(`/activities/${created.id}?saved=1`);
  } catch (error) {
    return formError(error, user.locale);
  }
}

export default function NewActivityPage() {
  const t = useT();
  const { partners, schools, contacts, organisationIds, schoolIds, today, regions } = useLoaderData<typeof loader>();
  const errors = useActionData<typeof action>();
  return (
    <div className="page">
      <p><Link to="/activities">← {t("activities.title")}</Link></p>
      <h1>{t("activities.new")}</h1>
      <ActivityForm
        isNew
        partners={partners}
        schools={schools}
        contacts={contacts}
        regions={regions}
        errors={errors}
        submitLabel={t("activities.create")}
        values={{
          type: "guest_lesson", title: "", description: null, startDate: today, endDate: null, startTime: null, endTime: null, status: "planned",
          organisationIds, schoolIds, profiles: [], learningPaths: [], hours: null, pupilsReached: null, teachersInvolved: null,
          placesOffered: null, placesFilled: null, speakerPersonId: null, supervisorPersonId: null, className: null, topic: null, location: null, sharedWithRegionIds: [],
        }}
      />
    </div>
  );
}
