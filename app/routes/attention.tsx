import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type SyntheticEvent } from "react";
import { INTERACTION_KINDS, ORGANISATION_KINDS } from "../../db/schema";
import { ListHealthInput, SnoozeInput } from "../../server/domains/health/health.schemas";
import { LogInteractionInput } from "../../server/domains/interactions/interactions.schemas";
import { AddContactInput } from "../../server/domains/people/people.schemas";
import { HealthBadge, HealthReasons } from "../components/health";
import { SentimentChoice } from "../components/sentiment";
import { Alert } from "../components/ui/alert";
import { SelectField, TextField } from "../components/ui/field";
import { translator } from "../../i18n";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { AssignOwner, AttentionTarget } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Aandacht nodig · Schakel" }];

const INTENTS = ["log-interaction", "assign-owner", "add-contact", "snooze"] as const;
type Intent = (typeof INTENTS)[number];
/** Twenty relationships a page: each card carries its reasons and four ways to act, and on a phone fifty made a page of metres. */
const PAGE_SIZE = 20;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const url = new URL(request.url);
  const scope = scopeOf(user);
  // Her own relationships first when she holds any ("Alleen mijn relaties"); the region one click away.
  const asked = url.searchParams.get("whose");
  const whose = asked === "mine" || asked === "region" ? asked : (await context.server.holdsRelationships(context.db, scope, user.id)) ? "mine" : "region";
  const filters = parseInput(ListHealthInput, {
    accountHolderId: whose === "mine" ? user.id : url.searchParams.get("accountHolderId") || undefined,
    subregionId: url.searchParams.get("subregionId") || undefined,
    kind: url.searchParams.get("kind") || undefined,
    cursor: url.searchParams.get("cursor") || undefined,
  }, user.locale);
  const today = toLocalDate(context.clock.now());
  const [page, counts, owners, subregions] = await Promise.all([
    context.server.listHealth(context.db, scope, { ...filters, state: ["cold", "cooling"], includeSnoozed: false, limit: PAGE_SIZE }, { locale: user.locale, today }),
    context.server.healthCounts(context.db, scope, today, { accountHolderId: whose === "mine" ? user.id : undefined }),
    context.server.listAssignableUsers(context.db, user.regionId),
    context.server.listSubregions(context.db, user.regionId),
  ]);
  // ?open=<organisation>&action=<intent>: that one relationship's form, rendered by the server for
  // browsers without JavaScript (see AttentionActions); `query` keeps the rest of the address.
  const action = url.searchParams.get("action");
  const opened = url.searchParams.get("open") && INTENTS.some((intent) => intent === action) ? { organisationId: url.searchParams.get("open")!, intent: action as Intent } : null;
  const query = new URLSearchParams(url.searchParams);
  query.delete("open");
  query.delete("action");
  return {
    page, counts, owners, subregions, whose, today,
    filters: { whose, accountHolderId: whose === "mine" ? "" : filters.accountHolderId ?? "", subregionId: filters.subregionId ?? "", kind: filters.kind ?? "" },
    canAct: userCan(user, "organisation.work"), opened, query: query.toString(),
  };
}

type ActionResult = FormErrors & { organisationId?: string; intent?: string; saved?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "organisation.work");
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const t = translator(user.locale);
  let organisationId: string | undefined;
  try {
    ({ organisationId } = parseInput(AttentionTarget, { organisationId: formData.get("organisationId") }, user.locale));
    const { intent: _intent, organisationId: _id, ...values } = formValues(formData);
    if (intent === "log-interaction") {
      const input = parseInput(LogInteractionInput, { ...values, organisationId }, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.logInteraction(trx, scope, { ...input, date: input.date ?? toLocalDate(meta.now) }, meta));
      return json<ActionResult>({ organisationId, intent, saved: t("attention.logged") });
    }
    if (intent === "assign-owner") {
      const input = parseInput(AssignOwner, values, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.updateOrganisation(trx, scope, organisationId!, { version: input.version, accountHolderId: input.accountHolderId }, meta));
      return json<ActionResult>({ organisationId, intent, saved: t("attention.assigned") });
    }
    if (intent === "add-contact") {
      const input = parseInput(AddContactInput, values, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.addContact(trx, scope.regionId, organisationId!, { ...input, isPrimary: false }, meta));
      return json<ActionResult>({ organisationId, intent, saved: t("attention.contactAdded") });
    }
    if (intent === "snooze") {
      const input = parseInput(SnoozeInput, values, user.locale);
      const snooze = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.snoozeOrganisation(trx, scope, organisationId!, input, meta));
      return json<ActionResult>({ organisationId, intent, saved: t("attention.snoozed", { until: formatDay(snooze.until, user.locale) }) });
    }
    throw new Response("Unknown action", { status: 400 });
  } catch (error) {
    const response = formError(error, user.locale);
    const body = (await response.clone().json()) as FormErrors;
    return json<ActionResult>({ ...body, organisationId, intent }, { status: response.status });
  }
}

/**
 * "Aandacht nodig": every cold and cooling relationship, most important first (tier, then the
 * longest in that state), each with its reasons and the one-click ways to pick it up.
 */
