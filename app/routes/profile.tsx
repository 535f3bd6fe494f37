import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { scopeOf } from "../../server/auth/current-user";
import { userCan } from "../../server/auth/permissions";

import { DigestPreferencesInput } from "../../server/domains/digest/digest.schemas";
import { SenderAddressInput } from "../../server/domains/mail-capture/mail-capture.schemas";
import { ChangePasswordInput, LocaleInput } from "../../server/domains/users/users.schemas";
import { CopyField } from "../components/copy-field";
import { Alert } from "../components/ui/alert";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { translator } from "../../i18n";
import { requirePermission, requireUser } from "../utils/auth.server";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { formatMoment, useLocale, useT } from "../utils/i18n";
import { CreateTokenInput, EndSessionInput, FeedInput, OwnNeverLogInput, RemoveNeverLogInput, RemoveSenderAddressInput, RevokeTokenInput } from "../utils/page-inputs.server";

export const meta: MetaFunction = () => [{ title: "Profiel · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

/** Staff log mail; a partner user has no logging address and none of its forms (issue 16). */
const MAIL_INTENTS = new Set(["regenerate-logging-address", "add-sender-address", "remove-sender-address", "add-never-log", "remove-never-log"]);

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return {
    user: { name: user.name, email: user.email, role: user.role, locale: user.locale },
    tokens: await context.server.listApiTokens(context.db, user.id),
    digest: !userCan(user, "region.read") ? null : await context.server.getDigestPreferences(context.db, user.id),
    feed: await context.server.getFeedStatus(context.db, scopeOf(user), { kind: "user" }),
    regionFeed: userCan(user, "region.manage") ? await context.server.getFeedStatus(context.db, scopeOf(user), { kind: "region" }) : undefined,
    sessions: await context.server.listSessions(context.db, user.id, context.sessionId, context.clock.now()),
    twoFactor: await context.server.twoFactorStatus(context.db, user.id),
    mailLogging: await mailLoggingOf(context, user),
    schoolAccount: await context.server.schoolAccountOf(context.db, user),
    schoolAccountError: context.server.OIDC_REFUSALS.find((reason) => reason === new URL(request.url).searchParams.get("schoolAccountError")) ?? null,
  };
}

/** The user's logging address (made on first use), further sender addresses and never-log lists; null for a partner. */
async function mailLoggingOf(context: LoaderFunctionArgs["context"], user: ReturnType<typeof requireUser>) {
  const address = await context.server.loggingAddressOf(context.db, user, { domain: context.config.inboundMail.domain, now: context.clock.now() });
  if (!address) return null;
  const scope = scopeOf(user);
  const [senders, neverLog] = await Promise.all([context.server.listSenderAddresses(context.db, scope), context.server.listNeverLog(context.db, scope)]);
  return {
    address,
    senders,
    neverLog: neverLog.filter((entry) => !entry.forRegion),
    regionNeverLog: neverLog.filter((entry) => entry.forRegion).map((entry) => entry.pattern),
  };
}

type ActionData = FormErrors & { intent?: string; success?: string; notice?: string; token?: string; feedUrl?: string; owner?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = formData.get("intent");
  const now = context.clock.now();
  if (typeof intent === "string" && MAIL_INTENTS.has(intent)) requirePermission(context, request, "interaction.log");
  try {
    if (intent === "locale") {
      const { locale } = parseForm(LocaleInput, formData, user.locale);
      await context.server.runChange(context, user, ({ trx, meta }) => context.server.setUserLocale(trx, user.id, locale, meta.now));
      return json<ActionData>({ intent, success: translator(locale)("profile.languageSaved") });
    }
    if (intent === "digest") {
      const input = parseForm(DigestPreferencesInput, formData, user.locale);
      await context.server.updateDigestPreferences(context.db, user.id, input, now);
      return json<ActionData>({ intent, success: translator(user.locale)("profile.digestSaved") });
    }
    if (intent === "create-token") {
      const input = parseForm(CreateTokenInput, formData, user.locale);
      await context.server.limitCurrentPasswordCheck(context.db, user.id, now);
      const created = await context.server.mintApiToken(context.db, context.secrets, { userId: user.id, ...input, now });
      return json<ActionData>({ intent, token: created.token });
    }
    if (intent === "revoke-token") {
      const { tokenId } = parseForm(RevokeTokenInput, formData, user.locale);
      await context.server.revokeApiToken(context.db, { userId: user.id, tokenId, now });
      return json<ActionData>({ intent, success: translator(user.locale)("profile.revoked") });
    }
    if (intent === "create-feed" || intent === "revoke-feed") {
      const { owner } = parseForm(FeedInput, formData, user.locale);
      if (intent === "create-feed") {
        const feed = await context.server.createFeed(context.db, scopeOf(user), { kind: owner }, { now, appUrl: context.config.appUrl });
        return json<ActionData>({ intent, owner, feedUrl: feed.url });
      }
      await context.server.revokeFeed(context.db, scopeOf(user), { kind: owner }, { now });
      return json<ActionData>({ intent, owner, success: translator(user.locale)("profile.feedRevoked") });
    }
    if (intent === "change-password") {
      const input = parseForm(ChangePasswordInput, formData, user.locale);
      await context.server.limitCurrentPasswordCheck(context.db, user.id, now);
      const { apiTokensRevoked } = await context.server.runChange(context, user, ({ trx, meta }) => context.server.changePassword(trx, user.id, input, { ...meta, keepSessionId: context.sessionId }));
      const t = translator(user.locale);
      return json<ActionData>({ intent, success: t("changePassword.changed"), notice: apiTokensRevoked ? t("changePassword.tokensRevoked", { count: apiTokensRevoked }) : undefined });
    }
    if (intent === "end-session") {
      const { sessionId } = parseForm(EndSessionInput, formData, user.locale);
      await context.server.endSession(context.db, user.id, sessionId);
      return json<ActionData>({ intent, success: translator(user.locale)("sessions.ended") });
    }
    if (intent === "end-other-sessions") {
      // Signing out everywhere else revokes the API tokens too (issue 14, item 7).
      const { count, tokens } = await context.server.runChange(context, user, async ({ trx, meta }) => ({
        count: await context.server.endOtherSessions(trx, user.id, context.sessionId),
        tokens: await context.server.revokeAllApiTokens(trx, user.id, { reason: "signed_out_everywhere", now: meta.now, appUrl: meta.appUrl }),
      }));
      const t = translator(user.locale);
      return json<ActionData>({ intent, success: t("sessions.endedOthers", { count }), notice: tokens ? t("sessions.tokensRevoked", { count: tokens }) : undefined });
    }
    if (intent === "regenerate-logging-address") {
      const domain = context.config.inboundMail.domain;
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.regenerateLoggingAddress(trx, scope, { ...meta, domain }));
      return json<ActionData>({ intent, success: translator(user.locale)("mailLogging.regenerated") });
    }
    if (intent === "add-sender-address") {
      const { email } = parseForm(SenderAddressInput, formData, user.locale);
      await context.server.limitConfirmationMail(context.db, user.id, context.clock.now());
      const added = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.addSenderAddress(trx, scope, email, meta));
      const t = translator(user.locale);
      return json<ActionData>({ intent, success: added.confirmedAt ? t("mailLogging.senderAlreadyConfirmed", { email: added.email }) : t("mailLogging.senderAdded", { email: added.email }) });
    }
    if (intent === "remove-sender-address") {
      const { senderAddressId } = parseForm(RemoveSenderAddressInput, formData, user.locale);
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.removeSenderAddress(trx, scope, senderAddressId, meta));
      return json<ActionData>({ intent, success: translator(user.locale)("mailLogging.senderRemoved") });
    }
    if (intent === "add-never-log") {
      const { pattern } = parseForm(OwnNeverLogInput, formData, user.locale);
      const entry = await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.addNeverLog(trx, scope, { pattern, forRegion: false }, meta));
      return json<ActionData>({ intent, success: translator(user.locale)("mailLogging.neverLogAdded", { pattern: entry.pattern }) });
    }
    if (intent === "remove-never-log") {
      const { neverLogId } = parseForm(RemoveNeverLogInput, formData, user.locale);
      // Only the user's own entries: the region's list is kept on the admin's settings page.
      await context.server.runChange(context, user, ({ trx, scope, meta }) => context.server.removeNeverLog(trx, scope, neverLogId, meta, "own"));
      return json<ActionData>({ intent, success: translator(user.locale)("mailLogging.neverLogRemoved") });
    }
    return json<ActionData>({ formError: "Unknown action" }, { status: 400 });
  } catch (error) {
    const response = formError(error, user.locale);
    return json<ActionData>({ ...((await response.json()) as FormErrors), intent: String(intent) }, { status: response.status, headers: response.headers });
  }
}

