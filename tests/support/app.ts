import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/server-runtime";
import { createApp, type RemixHandler } from "../../server/app";
import { createSecretBox } from "../../server/auth/secret-key";
import { createSessions, SESSION_COOKIE } from "../../server/auth/sessions";
import { createClock } from "../../server/clock";
import { readConfig } from "../../server/config";
import type { AppServices } from "../../server/context";
import type { Database } from "../../server/db/database";
import { withAddressErrorsAsBadRequest } from "../../server/http/page-errors";
import { createLogger } from "../../server/logger";
import { TEST_SECRET_KEY } from "./secret-key";

export const TEST_APP_URL = "http://schakel.test";
export { TEST_SECRET_KEY };

const BUILD_PATH = path.resolve("build/index.js");

let remixHandler: Promise<RemixHandler> | undefined;

/** The Remix build, loaded once per test file as server/web-server.ts does. `npm test` builds first. */
function loadRemixHandler(): Promise<RemixHandler> {
  return (remixHandler ??= (async () => {
    if (!existsSync(BUILD_PATH)) throw new Error(`No Remix build at ${BUILD_PATH}: run "npx remix build" first.`);
    const build = (await import(/* @vite-ignore */ pathToFileURL(BUILD_PATH).href)) as ServerBuild;
    return createRequestHandler(withAddressErrorsAsBadRequest(build), "production");
  })());
}

/**
 * A pinned clock never refills the API's token bucket, so a test making hundreds of calls with one
 * token would meet the limit: tests get one they cannot reach, unless they set their own (rate-limits.test.ts).
 */
const UNREACHABLE_API_LIMIT = { API_RATE_LIMIT_PER_MINUTE: "1000000", API_RATE_LIMIT_BURST: "1000000" };
/** Every test's API answers are checked against the declared response schemas (server/http/api-router.ts). */
const CHECKED_RESPONSES = { CHECK_API_RESPONSES: "1" };

export type TestAppOptions = {
  /** Pins the clock (as SCHAKEL_NOW does). To move time, make a second app over the same database. */
  now?: string | Date;
  /**
   * APP_URL (a deployment; https here makes every request count as served over HTTPS). `null` is a
   * localhost run: no APP_URL, so the address is http://localhost:3000 and only loopback hosts are served.
   */
  appUrl?: string | null;
  /** Mount the Remix build after the API, as the real server does. */
  remix?: boolean;
  /** More environment variables, as the process would read them (TRUST_PROXY, API_RATE_LIMIT_*). */
  env?: Record<string, string>;
};

export type RequestOptions = RequestInit & {
  token?: string;
  /** Cookies to send; the answer's Set-Cookie headers are stored back into it. */
  jar?: CookieJar;
  /** The client's address, as the rate limits see it (default 192.0.2.1). */
  ip?: string;
};

/**
 * The Hono app over a test database, without an open port: tests call `app.request()`. Without
 * `remix: true` it is the API alone. `now` pins the clock (as SCHAKEL_NOW does).
 */
