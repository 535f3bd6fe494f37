import { sql } from "kysely";
import type { Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { AppError, notFound } from "../../errors";
import { can } from "../../auth/permissions";
import { createUser } from "../users/users.service";
import { timestampOf } from "../../db/json";
import type { ChangeMeta } from "../../auth/current-user";

/**
 * Partner users of an organisation: the company's own people who sign in to the partner portal.
 * The organisation's account holder invites them, as do admins; the invitee accepts from the
 * invitation email, with a password or without one (then signing in by emailed link, decision 126),
 * and then sees only this organisation.
 */
async function organisationFor(db: Database, scope: Scope, organisationId: string) {
  if (scope.role === "partner") throw notFound("Organisation");
  const organisation = await db.selectFrom("organisations").select(["id", "account_holder_id", "archived_at"])
    .where("id", "=", organisationId).where("region_id", "=", scope.regionId).executeTakeFirst();
  if (!organisation) throw notFound("Organisation");
  return organisation;
}

export type PartnerUser = { id: string; name: string; email: string; active: boolean; createdAt: Date; invited: boolean };

export async function listPartnerUsers(db: Database, scope: Scope, organisationId: string): Promise<PartnerUser[]> {
  await organisationFor(db, scope, organisationId);
  return (await partnerUsersQuery(db, organisationId).execute()).map(toPartnerUser);
}

/** The organisation's partner users by name: the query of listPartnerUsers, also read inside the organisation page's statement. */
export function partnerUsersQuery(db: Database, organisationId: string) {
  return db
    .selectFrom("users")
    .select(["id", "name", "email", "active", "created_at as createdAt", sql<boolean>`password_hash is null and joined_at is null`.as("invited")])
    .where("organisation_id", "=", organisationId)
    .where("role", "=", "partner")
    .orderBy("name");
}

/** A row of partnerUsersQuery, read on its own or from JSON. */
export function toPartnerUser(row: Omit<PartnerUser, "createdAt"> & { createdAt: Date | string }): PartnerUser {
  return { ...row, createdAt: timestampOf(row.createdAt) };
}

export async function invitePartnerUser(trx: Tx, scope: Scope, organisationId: string, input: { email: string; name: string }, meta: ChangeMeta) {
  const organisation = await organisationFor(trx, scope, organisationId);
  if (organisation.archived_at) throw notFound("Organisation");
  // The owner (whatever their staff role) or an admin; the region's "every staff member" choice does not widen this.
  const mayInvite = can(scope, "organisation.invitePartner", { kind: "organisation", accountHolderIds: [organisation.account_holder_id], rule: { everyStaffMember: false } });
  if (!mayInvite) throw new AppError("FORBIDDEN", "Only the organisation's account holder or an admin invites its partner users", { userMessageKey: "partnerUsers.notYours" });
  return createUser(trx, { regionId: scope.regionId, email: input.email, name: input.name, role: "partner", organisationId }, meta);
}
