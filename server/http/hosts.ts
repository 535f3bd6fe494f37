import type { MiddlewareHandler } from "hono";
import type { Config } from "../config";
import { isLoopbackHostname } from "./loopback";

/*
 * The one module that reads the host a request names, and only to refuse it or to compare an Origin
 * with it: links are built from `config.appUrl` alone, never from `Host`, `X-Forwarded-Host` or
 * `Forwarded` (decision 090; tests/integration/links-from-config.test.ts checks no other file does).
 */

/** `host` or `host:port` as a URL would normalise it (lower case, default port dropped); null when it is not one. */
function normaliseHost(host: string): { host: string; hostname: string } | null {
  if (!host || /[\s/\\?#@]/.test(host)) return null;
  try {
    const url = new URL(`http://${host}`);
    return { host: url.host, hostname: url.hostname };
  } catch {
    return null;
  }
}

/**
 * Whether Schakel answers requests naming `host`: in a deployment APP_URL's host and those of
 * ALLOWED_HOSTS (an entry without a port matches any port); on a localhost run only loopback names.
 */
export function isAllowedHost(config: Config, host: string | undefined): boolean {
  const named = normaliseHost(host ?? "");
  if (!named) return false;
  if (!config.isDeployment) return isLoopbackHostname(named.hostname);
  if (named.host === new URL(config.appUrl).host) return true;
  return config.allowedHosts.some((entry) => {
    const allowed = normaliseHost(entry);
    if (!allowed) return false;
    return /:\d+$/.test(entry) ? allowed.host === named.host : allowed.hostname === named.hostname;
  });
}

/**
 * Refuses, before any handler runs, a request for a host Schakel does not serve: both the `Host`
 * header and the host of the URL the server saw must be allowed. `/healthz` is exempt: orchestrators
 * probe it at the container's own address, and it builds no link and tells nothing.
 */
export function refuseOtherHosts(config: Config): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.path === "/healthz") return next();
    const header = c.req.header("host");
    const urlHost = new URL(c.req.url).host;
    if (isAllowedHost(config, header ?? urlHost) && isAllowedHost(config, urlHost)) return next();
    const message = config.isDeployment
      ? `Schakel antwoordt alleen op ${config.appUrl}. / Schakel answers only at ${config.appUrl}.`
      : "Schakel draait voor deze computer (localhost). Zet APP_URL op het publieke adres om het onder een andere naam te bereiken. / Schakel is running for this machine only (localhost); set APP_URL to its public address to serve it under another name.";
    return c.text(message, 421);
  };
}

/**
 * Whether a browser's `Origin` is one of our own pages: the public address, or the very host the
 * request was sent to (already allowed above), so a localhost run works under 127.0.0.1 as well.
 */
export function isOwnOrigin(config: Config, origin: string, requestUrl: string): boolean {
  return origin === config.appUrl || origin === new URL(requestUrl).origin;
}

/** Headers that name a host other than the one the request was sent to. */
const HOST_FORWARDING_HEADERS = ["x-forwarded-host", "forwarded", "x-forwarded-server", "x-original-host"];

/**
 * The request as Remix should see it: without the headers that name another host. Schakel trusts
 * none of them (links come from configuration), and Remix itself compares X-Forwarded-Host with the
 * Origin of an action and throws (a 500) when they differ.
 */
export function withoutHostForwarding(request: Request): Request {
  if (!HOST_FORWARDING_HEADERS.some((name) => request.headers.has(name))) return request;
  const headers = new Headers(request.headers);
  for (const name of HOST_FORWARDING_HEADERS) headers.delete(name);
  return new Request(request, { headers });
}