export default function AttentionPage() {
  const t = useT();
  const locale = useLocale();
  const { page, counts, owners, subregions, whose, filters, today, canAct, opened, query } = useLoaderData<typeof loader>();
  const switchTo = (to: "mine" | "region") => `?${new URLSearchParams({ whose: to, ...(filters.subregionId ? { subregionId: filters.subregionId } : {}), ...(filters.kind ? { kind: filters.kind } : {}) })}`;
  const result = useActionData<ActionResult>();
  return (
    <div className="page">
      <h1>{t("attention.title")}</h1>
      <p className="lead">{t("attention.intro")}</p>
      <nav className="segmented" aria-label={t("attention.whose")}>
        <Link to={switchTo("mine")} aria-current={whose === "mine" ? "page" : undefined}>{t("attention.mine")}</Link>
        <Link to={switchTo("region")} aria-current={whose === "region" ? "page" : undefined}>{t("attention.region")}</Link>
      </nav>
      <p className="health-counts" aria-label={t("attention.countsLabel")}>
        <HealthBadge state="cold" /> {counts.cold} · <HealthBadge state="cooling" /> {counts.cooling} · <HealthBadge state="watch" /> {counts.watch} · <HealthBadge state="healthy" /> {counts.healthy}
        {counts.snoozed ? <> · {t("attention.snoozedCount", { count: counts.snoozed })}</> : null}
      </p>
      {result?.saved && !page.items.some((item) => item.organisationId === result.organisationId) ? <Alert tone="success">{result.saved} {t("attention.leftList")}</Alert> : null}
      <Form method="get" className="filters card">
        <input type="hidden" name="whose" value={whose} />
        {whose === "region" ? (
          <SelectField label={t("attention.owner")} name="accountHolderId" defaultValue={filters.accountHolderId}>
            <option value="">{t("attention.all")}</option>
            {owners.map((owner) => <option key={owner.id} value={owner.id}>{owner.name}</option>)}
          </SelectField>
        ) : null}
        <SelectField label={t("organisations.fields.subregion")} name="subregionId" defaultValue={filters.subregionId}>
          <option value="">{t("attention.all")}</option>
          {subregions.map((subregion) => <option key={subregion.id} value={subregion.id}>{subregion.name}</option>)}
        </SelectField>
        <SelectField label={t("organisations.fields.kind")} name="kind" defaultValue={filters.kind}>
          <option value="">{t("attention.all")}</option>
          {ORGANISATION_KINDS.map((kind) => <option key={kind} value={kind}>{t(`organisations.kinds.${kind}`)}</option>)}
        </SelectField>
        <button type="submit" className="button button-secondary">{t("attention.filter")}</button>
      </Form>
      {page.items.length === 0 ? <p className="card">{whose === "mine" ? t("attention.noneOfMine") : t("attention.none")}</p> : null}
      <ul className="attention-list">
        {page.items.map((item) => {
          const mine = result?.organisationId === item.organisationId ? result : undefined;
          return (
            <li key={item.organisationId} id={`attention-${item.organisationId}`} className={`card attention attention-${item.state}`}>
              <div className="attention-head">
                <h2><Link to={`/organisations/${item.organisationId}`}>{item.name}</Link></h2>
                <HealthBadge state={item.state} />
              </div>
              <p className="task-meta">
                {t(`organisations.kinds.${item.kind}`)} · {t(`organisations.tiers.${item.tier}`)}
                {item.subregionName ? <> · {item.subregionName}</> : null}
                {" · "}{item.accountHolderName ? t("attention.ownedBy", { name: item.accountHolderName }) : t("attention.noOwner")}
                {" · "}{item.lastContactDate ? t("attention.lastContact", { date: formatDay(item.lastContactDate, locale) }) : t("attention.neverContacted")}
              </p>
              <HealthReasons reasons={item.reasons} collapseAfter={1} />
              {mine?.saved ? <Alert tone="success">{mine.saved}</Alert> : null}
              {mine?.formError ? <Alert tone="error">{mine.formError}</Alert> : null}
              {canAct ? <AttentionActions item={item} owners={owners} today={today} errors={mine} opened={opened?.organisationId === item.organisationId ? opened.intent : null} query={query} /> : null}
            </li>
          );
        })}
      </ul>
      {page.nextCursor ? (
        <p><Link className="button button-secondary" to={`?${new URLSearchParams({ ...filters, cursor: page.nextCursor }).toString()}`}>{t("attention.more")}</Link></p>
      ) : null}
    </div>
  );
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["page"]["items"][number];

/**
 * The four ways to act, each a small form that opens in place; errors stay with their form.
 * A form is rendered only once its <details> is opened (or it holds an error): fifty rows of four
 * forms, each with an owner or kind list, made the page 288 KB. With JavaScript, opening the
 * details renders its form at once; without, the closed details hold a link that asks the server
 * for the page with that one form rendered (?open=…&action=…), which the browser scrolls to.
 */
function AttentionActions({ item, owners, today, errors, opened, query }: {
  item: Item; owners: Array<{ id: string; name: string }>; today: string; errors: ActionResult | undefined; opened: Intent | null; query: string;
}) {
  const t = useT();
  const [toggled, setToggled] = useState<ReadonlySet<string>>(() => new Set());
  const container = useRef<HTMLDivElement>(null);
  const show = (intent: string) => setToggled((current) => (current.has(intent) ? current : new Set(current).add(intent)));
  // A details opened before the page was hydrated fired no onToggle that React saw.
  useEffect(() => {
    container.current?.querySelectorAll<HTMLDetailsElement>("details[open][data-intent]").forEach((details) => show(details.dataset.intent!));
  }, []);
  const onToggle = (event: SyntheticEvent<HTMLDetailsElement>) => {
    if (event.currentTarget.open) show(event.currentTarget.dataset.intent!);
  };
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("organisationId") === item.organisationId;
  const fieldsOf = (intent: string) => (errors?.intent === intent && !errors.saved ? errors.fields : undefined);
  const hidden = (intent: string) => (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="organisationId" value={item.organisationId} />
    </>
  );
  const open = (intent: Intent) => Boolean(fieldsOf(intent)) || opened === intent;
  const rendered = (intent: Intent) => open(intent) || toggled.has(intent) || (errors?.intent === intent && !errors.saved);
  const fallback = (intent: Intent) => {
    const params = new URLSearchParams(query);
    params.set("open", item.organisationId);
    params.set("action", intent);
    return <Link to={`?${params.toString()}#attention-${item.organisationId}`} preventScrollReset>{t("attention.actions.open")}</Link>;
  };
  return (
    <div className="attention-actions" ref={container}>
      <details open={open("log-interaction")} data-intent="log-interaction" onToggle={onToggle}>
        <summary>{t("attention.actions.log")}</summary>
        {rendered("log-interaction") ? <Form method="post" noValidate>
          {hidden("log-interaction")}
          <div className="grid-2">
            <SelectField label={t("interactions.kind")} name="kind" defaultValue="call" error={fieldsOf("log-interaction")?.kind}>
              {INTERACTION_KINDS.map((kind) => <option key={kind} value={kind}>{t(`interactions.kinds.${kind}`)}</option>)}
            </SelectField>
            <TextField label={t("interactions.date")} name="date" type="date" defaultValue={today} max={today} error={fieldsOf("log-interaction")?.date} />
          </div>
          <TextField label={t("interactions.summary")} name="summary" error={fieldsOf("log-interaction")?.summary} />
          <SentimentChoice error={fieldsOf("log-interaction")?.sentiment} />
          <button type="submit" className="button" disabled={busy}>{t("attention.actions.logSubmit")}</button>
        </Form> : fallback("log-interaction")}
      </details>
      <details open={open("assign-owner")} data-intent="assign-owner" onToggle={onToggle}>
        <summary>{t("attention.actions.assign")}</summary>
        {rendered("assign-owner") ? <Form method="post" noValidate>
          {hidden("assign-owner")}
          <input type="hidden" name="version" value={item.version} />
          <SelectField label={t("organisations.fields.accountHolder")} name="accountHolderId" defaultValue={item.accountHolderId ?? ""} error={fieldsOf("assign-owner")?.accountHolderId}>
            <option value="">{t("attention.choose")}</option>
            {owners.map((owner) => <option key={owner.id} value={owner.id}>{owner.name}</option>)}
          </SelectField>
          <button type="submit" className="button" disabled={busy}>{t("attention.actions.assignSubmit")}</button>
        </Form> : fallback("assign-owner")}
      </details>
      <details open={open("add-contact")} data-intent="add-contact" onToggle={onToggle}>
        <summary>{t("attention.actions.contact")}</summary>
        {rendered("add-contact") ? <Form method="post" noValidate>
          {hidden("add-contact")}
          <div className="grid-2">
            <TextField label={t("common.name")} name="name" error={fieldsOf("add-contact")?.name} />
            <TextField label={t("contacts.role")} name="role" error={fieldsOf("add-contact")?.role} />
            <TextField label={t("common.email")} name="email" type="email" error={fieldsOf("add-contact")?.email} />
            <TextField label={t("contacts.phone")} name="phone" error={fieldsOf("add-contact")?.phone} />
          </div>
          <button type="submit" className="button" disabled={busy}>{t("attention.actions.contactSubmit")}</button>
        </Form> : fallback("add-contact")}
      </details>
      <details open={open("snooze")} data-intent="snooze" onToggle={onToggle}>
        <summary>{t("attention.actions.snooze")}</summary>
        {rendered("snooze") ? <Form method="post" noValidate>
          {hidden("snooze")}
          <div className="grid-2">
            <TextField label={t("attention.weeks")} name="weeks" type="number" min={1} max={52} defaultValue="4" error={fieldsOf("snooze")?.weeks} />
            <TextField label={t("attention.reason")} name="reason" error={fieldsOf("snooze")?.reason} />
          </div>
          <button type="submit" className="button button-secondary" disabled={busy}>{t("attention.actions.snoozeSubmit")}</button>
        </Form> : fallback("snooze")}
      </details>
    </div>
  );
}
