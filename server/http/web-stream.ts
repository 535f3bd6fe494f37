import type { Readable } from "node:stream";

/**
 * A Node readable as a web stream for a Response body, safe when the client goes away: Node 20's
 * `Readable.toWeb` still enqueues data that arrives after the reader cancelled, which throws
 * "Invalid state: Controller is already closed" outside any handler, and an uncaught exception
 * ends the process. One person cancelling a download of an export would stop Schakel for everyone
 * (found by tests/integration/downloads.test.ts, issue 14). Backpressure as before: the source is
 * paused while the consumer's queue is full.
 */
export function toWebStream(readable: Readable): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      readable.on("data", (chunk: Buffer | string) => {
        if (done) return;
        controller.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) readable.pause();
      });
      readable.once("end", () => {
        if (done) return;
        done = true;
        controller.close();
      });
      readable.once("error", (error) => {
        if (done) return;
        done = true;
        controller.error(error);
      });
    },
    pull() {
      readable.resume();
    },
    cancel() {
      done = true;
      readable.destroy();
    },
  });
}
