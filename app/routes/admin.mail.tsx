import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { MAIL_RETENTIONS } from "../../db/schema";
import { MailRetentionInput, NeverLogInput } from "../../server/domains/mail-capture/mail-capture.schemas";
import { translator } from "../../i18n";
import { Alert } from "../components/ui/alert";
import { TextField } from "../components/ui/field";
import { parseInput } from "../../server/validation";
import { scopeOf } from "../../server/auth/current-user";
import { requirePermission } from "../utils/auth.server";
import { type FormErrors, formError, formValues, parseForm } from "../utils/forms.server";
import { formatDay, useLocale, useT } from "../utils/i18n";
import { NeverLogEntryTarget } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "E-mailregistratie · Schakel" }];

/** The address a mail provider relays to (server/domains/mail-capture/inbound-mail.routes.ts). */
const INBOUND_PATH = "/api/v1/inbound/mail";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const [settings, entries] = await Promise.all([context.server.getMailCaptureSettings(context.db, admin.regionId), context.server.listNeverLog(context.db, scopeOf(admin))]);
  return {
    retention: settings.retention,
    hasInboundSecret: settings.hasInboundSecret,
    inboundSecretSince: settings.inboundSecretCreatedAt ? settings.inboundSecretCreatedAt.toISOString().slice(0, 10) : null,
    // The region's list only: a user's own entries are theirs (the profile's).
    entries: entries.filter((entry) => entry.forRegion).map((entry) => ({ id: entry.id, pattern: entry.pattern, droppedCount: entry.droppedCount, since: entry.createdAt.toISOString().slice(0, 10) })),
    webhook: `${context.config.appUrl}${INBOUND_PATH}`,
    domain: context.config.inboundMail.domain,
  };
}

type ActionData = FormErrors & { intent?: string; success?: string; secret?: string; values?: Record<string, string> };

export async function action({ context, request }: ActionFunctionArgs) {
  const admin = requirePermission(context, request, "region.manage");
  const formData = await request.formData();
  const intent = String(formData.get("intent") ?? "");
  const t = translator(admin.locale);
  try {
    if (intent === "retention") {
      const { retention } = parseForm(MailRetentionInput, formData, admin.locale);
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.setMailRetention(trx, scope, retention, meta));
      return json<ActionData>({ intent, success: t("mailSettings.retentionSaved", { choice: t(`mailSettings.retentions.${retention}`) }) });
    }
    if (intent === "add-never-log") {
      const input = parseInput(NeverLogInput, { pattern: formData.get("pattern") ?? undefined, forRegion: true }, admin.locale);
      const entry = await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.addNeverLog(trx, scope, input, meta));
      return json<ActionData>({ intent, success: t("mailSettings.added", { pattern: entry.pattern }) });
    }
    if (intent === "remove-never-log") {
      const { entryId } = parseForm(NeverLogEntryTarget, formData, admin.locale);
      const pattern = String(formData.get("pattern") ?? "").slice(0, 254);
      await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.removeNeverLog(trx, scope, entryId, meta, "region"));
      return json<ActionData>({ intent, success: t("mailSettings.removed", { pattern }) });
    }
    if (intent === "rotate-secret") {
      const { secret } = await context.server.runChange(context, admin, ({ trx, scope, meta }) => context.server.rotateInboundSecret(trx, scope, meta));
      return json<ActionData>({ intent, secret });
    }
    return json<ActionData>({ formError: "Unknown action" }, { status: 400 });
  } catch (error) {
    const response = formError(error, admin.locale);
    const body = (await response.clone().json()) as ActionData;
    return json<ActionData>({ ...body, intent, ...(body.fields && { values: formValues(formData) }) }, { status: response.status });
  }
}

/**
 * "E-mailregistratie": what the region keeps of a logged mail, the addresses never to log, and the
 * secret with which a mail provider relays mail over HTTP (shown once, with the address and headers).
 */
