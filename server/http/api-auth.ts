import { createMiddleware } from "hono/factory";
import type { Role } from "../../db/schema";
import type { CurrentUser } from "../auth/current-user";
import { AppError } from "../errors";
import type { HonoEnv } from "./env";

/** Every /api/v1 route but the public ones needs a user: by bearer token or by session cookie. */
export const requireApiUser = createMiddleware<HonoEnv>(async (c, next) => {
  if (!c.get("user")) throw new AppError("UNAUTHENTICATED", "Authentication required: send an API token as 'Authorization: Bearer <token>'");
  await next();
});

/** Refuses with 403 unless the user has one of the roles. */
export function requireApiRole(...roles: Role[]) {
  return createMiddleware<HonoEnv>(async (c, next) => {
    const user = c.get("user");
    if (!user) throw new AppError("UNAUTHENTICATED", "Authentication required");
    if (!roles.includes(user.role)) throw new AppError("FORBIDDEN", "Your role may not do this");
    await next();
  });
}

export function apiUser(c: { get(key: "user"): CurrentUser | null }): CurrentUser {
  const user = c.get("user");
  if (!user) throw new AppError("UNAUTHENTICATED", "Authentication required");
  return user;
}
