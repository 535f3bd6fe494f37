import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ORGANISATION_KINDS, TIERS } from "../../db/schema";
import { dateFormat } from "../../i18n/intl";
import { translator } from "../../i18n";
import { ConvertLeadInput, DismissLeadInput, LeadTarget } from "../../server/domains/leads/leads.schemas";
import { Alert } from "../components/ui/alert";
import { SelectField, TextField } from "../components/ui/field";
import { SubmitButton } from "../components/ui/submit-button";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { formatDayInWords, useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Kansen · Schakel" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "region.read");
  const [leads, owners] = await Promise.all([context.server.listLeads(context.db, scopeOf(user)), context.server.listAssignableUsers(context.db, user.regionId)]);
  // ?convert=<lead>: that lead's short form, rendered by the server, so it opens without JavaScript too.
  const convert = new URL(request.url).searchParams.get("convert");
  return { leads, owners, userId: user.id, canWork: userCan(user, "lead.work"), convert: leads.some((lead) => lead.id === convert) ? convert : null };
}

type ActionResult = FormErrors & { leadId?: string; intent?: string; saved?: string; organisationId?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "lead.work");
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const t = translator(user.locale);
  let leadId: string | undefined;
  try {
    ({ leadId } = parseInput(LeadTarget, { leadId: formData.get("leadId") }, user.locale));
    const { intent: _intent, leadId: _id, ...values } = formValues(formData);
    if (intent === "convert") {
      const input = parseInput(ConvertLeadInput, values, user.locale);
      const lead = (await context.server.listLeads(context.db, scopeOf(user))).find((item) => item.id === leadId);
      const converted = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.convertLead(trx, scope, leadId!, input, meta));
      return json<ActionResult>({
        leadId, intent, organisationId: converted.organisationId,
        saved: t("leads.converted", { name: input.name ?? lead?.toOrganisationName ?? "", person: lead?.personName ?? "" }),
      });
    }
    if (intent === "dismiss") {
      const input = parseInput(DismissLeadInput, values, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.dismissLead(trx, scope, leadId!, input, meta));
      return json<ActionResult>({ leadId, intent, saved: t("leads.dismissed") });
    }
    throw new Response("Unknown action", { status: 400 });
  } catch (error) {
    const response = formError(error, user.locale);
    const body = (await response.clone().json()) as FormErrors;
    return json<ActionResult>({ ...body, leadId, intent }, { status: response.status });
  }
}

/** "maart 2026": until when someone was the region's contact. */
function monthOf(day: string, locale: string) {
  return dateFormat(locale === "nl" ? "nl-NL" : "en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

/**
 * "Kansen": contacts who left a partner and now work at an organisation that is not a partner yet.
 * Each can be turned into a partner with its contact in one short form, or put away.
 */
export default function LeadsPage() {
  const t = useT();
  const locale = useLocale();
  const { leads, owners, userId, canWork, convert } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const defaultOwner = owners.some((owner) => owner.id === userId) ? userId : "";
  return (
    <div className="page">
      <h1>{t("leads.title")}</h1>
      <p className="lead">{t("leads.intro")}</p>
      {result?.saved ? (
        <Alert tone="success">
          {result.saved}{" "}
          {result.organisationId ? <Link to={`/organisations/${result.organisationId}`}>{t("leads.toOrganisation")}</Link> : null}
        </Alert>
      ) : null}
      {leads.length === 0 ? <p className="card">{t("leads.none")}</p> : null}
      <ul className="attention-list">
        {leads.map((lead) => {
          const mine = result?.leadId === lead.id && !result.saved ? result : undefined;
          const open = convert === lead.id || mine?.intent === "convert";
          return (
            <li key={lead.id} id={`lead-${lead.id}`} className="card">
              <h2 className="lead-title">{lead.toOrganisationName}</h2>
              <p>
                {lead.fromOrganisationName && lead.fromEndDate
                  ? t("leads.sentence", { person: lead.personName, from: lead.fromOrganisationName, until: monthOf(lead.fromEndDate, locale), to: lead.toOrganisationName })
                  : t("leads.sentenceNoFrom", { person: lead.personName, to: lead.toOrganisationName })}
              </p>
              <p className="task-meta">
                <Link to={`/people/${lead.personId}`}>{lead.personName}</Link> · {t("leads.since", { date: formatDayInWords(lead.since, locale) })}
              </p>
              {mine?.formError ? <Alert tone="error">{mine.formError}</Alert> : null}
              {canWork ? (
                <div className="actions">
                  {open ? null : <Link className="button" to={`?convert=${lead.id}#lead-${lead.id}`} preventScrollReset>{t("leads.convert")}<span className="visually-hidden">{`: ${lead.toOrganisationName}`}</span></Link>}
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="dismiss" />
                    <input type="hidden" name="leadId" value={lead.id} />
                    <input type="hidden" name="version" value={lead.version} />
                    <SubmitButton className="button button-secondary">{t("leads.dismiss")}<span className="visually-hidden">{`: ${lead.toOrganisationName}`}</span></SubmitButton>
                  </Form>
                </div>
              ) : null}
              {canWork && open ? (
                <Form method="post" noValidate aria-labelledby={`convert-${lead.id}`}>
                  <h3 id={`convert-${lead.id}`}>{t("leads.convertTitle", { name: lead.toOrganisationName })}</h3>
                  <p>{t("leads.convertIntro", { person: lead.personName })}</p>
                  <input type="hidden" name="intent" value="convert" />
                  <input type="hidden" name="leadId" value={lead.id} />
                  <input type="hidden" name="version" value={lead.version} />
                  <TextField label={t("leads.name")} name="name" defaultValue={lead.toOrganisationName} error={mine?.fields?.name} />
                  <div className="grid-2">
                    {lead.toOrganisationId ? null : (
                      <SelectField label={t("leads.kind")} name="kind" defaultValue="company" error={mine?.fields?.kind}>
                        {ORGANISATION_KINDS.map((kind) => <option key={kind} value={kind}>{t(`organisations.kinds.${kind}`)}</option>)}
                      </SelectField>
                    )}
                    <SelectField label={t("leads.tier")} name="tier" defaultValue="regular" error={mine?.fields?.tier}>
                      {TIERS.map((tier) => <option key={tier} value={tier}>{t(`organisations.tiers.${tier}`)}</option>)}
                    </SelectField>
                  </div>
                  <SelectField label={t("leads.owner")} name="accountHolderId" defaultValue={defaultOwner} error={mine?.fields?.accountHolderId}>
                    <option value="">{t("leads.noOwner")}</option>
                    {owners.map((owner) => <option key={owner.id} value={owner.id}>{owner.name}</option>)}
                  </SelectField>
                  <SubmitButton>{t("leads.save")}</SubmitButton>
                </Form>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
