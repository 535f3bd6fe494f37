import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The region of the signed-in user a request is served for (decision 073). While it is set, every
 * query the database layer runs (server/db/database.ts) runs as the role `schakel_request`, which
 * row-level security limits to this region's rows: a query that forgets its `where region_id = …`
 * still returns nothing of another region. Outside it (jobs, the CLI, sign-in before anyone is
 * known) queries run as the login role and see everything, as the code asks.
 */
// One per process: pages reach the domain through the load context (server/page-services.ts), so
// the Remix build holds no copy of this module (decision 140; tests/unit/import-graph.test.ts).
const storage = new AsyncLocalStorage<{ regionId: string }>();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs `fn` (and everything it starts) with queries limited to `regionId`. */
export function runInRegionScope<T>(regionId: string, fn: () => T): T {
  // The id goes into the database session as a literal (server/db/database.ts): only a uuid may.
  if (!UUID.test(regionId)) throw new Error(`Not a region id: ${regionId}`);
  return storage.run({ regionId }, fn);
}

/**
 * Runs `fn` without the region limit, inside a request. Only for a read that must cross regions
 * by design; say why where it is called.
 */
export function runOutsideRegionScope<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The region queries are limited to now, or null when they are not limited. */
export function currentRegionScope(): string | null {
  return storage.getStore()?.regionId ?? null;
}

/**
 * The scope's own object, one per `runInRegionScope` call (so one per request): the database layer
 * keys the request's shared read connection on it (server/db/database.ts, decision 146).
 */
export function currentRegionScopeKey(): object | null {
  return storage.getStore() ?? null;
}

/**
 * `source`, read in the region scope it was made in. A streamed download is read by the server's
 * response writer after the request's handler has returned, outside the request's scope; without
 * this its pages would be read unrestricted.
 */
export function inThisRegionScope<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
  const regionId = currentRegionScope();
  const iterator = source[Symbol.asyncIterator]();
  const inScope = <R>(step: () => Promise<R>) => (regionId ? runInRegionScope(regionId, step) : runOutsideRegionScope(step));
  return {
    next: () => inScope(() => iterator.next()),
    return: (value?: unknown) => inScope(() => iterator.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined })),
    throw: (error?: unknown) => inScope(() => iterator.throw?.(error) ?? Promise.reject(error)),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
