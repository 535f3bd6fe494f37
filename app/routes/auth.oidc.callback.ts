import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { safeRedirectTo } from "../utils/auth.server";
import { clearOidcStateCookie, readOidcStateCookie } from "../utils/oidc-cookie.server";
import { challengeCookie } from "../utils/two-factor-cookie.server";

/**
 * Where the school's identity provider sends the browser back. The answer is checked by
 * completeOidcSignIn; a refusal lands on the sign-in page (or the profile, when linking) with one
 * of a fixed set of reasons, never with the provider's own text.
 */
export async function loader({ context, request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const outcome = await context.server.runSystemChange(context, (trx, meta) =>
    context.server.completeOidcSignIn(trx, context.secrets, {
      query: url.search.replace(/^\?/, ""), cookieState: readOidcStateCookie(request), ip: context.ip, appUrl: context.config.appUrl, now: meta.now,
    }),
  );
  const headers = new Headers({ "Cache-Control": "no-store" });
  headers.append("Set-Cookie", clearOidcStateCookie(context.isSecure));
  switch (outcome.status) {
    case "refused":
      return redirect(outcome.mode === "link" ? `/profile?schoolAccountError=${outcome.reason}` : `/sign-in?schoolAccountError=${outcome.reason}`, { headers });
    case "linked":
      return redirect("/profile?schoolAccount=linked", { headers });
    case "two_factor":
      headers.append("Set-Cookie", challengeCookie(outcome.challenge, context.isSecure));
      return redirect(`/sign-in/code?redirectTo=${encodeURIComponent(safeRedirectTo(outcome.redirectTo))}`, { headers });
    case "signed_in": {
      // A session that existed before signing in is ended: the new one gets a fresh id.
      if (context.sessionId) await context.sessions.invalidate(context.sessionId, context.isSecure);
      headers.append("Set-Cookie", await context.sessions.create(outcome.userId, {
        ip: context.ip, userAgent: request.headers.get("user-agent"), secure: context.isSecure, secondFactorByProvider: outcome.secondFactorByProvider,
      }));
      return redirect(safeRedirectTo(outcome.redirectTo), { headers });
    }
  }
}
