import type { Scope } from "../../auth/current-user";
import { AppError, notFound } from "../../errors";

// The partner portal's rules that other domains check too; no imports of services, so any may use them.

/** The fields of its organisation a partner keeps up to date itself; name, tier, status, owner etc. stay with the school. */
export const PARTNER_ORGANISATION_FIELDS = ["sector", "street", "postalCode", "city", "website"] as const;

const NO_ORGANISATION = "00000000-0000-0000-0000-000000000000";

export function ownOrganisationId(scope: Scope): string {
  return scope.organisationId ?? NO_ORGANISATION;
}

/**
 * A partner changing anything outside PARTNER_ORGANISATION_FIELDS is refused as a whole (403) rather
 * than having those fields silently dropped: a client that sends them expects them to be saved.
 */
export function assertPartnerOrganisationFields(input: Record<string, unknown>) {
  const allowed: readonly string[] = PARTNER_ORGANISATION_FIELDS;
  const refused = Object.keys(input).filter((key) => key !== "version" && input[key] !== undefined && !allowed.includes(key));
  if (refused.length) throw new AppError("FORBIDDEN", `A partner may not change ${refused.join(", ")}`);
}

/** The organisation named must be the partner's own; any other (also one that does not exist) is 404. */
export function assertOwnOrganisation(scope: Scope, organisationId: string) {
  if (organisationId !== ownOrganisationId(scope)) throw notFound("Organisation");
}

