import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ConfirmJobChangeInput, DismissJobChangeInput, JobChangeTarget, LinkInboxItemInput } from "../../server/domains/mail-capture/mail-capture.schemas";
import { translator } from "../../i18n";
import { Alert } from "../components/ui/alert";
import { CheckboxField, TextField } from "../components/ui/field";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { InboxQuery, InboxTarget } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Te koppelen · Schakel" }];

const OFFERED = 8;
const SUGGESTED = 5;

/** The service's reasons (in English, for the API) as the page says them. */
const REASONS: Record<string, string> = {
  "The message names no one but you": "inbox.reasons.noOne",
  "The known people in the message have no current organisation": "inbox.reasons.noOrganisation",
  "No known contact person in the message": "inbox.reasons.unknown",
  "Replaced or cancelled by a later invitation": "inbox.reasons.replaced",
};

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "interaction.log");
  const url = new URL(request.url);
  const parsed = InboxQuery.safeParse(Object.fromEntries([...url.searchParams].filter(([, value]) => value !== "")));
  if (!parsed.success) throw new Response("Bad request", { status: 400 });
  const query = parsed.data;
  const scope = scopeOf(user);
  const today = toLocalDate(context.clock.now());
  const page = await context.server.listInbox(context.db, scope, { limit: 50, cursor: query.cursor });
  // The item being linked: its organisation to choose, or, once chosen, its people and the new contact.
  const selected = query.item ? await context.server.getInboxItem(context.db, scope, query.item) : null;
  let choosing: { suggested: Choice[]; offered: Array<Choice & { why: string }>; q: string } | null = null;
  let confirming: { organisation: Choice; contacts: Array<{ personId: string; name: string; email: string | null; role: string | null }>; guess: { name: string; email: string } } | null = null;
  if (selected && query.organisation) {
    const organisation = await context.server.getOrganisation(context.db, scope, query.organisation);
    const contacts = (await context.server.listOrganisationContacts(context.db, user.regionId, organisation.id)).filter((contact) => !contact.endDate || contact.endDate > today);
    const unique = [...new Map(contacts.map((contact) => [contact.personId, { personId: contact.personId, name: contact.name, email: contact.email, role: contact.role }])).values()];
    confirming = { organisation: { id: organisation.id, name: organisation.name, city: organisation.city }, contacts: unique, guess: newPersonGuess(selected) };
  } else if (selected) {
    const [suggested, offered] = await Promise.all([
      query.q ? Promise.resolve([]) : context.server.suggestOrganisationsFor(context.db, scope, selected, { limit: SUGGESTED, today }),
      context.server.organisationsToLog(context.db, scope, { q: query.q, limit: OFFERED }),
    ]);
    const shown = new Set(suggested.map((organisation) => organisation.id));
    choosing = { suggested, offered: offered.filter((organisation) => !shown.has(organisation.id)), q: query.q ?? "" };
  }
  // An item linked from a later page is shown on its own, above the list.
  const items = selected && !page.items.some((item) => item.id === selected.id) ? [selected, ...page.items] : page.items;
  const jobChanges = (await context.server.listJobChangeSuggestions(context.db, scope, { today, limit: 20 })).items;
  return { items, nextCursor: page.nextCursor, selectedId: selected?.id ?? null, choosing, confirming, jobChanges };
}

type Choice = { id: string; name: string; city: string | null };

/** The unknown party to add as a contact person: the sender of a forward, else the first other address; a name from the mail or the address. */
function newPersonGuess(item: { fromAddress: string | null; fromName: string | null; participants: string[] }): { name: string; email: string } {
  const email = item.fromAddress && item.participants.includes(item.fromAddress) ? item.fromAddress : (item.participants[0] ?? "");
  if (email && email === item.fromAddress && item.fromName) return { name: item.fromName, email };
  // jan.de.vries@… → "Jan de Vries"; an address without separators gives no guess.
  const local = email.split("@")[0] ?? "";
  const parts = local.split(/[._-]+/).filter(Boolean);
  if (parts.length < 2 || parts.some((part) => /\d/.test(part))) return { name: "", email };
  const small = new Set(["van", "de", "der", "den", "het", "ter", "ten", "te", "in", "op"]);
  const name = parts.map((part, index) => (index > 0 && small.has(part.toLowerCase()) ? part.toLowerCase() : part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())).join(" ");
  return { name, email };
}

