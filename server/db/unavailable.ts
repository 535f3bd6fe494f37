/**
 * Is this error the database being away (stopped, restarting, unreachable) rather than a fault in a
 * query? Such requests answer 503 with Retry-After instead of 500: nothing is wrong with the request,
 * and postgres.js reconnects by itself once the server is back.
 */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND",
  // postgres.js
  "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT",
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, connection failures
  "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006",
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_CODES.has(code)) return true;
    // A stopped server removes its Unix socket (decision 146): connecting finds no file there.
    if (code === "ENOENT" && (current as { syscall?: unknown }).syscall === "connect") return true;
    // AggregateError (a refused connection on several addresses) and wrapped causes.
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
