import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { END_REASONS } from "../../db/schema";
import { formatEuros } from "../../server/domains/commitments/commitments.amounts";
import { UpdateOrganisationInput } from "../../server/domains/organisations/organisations.schemas";
import { WithdrawOfferInput } from "../../server/domains/activities/activities.schemas";
import { AddContactInput, EndAffiliationInput } from "../../server/domains/people/people.schemas";
import { Alert } from "../components/ui/alert";
import { ConfirmButton } from "../components/ui/confirm-button";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { AppError } from "../../server/errors";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { RecordId } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Mijn organisatie · Schakel" }];

/** The portal of a partner user: its own organisation only, found from the user, never from the URL. */
async function ownOrganisation(context: LoaderFunctionArgs["context"], request: Request) {
  const user = requirePermission(context, request, "portal.use");
  if (!user.organisationId) throw new AppError("NOT_FOUND", "No organisation");
  const organisation = await context.server.getOrganisation(context.db, scopeOf(user), user.organisationId);
  if (organisation.archivedAt) throw new AppError("NOT_FOUND", "Organisation archived");
  return { user, organisation };
}

export async function loader({ context, request }: LoaderFunctionArgs) {
  const { user, organisation } = await ownOrganisation(context, request);
  const [region, contacts, activities, commitments] = await Promise.all([
    context.server.getRegion(context.db, user.regionId),
    context.server.listOrganisationContacts(context.db, user.regionId, organisation.id),
    context.server.portalActivities(context.db, scopeOf(user)),
    // The partner's own pledges (listCommitments scopes a partner to its organisation).
    context.server.listCommitments(context.db, scopeOf(user), { limit: 50 }),
  ]);
  // The signed-in user is among the colleagues as the contact with their address or, where the school
  // keeps no address for that contact, their name: they do not report their own leaving.
  const same = (a: string, b: string) => a.trim().localeCompare(b.trim(), "nl", { sensitivity: "base" }) === 0;
  const isSelf = (c: { email: string | null; name: string }) => (c.email ? same(c.email, user.email) : same(c.name, user.name));
  return {
    organisation, regionName: region.name, activities, today: toLocalDate(context.clock.now()),
    contacts: contacts.map((c) => ({ ...c, isSelf: isSelf(c) })),
    commitments: commitments.items.map((c) => ({
      id: c.id, schoolYear: c.schoolYear, kind: c.kind, category: c.category, status: c.status,
      pledged: formatEuros(c.amountCents, user.locale), realised: formatEuros(c.realisedCents, user.locale), confirmed: c.confirmedAt !== null,
    })),
  };
}

export async function action({ context, request }: ActionFunctionArgs) {
  const { user, organisation } = await ownOrganisation(context, request);
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  try {
    if (intent === "details") {
      // Only the partner's fields are read from the form; an emptied field clears the value.
      const values: Record<string, unknown> = { version: formData.get("version") };
      for (const field of context.server.PARTNER_ORGANISATION_FIELDS) values[field] = String(formData.get(field) ?? "").trim() || null;
      const input = parseInput(UpdateOrganisationInput, values, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateOrganisation(trx, scope, organisation.id, input, meta));
      return json({ saved: "details" as const });
    }
    if (intent === "add-colleague") {
      const { intent: _intent, isPrimary: _isPrimary, ...values } = formValues(formData);
      const input = parseInput(AddContactInput, { ...values, isPrimary: formData.get("isPrimary") === "on" }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.addColleague(trx, scope, input, meta));
      return json({ saved: "add-colleague" as const });
    }
    if (intent === "end-contact") {
      const affiliationId = RecordId.safeParse(formData.get("affiliationId"));
      if (!affiliationId.success) throw new AppError("NOT_FOUND", "Not found");
      const { intent: _intent, affiliationId: _affiliationId, ...values } = formValues(formData);
      const input = parseInput(EndAffiliationInput, values, user.locale);
      await context.server.runChange(context, user, async ({ trx, scope, meta }) => {
        await context.server.assertAffiliationOfOwnOrganisation(trx, scope, affiliationId.data);
        await context.server.assertPartnerSuccessor(trx, scope, input.successorPersonId);
        return context.server.endAffiliation(trx, scope.regionId, affiliationId.data, { ...input, endDate: input.endDate ?? toLocalDate(meta.now) }, meta);
      });
      return json({ saved: "end-contact" as const });
    }
    if (intent === "withdraw") {
      const activityId = RecordId.safeParse(formData.get("activityId"));
      if (!activityId.success) throw new AppError("NOT_FOUND", "Not found");
      const { version } = parseInput(WithdrawOfferInput, { version: formData.get("version") }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.withdrawOffer(trx, scope, activityId.data, version, meta));
      return json({ saved: "withdraw" as const });
    }
    throw new Response("Bad request", { status: 400 });
  } catch (error) {
    // Another organisation's job is not found here, as on every other page.
    const response = formError(error, user.locale);
    const body = (await response.clone().json()) as FormErrors;
    return json({ ...body, intent }, { status: response.status });
  }
}