type ActionResult = FormErrors & {
  itemId?: string; suggestionId?: string; intent?: string; saved?: string; organisationId?: string; leadsLink?: boolean; values?: Record<string, string>; personIds?: string[];
};

/** "Mogelijk van baan gewisseld": confirmed through the new-job flow, or put away. */
async function jobChangeAction(context: ActionFunctionArgs["context"], user: ReturnType<typeof requirePermission>, intent: string, values: Record<string, string>) {
  const t = translator(user.locale);
  let suggestionId: string | undefined;
  try {
    ({ suggestionId } = parseInput(JobChangeTarget, { suggestionId: values.suggestionId }, user.locale));
    if (intent === "job-change-confirm") {
      const input = parseInput(ConfirmJobChangeInput, values, user.locale);
      const suggestion = (await context.server.listJobChangeSuggestions(context.db, scopeOf(user), { today: toLocalDate(context.clock.now()), limit: 100 })).items.find((item) => item.id === suggestionId);
      const done = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.confirmJobChange(trx, scope, suggestionId!, input, meta));
      const person = suggestion?.personName ?? "";
      const job = done.leadId ? t("inbox.jobChanges.confirmedLead", { person }) : t("inbox.jobChanges.confirmed", { person });
      const address = done.email ? t("inbox.jobChanges.newAddress", { email: done.email }) : t("inbox.jobChanges.addressKept", { email: suggestion?.email ?? "" });
      return json<ActionResult>({
        intent, suggestionId, saved: `${job} ${address}`,
        leadsLink: Boolean(done.leadId), ...(done.organisationId ? { organisationId: done.organisationId } : {}),
      });
    }
    const input = parseInput(DismissJobChangeInput, values, user.locale);
    await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.dismissJobChange(trx, scope, suggestionId!, input, meta));
    return json<ActionResult>({ intent, suggestionId, saved: t("inbox.jobChanges.dismissed") });
  } catch (error) {
    const response = formError(error, user.locale);
    const body = (await response.clone().json()) as ActionResult;
    return json<ActionResult>({ ...body, intent, suggestionId, values }, { status: response.status });
  }
}

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "interaction.log");
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const t = translator(user.locale);
  const values = formValues(formData);
  if (intent === "job-change-confirm" || intent === "job-change-dismiss") return jobChangeAction(context, user, intent, values);
  const personIds = formData.getAll("personIds").filter((value): value is string => typeof value === "string" && value !== "");
  let itemId: string | undefined;
  try {
    ({ itemId } = parseInput(InboxTarget, { itemId: values.itemId }, user.locale));
    if (intent === "link") {
      const input = parseInput(LinkInboxItemInput, {
        organisationId: values.organisationId,
        personIds,
        newPerson: values.addPerson ? { name: values["newPerson.name"], email: values["newPerson.email"] } : null,
      }, user.locale);
      const linked = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.linkInboxItem(trx, scope, itemId!, input, meta));
      const name = linked.interaction.organisationName;
      const saved = input.newPerson ? t("inbox.linkedWithPerson", { name, person: input.newPerson.name }) : t("inbox.linked", { name });
      return json<ActionResult>({ intent, itemId, saved, organisationId: linked.interaction.organisationId });
    }
    if (intent === "discard") {
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.discardInboxItem(trx, scope, itemId!, meta));
      return json<ActionResult>({ intent, itemId, saved: t("inbox.discarded") });
    }
    return json<ActionResult>({ formError: "Unknown action" }, { status: 400 });
  } catch (error) {
    const response = formError(error, user.locale);
    const body = (await response.clone().json()) as ActionResult;
    // A chosen person that is not one ("personIds.0") is said next to the list of people.
    if (body.fields) {
      for (const key of Object.keys(body.fields)) {
        if (key.startsWith("personIds.")) body.fields.personIds ??= body.fields[key]!;
      }
    }
    return json<ActionResult>({ ...body, intent, itemId, values, personIds }, { status: response.status });
  }
}

