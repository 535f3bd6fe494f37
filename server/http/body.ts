import type { Context } from "hono";
import { AppError } from "../errors";

/**
 * Reads a JSON body; anything else is a 400 in the error shape, never a 500. With `optional`, an
 * empty body reads as `{}` (for actions whose every field is optional). The body is at most 2 MB by
 * the time it gets here: the app's body limit (http/body-limit.ts) counts it as it streams in and
 * answers 413 itself once it is larger, whatever this function makes of the cut-off body.
 */
export async function readJson(c: Context, options: { optional?: boolean } = {}): Promise<unknown> {
  if (options.optional && !(await c.req.text()).trim()) return {};
  const type = c.req.header("content-type") ?? "";
  if (!type.includes("application/json")) throw new AppError("VALIDATION_FAILED", "Send a JSON body with Content-Type: application/json");
  try {
    return await c.req.json();
  } catch {
    throw new AppError("VALIDATION_FAILED", "The body is not valid JSON");
  }
}
