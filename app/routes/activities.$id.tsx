import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ActivityForm } from "../components/activity-form";
import { Alert } from "../components/ui/alert";
import { ConfirmButton } from "../components/ui/confirm-button";
import { TextField } from "../components/ui/field";
import { AppError } from "../../server/errors";
import { scopeOf } from "../../server/auth/current-user";
import { formatEuros } from "../../server/domains/commitments/commitments.amounts";
import { activityFormInput, parseActivityChange } from "../utils/activity-form.server";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.activity.title ?? "Activiteit"} · Schakel` }];

const STATUS_OF_INTENT = { plan: "planned", complete: "done", cancel: "cancelled" } as const;

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const scope = scopeOf(user);
  const activity = await context.server.getActivity(context.db, scope, recordIdOf(params));
  if (activity.archivedAt) throw new AppError("NOT_FOUND", "Activity archived");
  const canEdit = await context.server.mayWorkOrganisations(context.db, scope, activity.organisationIds, "activity.write");
  const [choices, contacts] = await Promise.all([
    canEdit ? context.server.activityChoices(context.db, scope) : { partners: [], schools: [], regions: [] as Array<{ id: string; name: string }> },
    canEdit ? context.server.listCurrentContacts(context.db, user.regionId) : Promise.resolve([]),
  ]);
  // The current choices may fall outside the first page of names: keep them selectable.
  const withChosen = (options: Array<{ id: string; name: string }>, role: "partner" | "school") => [
    ...activity.organisations.filter((o) => o.role === role && !options.some((option) => option.id === o.id)).map(({ id, name }) => ({ id, name })),
    ...options,
  ];
  const personId = activity.speakerPersonId ?? activity.supervisorPersonId;
  const currentPerson = personId && activity.personName ? { id: personId, name: activity.personName } : null;
  const inKind = activity.status === "done" ? await context.server.inKindCountOf(context.db, scope, activity.id) : null;
  return { inKind, activity, partners: withChosen(choices.partners, "partner"), schools: withChosen(choices.schools, "school"), contacts, currentPerson, regions: choices.regions, canEdit };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "activity.write");
  // An id that is no id names nothing: 404, as for a record of another region.
  const id = recordIdOf(params);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "save");
  try {
    if (intent === "archive") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.archiveActivity(trx, scope, id, meta));
      return redirect("/activities");
    }
    if (intent === "plan" || intent === "complete" || intent === "cancel") {
      const { intent: _intent, ...values } = formValues(formData);
      const input = parseActivityChange({ ...values, status: STATUS_OF_INTENT[intent] }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateActivity(trx, scope, id, input, meta));
      return json({ saved: true as const, intent });
    }
    const input = parseActivityChange(activityFormInput(formData, { isUpdate: true }), user.locale);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateActivity(trx, scope, id, input, meta));
    return json({ saved: true as const, intent: "save" });
  } catch (error) {
    const response = formError(error, user.locale);
    const body = (await response.clone().json()) as FormErrors;
    return json({ ...body, intent }, { status: response.status });
  }
}

const SAVED_MESSAGE: Record<string, string> = { plan: "activities.planned", complete: "activities.done", cancel: "activities.cancelled", save: "activities.updated" };

export default function ActivityPage() {
  const t = useT();
  const locale = useLocale();
  const { activity: a, partners, schools, contacts, currentPerson, canEdit, regions, inKind } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors = result && !("saved" in result) ? (result as FormErrors & { intent: string }) : undefined;
  const statusErrors = errors && errors.intent !== "save" ? errors : undefined;
  const partnerNames = a.organisations.filter((o) => o.role === "partner");
  const schoolNames = a.organisations.filter((o) => o.role === "school");
  const organisationLinks = (list: typeof partnerNames) => list.map((o, index) => (
    <span key={o.id}>{index ? ", " : ""}<Link to={`/organisations/${o.id}`}>{o.name}</Link></span>
  ));
  return (
    <div className="page">
      <p><Link to="/activities">← {t("activities.title")}</Link></p>
      <h1>{a.title}</h1>
      <p className="lead">
        {t(`activities.types.${a.type}`)} · <span className={`badge activity-status-${a.status}`}>{t(`activities.statuses.${a.status}`)}</span>
      </p>
      {result && "saved" in result ? <Alert tone="success">{t(SAVED_MESSAGE[result.intent] ?? "activities.updated")}</Alert> : params.get("saved") ? <Alert tone="success">{t("activities.created")}</Alert> : null}
      {statusErrors?.formError ? <Alert tone="error">{statusErrors.formError}</Alert> : null}
      {inKind ? (
        <p className="card" data-testid="in-kind">
          {t("inKind.countedAs", { organisation: inKind.organisationName, schoolYear: inKind.schoolYear, amount: formatEuros(inKind.amountCents, locale) })}{" "}
          <Link to={`/commitments/${inKind.commitmentId}`}>{t("inKind.viewCommitment")}</Link>
        </p>
      ) : null}
      <section className="card" aria-labelledby="overview">
        <h2 id="overview">{t("organisations.overview")}</h2>
        <dl className="details">
          <dt>{t("activities.fields.startDate")}</dt>
          <dd>
            {a.endDate !== a.startDate ? t("activities.period", { from: formatDay(a.startDate, locale), until: formatDay(a.endDate, locale) }) : formatDay(a.startDate, locale)}
            {a.startTime ? ` ${a.startTime}${a.endTime ? `–${a.endTime}` : ""}` : ""}
          </dd>
          {partnerNames.length ? <><dt>{t("activities.fields.organisationIds")}</dt><dd>{organisationLinks(partnerNames)}</dd></> : null}
          {schoolNames.length ? <><dt>{t("activities.fields.schoolIds")}</dt><dd>{organisationLinks(schoolNames)}</dd></> : null}
          {a.personName ? <><dt>{t("activities.fields.person")}</dt><dd>{a.personName}</dd></> : null}
          {a.className ? <><dt>{t("activities.fields.className")}</dt><dd>{a.className}</dd></> : null}
          {a.topic ? <><dt>{t("activities.fields.topic")}</dt><dd>{a.topic}</dd></> : null}
          {a.location ? <><dt>{t("activities.fields.location")}</dt><dd>{a.location}</dd></> : null}
          {a.profiles.length ? <><dt>{t("activities.fields.profiles")}</dt><dd>{a.profiles.map((p) => <span key={p} className="badge">{p}</span>)}</dd></> : null}
          {a.learningPaths.length ? <><dt>{t("activities.fields.learningPaths")}</dt><dd>{a.learningPaths.join(", ")}</dd></> : null}
          {a.placesOffered !== null ? <><dt>{t("activities.fields.placesOffered")}</dt><dd>{a.placesOffered}</dd></> : null}
          {a.placesFilled !== null ? <><dt>{t("activities.fields.placesFilled")}</dt><dd>{a.placesFilled}</dd></> : null}
          {a.pupilsReached !== null ? <><dt>{t("activities.fields.pupilsReached")}</dt><dd>{a.pupilsReached}</dd></> : null}
          {a.teachersInvolved !== null ? <><dt>{t("activities.fields.teachersInvolved")}</dt><dd>{a.teachersInvolved}</dd></> : null}
          {a.hours !== null ? <><dt>{t("activities.fields.hours")}</dt><dd>{a.hours}</dd></> : null}
        </dl>
        {a.description ? <p>{a.description}</p> : null}
      </section>
      {canEdit && (a.status === "offered" || a.status === "planned") ? (
        <section className="card" aria-labelledby="status-steps">
          <h2 id="status-steps">{t("activities.fields.status")}</h2>
          <div className="inline-form">
            {a.status === "offered" ? (
              <Form method="post">
                <input type="hidden" name="version" value={a.version} />
                <button type="submit" name="intent" value="plan" className="button">{t("activities.plan")}</button>
              </Form>
            ) : null}
            <Form method="post">
              <input type="hidden" name="version" value={a.version} />
              <ConfirmButton name="intent" value="cancel" className="button button-quiet" question={t("activities.confirmCancel")} confirmLabel={t("activities.cancel")}>{t("activities.cancel")}</ConfirmButton>
            </Form>
          </div>
          {a.status === "planned" ? (
            <Form method="post" noValidate>
              <input type="hidden" name="version" value={a.version} />
              <p>{t("activities.completeIntro")}</p>
              <div className="grid-2">
                <TextField label={t("activities.fields.pupilsReached")} name="pupilsReached" inputMode="numeric" defaultValue={a.pupilsReached ?? ""} error={statusErrors?.fields?.pupilsReached} />
                <TextField label={t("activities.fields.teachersInvolved")} name="teachersInvolved" inputMode="numeric" defaultValue={a.teachersInvolved ?? ""} error={statusErrors?.fields?.teachersInvolved} />
              </div>
              <button type="submit" name="intent" value="complete" className="button">{t("activities.complete")}</button>
            </Form>
          ) : null}
        </section>
      ) : null}
      {canEdit ? (
        <>
          <h2>{t("activities.edit")}</h2>
          <ActivityForm
            key={a.version}
            isNew={false}
            values={a}
            errors={errors?.intent === "save" ? errors : undefined}
            partners={partners}
            schools={schools}
            contacts={contacts}
            currentPerson={currentPerson}
            regions={regions}
            submitLabel={t("common.save")}
          />
          <Form method="post" className="danger-zone">
            <input type="hidden" name="intent" value="archive" />
            <ConfirmButton className="button button-danger" question={t("activities.confirmArchive")} confirmLabel={t("activities.archive")}>{t("activities.archive")}</ConfirmButton>
          </Form>
        </>
      ) : null}
    </div>
  );
}
