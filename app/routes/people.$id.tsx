import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { MergePersonInput, NewJobInput, UpdatePersonInput } from "../../server/domains/people/people.schemas";
import { HistorySection } from "../components/history-section";
import { Alert } from "../components/ui/alert";
import { ConfirmButton } from "../components/ui/confirm-button";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { Combobox } from "../components/ui/combobox";
import { translator } from "../../i18n";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { formatDay, formatMoment, useLocale, useT } from "../utils/i18n";
import { recordIdOf } from "../utils/page-inputs.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.person.name ?? "Persoon"} · Schakel` }];


export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const person = await context.server.getPerson(context.db, user.regionId, recordIdOf(params));
  const search = new URL(request.url).searchParams;
  const mergeQuery = search.get("mergeQ")?.trim().slice(0, 200) || undefined;
  const [organisations, history, candidates] = await Promise.all([
    context.server.listOrganisations(context.db, scopeOf(user), { limit: 200 }),
    context.server.listHistory(context.db, user.regionId, { type: "person", id: person.id }, { limit: 25, cursor: search.get("historyCursor") || undefined }),
    // Who might be the same person: similar names, or the names typed in the merge box.
    context.server.findMergeCandidates(context.db, user.regionId, person.id, { q: mergeQuery }),
  ]);
  return {
    person,
    organisations: organisations.items.map((o) => ({ id: o.id, name: o.name })),
    history,
    candidates,
    mergeQuery: mergeQuery ?? "",
    today: toLocalDate(context.clock.now()),
    isAdmin: userCan(user, "region.manage"),
    mayEdit: userCan(user, "person.write"),
    anonymisedAt: (await context.db.selectFrom("people").select("anonymised_at").where("id", "=", person.id).executeTakeFirstOrThrow()).anonymised_at,
  };
}

/**
 * Correcting name, email and phone; a new job (the jobs still open end, the new one starts), also
 * for someone who left; merging a duplicate into this person, archiving (with undo) and restoring.
 */
export async function action({ context, request, params }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "person.write");
  // An id that is no id names nothing: 404, as for a record of another region.
  const id = recordIdOf(params);
  const formData = await request.formData();
  const t = translator(user.locale);
  try {
    const intent = formData.get("intent");
    if (intent === "merge") {
      const { duplicateId } = parseInput(MergePersonInput, { duplicateId: formData.get("duplicateId") || undefined }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.mergePeople(trx, scope.regionId, { keepId: id, duplicateId }, meta));
      return json<FormErrors & { success?: string }>({ success: t("personMerge.merged") });
    }
    if (intent === "archive") {
      const archived = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.archivePerson(trx, scope.regionId, id, meta));
      return json<FormErrors & { success?: string }>({ success: t("archive.archivedPerson", { name: archived.name }) });
    }
    if (intent === "erase") {
      // Erasing cannot be undone: the box must be ticked, and the service lets only an admin through.
      if (formData.get("confirmErase") !== "on") return json<FormErrors & { success?: string }>({ fields: { confirmErase: t("privacy.eraseConfirmMissing") } }, { status: 400 });
      const erased = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.erasePerson(trx, scope, id, meta));
      // The admin sees exactly what the erasure changed, table by table (decision 092).
      const erasure = erased.changes.map((change) =>
        t(`privacy.erasureChanges.${change.kind}`, { table: t(`privacy.erasureTables.${change.table}`), count: change.count }));
      return json<FormErrors & { success?: string; erasure?: string[] }>({ success: t("privacy.erased"), erasure });
    }
    if (intent === "restore") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.restorePerson(trx, scope.regionId, id, meta));
      return json<FormErrors & { success?: string }>({ success: t("archive.restored") });
    }
    if (intent === "edit" || intent === "new-job") {
      if (intent === "edit") {
        // Only the three fields the form shows; an emptied email or phone clears it.
        const input = parseInput(UpdatePersonInput, { name: formData.get("name") ?? "", email: formData.get("email") ?? "", phone: formData.get("phone") ?? "", version: formData.get("version") }, user.locale);
        await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updatePerson(trx, scope.regionId, id, input, meta));
        return json<FormErrors & { success?: string; intent?: string }>({ success: t("people.saved") });
      }
      const { intent: _intent, isPrimary: _isPrimary, ...values } = formValues(formData);
      const input = parseInput(NewJobInput, { ...values, isPrimary: formData.get("isPrimary") === "on" }, user.locale);
      const moved = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.startNewJob(trx, scope.regionId, id, { ...input, startDate: input.startDate ?? toLocalDate(meta.now) }, meta));
      if (!moved.started) return json<FormErrors & { success?: string; intent?: string }>({ success: t("leads.movedToLead", { organisation: input.organisationName ?? "" }) });
      return json<FormErrors & { success?: string; intent?: string }>({ success: t(moved.ended.length ? "people.newJobSavedEnded" : "people.newJobSaved", { organisation: moved.started.organisationName }) });
    }
    throw new Response("Bad request", { status: 400 });
  } catch (error) {
    // The answer says which form it belongs to, so its messages appear next to that form's fields.
    const response = formError(error, user.locale);
    const body = (await response.clone().json()) as FormErrors;
    return json<FormErrors & { success?: string; intent?: string }>({ ...body, intent: String(formData.get("intent") ?? "") }, { status: response.status });
  }
}

