import type { Context, MiddlewareHandler } from "hono";
import type { HonoEnv } from "./env";

/**
 * A byte limit on the request body that never buffers it (decision 095). Hono's own `bodyLimit`
 * reads a body without Content-Length (chunked) into memory up to the limit before the handler
 * runs: ten 50 MB chunked imports at once held 500 MB before a single row was parsed. Here a
 * declared Content-Length over the limit is refused before anything is read (Node itself stops
 * reading a body at its declared length), and any other body is handed on as a stream that counts
 * its bytes and fails once past the limit, so whoever reads it reads at most `maxSize` bytes.
 *
 * A reader that meets the failure may turn it into anything (a JSON parse error, a form that could
 * not be read, a 500 from Remix): whatever it answered is replaced by `onError`'s answer.
 */
export function streamingBodyLimit(options: { maxSize: number; onError: (c: Context<HonoEnv>) => Response | Promise<Response> }): MiddlewareHandler<HonoEnv> {
  const { maxSize, onError } = options;
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = raw.headers.get("content-length");
    if (declared !== null && !raw.headers.has("transfer-encoding")) {
      return Number.parseInt(declared, 10) > maxSize ? onError(c) : next();
    }
    let size = 0;
    let exceeded = false;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > maxSize) {
          exceeded = true;
          controller.error(new BodyTooLargeError(maxSize));
          return;
        }
        controller.enqueue(chunk);
      },
    });
    c.req.raw = new Request(raw, { body: raw.body.pipeThrough(counter), duplex: "half" } as RequestInit);
    try {
      await next();
    } catch (error) {
      if (!exceeded) throw error;
    }
    if (exceeded) {
      // Cleared first: Hono would otherwise copy the answer it replaces (its length, a Location) onto ours.
      c.res = undefined as unknown as Response;
      c.finalized = false;
      const refused = await onError(c);
      c.res = refused;
    }
  };
}

/** What a counted body fails with once it passes its limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly maxSize: number) {
    super(`The request body is larger than ${maxSize} bytes`);
    this.name = "BodyTooLargeError";
  }
}
