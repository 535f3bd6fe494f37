import type { Database, Tx } from "../db/database";
import { recordAudit } from "../domains/audit/audit";
import type { ChangeStamp, Scope } from "./current-user";
import { type Action, assertCan, can, type PartnerWorkRule, type PermissionRecord } from "./permissions";

/**
 * Who works which partner: account holders and admins every partner of the region; any other staff
 * member (the penvoerder) the organisations they own, or every partner where the region decides so.
 * The rule itself is in permissions.ts; this reads what it needs from the database.
 */
export async function partnerWorkRule(db: Database, regionId: string): Promise<PartnerWorkRule> {
  const row = await partnerWorkRuleQuery(db, regionId).executeTakeFirstOrThrow();
  return { everyStaffMember: row.staff_work_every_partner };
}

/** The region's rule as a query, for a read that takes it along in its own statement (organisation-page.ts). */
export function partnerWorkRuleQuery(db: Database, regionId: string) {
  return db.selectFrom("regions").select("staff_work_every_partner").where("id", "=", regionId);
}

/** The record `can` decides on for these organisations: their owners and the region's rule. */
export async function organisationsRecord(db: Database, regionId: string, organisationIds: readonly string[]): Promise<PermissionRecord> {
  const [rule, owners] = await Promise.all([
    partnerWorkRule(db, regionId),
    organisationIds.length
      ? db.selectFrom("organisations").select("account_holder_id").where("region_id", "=", regionId).where("id", "in", [...organisationIds]).execute()
      : Promise.resolve([]),
  ]);
  return { kind: "organisation", accountHolderIds: owners.map((o) => o.account_holder_id), rule };
}

/**
 * The narrowest record: no owners, the region's rule off. `can` only widens with more owners or the
 * rule on, so whoever passes with this one (an admin, an account holder) needs no database read.
 */
const NARROWEST: PermissionRecord = { kind: "organisation", accountHolderIds: [], rule: { everyStaffMember: false } };

/** Whether the caller may do `action` to these organisations (any one of them owned is enough for an activity). */
export async function mayWorkOrganisations(db: Database, scope: Scope, organisationIds: readonly string[], action: Action = "organisation.work"): Promise<boolean> {
  if (can(scope, action, NARROWEST)) return true;
  return mayWorkRecord(scope, await organisationsRecord(db, scope.regionId, organisationIds), action);
}

/**
 * What mayWorkOrganisations decides, for a caller who has read the record along with its own data
 * (the organisation page: the owner and the region's rule in its one statement).
 */
export function mayWorkRecord(scope: Scope, record: PermissionRecord, action: Action = "organisation.work"): boolean {
  return can(scope, action, record);
}

/** Refuses (403) unless the caller may do `action` to these organisations. */
export async function assertMayWorkOrganisations(db: Database, scope: Scope, organisationIds: readonly string[], action: Action = "organisation.work"): Promise<void> {
  if (can(scope, action, NARROWEST)) return;
  assertCan(scope, action, await organisationsRecord(db, scope.regionId, organisationIds));
}

export async function setPartnerWorkRule(trx: Tx, scope: Scope, rule: PartnerWorkRule, meta: ChangeStamp): Promise<PartnerWorkRule> {
  assertCan(scope, "region.manage");
  const before = await partnerWorkRule(trx, scope.regionId);
  await trx.updateTable("regions").set({ staff_work_every_partner: rule.everyStaffMember }).where("id", "=", scope.regionId).execute();
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "region.partner_work", entityType: "region", entityId: scope.regionId,
    before, after: rule, now: meta.now,
  });
  return rule;
}

/** Refuses (403) a new organisation unless the caller may register it with this owner. */
export async function assertMayCreateOrganisation(db: Database, scope: Scope, accountHolderId: string | null): Promise<void> {
  const record = { kind: "organisation" as const, accountHolderIds: [accountHolderId], rule: { everyStaffMember: false } };
  if (can(scope, "organisation.create", record)) return;
  assertCan(scope, "organisation.create", { ...record, rule: await partnerWorkRule(db, scope.regionId) });
}