const SAVED_MESSAGE = { details: "portal.saved", "add-colleague": "portal.colleagueAdded", "end-contact": "portal.leftSaved", withdraw: "portal.withdrawn" } as const;

export default function PortalPage() {
  const t = useT();
  const locale = useLocale();
  const { organisation: o, regionName, contacts, activities, today, commitments } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors = result && !("saved" in result) ? (result as FormErrors & { intent: string }) : undefined;
  const errorsOf = (intent: string) => (errors?.intent === intent ? errors : undefined);
  const current = contacts.filter((c) => !c.endDate);
  const former = contacts.filter((c) => c.endDate);
  return (
    <div className="page">
      <h1>{t("portal.title")}: {o.name}</h1>
      <p className="lead">{t("portal.intro", { organisation: o.name, region: regionName })}</p>
      {result && "saved" in result ? <Alert tone="success">{t(SAVED_MESSAGE[result.saved])}</Alert> : null}
      {params.get("offered") ? <Alert tone="success">{t("portal.offered")}</Alert> : null}

      <section className="card" aria-labelledby="portal-details">
        <h2 id="portal-details">{t("portal.details")}</h2>
        {errorsOf("details")?.formError ? <Alert tone="error">{errorsOf("details")?.formError}</Alert> : null}
        <p>{t("portal.nameFixed")}</p>
        {/* Keyed on the version: after a save the form shows what was stored. */}
        <Form method="post" noValidate key={o.version}>
          <input type="hidden" name="intent" value="details" />
          <input type="hidden" name="version" value={o.version} />
          {PARTNER_FIELDS.map((field) => (
            <TextField
              key={field}
              label={t(`portal.fields.${field}`)}
              name={field}
              type={field === "website" ? "url" : "text"}
              defaultValue={o[field] ?? ""}
              error={errorsOf("details")?.fields?.[field]}
            />
          ))}
          <button type="submit" className="button">{t("common.save")}</button>
        </Form>
      </section>

      <section className="card" aria-labelledby="portal-people">
        <h2 id="portal-people">{t("portal.people")}</h2>
        {errorsOf("end-contact")?.formError ? <Alert tone="error">{errorsOf("end-contact")?.formError}</Alert> : null}
        {current.length === 0 ? <p>{t("contacts.none")}</p> : null}
        <ul className="plain-list">
          {current.map((c) => (
            <li key={c.affiliationId} className="contact">
              <div>
                <strong>{c.name}</strong>
                {c.isPrimary ? <> <span className="badge badge-success">{t("contacts.primary")}</span></> : null}
                {c.role ? <> · {c.role}</> : null}
                <br />
                {[c.email, c.phone].filter(Boolean).join(" · ")}
              </div>
              {c.isSelf ? null : (
              <details className="contact-leave" open={errorsOf("end-contact") && errors?.fields ? true : undefined}>
                <summary className="button button-small button-quiet">{t("portal.reportLeaving")}<span className="visually-hidden"> {t("portal.reportLeavingOf", { name: c.name })}</span></summary>
                <Form method="post" className="inline-form" noValidate aria-label={t("portal.reportLeavingTitle", { name: c.name })}>
                  <input type="hidden" name="intent" value="end-contact" />
                  <input type="hidden" name="affiliationId" value={c.affiliationId} />
                  <TextField label={t("contacts.endDate")} name="endDate" type="date" defaultValue={today} max={today} />
                  <SelectField label={t("contacts.endReason")} name="endReason" defaultValue="left_organisation">
                    {END_REASONS.map((reason) => <option key={reason} value={reason}>{t(`contacts.reasons.${reason}`)}</option>)}
                  </SelectField>
                  <SelectField label={t("contacts.successor")} name="successorPersonId" defaultValue="" hint={t("contacts.successorHint")}>
                    <option value="">{t("contacts.successorUnknown")}</option>
                    {current.filter((other) => other.personId !== c.personId).map((other) => <option key={other.personId} value={other.personId}>{other.name}</option>)}
                  </SelectField>
                  <TextField label={t("contacts.successorNew")} name="successorName" />
                  <button type="submit" className="button button-small">{t("portal.reportLeavingSubmit")}</button>
                </Form>
              </details>
              )}
            </li>
          ))}
        </ul>
        {former.length ? (
          <>
            <h3>{t("contacts.former")}</h3>
            <ul className="plain-list">
              {former.map((c) => (
                <li key={c.affiliationId}>
                  {c.name}
                  {c.role ? <> · {c.role}</> : null} — {t("contacts.leftOn", { date: formatDay(c.endDate, locale), reason: t(`contacts.reasons.${c.endReason}`) })}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <details key={contacts.length} className="add-contact" open={Boolean(errorsOf("add-colleague")?.fields)}>
          <summary>{t("portal.addColleague")}</summary>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="add-colleague" />
            <TextField label={t("common.name")} name="name" required error={errorsOf("add-colleague")?.fields?.name} />
            <TextField label={t("contacts.role")} name="role" error={errorsOf("add-colleague")?.fields?.role} />
            <TextField label={t("common.email")} name="email" type="email" error={errorsOf("add-colleague")?.fields?.email} />
            <TextField label={t("contacts.phone")} name="phone" type="tel" error={errorsOf("add-colleague")?.fields?.phone} />
            <CheckboxField label={t("contacts.makePrimary")} name="isPrimary" />
            <button type="submit" className="button">{t("portal.addColleague")}</button>
          </Form>
        </details>
      </section>

      {commitments.length ? (
        <section className="card" aria-labelledby="portal-commitments">
          <h2 id="portal-commitments">{t("portal.commitments")}</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr><th>{t("portal.schoolYear")}</th><th>{t("portal.kind")}</th><th>{t("portal.pledged")}</th><th>{t("portal.realised")}</th><th>{t("portal.status")}</th></tr>
              </thead>
              <tbody>
                {commitments.map((c) => (
                  <tr key={c.id}>
                    <td><Link to={`/commitments/${c.id}`}>{c.schoolYear}</Link></td>
                    {/* A pledge in money is "Geld"; in kind says what: "In natura · Uren". */}
                    <td>{c.kind === "cash" ? t("portal.kinds.cash") : `${t("portal.kinds.in_kind")} · ${t(`commitments.categories.${c.category}`)}`}</td>
                    <td className="cell-money">{c.pledged}</td>
                    <td className="cell-money">{c.realised}</td>
                    <td>{t(`commitments.statuses.${c.status}`)}{c.confirmed ? ` · ${t("portal.confirmed")}` : ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul className="plain-list">
            {[...new Set(commitments.map((c) => c.schoolYear))].map((year) => (
              <li key={year}><Link to={`/reports/${year}/partners/${o.id}`}>{t("reports.statementTitle", { schoolYear: year })}</Link></li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="portal-activities">
        <h2 id="portal-activities">{t("portal.activities")}</h2>
        {errorsOf("withdraw")?.formError ? <Alert tone="error">{errorsOf("withdraw")?.formError}</Alert> : null}
        <p><Link className="button" to="/portal/offer">{t("portal.offer")}</Link></p>
        {activities.length === 0 ? <p>{t("portal.activitiesNone")}</p> : (
          <ul className="plain-list">
            {activities.map((a) => (
              <li key={a.id}>
                <strong>{a.title}</strong> · {t(`activities.types.${a.type}`)} · {a.endDate !== a.startDate ? t("activities.period", { from: formatDay(a.startDate, locale), until: formatDay(a.endDate, locale) }) : formatDay(a.startDate, locale)}
                {" "}<span className="badge">{t(`activities.statuses.${a.status}`)}</span>
                {a.status === "offered" ? (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="activityId" value={a.id} />
                    <input type="hidden" name="version" value={a.version} />
                    <ConfirmButton name="intent" value="withdraw" className="button button-quiet" question={t("portal.withdrawConfirm")} confirmLabel={t("portal.withdraw")}>{t("portal.withdraw")}</ConfirmButton>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

const PARTNER_FIELDS = ["street", "postalCode", "city", "website", "sector"] as const;