export default function ProfilePage() {
  const t = useT();
  const locale = useLocale();
  const { user, tokens, digest, feed, regionFeed, sessions, twoFactor, mailLogging, schoolAccount, schoolAccountError } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const [params] = useSearchParams();
  return (
    <div className="page">
      <h1>{t("profile.title")}</h1>
      <div className="grid-2">
        <section className="card" aria-labelledby="details">
          <h2 id="details">{t("profile.details")}</h2>
          <p>
            {user.name}
            <br />
            {user.email}
            <br />
            {t(`roles.${user.role}`)}
          </p>
          {data?.intent === "locale" && data.success ? <Alert tone="success">{data.success}</Alert> : null}
          <Form method="post" className="inline-form">
            <input type="hidden" name="intent" value="locale" />
            <SelectField label={t("app.language")} name="locale" defaultValue={user.locale}>
              <option value="nl">{t("locales.nl")}</option>
              <option value="en">{t("locales.en")}</option>
            </SelectField>
            <button type="submit" className="button button-small">{t("common.save")}</button>
          </Form>
          {digest ? (
            <>
              <h3 id="digest">{t("profile.digest")}</h3>
              <p className="lead">{t("profile.digestIntro")}</p>
              {data?.intent === "digest" && data.success ? <Alert tone="success">{data.success}</Alert> : null}
              <Form method="post" aria-labelledby="digest">
                <input type="hidden" name="intent" value="digest" />
                <CheckboxField label={t("profile.digestEnabled")} name="enabled" defaultChecked={digest.enabled} />
                <SelectField label={t("profile.digestWeekday")} name="weekday" defaultValue={String(digest.weekday)} error={data?.intent === "digest" ? data.fields?.weekday : undefined}>
                  {[1, 2, 3, 4, 5, 6, 7].map((day) => <option key={day} value={day}>{t(`weekdays.${day}`)}</option>)}
                </SelectField>
                <button type="submit" className="button button-small">{t("common.save")}</button>
              </Form>
            </>
          ) : null}
        </section>
        {mailLogging ? <MailLoggingSection mailLogging={mailLogging} email={user.email} data={data} /> : null}
        <section className="card" aria-labelledby="security">
          <h2 id="security">{t("twoFactor.security")}</h2>
          <h3>{t("twoFactor.title")}</h3>
          <p>{twoFactor.enabled ? t("twoFactor.statusOn", { date: formatMoment(twoFactor.enabledAt!, locale) }) : t("twoFactor.statusOff")}</p>
          <p><Link className="button button-quiet" to="/profile/two-factor">{twoFactor.enabled ? t("twoFactor.manage") : t("twoFactor.setUp")}</Link></p>
          {schoolAccount ? (
            <>
              <h3 id="school-account">{t("schoolSignIn.profileTitle")}</h3>
              {params.get("schoolAccount") === "linked" ? <Alert tone="success">{t("schoolSignIn.profileLinkedNow")}</Alert> : null}
              {schoolAccountError ? <Alert tone="error">{t(`schoolSignIn.refused.${schoolAccountError}`)}</Alert> : null}
              <p>{schoolAccount.linkedAt ? t("schoolSignIn.profileLinked", { label: schoolAccount.label, date: formatMoment(schoolAccount.linkedAt, locale) }) : t("schoolSignIn.profileNotLinked")}</p>
              {schoolAccount.linkedAt ? null : (
                <p><a className="button button-quiet" href={`/auth/oidc/${encodeURIComponent(schoolAccount.regionSlug)}?mode=link`}>{t("schoolSignIn.profileLink")}</a></p>
              )}
            </>
          ) : null}
          <h3 id="change-password">{t("changePassword.title")}</h3>
          {data?.intent === "change-password" && data.success ? <Alert tone="success">{data.success}</Alert> : null}
          {data?.intent === "change-password" && data.notice ? <Alert tone="info">{data.notice}</Alert> : null}
          <Form method="post" noValidate aria-labelledby="change-password">
            <input type="hidden" name="intent" value="change-password" />
            <TextField label={t("changePassword.current")} name="currentPassword" type="password" autoComplete="current-password" required error={data?.intent === "change-password" ? data.fields?.currentPassword : undefined} />
            <TextField label={t("changePassword.new")} name="password" type="password" autoComplete="new-password" required error={data?.intent === "change-password" ? data.fields?.password : undefined} />
            <TextField label={t("changePassword.confirm")} name="confirm" type="password" autoComplete="new-password" required error={data?.intent === "change-password" ? data.fields?.confirm : undefined} />
            <button type="submit" className="button">{t("changePassword.submit")}</button>
          </Form>
        </section>
        <section className="card" aria-labelledby="sessions">
          <h2 id="sessions">{t("sessions.title")}</h2>
          <p className="lead">{t("sessions.intro")}</p>
          {(data?.intent === "end-session" || data?.intent === "end-other-sessions") && data.success ? <Alert tone="success">{data.success}</Alert> : null}
          {data?.intent === "end-other-sessions" && data.notice ? <Alert tone="info">{data.notice}</Alert> : null}
          <ul className="plain-list">
            {sessions.map((session) => (
              <li key={session.id}>
                <strong>{session.userAgent ? describeBrowser(session.userAgent) : t("sessions.unknownDevice")}</strong>
                {session.current ? <> <span className="badge">{t("sessions.current")}</span></> : null}
                <br />
                {t("sessions.since", { date: formatMoment(session.createdAt, locale) })}
                {session.ip ? <> · {t("sessions.address", { ip: session.ip })}</> : null}
                {session.current ? null : (
                  <Form method="post" className="inline-form">
                    <input type="hidden" name="intent" value="end-session" />
                    <input type="hidden" name="sessionId" value={session.id} />
                    <button type="submit" className="button button-small button-quiet">{t("sessions.end")}</button>
                  </Form>
                )}
              </li>
            ))}
          </ul>
          {sessions.some((session) => !session.current) ? (
            <Form method="post">
              <button type="submit" name="intent" value="end-other-sessions" className="button button-danger">{t("sessions.endOthers")}</button>
            </Form>
          ) : <p>{t("sessions.none")}</p>}
        </section>
        <FeedSection owner="user" status={feed} data={data} />
        {regionFeed !== undefined ? <FeedSection owner="region" status={regionFeed} data={data} /> : null}
        <section className="card" aria-labelledby="tokens">
          <h2 id="tokens">{t("profile.tokens")}</h2>
          <p className="lead">{t("profile.tokensIntro")}</p>
          {data?.token ? (
            <Alert tone="success">
              <p>{t("profile.tokenCreated")}</p>
              <p className="secret" data-testid="new-token">{data.token}</p>
            </Alert>
          ) : null}
          {data?.intent === "revoke-token" && data.success ? <Alert tone="success">{data.success}</Alert> : null}
          {data?.formError && !MAIL_INTENTS.has(data.intent ?? "") ? <Alert tone="error">{data.formError}</Alert> : null}
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="create-token" />
            <TextField label={t("profile.tokenName")} name="name" required maxLength={100} error={data?.intent === "create-token" ? data.fields?.name : undefined} />
            <TextField label={t("profile.tokenPassword")} hint={t("profile.tokenReauth")} name="password" type="password" autoComplete="current-password" required error={data?.intent === "create-token" ? data.fields?.password : undefined} />
            {twoFactor.enabled ? (
              <TextField label={t("profile.tokenCode")} name="code" autoComplete="one-time-code" inputMode="numeric" required error={data?.intent === "create-token" ? data.fields?.code : undefined} />
            ) : null}
            <button type="submit" className="button">{t("profile.createToken")}</button>
          </Form>
          {tokens.length === 0 ? (
            <p>{t("profile.noTokens")}</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr><th>{t("common.name")}</th><th>{t("common.created")}</th><th>{t("profile.lastUsed")}</th><th><span className="visually-hidden">{t("common.actions")}</span></th></tr>
                </thead>
                <tbody>
                  {tokens.map((token) => (
                    <tr key={token.id}>
                      <td>{token.name} <code>{token.prefix}…</code></td>
                      <td>{formatMoment(token.createdAt, locale)}</td>
                      <td>{token.lastUsedAt ? formatMoment(token.lastUsedAt, locale) : t("common.never")}</td>
                      <td>
                        <Form method="post">
                          <input type="hidden" name="intent" value="revoke-token" />
                          <input type="hidden" name="tokenId" value={token.id} />
                          <button type="submit" className="button button-danger button-small">{t("profile.revoke")}</button>
                        </Form>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}

type MailLogging = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["mailLogging"]>;

/**
 * "E-mail registreren": the personal logging address to put in BCC or forward to, with a copy button
 * and a way to replace it; the further addresses the user sends from; the user's never-log list.
 */
function MailLoggingSection({ mailLogging, email, data }: { mailLogging: MailLogging; email: string; data: ActionData | undefined }) {
  const t = useT();
  const mine = (intent: string) => (data?.intent === intent ? data : undefined);
  const regenerated = mine("regenerate-logging-address");
  const senderAdded = mine("add-sender-address");
  const senderRemoved = mine("remove-sender-address");
  const neverLogAdded = mine("add-never-log");
  const neverLogRemoved = mine("remove-never-log");
  return (
    <section className="card mail-logging" aria-labelledby="mail-logging">
      <h2 id="mail-logging">{t("mailLogging.title")}</h2>
      <p className="lead">{t("mailLogging.intro")}</p>
      {regenerated?.success ? <Alert tone="success">{regenerated.success}</Alert> : null}
      {regenerated?.formError ? <Alert tone="error">{regenerated.formError}</Alert> : null}
      <CopyField label={t("mailLogging.address")} value={mailLogging.address} testId="logging-address" />
      {/* Closed again once the new address is there. */}
      <details className="mail-logging-regenerate" key={mailLogging.address}>
        <summary>{t("mailLogging.newAddress")}</summary>
        <p>{t("mailLogging.newAddressWarning")}</p>
        <Form method="post">
          <button type="submit" name="intent" value="regenerate-logging-address" className="button button-danger">{t("mailLogging.newAddressConfirm")}</button>
        </Form>
      </details>

      <h3 id="mail-senders">{t("mailLogging.senders")}</h3>
      <p>{t("mailLogging.sendersIntro", { email })}</p>
      {senderAdded?.success ? <Alert tone="success">{senderAdded.success}</Alert> : null}
      {senderAdded?.formError ? <Alert tone="error">{senderAdded.formError}</Alert> : null}
      {senderRemoved?.success ? <Alert tone="success">{senderRemoved.success}</Alert> : null}
      {senderRemoved?.formError ? <Alert tone="error">{senderRemoved.formError}</Alert> : null}
      {mailLogging.senders.length ? (
        <ul className="plain-list mail-logging-list">
          {mailLogging.senders.map((sender) => (
            <li key={sender.id}>
              <span className="mail-logging-entry">
                {sender.email}{" "}
                <span className={sender.confirmedAt ? "badge badge-success" : "badge"}>{t(sender.confirmedAt ? "mailLogging.senderConfirmed" : "mailLogging.senderPending")}</span>
              </span>
              <Form method="post">
                <input type="hidden" name="senderAddressId" value={sender.id} />
                <button type="submit" name="intent" value="remove-sender-address" className="button button-small button-quiet" aria-label={t("mailLogging.removeSender", { email: sender.email })}>
                  {t("mailLogging.remove")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("mailLogging.noSenders")}</p>
      )}
      {/* Keyed by the list, so the field is empty again once an address is added. */}
      <Form method="post" noValidate className="mail-logging-add" aria-labelledby="mail-senders" key={`senders-${mailLogging.senders.length}`}>
        <input type="hidden" name="intent" value="add-sender-address" />
        <TextField label={t("mailLogging.senderEmail")} name="email" type="email" autoComplete="email" required maxLength={254} error={senderAdded?.fields?.email} />
        <button type="submit" className="button">{t("mailLogging.addSender")}</button>
      </Form>

      <h3 id="mail-never-log">{t("mailLogging.neverLog")}</h3>
      <p>{t("mailLogging.neverLogIntro")}</p>
      {neverLogAdded?.success ? <Alert tone="success">{neverLogAdded.success}</Alert> : null}
      {neverLogAdded?.formError ? <Alert tone="error">{neverLogAdded.formError}</Alert> : null}
      {neverLogRemoved?.success ? <Alert tone="success">{neverLogRemoved.success}</Alert> : null}
      {neverLogRemoved?.formError ? <Alert tone="error">{neverLogRemoved.formError}</Alert> : null}
      {mailLogging.neverLog.length ? (
        <ul className="plain-list mail-logging-list">
          {mailLogging.neverLog.map((entry) => (
            <li key={entry.id}>
              <span className="mail-logging-entry">
                {entry.pattern}
                {entry.droppedCount ? <span className="mail-logging-region"> · {t("mailLogging.dropped", { count: entry.droppedCount })}</span> : null}
              </span>
              <Form method="post">
                <input type="hidden" name="neverLogId" value={entry.id} />
                <button type="submit" name="intent" value="remove-never-log" className="button button-small button-quiet" aria-label={t("mailLogging.removeNeverLog", { pattern: entry.pattern })}>
                  {t("mailLogging.remove")}
                </button>
              </Form>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t("mailLogging.noNeverLog")}</p>
      )}
      {mailLogging.regionNeverLog.length ? <p className="mail-logging-region">{t("mailLogging.regionNeverLog", { patterns: mailLogging.regionNeverLog.join(", ") })}</p> : null}
      <Form method="post" noValidate className="mail-logging-add" aria-labelledby="mail-never-log" key={`never-log-${mailLogging.neverLog.length}`}>
        <input type="hidden" name="intent" value="add-never-log" />
        <TextField label={t("mailLogging.neverLogPattern")} hint={t("mailLogging.neverLogHint")} name="pattern" required minLength={3} maxLength={254} autoComplete="off" error={neverLogAdded?.fields?.pattern} />
        <button type="submit" className="button">{t("mailLogging.addNeverLog")}</button>
      </Form>
    </section>
  );
}

/** A private calendar address: made (and shown) once, replaced to revoke a leaked one, or revoked. */
function FeedSection({ owner, status, data }: { owner: "user" | "region"; status: { createdAt: string | Date } | null; data: ActionData | undefined }) {
  const t = useT();
  const locale = useLocale();
  const mine = data?.owner === owner ? data : undefined;
  return (
    <section className="card" aria-labelledby={`feed-${owner}`}>
      <h2 id={`feed-${owner}`}>{t(owner === "user" ? "profile.feed" : "profile.regionFeed")}</h2>
      <p className="lead">{t(owner === "user" ? "profile.feedIntro" : "profile.regionFeedIntro")}</p>
      {mine?.feedUrl ? (
        <Alert tone="success">
          <p>{t("profile.feedCreated")}</p>
          <p className="secret" data-testid={`feed-url-${owner}`}>{mine.feedUrl}</p>
        </Alert>
      ) : null}
      {mine?.success ? <Alert tone="success">{mine.success}</Alert> : null}
      {status ? <p>{t("profile.feedActiveSince", { date: formatMoment(status.createdAt, locale) })}</p> : <p>{t("profile.feedNone")}</p>}
      <div className="button-row">
        <Form method="post">
          <input type="hidden" name="intent" value="create-feed" />
          <input type="hidden" name="owner" value={owner} />
          <button type="submit" className="button">{t(status ? "profile.feedReplace" : "profile.feedCreate")}</button>
        </Form>
        {status ? (
          <Form method="post">
            <input type="hidden" name="intent" value="revoke-feed" />
            <input type="hidden" name="owner" value={owner} />
            <button type="submit" className="button button-danger">{t("profile.feedRevoke")}</button>
          </Form>
        ) : null}
      </div>
    </section>
  );
}

/** "Firefox op Linux" from a user-agent string: enough to recognise one's own browsers. */
function describeBrowser(userAgent: string) {
  const browser = /Edg\//.test(userAgent) ? "Edge" : /Firefox\//.test(userAgent) ? "Firefox" : /Chrome\//.test(userAgent) ? "Chrome" : /Safari\//.test(userAgent) ? "Safari" : null;
  const system = /Windows/.test(userAgent) ? "Windows" : /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Mac OS X/.test(userAgent) ? "macOS" : /Linux/.test(userAgent) ? "Linux" : null;
  return [browser, system].filter(Boolean).join(" · ") || userAgent.slice(0, 60);
}
