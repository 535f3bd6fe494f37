import type { Config } from "../config";

/** The address people reach Schakel at: APP_URL when set (behind a proxy), else the request's own origin. */
export function appUrlFor(config: Config, requestUrl: string): string {
  return config.appUrl ?? new URL(requestUrl).origin;
}
