import { type RawBuilder, sql } from "kysely";
import { ORGANISATION_KINDS, type OrganisationKind, type OrganisationStatus, type Tier } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { afterCursor, type ListOrder, noneLastKeys, orderByOf, orderedPage, sortKeysColumn } from "../../db/pagination";
import { defaultDirection, type SortDirection } from "../lists/list-sorts";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import type { CreateOrganisationInput, ListOrganisationsInput, OrganisationSort, UpdateOrganisationInput } from "./organisations.schemas";
import { recomputeOrganisations } from "../health/health.service";
import { isPartnerKind, startPlan } from "../plans/plans.service";
import { dependsOnSchool } from "../health/school-dependencies";
import { assertPartnerOrganisationFields } from "../portal/portal.rules";
import { containsPattern } from "../../db/like";
import { timestampOf } from "../../db/json";
import { assertMayCreateOrganisation, assertMayWorkOrganisations } from "../../auth/partner-work";
import { assertStillCurrent, updatedOne } from "../../db/versioned";

export type ChangeMeta = ChangeStamp;

export type Organisation = {
  id: string;
  kind: OrganisationKind;
  name: string;
  kvkNumber: string | null;
  kvkBranchNumber: string | null;
  brinCode: string | null;
  sector: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  website: string | null;
  subregionId: string | null;
  tier: Tier;
  status: OrganisationStatus;
  tags: string[];
  accountHolderId: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
};

export const columns = [
  "organisations.id", "organisations.kind", "organisations.name", "organisations.kvk_number as kvkNumber",
  "organisations.kvk_branch_number as kvkBranchNumber", "organisations.brin_code as brinCode", "organisations.sector",
  "organisations.street", "organisations.postal_code as postalCode", "organisations.city", "organisations.website",
  "organisations.subregion_id as subregionId", "organisations.tier", "organisations.status", "organisations.tags",
  "organisations.account_holder_id as accountHolderId", "organisations.version", "organisations.created_at as createdAt",
  "organisations.updated_at as updatedAt", "organisations.archived_at as archivedAt",
] as const;

/**
 * The organisations a caller may see: those of their region, and for a partner user only their own
 * organisation. Every read in this area starts here, so no query can forget the scope.
 */
export function visibleOrganisations(db: Database, scope: Scope) {
  let query = db.selectFrom("organisations").where("organisations.region_id", "=", scope.regionId);
  if (scope.role === "partner") query = query.where("organisations.id", "=", scope.organisationId ?? "00000000-0000-0000-0000-000000000000");
  return query;
}

async function assertReferencesInRegion(db: Database, regionId: string, input: { subregionId?: string | null; accountHolderId?: string | null }) {
  const problems: Record<string, string> = {};
  if (input.subregionId) {
    const found = await db.selectFrom("subregions").select("id").where("id", "=", input.subregionId).where("region_id", "=", regionId).where("archived_at", "is", null).executeTakeFirst();
    if (!found) problems.subregionId = "validation.unknownSubregion";
  }
  if (input.accountHolderId) {
    const found = await db
      .selectFrom("users")
      .select("id")
      .where("id", "=", input.accountHolderId)
      .where("region_id", "=", regionId)
      .where("active", "=", true)
      .where("role", "<>", "partner")
      .executeTakeFirst();
    if (!found) problems.accountHolderId = "validation.unknownAccountHolder";
  }
  if (Object.keys(problems).length) throw validationFailed(problems);
}

/** A second organisation with the same KvK number is refused, naming the first. */
async function assertKvkFree(db: Database, regionId: string, kvkNumber: string | null | undefined, exceptId?: string) {
  if (!kvkNumber) return;
  let query = db
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("region_id", "=", regionId)
    .where("kvk_number", "=", kvkNumber)
    .where("archived_at", "is", null);
  if (exceptId) query = query.where("id", "<>", exceptId);
  const existing = await query.executeTakeFirst();
  if (existing) {
    // 422, not 409: API.md keeps 409 for a stale version; a taken number is a rule that refuses it.
    throw validationFailed({ kvkNumber: "validation.kvkTaken" }, "en", {
      code: "RULE_VIOLATION",
      message: `An organisation with KvK number ${kvkNumber} already exists: ${existing.name}`,
      details: { existingId: existing.id, existingName: existing.name },
    });
  }
}

