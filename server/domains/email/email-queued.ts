/**
 * Which transactions put mail in the outbox: queueEmail marks them, and runChange (server/change.ts)
 * wakes the delivery job once such a transaction has committed. Kept on globalThis: the Remix build
 * bundles its own copy of the server modules, and a page's change and the outbox it writes to must
 * see the same set.
 */
const MARK = Symbol.for("schakel.email-queued-in");

function queuedTransactions(): WeakSet<object> {
  const global = globalThis as { [MARK]?: WeakSet<object> };
  return (global[MARK] ??= new WeakSet<object>());
}

/** This transaction (or connection) has mail to send once it commits. */
export function markEmailQueued(db: object): void {
  queuedTransactions().add(db);
}

export function hasQueuedEmail(db: object): boolean {
  return queuedTransactions().has(db);
}
