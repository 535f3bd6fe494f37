import { redirect, type AppLoadContext } from "@remix-run/node";
import type { Role } from "../../db/schema";
import type { CurrentUser } from "../../server/auth/current-user";

/** The signed-in user, or a redirect to the sign-in page that brings them back here afterwards. */
export function requireUser(context: AppLoadContext, request: Request): CurrentUser {
  if (context.user) return context.user;
  const url = new URL(request.url);
  throw redirect(`/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
}

/** The signed-in user when their role is one of `roles`; otherwise a 403 page. */
export function requireRole(context: AppLoadContext, request: Request, ...roles: Role[]): CurrentUser {
  const user = requireUser(context, request);
  if (!roles.includes(user.role)) throw new Response("Forbidden", { status: 403 });
  return user;
}

/** Only local paths, so a crafted link cannot send someone elsewhere after signing in. */
export function safeRedirectTo(value: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  return value;
}
