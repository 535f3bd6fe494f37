import * as oidc from "openid-client";
import { sql } from "kysely";
import { translator } from "../../i18n";
import { renderSchoolAccountCreatedEmail } from "../../emails/render";
import type { Role } from "../../db/schema";
import { isLoopbackHostname } from "../http/loopback";
import type { Database } from "../db/database";
import { recordAudit } from "../domains/audit/audit";
import { queueEmail } from "../domains/email/outbox.service";
import { provideLoggingAddress } from "../domains/mail-capture/mail-capture.addresses";
import { clientSecretContext } from "./oidc-settings";
import { STAFF_ROLES } from "./permissions";
import { recordSignInAttempt } from "./rate-limit";
import type { SecretBox } from "./secret-key";
import { hashSecret } from "./secrets";
import { createChallenge } from "./two-factor";

/**
 * Signing in with the school's own account: OpenID Connect's authorization code flow with PKCE,
 * state and nonce, by openid-client (certified), which also validates the ID token — issuer,
 * audience, signature against the provider's published keys, nonce, expiry (decision 127).
 *
 * The state travels in the address and in a short-lived HttpOnly cookie of the browser that started;
 * the nonce and PKCE verifier stay in the database under the state's hash, and the row is deleted
 * when the provider answers, so an answer is taken once, from the browser that asked.
 */

export const OIDC_CALLBACK_PATH = "/auth/oidc/callback";
const STATE_MINUTES = 10;
const SCOPE = "openid email profile";
/** A provider that does not answer within this many seconds counts as down. */
const PROVIDER_TIMEOUT_SECONDS = 8;
/**
 * `amr` values (RFC 8176) that mean the provider checked more than a password: multi-factor as
 * such, a one-time code, a key held in hardware or software, or a biometric.
 */
const SECOND_FACTOR_AMR = new Set(["mfa", "otp", "hwk", "swk", "sms", "tel", "fpt", "face", "iris", "retina", "vbm"]);

export type OidcRefusal =
  /** No or another state than this browser started with, or it expired: a forged or replayed answer. */
  | "state"
  /** The provider answered with an error (the user cancelled, consent refused). */
  | "provider"
  /** The provider could not be reached. */
  | "unavailable"
  /** The answer did not validate: a code for another client, a reused code, a bad signature, nonce, issuer or audience. */
  | "invalid"
  | "unverified"
  | "domain"
  | "unknown"
  | "deactivated"
  | "otherSubject"
  | "linkedElsewhere"
  | "notStaff";

export const OIDC_REFUSALS: readonly OidcRefusal[] = [
  "state", "provider", "unavailable", "invalid", "unverified", "domain", "unknown", "deactivated", "otherSubject", "linkedElsewhere", "notStaff",
];

type Provider = {
  regionId: string;
  regionName: string;
  kind: "entra" | "google" | "other";
  issuer: string;
  clientId: string;
  clientSecret: string;
  label: string;
  provision: "invited" | "domain";
  role: "accounthouder" | "penvoerder";
  domains: string[];
};

async function loadProvider(db: Database, box: SecretBox, where: { slug: string } | { regionId: string }): Promise<Provider | null> {
  const row = await db
    .selectFrom("oidc_providers as p")
    .innerJoin("regions as r", "r.id", "p.region_id")
    .select([
      "p.region_id", "r.name", "p.kind", "p.issuer", "p.client_id", "p.client_secret", "p.label", "p.provision", "p.provision_role",
      sql<string[]>`coalesce((select array_agg(d.domain::text) from oidc_domains d where d.region_id = p.region_id), '{}')`.as("domains"),
    ])
    .$if("slug" in where, (q) => q.where("r.slug", "=", (where as { slug: string }).slug))
    .$if("regionId" in where, (q) => q.where("p.region_id", "=", (where as { regionId: string }).regionId))
    .executeTakeFirst();
  if (!row) return null;
  return {
    regionId: row.region_id, regionName: row.name, kind: row.kind, issuer: row.issuer, clientId: row.client_id,
    clientSecret: box.decrypt(row.client_secret, clientSecretContext(row.region_id)), label: row.label,
    provision: row.provision, role: row.provision_role, domains: row.domains,
  };
}

/** The provider's metadata and keys, discovered from its issuer; plain http only on this machine. */
function discover(provider: Provider): Promise<oidc.Configuration> {
  const issuer = new URL(provider.issuer);
  const local = issuer.protocol === "http:" && isLoopbackHostname(issuer.hostname);
  return oidc.discovery(issuer, provider.clientId, { client_secret: provider.clientSecret }, oidc.ClientSecretPost(provider.clientSecret), {
    timeout: PROVIDER_TIMEOUT_SECONDS,
    ...(local && { execute: [oidc.allowInsecureRequests] }),
  });
}

