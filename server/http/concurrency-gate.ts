/**
 * At most `max` of one kind of work at a time in this process; more is refused at once rather than
 * queued, because a queued request keeps holding what it has sent while it waits (decision 095).
 * The count lives on globalThis: the API (build/server.js) and the pages (build/index.js) are two
 * bundles with their own copy of this module (STACK.md pitfall 6), and must share one gate.
 */
export type ConcurrencyGate = {
  /** Runs `work` in a free slot, or returns `busy()` without running it when none is free. */
  run<T, B>(work: () => Promise<T>, busy: () => B): Promise<T | B>;
};

export function concurrencyGate(name: string, max: number): ConcurrencyGate {
  const key = Symbol.for(`schakel.gate.${name}`);
  const state = ((globalThis as Record<symbol, unknown>)[key] ??= { active: 0 }) as { active: number };
  return {
    async run(work, busy) {
      if (state.active >= max) return busy();
      state.active++;
      try {
        return await work();
      } finally {
        state.active--;
      }
    },
  };
}
