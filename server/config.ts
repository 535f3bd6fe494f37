import path from "node:path";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./http/client-address";

/**
 * Every environment variable Schakel reads, validated once. The README lists the same set.
 */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default("./.data"),
  APP_URL: z.string().url().optional(),
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
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  appUrl: string | undefined;
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
};

export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    appUrl: e.APP_URL?.replace(/\/$/, ""),
    smtpUrl: e.SMTP_URL || undefined,
    mailFrom: e.MAIL_FROM,
    now: e.SCHAKEL_NOW,
    logLevel: e.LOG_LEVEL,
    isProduction: e.NODE_ENV === "production",
    secretKey: e.SCHAKEL_SECRET_KEY,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    apiRateLimit: { perMinute: e.API_RATE_LIMIT_PER_MINUTE, burst: e.API_RATE_LIMIT_BURST },
  };
}