/** Whether an error means the provider could not be reached (rather than that its answer was wrong). */
function isUnreachable(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  if (error instanceof oidc.ClientError) {
    if (error.code === "OAUTH_TIMEOUT" || error.code === "OAUTH_ABORT") return true;
    const cause = error.cause as { status?: number } | undefined;
    if (error.code === "OAUTH_RESPONSE_IS_NOT_CONFORM" && typeof cause?.status === "number" && cause.status >= 500) return true;
    return error.cause instanceof TypeError;
  }
  return false;
}

export type OidcStart =
  | { status: "redirect"; location: string; state: string }
  | { status: "unknown_region" }
  | { status: "refused"; reason: "unavailable" };

/**
 * Starts a sign-in (or, `mode: "link"`, the linking of a signed-in user's school account): the
 * address at the provider to send the browser to, and the state for the browser's cookie.
 */
export async function startOidcSignIn(
  db: Database,
  box: SecretBox,
  input: { regionSlug: string; mode: "sign_in" | "link"; userId: string | null; redirectTo: string; loginHint: string | null; appUrl: string; now: Date },
): Promise<OidcStart> {
  const provider = await loadProvider(db, box, { slug: input.regionSlug });
  if (!provider) return { status: "unknown_region" };
  let config: oidc.Configuration;
  try {
    config = await discover(provider);
  } catch (error) {
    if (isUnreachable(error)) return { status: "refused", reason: "unavailable" };
    throw error;
  }
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  await db.deleteFrom("oidc_sign_in_states").where("region_id", "=", provider.regionId).where("expires_at", "<=", input.now).execute();
  await db
    .insertInto("oidc_sign_in_states")
    .values({
      state_hash: hashSecret(state), region_id: provider.regionId, nonce, code_verifier: codeVerifier, mode: input.mode, user_id: input.userId,
      redirect_to: input.redirectTo, created_at: input.now, expires_at: new Date(input.now.getTime() + STATE_MINUTES * 60_000),
    })
    .execute();
  const parameters: Record<string, string> = {
    redirect_uri: `${input.appUrl}${OIDC_CALLBACK_PATH}`,
    scope: SCOPE,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
  };
  if (input.loginHint) parameters.login_hint = input.loginHint;
  // Google's account chooser shows only the school's accounts; the `hd` claim is checked anyway.
  if (provider.kind === "google" && provider.domains.length === 1) parameters.hd = provider.domains[0]!;
  return { status: "redirect", location: oidc.buildAuthorizationUrl(config, parameters).href, state };
}

export type OidcOutcome =
  | { status: "signed_in"; userId: string; secondFactorByProvider: boolean; redirectTo: string }
  /** The user has Schakel's own second factor and the provider did not do one: the code step follows. */
  | { status: "two_factor"; userId: string; challenge: string; redirectTo: string }
  | { status: "linked"; userId: string }
  | { status: "refused"; reason: OidcRefusal; mode: "sign_in" | "link" };

type Claims = { sub: string; email: string | null; emailVerified: boolean; name: string | null; amr: string[]; hd: string | null };

/**
 * The provider's answer at the callback. `query` is the callback's query string; the address the
 * provider was told to answer at is rebuilt from the configured address, never from the request.
 */