/** Opens a new account-holder period and closes the previous one, so ownership keeps its history. */
export async function changeAccountHolder(trx: Tx, regionId: string, organisationId: string, userId: string | null, meta: ChangeMeta) {
  await trx
    .updateTable("account_holder_periods")
    .set({ ended_at: meta.now })
    .where("organisation_id", "=", organisationId)
    .where("ended_at", "is", null)
    .execute();
  if (userId) {
    await trx
      .insertInto("account_holder_periods")
      .values({ region_id: regionId, organisation_id: organisationId, user_id: userId, started_at: meta.now, assigned_by: meta.actor?.id ?? null })
      .execute();
  }
}

export async function createOrganisation(trx: Tx, scope: Scope, input: CreateOrganisationInput, meta: ChangeMeta): Promise<Organisation> {
  await assertMayCreateOrganisation(trx, scope, input.accountHolderId ?? null);
  await assertReferencesInRegion(trx, scope.regionId, input);
  await assertKvkFree(trx, scope.regionId, input.kvkNumber);
  const { id } = await trx
    .insertInto("organisations")
    .values({
      region_id: scope.regionId,
      kind: input.kind,
      name: input.name,
      kvk_number: input.kvkNumber ?? null,
      kvk_branch_number: input.kvkBranchNumber ?? null,
      brin_code: input.brinCode ?? null,
      sector: input.sector,
      street: input.street,
      postal_code: input.postalCode ?? null,
      city: input.city,
      website: input.website ?? null,
      subregion_id: input.subregionId ?? null,
      tier: input.tier,
      status: input.status,
      tags: input.tags,
      account_holder_id: input.accountHolderId ?? null,
      created_at: meta.now,
      updated_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (input.accountHolderId) await changeAccountHolder(trx, scope.regionId, id, input.accountHolderId, meta);
  const created = await getOrganisation(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "organisation.create", entityType: "organisation", entityId: id, after: created, now: meta.now });
  await recomputeOrganisations(trx, [id], meta.now);
  return created;
}

export async function getOrganisation(db: Database, scope: Scope, id: string): Promise<Organisation> {
  const organisation = await visibleOrganisations(db, scope).select(columns).where("organisations.id", "=", id).executeTakeFirst();
  if (!organisation) throw notFound("Organisation");
  return organisation;
}

/** What a sort key's SQL is, once, so the orders below read as lists of keys. */
const byName = { expr: sql`lower(organisations.name)`, kind: "text" } as const;
/** A column that may be empty: empty values last in both directions (decision 143, `noneLastKeys`), case ignored. */
const noneLast = (expr: RawBuilder<unknown>, descending: boolean) => noneLastKeys(sql`lower(${expr})`, descending);
const HEALTH_RANK = sql`coalesce((select case h.state when 'cold' then 0 when 'cooling' then 1 when 'watch' then 2 else 3 end
  from organisation_health h where h.organisation_id = organisations.id and h.region_id = organisations.region_id), 4)`;

/**
 * The orders of the list, each a tuple of keys ending in the id, so keyset pagination stays exact in
 * both directions and page 500 costs what page 1 does. Ascending is the natural reading: A–Z, the
 * kinds and tiers in their listed order, health worst first (cold … healthy, unwatched last);
 * descending turns that round. Organisations without a city, subregion or owner come after the
 * others in both directions: someone who sorts Z–A wants the highest values, not a page of blanks.
 */
const SORT_KEYS: Record<OrganisationSort, (descending: boolean) => ListOrder["keys"]> = {
  name: () => [byName],
  kind: () => [{ expr: sql`array_position(${sql.val([...ORGANISATION_KINDS])}::text[], organisations.kind::text)`, kind: "int" }, byName],
  city: (descending) => [...noneLast(sql`organisations.city`, descending), byName],
  subregion: (descending) => [...noneLast(sql`(select s.name from subregions s where s.id = organisations.subregion_id and s.region_id = organisations.region_id)`, descending), byName],
  tier: () => [{ expr: sql`case organisations.tier when 'strategic' then 0 when 'regular' then 1 else 2 end`, kind: "int" }, byName],
  accountHolder: (descending) => [...noneLast(sql`(select u.name from users u where u.id = organisations.account_holder_id and u.region_id = organisations.region_id)`, descending), byName],
  health: () => [{ expr: HEALTH_RANK, kind: "int" }, byName],
  updated: () => [{ expr: sql`organisations.updated_at`, kind: "timestamp" }],
};

/** The list order a sort and direction choose (a partner, who sees no health, gets health as name). */
export function organisationOrder(scope: Scope, sort: OrganisationSort = "name", dir?: SortDirection): ListOrder {
  const column = sort === "health" && scope.role === "partner" ? "name" : sort;
  const direction = dir ?? defaultDirection(column);
  return { name: `${column}.${direction}`, keys: SORT_KEYS[column](direction === "desc"), id: sql`organisations.id`, descending: direction === "desc" };
}

/** A page of organisations, filtered, in the chosen order, with a keyset cursor so page 500 costs what page 1 does. */
export async function listOrganisations(db: Database, scope: Scope, filters: Omit<ListOrganisationsInput, "sort" | "dir"> & { sort?: OrganisationSort; dir?: SortDirection | undefined }) {
  const order = organisationOrder(scope, filters.sort, filters.dir);
  let query = visibleOrganisations(db, scope)
    .select(columns)
    .select(sortKeysColumn(order))
    .where("organisations.archived_at", filters.archived ? "is not" : "is", null)
    .orderBy(orderByOf(order))
    .limit(filters.limit + 1);
  if (filters.kind) query = query.where("organisations.kind", "=", filters.kind);
  if (filters.tier) query = query.where("organisations.tier", "=", filters.tier);
  if (filters.status) query = query.where("organisations.status", "=", filters.status);
  if (filters.subregionId) query = query.where("organisations.subregion_id", "=", filters.subregionId);
  if (filters.accountHolderId) query = query.where("organisations.account_holder_id", "=", filters.accountHolderId);
  if (filters.tag) query = query.where(sql<boolean>`organisations.tags @> array[${filters.tag}]::text[]`);
  if (filters.schoolId || filters.schoolYear) query = query.where(dependsOnSchool(scope.regionId, filters));
  if (filters.health) {
    query = query.where(sql<boolean>`exists (select 1 from organisation_health h where h.organisation_id = organisations.id and h.state = ${filters.health})`);
  }
  if (filters.q) {
    query = query.where(sql<boolean>`immutable_unaccent(lower(organisations.name)) like ${containsPattern(filters.q.toLowerCase())}`);
  }
  if (filters.cursor) query = query.where(afterCursor(order, filters.cursor));
  const page = orderedPage(await query.execute(), filters.limit, order);
  return { items: page.rows, nextCursor: page.nextCursor };
}

/**
 * The organisations a person merging into `organisation` most likely means: the region's others
 * (not archived) whose names look most like its name (pg_trgm's similarity over the unaccented
 * names), best first, at most `limit`. The merge form offered the first 200 by name before, which
 * cost a full list query and 200 options on every organisation page and could miss the duplicate
 * in a region with more organisations (issue 7).
 */
export async function listMergeCandidates(db: Database, scope: Scope, organisation: { id: string; name: string }, limit = 20) {
  return visibleOrganisations(db, scope)
    .select(["organisations.id", "organisations.name"])
    .where("organisations.archived_at", "is", null)
    .where("organisations.id", "<>", organisation.id)
    .orderBy(sql`similarity(immutable_unaccent(lower(organisations.name)), immutable_unaccent(lower(${organisation.name})))`, "desc")
    .orderBy(sql`lower(organisations.name)`)
    .orderBy("organisations.id")
    .limit(limit)
    .execute();
}

/** Changes the fields given; a stale `version` answers 409 and changes nothing. */
export async function updateOrganisation(trx: Tx, scope: Scope, id: string, input: UpdateOrganisationInput, meta: ChangeMeta): Promise<Organisation> {
  const before = await getOrganisation(trx, scope, id);
  if (before.archivedAt) throw notFound("Organisation");
  // A partner (portal) keeps its own address details only; the school's fields are refused (403).
  if (scope.role === "partner") assertPartnerOrganisationFields(input);
  else await assertMayWorkOrganisations(trx, scope, [id]);
  assertStillCurrent(before.version === input.version, "organisation");
  await assertReferencesInRegion(trx, scope.regionId, input);
  if (input.kvkNumber !== undefined) await assertKvkFree(trx, scope.regionId, input.kvkNumber, id);
  const result = await trx
    .updateTable("organisations")
    .set({
      ...(input.kind !== undefined && { kind: input.kind }),
      ...(input.name !== undefined && { name: input.name }),
      ...(input.kvkNumber !== undefined && { kvk_number: input.kvkNumber }),
      ...(input.kvkBranchNumber !== undefined && { kvk_branch_number: input.kvkBranchNumber }),
      ...(input.brinCode !== undefined && { brin_code: input.brinCode }),
      ...(input.sector !== undefined && { sector: input.sector }),
      ...(input.street !== undefined && { street: input.street }),
      ...(input.postalCode !== undefined && { postal_code: input.postalCode }),
      ...(input.city !== undefined && { city: input.city }),
      ...(input.website !== undefined && { website: input.website }),
      ...(input.subregionId !== undefined && { subregion_id: input.subregionId }),
      ...(input.tier !== undefined && { tier: input.tier }),
      ...(input.status !== undefined && { status: input.status }),
      ...(input.tags !== undefined && { tags: input.tags }),
      ...(input.accountHolderId !== undefined && { account_holder_id: input.accountHolderId }),
      updated_at: meta.now,
      version: sql`version + 1`,
    })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .executeTakeFirst();
  assertStillCurrent(updatedOne(result), "organisation");
  if (input.accountHolderId !== undefined && input.accountHolderId !== before.accountHolderId) {
    await changeAccountHolder(trx, scope.regionId, id, input.accountHolderId ?? null, meta);
  }
  const after = await getOrganisation(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "organisation.update", entityType: "organisation", entityId: id, before, after, now: meta.now });
  // Becoming an active partner (a prospect, a lead, a relationship taken up again) is the start of
  // the region's "Nieuwe partner" plan; schools are not partners (decision 135).
  if (before.status !== "active" && after.status === "active" && isPartnerKind(after.kind)) await startPlan(trx, scope.regionId, id, "new_partner", meta);
  await recomputeOrganisations(trx, [id], meta.now);
  return after;
}