export default function MailSettingsPage() {
  const t = useT();
  const locale = useLocale();
  const { retention, hasInboundSecret, inboundSecretSince, entries, webhook, domain } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const errorsOf = (intent: string) => (data?.intent === intent && !data.success && !data.secret ? data : undefined);
  const retentionErrors = errorsOf("retention");
  const neverLogErrors = errorsOf("add-never-log");
  const secret = data?.intent === "rotate-secret" ? data.secret : undefined;
  const addForm = useRef<HTMLFormElement>(null);
  // After an entry is added (or was listed already) the field is ready for the next one.
  useEffect(() => {
    if (data?.intent === "add-never-log" && data.success) addForm.current?.reset();
  }, [data]);

  return (
    <div className="page mail-settings">
      <h1>{t("mailSettings.title")}</h1>
      <p className="lead">{t("mailSettings.intro")}</p>
      {data?.success ? <Alert tone="success">{data.success}</Alert> : null}
      {data?.formError && !retentionErrors && !neverLogErrors ? <Alert tone="error">{data.formError}</Alert> : null}

      <section className="card section-form" aria-labelledby="retention">
        <h2 id="retention">{t("mailSettings.retention")}</h2>
        <p className="lead">{t("mailSettings.retentionIntro")}</p>
        {retentionErrors?.formError ? <Alert tone="error">{retentionErrors.formError}</Alert> : null}
        <Form method="post" key={`retention-${retention}`}>
          <input type="hidden" name="intent" value="retention" />
          <fieldset className="choices">
            <legend className="visually-hidden">{t("mailSettings.retention")}</legend>
            {MAIL_RETENTIONS.map((choice) => (
              <label key={choice} className="choice">
                <input type="radio" name="retention" value={choice} defaultChecked={choice === retention} />
                <span className="choice-text">
                  <strong>{t(`mailSettings.retentions.${choice}`)}</strong>
                  <span className="choice-meta">{t(`mailSettings.retentionHints.${choice}`)}</span>
                </span>
              </label>
            ))}
            {retentionErrors?.fields?.retention ? <p className="field-error" role="alert">{retentionErrors.fields.retention}</p> : null}
          </fieldset>
          <button type="submit" className="button" disabled={busy}>{t("common.save")}</button>
        </Form>
      </section>

      <section className="mail-never-log" aria-labelledby="never-log">
        <h2 id="never-log">{t("mailSettings.neverLog")}</h2>
        <p className="lead">{t("mailSettings.neverLogIntro")}</p>
        {entries.length ? (
          <ul className="never-log-list">
            {entries.map((entry) => (
              <li key={entry.id} className="never-log-entry">
                <span className="choice-text">
                  <strong className="never-log-pattern">{entry.pattern}</strong>
                  <span className="choice-meta">
                    {t("mailSettings.entryMeta", {
                      dropped: entry.droppedCount === 1 ? t("mailSettings.droppedOne") : t("mailSettings.droppedCount", { count: entry.droppedCount }),
                      date: formatDay(entry.since, locale),
                    })}
                  </span>
                </span>
                <Form method="post">
                  <input type="hidden" name="intent" value="remove-never-log" />
                  <input type="hidden" name="entryId" value={entry.id} />
                  <input type="hidden" name="pattern" value={entry.pattern} />
                  <button type="submit" className="button button-danger button-small" disabled={busy} aria-label={t("mailSettings.removeLabel", { pattern: entry.pattern })}>
                    {t("mailSettings.remove")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        ) : (
          <p>{t("mailSettings.none")}</p>
        )}
        <div className="card section-form">
          {neverLogErrors?.formError ? <Alert tone="error">{neverLogErrors.formError}</Alert> : null}
          <Form method="post" noValidate ref={addForm} className="quick-log-search">
            <input type="hidden" name="intent" value="add-never-log" />
            <TextField label={t("mailSettings.pattern")} name="pattern" hint={t("mailSettings.patternHint")} maxLength={254} autoComplete="off" required
              defaultValue={neverLogErrors?.values?.pattern ?? ""} error={neverLogErrors?.fields?.pattern} />
            <button type="submit" className="button" disabled={busy}>{t("mailSettings.add")}</button>
          </Form>
        </div>
      </section>

      <section className="card section-form" aria-labelledby="inbound">
        <h2 id="inbound">{t("mailSettings.inbound")}</h2>
        <p className="lead">{t("mailSettings.inboundIntro")}</p>
        {secret ? (
          <Alert tone="success">
            <p>{t("mailSettings.rotated")}</p>
            <dl className="webhook">
              <dt>{t("mailSettings.method")}</dt>
              <dd><code>{`POST ${webhook}`}</code></dd>
              <dt>{t("mailSettings.headers")}</dt>
              <dd>
                <code data-testid="inbound-secret-header">{`Authorization: Bearer ${secret}`}</code>
                <code>Content-Type: message/rfc822</code>
              </dd>
            </dl>
            <p>{t("mailSettings.body")}</p>
          </Alert>
        ) : (
          <>
            <dl className="webhook">
              <dt>{t("mailSettings.address")}</dt>
              <dd><code>{`POST ${webhook}`}</code></dd>
            </dl>
            <p>{hasInboundSecret && inboundSecretSince ? t("mailSettings.secretSince", { date: formatDay(inboundSecretSince, locale) }) : t("mailSettings.noSecret")}</p>
          </>
        )}
        <Form method="post">
          <input type="hidden" name="intent" value="rotate-secret" />
          <button type="submit" className={hasInboundSecret || secret ? "button button-quiet" : "button"} disabled={busy}>
            {hasInboundSecret || secret ? t("mailSettings.rotateReplace") : t("mailSettings.rotate")}
          </button>
        </Form>
        <p className="field-hint">{t("mailSettings.smtp", { domain })}</p>
      </section>
    </div>
  );
}
