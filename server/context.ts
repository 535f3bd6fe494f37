import type { CurrentUser } from "./auth/current-user";
import type { SecretBox } from "./auth/secret-key";
import type { Sessions } from "./auth/sessions";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database } from "./db/database";
import type { Logger } from "./logger";

/** What the process creates once and every request shares (STACK.md pitfall 6: never in a route module). */
export type AppServices = {
  db: Database;
  clock: Clock;
  config: Config;
  sessions: Sessions;
  /** Encrypts and decrypts secrets kept at rest (TOTP secrets) with SCHAKEL_SECRET_KEY. */
  secrets: SecretBox;
  log: Logger;
  /** Wakes the email delivery job after a transaction queued mail; a no-op when jobs do not run. */
  notifyEmailQueued(): Promise<void>;
};

/** The Remix load context: the services plus who is asking and how. */
export type RequestContext = AppServices & {
  user: CurrentUser | null;
  sessionId: string | null;
  /** The region's name, read with the session (null for an API token or no one signed in). */
  regionName: string | null;
  requestId: string;
  nonce: string;
  ip: string;
  isSecure: boolean;
};

declare module "@remix-run/server-runtime" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RequestContext {}
}

/** A started Schakel: one process, or a cluster's primary (server/cluster.ts). */
export type RunningServer = {
  url: string;
  /** The port the email-capture SMTP listener took (INBOUND_SMTP_PORT=0 picks one); null when it is off. */
  inboundSmtpPort: number | null;
  stop(): Promise<void>;
};