/**
 * "Te koppelen": the user's logged mail Schakel could not place (no known person in it), each to
 * link to an organisation — choosing it, then the people of it the mail was with and optionally the
 * unknown sender as a new contact person, in one step — or to discard.
 */
export default function InboxPage() {
  const t = useT();
  const { items, nextCursor, selectedId, jobChanges } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const done = result?.saved ? result : undefined;
  return (
    <div className="page inbox">
      <h1>{t("inbox.title")}</h1>
      {done ? (
        <Alert tone="success">
          {done.saved} {done.organisationId ? <Link to={`/organisations/${done.organisationId}`}>{t("inbox.open")}</Link> : null}
          {done.leadsLink ? <Link to="/leads">{t("inbox.jobChanges.toLeads")}</Link> : null}
        </Alert>
      ) : null}
      {jobChanges.length ? <JobChanges suggestions={jobChanges} result={result} /> : null}
      {result?.formError && !items.some((item) => item.id === result.itemId) ? <Alert tone="error">{result.formError}</Alert> : null}
      {items.length === 0 ? (
        <section className="card inbox-empty" aria-labelledby="inbox-empty">
          <h2 id="inbox-empty">{t("inbox.emptyTitle")}</h2>
          <p>{t("inbox.empty")}</p>
          <p><Link to="/profile">{t("inbox.emptyProfile")}</Link></p>
        </section>
      ) : (
        <>
          <p className="lead">{t("inbox.intro")}</p>
          <ul className="inbox-list">
            {items.map((item) => (
              <InboxCard key={item.id} item={item} selected={item.id === selectedId} result={result?.itemId === item.id && !result.saved ? result : undefined} />
            ))}
          </ul>
          {nextCursor ? <p><Link className="button button-quiet" to={`?cursor=${nextCursor}`}>{t("inbox.more")}</Link></p> : null}
        </>
      )}
    </div>
  );
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

function InboxCard({ item, selected, result }: { item: Item; selected: boolean; result: ActionResult | undefined }) {
  const t = useT();
  const locale = useLocale();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("itemId") === item.id;
  const subject = item.subject ?? t("inbox.noSubject");
  const headingId = `item-${item.id}-subject`;
  // Mail the user sent is about whom it went to; a forward or an invitation about whom it came from.
  const sent = item.kind === "sent";
  const from = !sent && item.fromAddress ? (item.fromName ? `${item.fromName} <${item.fromAddress}>` : item.fromAddress) : null;
  const others = item.participants.filter((address) => sent || address !== item.fromAddress);
  const reason = item.reason ? (REASONS[item.reason] ? t(REASONS[item.reason]!) : item.reason) : null;
  return (
    <li id={`item-${item.id}`} className={`card inbox-item${selected ? " inbox-item-open" : ""}`} aria-labelledby={headingId}>
      <h2 id={headingId} className="inbox-subject">{subject}</h2>
      <dl className="inbox-facts">
        {from ? (
          <div>
            <dt>{t("inbox.from")}</dt>
            <dd>{from}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t("inbox.date")}</dt>
          <dd>{formatDay(item.date, locale)} · {t(`inbox.kinds.${item.kind}`)}</dd>
        </div>
        {others.length ? (
          <div>
            <dt>{sent ? t("inbox.to") : t("inbox.others")}</dt>
            <dd>{others.join(", ")}</dd>
          </div>
        ) : null}
        {item.attachmentNames.length ? (
          <div>
            <dt>{t("inbox.attachments")}</dt>
            <dd>{item.attachmentNames.join(", ")}</dd>
          </div>
        ) : null}
        {reason ? (
          <div>
            <dt>{t("inbox.why")}</dt>
            <dd>{reason}</dd>
          </div>
        ) : null}
      </dl>
      {item.text ? (
        <details className="inbox-text">
          <summary>{t("inbox.text")}</summary>
          <p className="email-text">{item.text}</p>
        </details>
      ) : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}
      {selected ? (
        <LinkSteps item={item} result={result} busy={busy} />
      ) : (
        <div className="actions">
          <Link className="button" to={`?item=${item.id}#item-${item.id}`} aria-label={t("inbox.linkLabel", { subject })}>{t("inbox.link")}</Link>
          <Form method="post" action="/inbox">
            <input type="hidden" name="intent" value="discard" />
            <input type="hidden" name="itemId" value={item.id} />
            <button type="submit" className="button button-quiet" disabled={busy} aria-label={t("inbox.discardLabel", { subject })}>{t("inbox.discard")}</button>
          </Form>
        </div>
      )}
    </li>
  );
}

/** Choosing the organisation (search or a suggestion), then who of it and the new contact person. */
function LinkSteps({ item, result, busy }: { item: Item; result: ActionResult | undefined; busy: boolean }) {
  const t = useT();
  const { choosing, confirming } = useLoaderData<typeof loader>();
  const anchor = `#item-${item.id}`;
  if (confirming) {
    const { organisation, contacts, guess } = confirming;
    const fields = result?.fields;
    const typed = (name: string, fallback: string) => (result?.values ? (result.values[name] ?? "") : fallback);
    const addPerson = result?.values ? Boolean(result.values.addPerson) : Boolean(guess.email);
    return (
      <Form method="post" noValidate className="inbox-step" aria-labelledby={`link-${item.id}`}>
        <input type="hidden" name="intent" value="link" />
        <input type="hidden" name="itemId" value={item.id} />
        <input type="hidden" name="organisationId" value={organisation.id} />
        <h3 id={`link-${item.id}`}>{t("inbox.linkTo", { name: organisation.name })}</h3>
        <p><Link to={`?item=${item.id}${anchor}`}>{t("inbox.otherOrganisation")}</Link></p>
        {fields?.organisationId ? <p className="field-error" role="alert">{fields.organisationId}</p> : null}
        <fieldset className="choices">
          <legend>{t("inbox.people", { name: organisation.name })}</legend>
          {contacts.length === 0 ? <p>{t("inbox.noPeople", { name: organisation.name })}</p> : null}
          {contacts.map((contact) => (
            <label key={contact.personId} className="choice">
              <input type="checkbox" name="personIds" value={contact.personId} defaultChecked={result?.personIds?.includes(contact.personId)} />
              <span className="choice-text">
                <strong>{contact.name}</strong>
                {contact.role || contact.email ? <span className="choice-meta">{[contact.role, contact.email].filter(Boolean).join(" · ")}</span> : null}
              </span>
            </label>
          ))}
          {fields?.personIds ? <p className="field-error" role="alert">{fields.personIds}</p> : null}
        </fieldset>
        <div className="inbox-new-person">
          <CheckboxField name="addPerson" label={t("inbox.addPerson", { name: organisation.name })} defaultChecked={addPerson} />
          <p className="field-hint">{t("inbox.addPersonHint")}</p>
          <div className="grid-2">
            <TextField label={t("common.name")} name="newPerson.name" maxLength={200} autoComplete="off" defaultValue={typed("newPerson.name", guess.name)} error={fields?.["newPerson.name"]} />
            <TextField label={t("common.email")} name="newPerson.email" type="email" maxLength={254} autoComplete="off" defaultValue={typed("newPerson.email", guess.email)} error={fields?.["newPerson.email"]} />
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>{t("inbox.submit")}</button>
          <Link to="/inbox">{t("inbox.cancel")}</Link>
        </div>
      </Form>
    );
  }
  if (!choosing) return null;
  const choice = (organisation: Choice, meta: string) => (
    <li key={organisation.id}>
      <Link className="choice" to={`?item=${item.id}&organisation=${organisation.id}${anchor}`}>
        <span className="choice-text">
          <strong>{organisation.name}</strong>
          {meta ? <span className="choice-meta">{meta}</span> : null}
        </span>
        <span className="choice-go" aria-hidden="true">{t("inbox.choose")} ›</span>
      </Link>
    </li>
  );
  const why = (value: string) => (value === "attention" ? t("quickLog.whyAttention") : value === "recent" ? t("quickLog.whyRecent") : "");
  return (
    <section className="inbox-step" aria-labelledby={`choose-${item.id}`}>
      <h3 id={`choose-${item.id}`}>{t("inbox.chooseOrganisation")}</h3>
      <Form method="get" action="/inbox" className="quick-log-search" role="search">
        <input type="hidden" name="item" value={item.id} />
        <TextField label={t("inbox.search")} name="q" type="search" defaultValue={choosing.q} autoComplete="off" />
        <button type="submit" className="button button-quiet">{t("inbox.find")}</button>
      </Form>
      {choosing.suggested.length ? (
        <>
          <p className="choices-heading">{t("inbox.suggested")}</p>
          <ul className="organisation-choices">{choosing.suggested.map((organisation) => choice(organisation, organisation.city ?? ""))}</ul>
        </>
      ) : null}
      <p className="choices-heading">{choosing.q ? t("inbox.found") : t("inbox.yours")}</p>
      {choosing.offered.length === 0 ? <p>{choosing.q ? t("inbox.noMatch") : t("inbox.noSuggestions")}</p> : null}
      <ul className="organisation-choices">
        {choosing.offered.map((organisation) => choice(organisation, [organisation.city, why(organisation.why)].filter(Boolean).join(" · ")))}
      </ul>
      <p><Link to="/inbox">{t("inbox.cancel")}</Link></p>
    </section>
  );
}

type Suggestion = { id: string; personId: string; personName: string; email: string; seenOn: string; organisationNames: string[]; likelyEmployer: string | null; version: number };

/** Known contacts seen in the user's mail at another company's domain: confirm the new job, or put it away. */
function JobChanges({ suggestions, result }: { suggestions: Suggestion[]; result: ActionResult | undefined }) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="card" aria-labelledby="job-changes">
      <h2 id="job-changes">{t("inbox.jobChanges.title")}</h2>
      <p>{t("inbox.jobChanges.intro")}</p>
      <ul className="plain-list">
        {suggestions.map((s) => {
          const mine = result?.suggestionId === s.id && !result.saved ? result : undefined;
          return (
            <li key={s.id} className="job-change">
              <p>
                <strong><Link to={`/people/${s.personId}`}>{s.personName}</Link></strong>
                {s.organisationNames.length ? <> · {s.organisationNames.join(", ")}</> : null}
                <br />
                {t("inbox.jobChanges.sentence", { organisations: s.organisationNames.join(", "), date: formatDay(s.seenOn, locale), email: s.email })}
              </p>
              {mine?.formError ? <Alert tone="error">{mine.formError}</Alert> : null}
              <Form method="post" noValidate aria-label={`${t("inbox.jobChanges.title")}: ${s.personName}`}>
                <input type="hidden" name="suggestionId" value={s.id} />
                <input type="hidden" name="version" value={s.version} />
                <div className="grid-2">
                  <TextField label={t("inbox.jobChanges.employer")} name="employerName" defaultValue={mine?.values?.employerName ?? s.likelyEmployer ?? ""} hint={t("inbox.jobChanges.employerHint")} error={mine?.fields?.employerName} />
                  <TextField label={t("inbox.jobChanges.since")} name="startDate" type="date" defaultValue={mine?.values?.startDate ?? s.seenOn} error={mine?.fields?.startDate} />
                </div>
                {/* One form, two answers: Enter confirms (the first button); "Klopt niet" needs no employer. */}
                <div className="actions">
                  <button type="submit" className="button" name="intent" value="job-change-confirm">{t("inbox.jobChanges.confirm")}</button>
                  <button type="submit" className="button button-secondary" name="intent" value="job-change-dismiss" formNoValidate>
                    {t("inbox.jobChanges.dismiss")}<span className="visually-hidden">{`: ${s.personName}`}</span>
                  </button>
                </div>
              </Form>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
