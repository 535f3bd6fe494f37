import { createApp } from "../../server/app";
import { createSessions } from "../../server/auth/sessions";
import { createClock } from "../../server/clock";
import { readConfig } from "../../server/config";
import type { AppServices } from "../../server/context";
import type { Database } from "../../server/db/database";
import { createLogger } from "../../server/logger";

/**
 * The Hono app over a test database, without Remix and without an open port: API tests call
 * `app.request()`. `now` pins the clock (as SCHAKEL_NOW does).
 */
export function createTestApp(db: Database, options: { now?: string; appUrl?: string } = {}) {
  const config = { ...readConfig({ LOG_LEVEL: "silent", APP_URL: options.appUrl ?? "http://schakel.test" }), now: options.now };
  const notified: number[] = [];
  const services: AppServices = {
    db,
    clock: createClock(options.now),
    config,
    log: createLogger("silent"),
    sessions: createSessions(db),
    notifyEmailQueued: async () => {
      notified.push(Date.now());
    },
  };
  const app = createApp(services);
  const request = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
    if (init.body && typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
    return app.request(`http://schakel.test${path}`, { ...init, headers });
  };
  return { app, services, request, notified };
}
