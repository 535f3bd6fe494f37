import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./http/client-address";
import { isLoopbackHostname } from "./http/loopback";

export { isLoopbackHostname };

/**
 * Every environment variable Schakel reads, validated once. The README lists the same set.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** How many web processes share the port (decision 133); default: one per core in production, one in development. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  HOST: z.string().optional(),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./.data"),
  APP_URL: z.string().url().optional(),
  ALLOWED_HOSTS: z.string().optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Schakel <noreply@schakel.local>"),
  SCHAKEL_NOW: z.string().datetime({ offset: true }).optional(),
  LOG_LEVEL: z.enum(["silent", "error", "info", "debug"]).default("info"),
  NODE_ENV: z.string().default("production"),
  /** Checked and turned into a key by server/auth/secret-key.ts (required with APP_URL). */
  SCHAKEL_SECRET_KEY: z.string().optional(),
  TRUST_PROXY: z.string().optional(),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  API_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** "1": every JSON answer of the API is checked against its declared schema (the tests set it). */
  CHECK_API_RESPONSES: z.enum(["0", "1"]).default("0"),
  /** Email capture (issue 16): the SMTP listener's port, or `off`. */
  INBOUND_SMTP_PORT: z.union([z.literal("off"), z.coerce.number().int().min(0).max(65535)]).default(2525),
  INBOUND_MAIL_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/i).optional(),
  INBOUND_SMTP_TLS_CERT: z.string().optional(),
  INBOUND_SMTP_TLS_KEY: z.string().optional(),
  INBOUND_TRUSTED_AUTHSERV_IDS: z.string().optional(),
});

export type Config = {
  port: number;
  host: string;
  /** Web processes serving the port; 1: the single process of before, no cluster. */
  webConcurrency: number;
  databaseUrl: string | undefined;
  dataDir: string;
  /**
   * The public address of Schakel (an origin, no trailing slash): the only source of every absolute
   * link (emails, feeds, the setup address). APP_URL in a deployment; `http://localhost:PORT` on a
   * localhost run (the bound port once the server listens, see `withBoundPort`). Never derived from
   * a request (decision 090).
   */
  appUrl: string;
  /** APP_URL is set: a deployment, reachable only under APP_URL's host (and ALLOWED_HOSTS). */
  isDeployment: boolean;
  /** Further `Host` values a deployment answers (ALLOWED_HOSTS); `host` alone matches any port. */
  allowedHosts: string[];
  smtpUrl: string | undefined;
  mailFrom: string;
  now: string | undefined;
  logLevel: "silent" | "error" | "info" | "debug";
  isProduction: boolean;
  secretKey: string | undefined;
  /** Which proxies may name the client's address (decision 098); none by default. */
  trustProxy: TrustProxy;
  /** Requests per API token (or browser session) a minute, and how many may come at once. */
  apiRateLimit: { perMinute: number; burst: number };
  /** Check every JSON answer of the API against its declared schema (server/http/api-router.ts); a mismatch is a 500. */
  checkApiResponses: boolean;
  /** Email capture (issue 16, decision 110). */
  inboundMail: InboundMailConfig;
};

