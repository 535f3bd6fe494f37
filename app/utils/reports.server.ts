import { type AppLoadContext, json } from "@remix-run/node";
import type { CurrentUser } from "../../server/auth/current-user";
import { schoolYearWindow } from "../../server/domains/reports/reports.schemas";
import { AppError } from "../../server/errors";
import { userCan } from "../../server/auth/permissions";
import { requireUser } from "./auth.server";
import { recordIdOf } from "./page-inputs.server";

/** The region's reports are for its staff; for a partner user they do not exist (404), as the API answers. */
export function requireReportReader(context: AppLoadContext, request: Request): CurrentUser {
  const user = requireUser(context, request);
  if (!userCan(user, "region.read")) throw new AppError("NOT_FOUND", "Not found");
  return user;
}

/**
 * The school year of the address, or null when it does not exist: the page then answers 400 with
 * a clear message (these pages only read, so nothing is written either way).
 */
export function schoolYearParam(value: string | undefined) {
  try {
    return schoolYearWindow(value ?? "");
  } catch (error) {
    if (error instanceof AppError && error.code === "VALIDATION_FAILED") return null;
    throw error;
  }
}

/** The 400 answer to a school year that does not exist. */
export function invalidSchoolYear(value: string | undefined) {
  return json({ invalidSchoolYear: String(value ?? "").slice(0, 40) } as const, { status: 400 });
}

/** A subregion in the address that is not an id is no subregion of this region: 404, as an unknown one. */
export function subregionParam(value: string | null): string | undefined {
  if (!value) return undefined;
  return recordIdOf({ value }, "value");
}
