import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { type CurrentUser, scopeOf } from "../auth/current-user";
import { type Action, can } from "../auth/permissions";
import { limitApiRequest } from "../auth/rate-limit";
import { hashSecret } from "../auth/secrets";
import { AppError } from "../errors";
import type { HonoEnv } from "./env";

/** Every /api/v1 route but the public ones needs a user: by bearer token or by session cookie. */
export const requireApiUser = createMiddleware<HonoEnv>(async (c, next) => {
  if (!c.get("user")) throw new AppError("UNAUTHENTICATED", "Authentication required: send an API token as 'Authorization: Bearer <token>'");
  await limitApiCaller(c);
  await next();
});

/**
 * The API's rate limit (decision 098): per token, or per session for a browser's own calls, one
 * upsert per request. Keyed on a hash, so the limits table holds no usable credential.
 */
async function limitApiCaller(c: Context<HonoEnv>) {
  const { db, clock, config } = c.get("services");
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const sessionId = c.get("sessionId");
  const caller = bearer ? { kind: "token" as const, id: hashSecret(bearer) } : { kind: "session" as const, id: hashSecret(sessionId ?? "") };
  const outcome = await limitApiRequest(db, caller, config.apiRateLimit, clock.now());
  c.header("RateLimit-Limit", String(config.apiRateLimit.perMinute));
  c.header("RateLimit-Remaining", String(outcome.remaining));
  if (!outcome.allowed) {
    c.header("Retry-After", String(outcome.retryAfterSeconds));
    throw new AppError("RATE_LIMITED", `Too many requests: at most ${config.apiRateLimit.perMinute} a minute (bursts of ${config.apiRateLimit.burst}); retry after ${outcome.retryAfterSeconds} s`, {
      details: { retryAfterSeconds: outcome.retryAfterSeconds },
    });
  }
}

/**
 * Refuses with 403 unless the user's role may attempt one of the actions (server/auth/permissions.ts);
 * a rule about the record itself is asked again by the service once it has loaded it.
 */
export function requireApiPermission(...actions: [Action, ...Action[]]) {
  return createMiddleware<HonoEnv>(async (c, next) => {
    const user = c.get("user");
    if (!user) throw new AppError("UNAUTHENTICATED", "Authentication required");
    if (!actions.some((action) => can(scopeOf(user), action))) throw new AppError("FORBIDDEN", "Your role may not do this");
    await next();
  });
}

export function apiUser(c: { get(key: "user"): CurrentUser | null }): CurrentUser {
  const user = c.get("user");
  if (!user) throw new AppError("UNAUTHENTICATED", "Authentication required");
  return user;
}