/** Deletes archive: the organisation leaves the lists but keeps its history, and can be restored. */
export async function archiveOrganisation(trx: Tx, scope: Scope, id: string, meta: ChangeMeta): Promise<Organisation> {
  const before = await getOrganisation(trx, scope, id);
  await assertMayWorkOrganisations(trx, scope, [id]);
  if (before.archivedAt) return before;
  await trx.updateTable("organisations").set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` }).where("id", "=", id).where("region_id", "=", scope.regionId).execute();
  const after = await getOrganisation(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "organisation.archive", entityType: "organisation", entityId: id, before: { archivedAt: null }, after: { archivedAt: after.archivedAt }, now: meta.now });
  await recomputeOrganisations(trx, [id], meta.now);
  return after;
}

/**
 * Undoes an archive. Refused (422, naming kvkNumber) when another organisation took the KvK number
 * meanwhile: two active organisations with one number are exactly the duplicates the rule prevents.
 */
export async function restoreOrganisation(trx: Tx, scope: Scope, id: string, meta: ChangeMeta): Promise<Organisation> {
  const before = await getOrganisation(trx, scope, id);
  await assertMayWorkOrganisations(trx, scope, [id]);
  if (!before.archivedAt) return before;
  try {
    await assertKvkFree(trx, scope.regionId, before.kvkNumber, id);
  } catch (error) {
    if (error instanceof AppError && error.fieldKeys) {
      throw validationFailed({ kvkNumber: "validation.kvkTaken" }, "en", { code: "RULE_VIOLATION", message: `${error.message}; change its KvK number or archive it first`, details: error.details });
    }
    throw error;
  }
  await trx.updateTable("organisations").set({ archived_at: null, updated_at: meta.now, version: sql`version + 1` }).where("id", "=", id).where("region_id", "=", scope.regionId).execute();
  const after = await getOrganisation(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "organisation.restore", entityType: "organisation", entityId: id, before: { archivedAt: before.archivedAt }, after: { archivedAt: null }, now: meta.now });
  await recomputeOrganisations(trx, [id], meta.now);
  return after;
}

/** Who owned the relationship when, newest first: the query, for this function and the organisation's page (organisation-page.ts). */
export function accountHolderHistoryQuery(db: Database, regionId: string, organisationId: string) {
  return db
    .selectFrom("account_holder_periods")
    .innerJoin("users", "users.id", "account_holder_periods.user_id")
    .select(["account_holder_periods.id", "users.id as userId", "users.name as userName", "account_holder_periods.started_at as startedAt", "account_holder_periods.ended_at as endedAt"])
    .where("account_holder_periods.organisation_id", "=", organisationId)
    .where("account_holder_periods.region_id", "=", regionId)
    .orderBy("account_holder_periods.started_at", "desc");
}

export type AccountHolderPeriod = { id: string; userId: string; userName: string; startedAt: Date; endedAt: Date | null };

/** A row of accountHolderHistoryQuery, read on its own or from JSON. */
export function toAccountHolderPeriod(row: { id: string; userId: string; userName: string; startedAt: Date | string; endedAt: Date | string | null }): AccountHolderPeriod {
  return { ...row, startedAt: timestampOf(row.startedAt), endedAt: timestampOf(row.endedAt) };
}

/** Who owned the relationship when, newest first. */
export async function listAccountHolderHistory(db: Database, scope: Scope, organisationId: string): Promise<AccountHolderPeriod[]> {
  await getOrganisation(db, scope, organisationId);
  return (await accountHolderHistoryQuery(db, scope.regionId, organisationId).execute()).map(toAccountHolderPeriod);
}

/**
 * Merges a duplicate into the organisation that stays: its people's jobs, contact moments, tasks,
 * ownership history and partner users move over, empty fields of the survivor are filled from the
 * duplicate, tags are combined, and the duplicate is archived. One transaction, audited.
 */
export async function mergeOrganisations(trx: Tx, scope: Scope, input: { keepId: string; duplicateId: string }, meta: ChangeMeta): Promise<Organisation> {
  if (input.keepId === input.duplicateId) throw validationFailed({ duplicateId: "validation.invalid" });
  const keep = await getOrganisation(trx, scope, input.keepId);
  const duplicate = await getOrganisation(trx, scope, input.duplicateId);
  if (keep.archivedAt || duplicate.archivedAt) throw notFound("Organisation");
  // Both are changed: the caller must work each of them.
  await assertMayWorkOrganisations(trx, scope, [keep.id]);
  await assertMayWorkOrganisations(trx, scope, [duplicate.id]);
  const moved = { organisation_id: input.keepId };

  // One open primary contact per organisation: the survivor's primary stays primary.
  const keepHasPrimary = await trx.selectFrom("affiliations").select("id").where("organisation_id", "=", input.keepId).where("is_primary", "=", true).where("end_date", "is", null).executeTakeFirst();
  if (keepHasPrimary) await trx.updateTable("affiliations").set({ is_primary: false }).where("organisation_id", "=", input.duplicateId).where("end_date", "is", null).execute();
  await trx.updateTable("affiliations").set(moved).where("organisation_id", "=", input.duplicateId).execute();
  await trx.updateTable("interactions").set(moved).where("organisation_id", "=", input.duplicateId).execute();
  await trx.updateTable("tasks").set(moved).where("organisation_id", "=", input.duplicateId).execute();
  // The duplicate's ownership periods become history of the survivor; only the survivor's own period stays open.
  await trx.updateTable("account_holder_periods").set({ ended_at: meta.now }).where("organisation_id", "=", input.duplicateId).where("ended_at", "is", null).execute();
  await trx.updateTable("account_holder_periods").set(moved).where("organisation_id", "=", input.duplicateId).execute();
  await trx.updateTable("users").set(moved).where("organisation_id", "=", input.duplicateId).execute();
  // Activities the duplicate took part in now count for the survivor (once, if both took part).
  await sql`
    delete from activity_organisations d using activity_organisations k
    where d.organisation_id = ${input.duplicateId} and k.organisation_id = ${input.keepId} and k.activity_id = d.activity_id and k.role = d.role`.execute(trx);
  await trx.updateTable("activity_organisations").set(moved).where("organisation_id", "=", input.duplicateId).execute();

  await trx.updateTable("organisations").set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` }).where("id", "=", input.duplicateId).execute();
  await trx
    .updateTable("organisations")
    .set({
      kvk_number: keep.kvkNumber ?? duplicate.kvkNumber,
      kvk_branch_number: keep.kvkBranchNumber ?? duplicate.kvkBranchNumber,
      brin_code: keep.brinCode ?? duplicate.brinCode,
      sector: keep.sector ?? duplicate.sector,
      street: keep.street ?? duplicate.street,
      postal_code: keep.postalCode ?? duplicate.postalCode,
      city: keep.city ?? duplicate.city,
      website: keep.website ?? duplicate.website,
      subregion_id: keep.subregionId ?? duplicate.subregionId,
      account_holder_id: keep.accountHolderId ?? duplicate.accountHolderId,
      tags: [...new Set([...keep.tags, ...duplicate.tags])],
      updated_at: meta.now,
      version: sql`version + 1`,
    })
    .where("id", "=", input.keepId)
    .execute();
  if (!keep.accountHolderId && duplicate.accountHolderId) await changeAccountHolder(trx, scope.regionId, input.keepId, duplicate.accountHolderId, meta);
  const after = await getOrganisation(trx, scope, input.keepId);
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "organisation.merge", entityType: "organisation", entityId: input.keepId,
    before: { keep, duplicate }, after: { ...after, mergedFrom: input.duplicateId }, now: meta.now,
  });
  // The duplicate's own history ends with where it went.
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "organisation.merged_into", entityType: "organisation", entityId: input.duplicateId,
    before: { archivedAt: null }, after: { archivedAt: meta.now, mergedInto: input.keepId }, now: meta.now,
  });
  await recomputeOrganisations(trx, [input.keepId, input.duplicateId], meta.now);
  return after;
}
