import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError } from "../errors";
import { isDatabaseUnavailable } from "../db/unavailable";
import type { Logger } from "../logger";

/** The one error shape of the API: `{ error: { code, message, fields? } }` (API.md). */
export function apiErrorResponse(c: Context, error: unknown, log: Logger) {
  if (error instanceof AppError) {
    // A rate limit says when to come back (RFC 9110), as the page's message does.
    if (error.code === "RATE_LIMITED" && typeof error.details?.retryAfterSeconds === "number") c.header("Retry-After", String(error.details.retryAfterSeconds));
    return c.json(error.toJSON(), error.status as 400);
  }
  if (error instanceof HTTPException) {
    // The route declarations' body validators (server/http/api-router.ts) refuse a body that is not
    // JSON with 415 and one that does not parse with 400; both are bad input, said as before.
    if (error.status === 415) return c.json({ error: { code: "VALIDATION_FAILED", message: "Send a JSON body with Content-Type: application/json" } }, 400);
    if (error.status === 400 && /JSON/i.test(error.message)) return c.json({ error: { code: "VALIDATION_FAILED", message: "The body is not valid JSON" } }, 400);
    const code = error.status === 403 ? "FORBIDDEN" : error.status === 401 ? "UNAUTHENTICATED" : "VALIDATION_FAILED";
    return c.json({ error: { code, message: error.message || "Bad request" } }, error.status);
  }
  if (error instanceof SyntaxError) return c.json({ error: { code: "VALIDATION_FAILED", message: "The body is not valid JSON" } }, 400);
  if (isDatabaseUnavailable(error)) {
    log.error("Database unavailable", { requestId: c.get("requestId") });
    c.header("Retry-After", "5");
    return c.json({ error: { code: "UNAVAILABLE", message: "The database does not answer; try again in a moment" } }, 503);
  }
  log.error("Unhandled API error", { error: error instanceof Error ? error.stack : String(error), requestId: c.get("requestId") });
  return c.json({ error: { code: "INTERNAL", message: "Something went wrong; the error has been logged" } }, 500);
}
