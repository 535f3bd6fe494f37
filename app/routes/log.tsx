import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { INTERACTION_KINDS } from "../../db/schema";
import { LogInteractionInput } from "../../server/domains/interactions/interactions.schemas";
import { HealthBadge } from "../components/health";
import { SentimentChoice } from "../components/sentiment";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { QuickLogSearch } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Snel vastleggen · Schakel" }];

const OFFERED = 8;

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requirePermission(context, request, "interaction.log");
  const { q } = parseInput(QuickLogSearch, { q: new URL(request.url).searchParams.get("q") || undefined }, user.locale);
  const organisations = await context.server.organisationsToLog(context.db, scopeOf(user), { q, limit: OFFERED });
  return { organisations, q: q ?? "" };
}

type ActionResult = FormErrors & { saved?: { organisationId: string; organisationName: string } };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requirePermission(context, request, "interaction.log");
  const values = formValues(await request.formData());
  try {
    const input = parseInput(LogInteractionInput, { organisationId: values.organisationId, kind: values.kind, summary: values.summary, sentiment: values.sentiment }, user.locale);
    const logged = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.logInteraction(trx, scope, { ...input, date: toLocalDate(meta.now) }, meta));
    return json<ActionResult>({ saved: { organisationId: logged.organisationId, organisationName: logged.organisationName } });
  } catch (error) {
    const response = formError(error, user.locale);
    return json<ActionResult>((await response.clone().json()) as FormErrors, { status: response.status });
  }
}

/**
 * "Snel vastleggen": a contact moment from a phone in three taps and one sentence — which
 * organisation (one's own relationships that need attention and the ones logged most recently are
 * offered first, or search), what kind of contact, a line of text. Dated today.
 */
export default function QuickLogPage() {
  const t = useT();
  const { organisations, q } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const form = useRef<HTMLFormElement>(null);
  const busy = navigation.state === "submitting" && navigation.formMethod === "POST";

  // After a save the form is ready for the next one.
  useEffect(() => {
    if (result?.saved) form.current?.reset();
  }, [result]);

  return (
    <div className="page quick-log">
      <h1>{t("quickLog.title")}</h1>
      <p className="lead">{t("quickLog.intro")}</p>
      {result?.saved ? (
        <Alert tone="success">
          {t("quickLog.saved", { name: result.saved.organisationName })} <Link to={`/organisations/${result.saved.organisationId}`}>{t("quickLog.open")}</Link>
        </Alert>
      ) : null}
      {result?.formError ? <Alert tone="error">{result.formError}</Alert> : null}

      <Form method="get" className="quick-log-search" role="search">
        <TextField label={t("quickLog.search")} name="q" type="search" defaultValue={q} autoComplete="off" />
        <button type="submit" className="button button-secondary">{t("quickLog.find")}</button>
      </Form>

      <Form method="post" ref={form} className="card quick-log-form">
        <fieldset className="choices">
          <legend>{q ? t("quickLog.found") : t("quickLog.suggested")}</legend>
          {organisations.length === 0 ? <p>{q ? t("quickLog.noMatch") : t("quickLog.noSuggestions")}</p> : null}
          {organisations.map((organisation, index) => (
            <label key={organisation.id} className="choice">
              <input type="radio" name="organisationId" value={organisation.id} defaultChecked={organisations.length === 1 && index === 0} required />
              <span className="choice-text">
                <strong>{organisation.name}</strong>
                <span className="choice-meta">
                  {organisation.city ? `${organisation.city} · ` : ""}
                  {organisation.why === "attention" ? t("quickLog.whyAttention") : organisation.why === "recent" ? t("quickLog.whyRecent") : t("quickLog.whyMatch")}
                </span>
              </span>
              {organisation.healthState ? <HealthBadge state={organisation.healthState} /> : null}
            </label>
          ))}
          {result?.fields?.organisationId ? <p className="field-error" role="alert">{result.fields.organisationId}</p> : null}
        </fieldset>

        <fieldset className="choices choices-inline">
          <legend>{t("interactions.kind")}</legend>
          {INTERACTION_KINDS.map((kind) => (
            <label key={kind} className="choice">
              <input type="radio" name="kind" value={kind} defaultChecked={kind === "call"} />
              <span className="choice-text">{t(`interactions.kinds.${kind}`)}</span>
            </label>
          ))}
          {result?.fields?.kind ? <p className="field-error" role="alert">{result.fields.kind}</p> : null}
        </fieldset>

        <TextField label={t("quickLog.summary")} name="summary" required maxLength={5000} autoComplete="off" error={result?.fields?.summary} hint={t("quickLog.summaryHint")} />
        <SentimentChoice error={result?.fields?.sentiment} />
        <button type="submit" className="button" disabled={busy}>{t("interactions.logSubmit")}</button>
      </Form>
    </div>
  );
}
