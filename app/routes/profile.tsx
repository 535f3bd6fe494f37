import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  changePassword,
  limitCurrentPasswordCheck,
  createFeed,
  endOtherSessions,
  endSession,
  getDigestPreferences,
  getFeedStatus,
  listApiTokens,
  listSessions,
  mintApiToken,
  revokeAllApiTokens,
  revokeApiToken,
  revokeFeed,
  runChange,
  scopeOf,
  setUserLocale,
  twoFactorStatus,
  updateDigestPreferences,
} from "../services.server";

import { DigestPreferencesInput } from "../../server/domains/digest/digest.schemas";
import { ChangePasswordInput, LocaleInput } from "../../server/domains/users/users.schemas";
import { Alert } from "../components/ui/alert";
import { CheckboxField, SelectField, TextField } from "../components/ui/field";
import { translator } from "../../i18n";
import { requireUser } from "../utils/auth.server";
import { type FormErrors, formError, parseForm } from "../utils/forms.server";
import { formatMoment, useLocale, useT } from "../utils/i18n";

export const meta: MetaFunction = () => [{ title: "Profiel · Schakel" }];

// A rate-limited form answers 429 with Retry-After.
export { retryAfterHeaders as headers } from "../utils/forms.server";

/** Minting asks for the password again, and the code when two-factor sign-in is on (mintApiToken checks them). */
const CreateTokenInput = z.object({ name: z.string().trim().min(1).max(100), password: z.string().min(1).max(200), code: z.string().trim().max(40).default("") });
const RevokeTokenInput = z.object({ tokenId: z.uuid() });
const FeedInput = z.object({ owner: z.enum(["user", "region"]) });
const EndSessionInput = z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/) });

export async function loader({ context, request }: LoaderFunctionArgs) {
  const user = requireUser(context, request);
  return {
    user: { name: user.name, email: user.email, role: user.role, locale: user.locale },
    tokens: await listApiTokens(context.db, user.id),
    digest: user.role === "partner" ? null : await getDigestPreferences(context.db, user.id),
    feed: await getFeedStatus(context.db, scopeOf(user), { kind: "user" }),
    regionFeed: user.role === "admin" ? await getFeedStatus(context.db, scopeOf(user), { kind: "region" }) : undefined,
    sessions: await listSessions(context.db, user.id, context.sessionId, context.clock.now()),
    twoFactor: await twoFactorStatus(context.db, user.id),
  };
}

type ActionData = FormErrors & { intent?: string; success?: string; notice?: string; token?: string; feedUrl?: string; owner?: string };

export async function action({ context, request }: ActionFunctionArgs) {
  const user = requireUser(context, request);
  const formData = await request.formData();
  const intent = formData.get("intent");
  const now = context.clock.now();
  try {
    if (intent === "locale") {
      const { locale } = parseForm(LocaleInput, formData, user.locale);
      await runChange(context, user, ({ trx, meta }) => setUserLocale(trx, user.id, locale, meta.now));
      return json<ActionData>({ intent, success: translator(locale)("profile.languageSaved") });
    }
    if (intent === "digest") {
      const input = parseForm(DigestPreferencesInput, formData, user.locale);
      await updateDigestPreferences(context.db, user.id, input, now);
      return json<ActionData>({ intent, success: translator(user.locale)("profile.digestSaved") });
    }
    if (intent === "create-token") {
      const input = parseForm(CreateTokenInput, formData, user.locale);
      await limitCurrentPasswordCheck(context.db, user.id, now);
      const created = await mintApiToken(context.db, context.secrets, { userId: user.id, ...input, now });
      return json<ActionData>({ intent, token: created.token });
    }
    if (intent === "revoke-token") {
      const { tokenId } = parseForm(RevokeTokenInput, formData, user.locale);
      await revokeApiToken(context.db, { userId: user.id, tokenId, now });
      return json<ActionData>({ intent, success: translator(user.locale)("profile.revoked") });
    }
    if (intent === "create-feed" || intent === "revoke-feed") {
      const { owner } = parseForm(FeedInput, formData, user.locale);
      if (intent === "create-feed") {
        const feed = await createFeed(context.db, scopeOf(user), { kind: owner }, { now, appUrl: context.config.appUrl });
        return json<ActionData>({ intent, owner, feedUrl: feed.url });
      }
      await revokeFeed(context.db, scopeOf(user), { kind: owner }, { now });
      return json<ActionData>({ intent, owner, success: translator(user.locale)("profile.feedRevoked") });
    }
    if (intent === "change-password") {
      const input = parseForm(ChangePasswordInput, formData, user.locale);
      await limitCurrentPasswordCheck(context.db, user.id, now);
      const { apiTokensRevoked } = await runChange(context, user, ({ trx, meta }) => changePassword(trx, user.id, input, { ...meta, keepSessionId: context.sessionId }));
      const t = translator(user.locale);
      return json<ActionData>({ intent, success: t("changePassword.changed"), notice: apiTokensRevoked ? t("changePassword.tokensRevoked", { count: apiTokensRevoked }) : undefined });
    }
    if (intent === "end-session") {
      const { sessionId } = parseForm(EndSessionInput, formData, user.locale);
      await endSession(context.db, user.id, sessionId);
      return json<ActionData>({ intent, success: translator(user.locale)("sessions.ended") });
    }
    if (intent === "end-other-sessions") {
      // Signing out everywhere else revokes the API tokens too (issue 14, item 7).
      const { count, tokens } = await runChange(context, user, async ({ trx, meta }) => ({
        count: await endOtherSessions(trx, user.id, context.sessionId),
        tokens: await revokeAllApiTokens(trx, user.id, { reason: "signed_out_everywhere", now: meta.now, appUrl: meta.appUrl }),
      }));
      const t = translator(user.locale);
      return json<ActionData>({ intent, success: t("sessions.endedOthers", { count }), notice: tokens ? t("sessions.tokensRevoked", { count: tokens }) : undefined });
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
  const { user, tokens, digest, feed, regionFeed, sessions, twoFactor } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
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
        <section className="card" aria-labelledby="security">
          <h2 id="security">{t("twoFactor.security")}</h2>
          <h3>{t("twoFactor.title")}</h3>
          <p>{twoFactor.enabled ? t("twoFactor.statusOn", { date: formatMoment(twoFactor.enabledAt!, locale) }) : t("twoFactor.statusOff")}</p>
          <p><Link className="button button-quiet" to="/profile/two-factor">{twoFactor.enabled ? t("twoFactor.manage") : t("twoFactor.setUp")}</Link></p>
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
          {data?.formError ? <Alert tone="error">{data.formError}</Alert> : null}
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