export async function completeOidcSignIn(
  db: Database,
  box: SecretBox,
  input: { query: string; cookieState: string | null; ip: string; appUrl: string; now: Date },
): Promise<OidcOutcome> {
  const params = new URLSearchParams(input.query);
  const state = params.get("state");
  if (!state || !input.cookieState || state !== input.cookieState || state.length > 200) {
    await auditRefusal(db, null, "state", input.now, {});
    return { status: "refused", reason: "state", mode: "sign_in" };
  }
  // Taken once: whatever happens next, this state cannot be answered again.
  const started = await db.deleteFrom("oidc_sign_in_states").where("state_hash", "=", hashSecret(state)).returningAll().executeTakeFirst();
  if (!started || started.expires_at <= input.now) {
    await auditRefusal(db, started?.region_id ?? null, "state", input.now, {});
    return { status: "refused", reason: "state", mode: started?.mode ?? "sign_in" };
  }
  const mode = started.mode;
  const provider = await loadProvider(db, box, { regionId: started.region_id });
  if (!provider) {
    await auditRefusal(db, started.region_id, "state", input.now, {});
    return { status: "refused", reason: "state", mode };
  }
  const refuse = async (reason: OidcRefusal, facts: Record<string, unknown> = {}, email?: string | null): Promise<OidcOutcome> => {
    if (mode === "sign_in") await recordSignInAttempt(db, { email: email ?? `oidc:${provider.regionId}`, ip: input.ip, succeeded: false, now: input.now });
    await auditRefusal(db, provider.regionId, reason, input.now, { mode, issuer: provider.issuer, ...facts });
    return { status: "refused", reason, mode };
  };
  if (params.has("error")) return refuse("provider", { error: params.get("error")?.slice(0, 100) });

  let claims: Claims;
  try {
    const config = await discover(provider);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${input.appUrl}${OIDC_CALLBACK_PATH}?${input.query}`), {
      pkceCodeVerifier: started.code_verifier,
      expectedState: state,
      expectedNonce: started.nonce,
      idTokenExpected: true,
    });
    const idToken = tokens.claims();
    if (!idToken) return refuse("invalid");
    // A provider that keeps the address out of the ID token (as the standard allows when an access
    // token is issued) gives it at its UserInfo endpoint, for the same subject only.
    const profile: Record<string, unknown> = typeof idToken.email === "string" || !config.serverMetadata().userinfo_endpoint
      ? idToken
      : { ...idToken, ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), sub: idToken.sub };
    claims = {
      sub: idToken.sub,
      email: typeof profile.email === "string" ? profile.email.trim().toLowerCase() : null,
      emailVerified: profile.email_verified === true || (provider.kind === "entra" && profile.xms_edov === true),
      name: typeof profile.name === "string" ? profile.name.trim().slice(0, 200) : null,
      amr: Array.isArray(idToken.amr) ? idToken.amr.filter((v): v is string => typeof v === "string") : [],
      hd: typeof profile.hd === "string" ? profile.hd.toLowerCase() : null,
    };
  } catch (error) {
    if (isUnreachable(error)) return refuse("unavailable");
    // Everything openid-client refuses: a reused or foreign code, a signature, issuer, audience,
    // nonce or expiry that does not match. The reason goes to the audit log, not to the page.
    return refuse("invalid", { error: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : "unknown" });
  }

  const facts = { subject: claims.sub, email: claims.email, amr: claims.amr };
  const domainOf = (email: string) => email.slice(email.lastIndexOf("@") + 1);
  const inDomains = (email: string | null) => email !== null && provider.domains.includes(domainOf(email));
  // Google Workspace: the hosted-domain claim says the account is the school's, not a private one.
  if (provider.kind === "google" && (!claims.hd || !provider.domains.includes(claims.hd))) return refuse("domain", facts, claims.email);

  const linked = await db
    .selectFrom("user_identities as i")
    .innerJoin("users as u", "u.id", "i.user_id")
    .select(["u.id", "u.region_id", "u.active", "u.role", "u.email", "u.totp_enabled_at"])
    .where("i.issuer", "=", provider.issuer)
    .where("i.subject", "=", claims.sub)
    .executeTakeFirst();

  if (mode === "link") {
    const user = started.user_id
      ? await db.selectFrom("users").select(["id", "region_id", "active", "role", "email"]).where("id", "=", started.user_id).executeTakeFirst()
      : undefined;
    if (!user || !user.active || user.region_id !== provider.regionId) return refuse("deactivated", facts);
    if (!(STAFF_ROLES as readonly Role[]).includes(user.role)) return refuse("notStaff", facts);
    if (linked && linked.id !== user.id) return refuse("linkedElsewhere", facts);
    await db.deleteFrom("user_identities").where("region_id", "=", provider.regionId).where("user_id", "=", user.id).where("issuer", "=", provider.issuer).execute();
    await linkIdentity(db, provider, user.id, claims, input.now);
    await recordAudit(db, { regionId: provider.regionId, actorId: user.id, action: "user.school_account_link", entityType: "user", entityId: user.id, after: { issuer: provider.issuer, ...facts }, now: input.now });
    return { status: "linked", userId: user.id };
  }

  let user: { id: string; region_id: string; active: boolean; role: Role; email: string; totp_enabled_at: Date | null } | undefined = linked;
  if (user) {
    // Once linked, the stable subject decides, whatever address the provider now reports.
    if (user.region_id !== provider.regionId) return refuse("unknown", facts, claims.email);
  } else {
    if (!claims.email || !claims.emailVerified) return refuse("unverified", facts, claims.email);
    if (provider.domains.length && !inDomains(claims.email)) return refuse("domain", facts, claims.email);
    user = await db
      .selectFrom("users")
      .select(["id", "region_id", "active", "role", "email", "totp_enabled_at"])
      .where("email", "=", claims.email)
      .executeTakeFirst();
    if (user) {
      if (user.region_id !== provider.regionId) return refuse("unknown", facts, claims.email);
      const other = await db.selectFrom("user_identities").select("subject").where("user_id", "=", user.id).where("issuer", "=", provider.issuer).executeTakeFirst();
      // Another account at the provider once signed in as this user: an address handed on to someone else.
      if (other) return refuse("otherSubject", facts, claims.email);
    } else if (provider.provision === "domain" && inDomains(claims.email)) {
      user = await provisionUser(db, provider, claims, input);
    } else {
      return refuse("unknown", facts, claims.email);
    }
  }
  if (!user.active) return refuse("deactivated", facts, user.email);
  if (!(STAFF_ROLES as readonly Role[]).includes(user.role)) return refuse("notStaff", facts, user.email);
  if (!linked) await linkIdentity(db, provider, user.id, claims, input.now);
  else await db.updateTable("user_identities").set({ last_used_at: input.now, email: claims.email }).where("region_id", "=", provider.regionId).where("issuer", "=", provider.issuer).where("subject", "=", claims.sub).execute();

  await recordSignInAttempt(db, { email: user.email, ip: input.ip, succeeded: true, now: input.now });
  const secondFactorByProvider = claims.amr.some((value) => SECOND_FACTOR_AMR.has(value));
  await recordAudit(db, {
    regionId: provider.regionId, actorId: user.id, action: "user.sign_in_school_account", entityType: "user", entityId: user.id,
    after: { issuer: provider.issuer, ...facts, secondFactorByProvider }, now: input.now,
  });
  if (!secondFactorByProvider && user.totp_enabled_at) {
    return { status: "two_factor", userId: user.id, challenge: await createChallenge(db, user.id, input.now), redirectTo: started.redirect_to };
  }
  return { status: "signed_in", userId: user.id, secondFactorByProvider, redirectTo: started.redirect_to };
}

async function linkIdentity(db: Database, provider: Provider, userId: string, claims: Claims, now: Date) {
  await db
    .insertInto("user_identities")
    .values({ region_id: provider.regionId, user_id: userId, issuer: provider.issuer, subject: claims.sub, email: claims.email, created_at: now, last_used_at: now })
    .execute();
}

/** Under `domain`: a new account with the configured role; the region's admins are told by email. */
async function provisionUser(db: Database, provider: Provider, claims: Claims, input: { appUrl: string; now: Date }) {
  const email = claims.email!;
  const name = claims.name || email.slice(0, email.indexOf("@"));
  const created = await db
    .insertInto("users")
    .values({ region_id: provider.regionId, email, name, role: provider.role, password_hash: null, created_at: input.now, updated_at: input.now })
    .returning(["id", "region_id", "active", "role", "email", "totp_enabled_at"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, {
    regionId: provider.regionId, actorId: null, action: "user.create_by_school_account", entityType: "user", entityId: created.id,
    after: { email, name, role: created.role, issuer: provider.issuer, subject: claims.sub }, now: input.now,
  });
  await provideLoggingAddress(db, { id: created.id, regionId: provider.regionId, role: created.role }, input.now);
  const admins = await db.selectFrom("users").select(["email", "name", "locale"]).where("region_id", "=", provider.regionId).where("role", "=", "admin").where("active", "=", true).execute();
  for (const admin of admins) {
    const message = await renderSchoolAccountCreatedEmail({
      locale: admin.locale, adminName: admin.name, regionName: provider.regionName, newName: name, newEmail: email,
      roleLabel: translator(admin.locale)(`roles.${created.role}`), providerLabel: provider.label, url: `${input.appUrl}/admin/users`,
    });
    await queueEmail(db, { regionId: provider.regionId, template: "school_account_created", to: admin.email, toName: admin.name, message, now: input.now });
  }
  return created;
}

async function auditRefusal(db: Database, regionId: string | null, reason: OidcRefusal, now: Date, facts: Record<string, unknown>) {
  await recordAudit(db, { regionId, actorId: null, action: "sign_in.school_account_refused", entityType: "region", entityId: regionId ?? "unknown", after: { reason, ...facts }, now });
}