export default function PersonPage() {
  const t = useT();
  const locale = useLocale();
  const { person, organisations, history, candidates, mergeQuery, today, isAdmin, mayEdit, anonymisedAt } = useLoaderData<typeof loader>();
  const result = useActionData<FormErrors & { success?: string; erasure?: string[]; intent?: string }>();
  const errorsOf = (intent: string) => (result?.intent === intent ? result : undefined);
  const archived = Boolean(person.archivedAt);
  // An archived person is shown to read and to restore, not to change.
  const current = archived ? [] : person.affiliations.filter((a) => !a.endDate);
  return (
    <div className="page">
      <h1>{person.name}</h1>
      <p className="lead">{[person.email, person.phone].filter(Boolean).join(" · ")}</p>
      {mayEdit && !archived && !anonymisedAt ? (
        <details className="card person-edit" open={errorsOf("edit") ? true : undefined}>
          <summary>{t("people.edit")}</summary>
          {/* Keyed on the version: after a save the form shows what was stored. */}
          <Form method="post" noValidate key={person.version}>
            <input type="hidden" name="intent" value="edit" />
            <input type="hidden" name="version" value={person.version} />
            <TextField label={t("common.name")} name="name" required defaultValue={person.name} error={errorsOf("edit")?.fields?.name} />
            <TextField label={t("common.email")} name="email" type="email" defaultValue={person.email ?? ""} error={errorsOf("edit")?.fields?.email} />
            <TextField label={t("contacts.phone")} name="phone" type="tel" defaultValue={person.phone ?? ""} error={errorsOf("edit")?.fields?.phone} />
            <button type="submit" className="button">{t("common.save")}</button>
          </Form>
        </details>
      ) : null}
      {result?.success ? <Alert tone="success">{result.success}</Alert> : null}
      {result?.erasure?.length ? (
        <section className="card" aria-labelledby="erasure-changes">
          <h2 id="erasure-changes">{t("privacy.erasureChangesTitle")}</h2>
          <ul>{result.erasure.map((line) => <li key={line}>{line}</li>)}</ul>
        </section>
      ) : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      {anonymisedAt ? <Alert tone="info">{t("privacy.erasedBanner", { date: formatMoment(anonymisedAt, locale) })}</Alert> : archived ? (
        <Alert tone="info">
          {t("archive.archivedSince", { date: formatMoment(person.archivedAt, locale) })}
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="restore" />
            <button type="submit" className="button button-small">{t(result?.success ? "archive.undo" : "archive.restore")}</button>
          </Form>
        </Alert>
      ) : null}
      <section className="card" aria-labelledby="jobs">
        <h2 id="jobs">{t("people.jobs")}</h2>
        <ul className="plain-list">
          {person.affiliations.map((a) => (
            <li key={a.id}>
              <Link to={`/organisations/${a.organisationId}`}>{a.organisationName}</Link>
              {a.role ? ` · ${a.role}` : ""}
              {a.isPrimary && !a.endDate ? <> <span className="badge badge-success">{t("contacts.primary")}</span></> : null}
              <br />
              <span className="task-meta">
                {a.endDate
                  ? t("organisations.period", { from: formatDay(a.startDate, locale), until: formatDay(a.endDate, locale) }) + ` (${t(`contacts.reasons.${a.endReason ?? "other"}`)})`
                  : t("organisations.since", { date: formatDay(a.startDate, locale) })}
              </span>
            </li>
          ))}
        </ul>
      </section>
      {mayEdit && !archived && !anonymisedAt ? (
        <section className="card section-contacts" aria-labelledby="new-job">
          <h2 id="new-job">{t("people.newJob")}</h2>
          <p>
            {current.length
              ? t("people.newJobIntroCurrent", { organisations: current.map((a) => a.organisationName).join(", ") })
              : t("people.newJobIntroNone")}
          </p>
          <Form method="post" noValidate key={person.affiliations.length}>
            <input type="hidden" name="intent" value="new-job" />
            <Combobox label={t("people.newJobOrganisation")} name="organisationId" options={organisations} error={errorsOf("new-job")?.fields?.organisationId} />
            <TextField label={t("leads.newEmployer")} name="organisationName" hint={t("leads.newEmployerHint")} error={errorsOf("new-job")?.fields?.organisationName} />
            <TextField label={t("contacts.role")} name="role" error={errorsOf("new-job")?.fields?.role} />
            <div className="grid-2">
              <TextField label={t("people.newJobStart")} name="startDate" type="date" defaultValue={today} error={errorsOf("new-job")?.fields?.startDate} />
              {current.length ? (
                <TextField label={t("people.newJobEnd")} name="endDate" type="date" hint={t("people.newJobEndHint")} error={errorsOf("new-job")?.fields?.endDate} />
              ) : null}
            </div>
            <CheckboxField label={t("contacts.makePrimary")} name="isPrimary" />
            <button type="submit" className="button">{t("people.newJobSubmit")}</button>
          </Form>
        </section>
      ) : null}
      {!archived ? (
        <section className="card section-contacts" aria-labelledby="merge">
          <h2 id="merge">{t("personMerge.title")}</h2>
          <p>{t("personMerge.intro", { name: person.name })}</p>
          <Form method="get" className="inline-form">
            <TextField label={t("personMerge.search")} name="mergeQ" type="search" defaultValue={mergeQuery} />
            <button type="submit" className="button button-small">{t("personMerge.searchSubmit")}</button>
          </Form>
          {candidates.length || result?.fields?.duplicateId ? (
            <Form method="post" className="inline-form" noValidate>
              <input type="hidden" name="intent" value="merge" />
              <SelectField label={t("personMerge.which")} name="duplicateId" defaultValue="" error={result?.fields?.duplicateId}>
                <option value="">—</option>
                {candidates.map((c) => (
                  <option key={c.id} value={c.id}>{[c.name, c.organisationName, c.email].filter(Boolean).join(" · ")}</option>
                ))}
              </SelectField>
              <button type="submit" className="button button-small">{t("personMerge.submit")}</button>
            </Form>
          ) : (
            <p>{t("personMerge.none")}</p>
          )}
        </section>
      ) : null}
      <HistorySection items={history.items} nextCursor={history.nextCursor} of="person" />
      {isAdmin && !anonymisedAt ? (
        <section className="card" aria-labelledby="privacy">
          <h2 id="privacy">{t("privacy.section")}</h2>
          <p>{t("privacy.sectionIntro")}</p>
          <p><Link to={`/people/${person.id}/export`}>{t("privacy.exportLink")}</Link></p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="erase" />
            <CheckboxField label={t("privacy.eraseConfirm")} name="confirmErase" />
            {result?.fields?.confirmErase ? <p className="field-error" role="alert">{result.fields.confirmErase}</p> : null}
            <ConfirmButton className="button button-danger" question={t("privacy.eraseQuestion", { name: person.name })} confirmLabel={t("privacy.erase")}>{t("privacy.erase")}</ConfirmButton>
          </Form>
        </section>
      ) : null}
      {!archived ? (
        <Form
          method="post"
          className="danger-zone"
        >
          <input type="hidden" name="intent" value="archive" />
          <ConfirmButton className="button button-danger" question={t("archive.confirmArchivePerson", { name: person.name })} confirmLabel={t("archive.archivePerson")}>{t("archive.archivePerson")}</ConfirmButton>
        </Form>
      ) : null}
    </div>
  );
}
