
/**
 * The cookie that ties a started school-account sign-in to this browser: the state, HttpOnly,
 * limited to the /auth/oidc addresses and ten minutes. SameSite=Lax, so the provider's redirect
 * back (a top-level GET) carries it and nothing else does.
 */
const OIDC_STATE_COOKIE = "schakel_oidc";
const PATH = "/auth/oidc";
const MAX_AGE_SECONDS = 10 * 60;

export function oidcStateCookie(state: string, secure: boolean) {
  return `${OIDC_STATE_COOKIE}=${state}; Path=${PATH}; HttpOnly; SameSite=Lax; Max-Age=${MAX_AGE_SECONDS}${secure ? "; Secure" : ""}`;
}

export function clearOidcStateCookie(secure: boolean) {
  return `${OIDC_STATE_COOKIE}=; Path=${PATH}; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

export function readOidcStateCookie(request: Request): string | null {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at !== -1 && part.slice(0, at).trim() === OIDC_STATE_COOKIE) return part.slice(at + 1).trim() || null;
  }
  return null;
}