export function createTestApp(db: Database, options: TestAppOptions = {}) {
  const now = options.now instanceof Date ? options.now.toISOString() : options.now;
  const env = options.appUrl === null ? { PORT: "3000" } : { APP_URL: (options.appUrl ?? TEST_APP_URL).replace(/\/$/, "") };
  const config = { ...readConfig({ ...UNREACHABLE_API_LIMIT, ...CHECKED_RESPONSES, ...options.env, LOG_LEVEL: "silent", ...env }), now };
  // Requests go to the configured address, as a browser following Schakel's own links would.
  const appUrl = config.appUrl;
  const notified: number[] = [];
  const clock = createClock(now);
  const services: AppServices = {
    db,
    clock,
    config,
    log: createLogger("silent"),
    sessions: createSessions(db, clock),
    secrets: createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64")),
    notifyEmailQueued: async () => {
      notified.push(Date.now());
    },
  };
  const app = createApp(services, options.remix ? loadRemixHandler : undefined);

  const request = async (urlPath: string, init: RequestOptions = {}) => {
    const { token, jar, ip, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set("Authorization", `Bearer ${token}`);
    if (rest.body && typeof rest.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
    if (jar && jar.size && !headers.has("cookie")) headers.set("cookie", jar.header());
    // A browser always names the host: our own unless a test plays someone naming another.
    if (!headers.has("host")) headers.set("host", new URL(appUrl).host);
    // @hono/node-server's getConnInfo reads the socket of the incoming Node request from the bindings.
    const bindings = { incoming: { socket: { remoteAddress: ip ?? "192.0.2.1", remotePort: 40000, remoteFamily: "IPv4" } } };
    const response = await app.request(`${appUrl}${urlPath}`, { ...rest, headers }, bindings);
    jar?.store(response);
    return response;
  };

  /** A page as a browser loads it (GET, no redirects followed). */
  const get = (urlPath: string, init: Omit<RequestOptions, "method" | "body"> = {}) => request(urlPath, { ...init, method: "GET" });

  /**
   * Submits a form as the browser does without JavaScript: urlencoded, with the Origin of our own
   * pages (override `origin` to play a cross-site page).
   */
  const postForm = (urlPath: string, fields: Record<string, string>, init: Omit<RequestOptions, "method" | "body"> & { origin?: string } = {}) => {
    const { origin, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set("content-type", "application/x-www-form-urlencoded");
    headers.set("origin", origin ?? new URL(appUrl).origin);
    return request(urlPath, { ...rest, method: "POST", headers, body: new URLSearchParams(fields).toString() });
  };

  return { app, services, request, get, postForm, notified, appUrl };
}

export type TestApp = ReturnType<typeof createTestApp>;

/**
 * The cookies of one browser: Set-Cookie headers are applied in the order they arrive (a later one
 * for the same name wins, Max-Age=0 removes it), as a browser does.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  get size() {
    return this.cookies.size;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The session id this browser would send, if any. */
  get sessionId(): string | undefined {
    return this.cookies.get(SESSION_COOKIE);
  }

  set(name: string, value: string) {
    this.cookies.set(name, value);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  store(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(line);
      if (cookie.isRemoval) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }
}

export type SetCookie = { name: string; value: string; attributes: Record<string, string | true>; isRemoval: boolean };

export function parseSetCookie(line: string): SetCookie {
  const [pair = "", ...parts] = line.split(";").map((part) => part.trim());
  const separator = pair.indexOf("=");
  const name = pair.slice(0, separator);
  const value = pair.slice(separator + 1);
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const at = part.indexOf("=");
    if (at === -1) attributes[part.toLowerCase()] = true;
    else attributes[part.slice(0, at).toLowerCase()] = part.slice(at + 1);
  }
  const maxAge = attributes["max-age"];
  const expires = attributes.expires;
  const isRemoval =
    value === "" || (typeof maxAge === "string" && Number(maxAge) <= 0) || (typeof expires === "string" && new Date(expires).getTime() <= Date.now());
  return { name, value, attributes, isRemoval };
}

/** The session cookies an answer sets, in order. */
export function sessionCookiesOf(response: Response): SetCookie[] {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .filter((cookie) => cookie.name === SESSION_COOKIE);
}

// Reading what a page shows, without a DOM: the pages are server-rendered React, so their markup is regular.

function decodeEntities(text: string): string {
  return text
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function textOf(html: string): string {
  return decodeEntities(html.replace(/<[^>]+>/g, "")).replace(/\s+/g, " ").trim();
}

/** The texts of the page's alerts (role="alert" or "status" blocks above forms and pages). */
export function alertsOf(html: string): string[] {
  return [...html.matchAll(/<div class="alert alert-(?:error|info|success)" role="(?:alert|status)">([\s\S]*?)<\/div>/g)].map((match) =>
    textOf(match[1] ?? ""),
  );
}

/** The error shown under the form field named `name`, if any. */
export function fieldErrorOf(html: string, name: string): string | undefined {
  const field = new RegExp(`<input[^>]*\\bname="${name}"[^>]*>([\\s\\S]*?)</div>`).exec(html) ??
    new RegExp(`<select[^>]*\\bname="${name}"[^>]*>[\\s\\S]*?</select>([\\s\\S]*?)</div>`).exec(html) ??
    new RegExp(`<textarea[^>]*\\bname="${name}"[^>]*>[\\s\\S]*?</textarea>([\\s\\S]*?)</div>`).exec(html);
  const error = /<p class="field-error"[^>]*>([\s\S]*?)<\/p>/.exec(field?.[1] ?? "");
  return error ? textOf(error[1] ?? "") : undefined;
}