export type InboundMailConfig = {
  /** The SMTP listener's port (0: a free one); null when INBOUND_SMTP_PORT=off. */
  smtpPort: number | null;
  /** The domain of every logging address: INBOUND_MAIL_DOMAIN, else APP_URL's host, else schakel.localhost. */
  domain: string;
  /** STARTTLS is offered only with both files configured. */
  tls: { certFile: string; keyFile: string } | null;
  /**
   * The authserv-ids (RFC 8601) of the relays whose Authentication-Results Schakel believes; empty:
   * only the topmost Authentication-Results and Received-SPF headers (the last hop's) are read.
   */
  trustedAuthservIds: string[];
};

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  const appUrl = e.APP_URL === undefined ? undefined : publicOrigin(e.APP_URL);
  const allowedHosts = (e.ALLOWED_HOSTS ?? "").split(",").map((host) => host.trim().toLowerCase()).filter(Boolean);
  if (!appUrl) {
    // Without APP_URL Schakel cannot know the address people use, so it serves this machine only
    // (decision 090). Settings that say otherwise are a mistake to report now, not a link to get wrong later.
    if (allowedHosts.length) {
      throw new Error("ALLOWED_HOSTS is set but APP_URL is not: set APP_URL to the public address (https://schakel.example.nl) so links in emails point there.");
    }
    if (e.HOST !== undefined && !isLoopbackHostname(e.HOST)) {
      throw new Error(`HOST=${e.HOST} serves other machines, but APP_URL is not set: set APP_URL to the address they use (https://schakel.example.nl), or HOST=127.0.0.1 for this machine only.`);
    }
  }
  if (Boolean(e.INBOUND_SMTP_TLS_CERT) !== Boolean(e.INBOUND_SMTP_TLS_KEY)) {
    throw new Error("INBOUND_SMTP_TLS_CERT and INBOUND_SMTP_TLS_KEY go together: set both (PEM files) to offer STARTTLS, or neither.");
  }
  for (const host of allowedHosts) {
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(host)) throw new Error(`Invalid environment variable ALLOWED_HOSTS: "${host}" is not a host name (host or host:port, no scheme)`);
  }
  return {
    port: e.PORT,
    webConcurrency: e.WEB_CONCURRENCY ?? (e.NODE_ENV === "production" ? Math.max(1, os.availableParallelism()) : 1),
    // Every interface, as before: on a localhost run, requests naming any other host are refused anyway.
    host: e.HOST ?? "0.0.0.0",
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    appUrl: appUrl ?? `http://localhost:${e.PORT}`,
    isDeployment: appUrl !== undefined,
    allowedHosts,
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    now: e.SCHAKEL_NOW,
    logLevel: e.LOG_LEVEL,
    isProduction: e.NODE_ENV === "production",
    secretKey: e.SCHAKEL_SECRET_KEY,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    apiRateLimit: { perMinute: e.API_RATE_LIMIT_PER_MINUTE, burst: e.API_RATE_LIMIT_BURST },
    checkApiResponses: e.CHECK_API_RESPONSES === "1",
    inboundMail: {
      smtpPort: e.INBOUND_SMTP_PORT === "off" ? null : e.INBOUND_SMTP_PORT,
      domain: (e.INBOUND_MAIL_DOMAIN ?? (appUrl ? new URL(appUrl).hostname : "schakel.localhost")).toLowerCase(),
      tls: e.INBOUND_SMTP_TLS_CERT && e.INBOUND_SMTP_TLS_KEY ? { certFile: e.INBOUND_SMTP_TLS_CERT, keyFile: e.INBOUND_SMTP_TLS_KEY } : null,
      trustedAuthservIds: (e.INBOUND_TRUSTED_AUTHSERV_IDS ?? "").split(",").map((id) => id.trim().toLowerCase()).filter(Boolean),
    },
  };
}

/** APP_URL must be an http(s) origin: links are built by appending a path to it. */
function publicOrigin(value: string): string {
  const address = new URL(value);
  if ((address.protocol !== "http:" && address.protocol !== "https:") || address.username || address.password || address.search || address.hash || (address.pathname !== "/" && address.pathname !== "")) {
    throw new Error(`Invalid environment variable APP_URL: "${value}" must be an http(s) address without a path, e.g. https://schakel.example.nl`);
  }
  return address.origin;
}

/**
 * The config once the server listens: on a localhost run with PORT=0 the address names the port
 * actually bound. A deployment's address is APP_URL and stays.
 */
export function withBoundPort(config: Config, port: number): Config {
  return config.isDeployment ? config : { ...config, port, appUrl: `http://localhost:${port}` };
}
