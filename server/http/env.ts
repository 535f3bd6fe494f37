import type { CurrentUser } from "../auth/current-user";
import type { AppServices } from "../context";

/** Hono's per-request variables, set by the middleware in server/app.ts. */
export type HonoEnv = {
  Variables: {
    services: AppServices;
    user: CurrentUser | null;
    sessionId: string | null;
    /** The signed-in user's region's name when the session cookie said who it is (null otherwise). */
    regionName: string | null;
    requestId: string;
    secureHeadersNonce?: string;
  };
};
