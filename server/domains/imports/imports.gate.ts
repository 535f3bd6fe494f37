import { AppError } from "../../errors";
import { concurrencyGate } from "../../http/concurrency-gate";

/**
 * How many import files this process reads at once (decision 095). Each may hold up to
 * `IMPORT_LIMITS.maxRows` rows while it is read and analysed; a third upload while two are read is
 * refused at once with 429 and Retry-After rather than queued, because a queue would hold its
 * request (and the memory of whatever it has sent) while it waits.
 */
export const MAX_CONCURRENT_IMPORTS = 2;
export const IMPORT_RETRY_AFTER_SECONDS = 10;

const gate = concurrencyGate("imports", MAX_CONCURRENT_IMPORTS);

/** Runs `read` in one of the import slots, or throws RATE_LIMITED (429) when none is free. */
export async function withImportSlot<T>(read: () => Promise<T>): Promise<T> {
  return gate.run(read, () => {
    throw importsBusy();
  });
}

export function importsBusy() {
  return new AppError("RATE_LIMITED", `${MAX_CONCURRENT_IMPORTS} imports are being read right now; try again in ${IMPORT_RETRY_AFTER_SECONDS} seconds`, {
    userMessageKey: "imports.errors.busy",
    details: { retryAfterSeconds: IMPORT_RETRY_AFTER_SECONDS },
  });
}
