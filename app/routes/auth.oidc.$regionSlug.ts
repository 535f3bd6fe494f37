import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { AppError } from "../../server/errors";
import { safeRedirectTo } from "../utils/auth.server";
import { oidcStateCookie } from "../utils/oidc-cookie.server";

/**
 * Starts signing in with the region's school account (`?mode=link`: linking it to the signed-in
 * user's account, from the profile page). The browser goes to the provider with a fresh state,
 * nonce and PKCE challenge; the state also goes into this browser's cookie.
 */
export async function loader({ context, request, params }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const mode = url.searchParams.get("mode") === "link" ? "link" : "sign_in";
  const redirectTo = safeRedirectTo(url.searchParams.get("redirectTo"));
  if (mode === "link" && !context.user) throw redirect("/sign-in?redirectTo=%2Fprofile");
  if (mode === "sign_in" && context.user) throw redirect(redirectTo);
  const slug = params.regionSlug ?? "";
  if (!/^[a-z0-9-]{1,60}$/.test(slug)) throw new AppError("NOT_FOUND", "No such region");
  const hint = url.searchParams.get("email")?.trim().toLowerCase() ?? "";
  const started = await context.server.startOidcSignIn(context.db, context.secrets, {
    regionSlug: slug, mode, userId: context.user?.id ?? null, redirectTo,
    loginHint: mode === "link" ? (context.user?.email ?? null) : /^[^@\s]{1,64}@[^@\s]{1,190}$/.test(hint) ? hint : null,
    appUrl: context.config.appUrl, now: context.clock.now(),
  });
  if (started.status === "unknown_region") throw new AppError("NOT_FOUND", "No such region");
  if (started.status === "refused") throw redirect(mode === "link" ? `/profile?schoolAccountError=${started.reason}` : `/sign-in?schoolAccountError=${started.reason}`);
  return redirect(started.location, { headers: { "Set-Cookie": oidcStateCookie(started.state, context.isSecure), "Cache-Control": "no-store" } });
}
