import { schoolYearStart } from "../../calendar/school-year";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { MergeOrganisationInput, UpdateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { AddContactInput, EndAffiliationInput } from "../../server/domains/people/people.schemas";
import { ActivitiesSection } from "../components/activities-section";
import { ContactsSection } from "../components/contacts-section";
import { OrganisationAgreements } from "../components/organisation-agreements";
import { PartnerUsersSection } from "../components/partner-users-section";
import { InvitePartnerUserInput } from "../../server/domains/partner-users/partner-users.schemas";
import { HistorySection } from "../components/history-section";
import { HealthBadge, HealthReasons } from "../components/health";
import { HealthHistoryStrip } from "../components/health-trend-chart";
import { OrganisationPlans } from "../components/organisation-plans";
import { InteractionForm } from "../components/interaction-form";
import { Timeline } from "../components/timeline";
import { LogInteractionInput } from "../../server/domains/interactions/interactions.schemas";
import { OrganisationForm } from "../components/organisation-form";
import { Alert } from "../components/ui/alert";
import { ConfirmButton } from "../components/ui/confirm-button";
import { Combobox } from "../components/ui/combobox";
import { AppError } from "../../server/errors";
import { toLocalDate } from "../../server/clock";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formValues } from "../utils/forms.server";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";
import { organisationFormError, organisationFormInput } from "../utils/organisation-form.server";
import { webHref } from "../../server/domains/links/links.addresses";
import { RecordId, recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organisation.name ?? "Organisatie"} · Schakel` }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const scope = scopeOf(user);
  const query = new URL(request.url).searchParams;
  const today = toLocalDate(context.clock.now());
  // The page in one statement (and the history's names in one or two more): every statement is a
  // round trip and a region-scope statement, and this is the region's most visited page (decision 145).
  const { organisation, timeline, contacts, accountHolderHistory: history, subregions, accountHolders, health, healthHistory, changes, activities, partnerUsers, agreements, plans, canWork } =
    await context.server.readOrganisationPage(context.db, scope, recordIdOf(params), { locale: user.locale, today, historyCursor: query.get("historyCursor") || undefined });
  // The merge form's candidates are looked up only once it is opened (?open=merge): comparing this
  // name with every other of the region costs about 6 ms of SQL, on the region's most visited page.
  // The permissions table decides what the page offers (server/auth/permissions.ts): every staff member
  // logs the contact they had and keeps contact persons; the organisation itself, its activities, merges
  // and archiving are for whoever works it (canWork); its owner (or an admin) invites its people to the portal.
  const mergeCandidates = query.get("open") === "merge" ? await context.server.listMergeCandidates(context.db, scope, organisation) : null;
  const canInvite = !organisation.archivedAt && userCan(user, "organisation.invitePartner", { kind: "organisation", accountHolderIds: [organisation.accountHolderId], rule: { everyStaffMember: false } });
  return {
    activities, organisation, mergeCandidates, timeline, contacts, history, changes, subregions, accountHolders, health, healthHistory,
    healthFrom: schoolYearStart(today, -1), today, canWork, canLog: userCan(user, "interaction.log"),
    canKeepContacts: userCan(user, "person.write"), partnerUsers, canInvite, agreements, canRecordAgreement: userCan(user, "money.write"), plans,
  };
}

export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  // An id that is no id names nothing: 404, as for a record of another region.
  const id = recordIdOf(params);
  const formData = await request.formData();
  try {
    const intent = formData.get("intent");
    if (intent === "log-interaction") {
      const { intent: _intent, personIds: _personIds, ...values } = formValues(formData);
      const input = parseInput(LogInteractionInput, { ...values, organisationId: id, personIds: formData.getAll("personIds") }, user.locale);
      const logged = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.logInteraction(trx, scope, { ...input, date: input.date ?? toLocalDate(meta.now) }, meta));
      return json({ saved: true as const, intent: "log-interaction" as const, withTask: Boolean(logged.task) });
    }
    if (intent === "add-contact") {
      const { intent: _intent, isPrimary: _isPrimary, ...values } = formValues(formData);
      const input = parseInput(AddContactInput, { ...values, isPrimary: formData.get("isPrimary") === "on" }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.addContact(trx, scope.regionId, id, input, meta));
      return json({ saved: true as const, intent: "add-contact" as const });
    }
    if (intent === "end-contact") {
      // A tampered or missing contact id is a contact that does not exist here, not a server error.
      const parsedAffiliation = RecordId.safeParse(formData.get("affiliationId"));
      if (!parsedAffiliation.success) throw new AppError("NOT_FOUND", "Contact not found");
      const affiliationId = parsedAffiliation.data;
      const { intent: _intent, affiliationId: _affiliationId, ...values } = formValues(formData);
      const input = parseInput(EndAffiliationInput, values, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.endAffiliation(trx, scope.regionId, affiliationId, { ...input, endDate: input.endDate ?? toLocalDate(meta.now) }, meta));
      return json({ saved: true as const, intent: "end-contact" as const });
    }
    if (intent === "invite-partner") {
      const input = parseInput(InvitePartnerUserInput, formValues(formData), user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.invitePartnerUser(trx, scope, id, input, meta));
      return json({ saved: true as const, intent: "invite-partner" as const });
    }
    if (intent === "merge") {
      const { duplicateId } = parseInput(MergeOrganisationInput, { duplicateId: formData.get("duplicateId") || undefined }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.mergeOrganisations(trx, scope, { keepId: id, duplicateId }, meta));
      return json({ saved: true as const, intent: "merge" as const });
    }
    if (intent === "archive") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.archiveOrganisation(trx, scope, id, meta));
      // The list says what was archived and offers to undo it.
      return redirect(`/organisations?undo=${id}`);
    }
    if (intent === "restore") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.restoreOrganisation(trx, scope, id, meta));
      return redirect(`/organisations/${id}?restored=1`);
    }
    const input = parseInput(UpdateOrganisationInput, organisationFormInput(formData, { isUpdate: true }), user.locale);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateOrganisation(trx, scope, id, input, meta));
    return json({ saved: true as const, intent: "save" as const });
  } catch (error) {
    const response = organisationFormError(error, user.locale);
    const body = (await response.clone().json()) as Record<string, unknown>;
    return json({ ...body, intent: String(formData.get("intent") ?? "save") }, { status: response.status });
  }
}

export default function OrganisationPage() {
  const t = useT();
  const locale = useLocale();
  const { activities, organisation: o, mergeCandidates, timeline, contacts, history, changes, subregions, accountHolders, health, healthHistory, healthFrom, today, canWork, canLog, canKeepContacts, partnerUsers, canInvite, agreements, canRecordAgreement, plans } = useLoaderData<typeof loader>();
  // An archived organisation is shown to read (and to restore), not to change.
  const canEdit = canWork && !o.archivedAt;
  const ownerName = accountHolders.find((u) => u.id === o.accountHolderId)?.name;
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const saved = (result && "saved" in result) || params.get("saved");
  const errors = result && !("saved" in result) ? (result as FormErrors & { intent?: string; duplicate?: { id: string; name: string } }) : undefined;
  const restoreErrors = errors?.intent === "restore" ? errors : undefined;
  const subregion = subregions.find((s) => s.id === o.subregionId)?.name;
  // Edit in place: the key facts turn into their form (?edit=1, so it works without JavaScript too),
  // stay open while the form has errors, and close once saved.
  const savedEdit = Boolean(result && "saved" in result && result.intent === "save");
  const editing = canEdit && ((params.get("edit") === "1" && !savedEdit) || errors?.intent === "save");
  return (
    <div className="page">
      <p><Link to="/organisations">← {t("organisations.title")}</Link></p>
      <h1>{o.name}</h1>
      <p className="lead">
        {t(`organisations.kinds.${o.kind}`)} · {t(`organisations.tiers.${o.tier}`)} · {t(`organisations.statuses.${o.status}`)}
        {subregion ? ` · ${subregion}` : ""}
      </p>
      {o.archivedAt ? (
        <Alert tone="info">
          {t("archive.archivedSince", { date: formatMoment(o.archivedAt, locale) })}
          {canWork ? (
            <Form method="post" className="inline-form">
              <input type="hidden" name="intent" value="restore" />
              <button type="submit" className="button button-small">{t("archive.restore")}</button>
            </Form>
          ) : null}
        </Alert>
      ) : null}
      {restoreErrors ? (
        <Alert tone="error">
          {restoreErrors.formError ?? restoreErrors.fields?.kvkNumber}
          {restoreErrors.duplicate ? <> <Link to={`/organisations/${restoreErrors.duplicate.id}`}>{t("organisations.duplicateOf", { name: restoreErrors.duplicate.name })}</Link></> : null}
        </Alert>
      ) : null}
      {params.get("restored") && !result ? <Alert tone="success">{t("archive.restored")}</Alert> : null}
      {saved ? (
        <Alert tone="success">
          {result && "withTask" in result
            ? t(result.withTask ? "interactions.loggedWithTask" : "interactions.logged")
            : params.get("saved") && !result
              ? t("organisations.created")
              : t("organisations.updated")}
        </Alert>
      ) : null}
      {/* A record as people know it from other CRMs: what it is, how it goes and who keeps it at the
          side; the contact moments with the form to log one in the middle; its people and activities
          at hand. On a phone the same blocks follow each other in that order. */}
      <div className="record-layout">
        <div className="record-side">
          {o.archivedAt ? null : (
            <section className={`card health-banner health-banner-${health.state}`} aria-labelledby="health">
              <h2 id="health">{t("organisations.health")} <HealthBadge state={health.state} /></h2>
              {health.reasons.length ? <HealthReasons reasons={health.reasons} /> : <p>{t("organisations.healthy")}</p>}
              <HealthHistoryStrip history={healthHistory} from={healthFrom} to={today} locale={locale} />
              {health.snooze ? <p className="task-meta">{t("organisations.snoozedUntil", { date: formatDay(health.snooze.until, locale), reason: health.snooze.reason })}</p> : null}
            </section>
          )}
          {o.archivedAt ? null : <OrganisationPlans organisationId={o.id} plans={plans} />}
          {editing ? (
            <section id="edit-organisation" aria-labelledby="edit-heading">
              <h2 id="edit-heading">{t("organisations.edit")}</h2>
              <OrganisationForm
                key={o.version}
                values={o}
                errors={errors?.intent === "save" ? errors : undefined}
                subregions={subregions}
                accountHolders={accountHolders}
                submitLabel={t("common.save")}
              />
              <p><Link to="." preventScrollReset>{t("common.cancel")}</Link></p>
            </section>
          ) : (
            <section className="card" aria-labelledby="overview">
              <h2 id="overview">{t("organisations.overview")}</h2>
              <dl className="details">
                {o.kvkNumber ? <><dt>{t("organisations.fields.kvkNumber")}</dt><dd>{o.kvkNumber}</dd></> : null}
                {o.brinCode ? <><dt>{t("organisations.fields.brinCode")}</dt><dd>{o.brinCode}</dd></> : null}
                {o.sector ? <><dt>{t("organisations.fields.sector")}</dt><dd>{o.sector}</dd></> : null}
                {o.street || o.city ? <><dt>{t("organisations.fields.street")}</dt><dd>{[o.street, [o.postalCode, o.city].filter(Boolean).join(" ")].filter(Boolean).join(", ")}</dd></> : null}
                {o.website ? <><dt>{t("organisations.fields.website")}</dt><dd>{webHref(o.website) ? <a href={webHref(o.website)} rel="noopener noreferrer">{o.website}</a> : o.website}</dd></> : null}
                {o.tags.length ? <><dt>{t("organisations.fields.tags").replace(/ \(.*\)$/, "")}</dt><dd>{o.tags.map((tag) => <span key={tag} className="badge">{tag}</span>)}</dd></> : null}
              </dl>
              {canEdit ? <p><Link to="?edit=1#edit-organisation" preventScrollReset>{t("organisations.edit")}</Link></p> : null}
            </section>
          )}
          <section className="card" aria-labelledby="owners">
            <h2 id="owners">{t("organisations.accountHolders")}</h2>
            {history.length === 0 ? (
              <p>{t("organisations.noAccountHolder")}</p>
            ) : (
              <ul className="plain-list">
                {history.map((period) => (
                  <li key={period.id}>
                    <strong>{period.userName}</strong>{" "}
                    {period.endedAt
                      ? t("organisations.period", { from: formatMoment(period.startedAt, locale), until: formatMoment(period.endedAt, locale) })
                      : t("organisations.since", { date: formatMoment(period.startedAt, locale) })}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
        <div className="record-main">
          {!canWork && !o.archivedAt ? (
            <Alert tone="info">
              {ownerName ? t("organisations.worksOnlyOwner", { name: ownerName }) : t("organisations.worksOnlyOwnerNone")}
            </Alert>
          ) : null}
          {canLog && !o.archivedAt ? (
            <InteractionForm
              people={contacts.filter((c) => !c.endDate)}
              today={today}
              errors={errors?.intent === "log-interaction" ? errors : undefined}
              formKey={timeline.length}
            />
          ) : null}
          <Timeline items={timeline} />
        </div>
        <div className="record-related">
          <ContactsSection contacts={contacts} today={today} canEdit={canKeepContacts && !o.archivedAt} errors={errors?.intent === "add-contact" || errors?.intent === "end-contact" ? errors : undefined} />
          <ActivitiesSection organisationId={o.id} activities={activities} canEdit={canEdit} />
        </div>
      </div>
      <OrganisationAgreements organisationId={o.id} agreements={agreements} today={today} canCreate={canRecordAgreement} />
      <PartnerUsersSection
        users={partnerUsers}
        canInvite={canInvite}
        errors={errors?.intent === "invite-partner" ? errors : undefined}
        invited={Boolean(result && "intent" in result && result.intent === "invite-partner" && "saved" in result)}
      />
      <HistorySection items={changes.items} nextCursor={changes.nextCursor} of="organisation" />
      {canEdit ? (
        <>
          <section className="card section-contacts" aria-labelledby="merge">
            <h2 id="merge">{t("organisations.merge")}</h2>
            <p>{t("organisations.mergeIntro", { name: o.name })}</p>
            {mergeCandidates === null ? (
              <Link to="?open=merge#merge" preventScrollReset>{t("organisations.mergeOpen")}</Link>
            ) : mergeCandidates.length === 0 ? (
              <p>{t("organisations.mergeNone")}</p>
            ) : (
              <Form method="post" className="inline-form">
                <input type="hidden" name="intent" value="merge" />
                <Combobox label={t("organisations.mergeWhich")} name="duplicateId" options={mergeCandidates} error={errors?.intent === "merge" ? errors.fields?.duplicateId : undefined} />
                <button type="submit" className="button button-small">{t("organisations.mergeSubmit")}</button>
              </Form>
            )}
          </section>
          <Form
            method="post"
            className="danger-zone"
          >
            <input type="hidden" name="intent" value="archive" />
            <ConfirmButton className="button button-danger" question={t("organisations.confirmArchive", { name: o.name })} confirmLabel={t("organisations.archive")}>{t("organisations.archive")}</ConfirmButton>
          </Form>
        </>
      ) : null}
    </div>
  );
}
