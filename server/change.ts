import { type ChangeMeta, type CurrentUser, type Scope, scopeOf } from "./auth/current-user";
import type { AppServices } from "./context";
import type { Tx } from "./db/database";
import { hasQueuedEmail } from "./domains/email/email-queued";

/** What a write service is handed: the open transaction, the caller's region scope, and who and when. */
export type Change = { trx: Tx; scope: Scope; meta: ChangeMeta };

type ChangeServices = Pick<AppServices, "db" | "clock" | "config" | "notifyEmailQueued">;

/**
 * The one way an adapter (an API handler, a page action, the command line) writes: one transaction
 * for the whole change, the actor and the clock read once, and the email job woken after the commit
 * when the change queued mail. The services inside stamp audit entries and recompute health
 * themselves, in the same transaction, so a change and its consequences commit together.
 * Errors pass through unchanged: the API turns them into its error shape, a page into field messages.
 */
export async function runChange<T>(services: ChangeServices, user: CurrentUser, write: (change: Change) => Promise<T>): Promise<T> {
  const meta = changeMetaOf(services, user);
  return runInTransaction(services, (trx) => write({ trx, scope: scopeOf(user), meta }));
}

/**
 * Who and when, for the one kind of change that must run its own transactions: the import commit,
 * which writes its progress on a second connection while its rows go in (imports.service.ts).
 */
export function changeMetaOf(services: Pick<ChangeServices, "clock" | "config">, user: CurrentUser): ChangeMeta {
  return { actor: { id: user.id, name: user.name }, now: services.clock.now(), appUrl: services.config.appUrl };
}

/**
 * A change made by Schakel itself or before anyone is signed in (jobs, the command line, sign-in,
 * a password reset): the same transaction and email wake-up as runChange, without a user.
 */
export async function runSystemChange<T>(services: ChangeServices, write: (trx: Tx, meta: ChangeMeta) => Promise<T>): Promise<T> {
  const meta: ChangeMeta = { actor: null, now: services.clock.now(), appUrl: services.config.appUrl };
  return runInTransaction(services, (trx) => write(trx, meta));
}

async function runInTransaction<T>(services: ChangeServices, write: (trx: Tx) => Promise<T>): Promise<T> {
  let emailQueued = false;
  const result = await services.db.transaction().execute(async (trx) => {
    const value = await write(trx);
    emailQueued = hasQueuedEmail(trx);
    return value;
  });
  if (emailQueued) await services.notifyEmailQueued();
  return result;
}
