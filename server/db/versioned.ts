import { AppError } from "../errors";

/**
 * Optimistic concurrency, written once. A versioned record is changed in two steps, both through
 * `assertStillCurrent`: the version the caller read must be the stored one (`before.version ===
 * input.version`), and the update itself — made `where version = <read>` and bumping it — must
 * have touched the row (someone may have written in between). Either failing is a 409 that says
 * "reload and try again", and the transaction writes nothing.
 */
export function assertStillCurrent(condition: unknown, record: string, userMessageKey = "errors.conflict"): asserts condition {
  if (!condition) throw new AppError("CONFLICT", `The ${record} was changed by someone else; reload and try again`, { userMessageKey });
}

/** For an update that returns no row: whether it changed exactly one. */
export const updatedOne = (result: { numUpdatedRows: bigint }) => Number(result.numUpdatedRows) === 1;
