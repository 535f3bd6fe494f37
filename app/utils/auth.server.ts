import { redirect, type AppLoadContext } from "@remix-run/node";
import { type CurrentUser, scopeOf } from "../../server/auth/current-user";
import type { Action } from "../../server/page-services";
import { can } from "../../server/auth/permissions";

/** The signed-in user, or a redirect to the sign-in page that brings them back here afterwards. */
export function requireUser(context: AppLoadContext, request: Request): CurrentUser {
  if (context.user) return context.user;
  const url = new URL(request.url);
  throw redirect(`/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/**
 * The signed-in user when their role may attempt one of the actions (the permissions table the API
 * and the services ask too); otherwise a 403 page.
 */
export function requirePermission(context: AppLoadContext, request: Request, ...actions: [Action, ...Action[]]): CurrentUser {
  const user = requireUser(context, request);
  if (!actions.some((action) => can(scopeOf(user), action))) throw new Response("Forbidden", { status: 403 });
  return user;
}

/** Any origin will do: only whether a value stays on it matters, not which one it is. */
const OWN_ORIGIN = "http://schakel.invalid";

/**
 * Only paths of our own origin, so a crafted link cannot send someone elsewhere after signing in.
 * The value is parsed as a browser would resolve it against our origin (which strips tabs and
 * newlines and reads `\` as `/`), and accepted only when it stays on that origin; the path, query and
 * fragment are then returned as the URL parser normalised them, never the raw value.
 */
export function safeRedirectTo(value: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/")) return fallback;
  let resolved: URL;
  try {
    resolved = new URL(value, OWN_ORIGIN);
  } catch {
    return fallback;
  }
  if (resolved.origin !== OWN_ORIGIN) return fallback;
  const target = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // A path that would itself read as another origin once a browser resolves it again (//evil, /\evil).
  if (new URL(target, OWN_ORIGIN).origin !== OWN_ORIGIN || /^[/\\]{2}/.test(target)) return fallback;
  return target;
}
