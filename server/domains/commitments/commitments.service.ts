import { sql } from "kysely";
import type { ActivityType, CommitmentCategory, CommitmentKind, CommitmentStatus, Valuation } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { AppError, forbidden, notFound } from "../../errors";
import { parseInput, validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { readDocument, storeDocument } from "../documents/documents.service";
import { recomputeOrganisations } from "../health/health.service";
import {
  canMoveTo,
  CommitmentRecordCheck,
  type CreateCommitmentInput,
  type ListCommitmentsInput,
  type ActivityRealisationInput,
  hoursTimesRate,
  type RealisationInput,
  type UpdateCommitmentInput,
} from "./commitments.schemas";
import { inKindRateOf } from "../in-kind/in-kind.rates";
import { findAgreementDocument } from "../agreements/agreements.service";
import { schoolYearOf } from "../../../calendar/school-year";
import { can } from "../../auth/permissions";
import { assertStillCurrent, updatedOne } from "../../db/versioned";

export type ChangeMeta = ChangeStamp;

export type Commitment = {
  id: string;
  organisationId: string;
  organisationName: string;
  schoolYear: string;
  kind: CommitmentKind;
  category: CommitmentCategory;
  amountCents: number;
  hours: number | null;
  hourlyRateCents: number | null;
  valuation: Valuation | null;
  status: CommitmentStatus;
  /** The sum of the live realisations, computed when read: it cannot drift from them. */
  realisedCents: number;
  agreementReference: string | null;
  /** The agreement (intentieverklaring, convenant, …) the pledge rests on, when recorded. */
  agreementId: string | null;
  notes: string | null;
  confirmedAt: Date | null;
  confirmedBy: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
};

export type Realisation = {
  id: string;
  date: string;
  amountCents: number;
  description: string | null;
  evidence: string | null;
  document: { id: string; fileName: string; contentType: string; sizeBytes: number; sha256: string } | null;
  /** The done activity this realisation counts in kind, and its hours; null for a dated amount. */
  activityId: string | null;
  hours: number | null;
  activity: { id: string; type: ActivityType; title: string } | null;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
};

function assertWriter(scope: Scope) {
  if (!can(scope, "money.write")) throw forbidden();
}

const NO_ORGANISATION = "00000000-0000-0000-0000-000000000000";

const realisedSum = sql<string>`coalesce((select sum(r.amount_cents) from commitment_realisations r where r.commitment_id = commitments.id and r.archived_at is null), 0)`;

/** Commitments a caller may see: their region's, and for a partner user only its own organisation's. */
function visibleCommitments(db: Database, scope: Scope) {
  let query = db
    .selectFrom("commitments")
    .innerJoin("organisations", "organisations.id", "commitments.organisation_id")
    .where("commitments.region_id", "=", scope.regionId);
  if (scope.role === "partner") query = query.where("commitments.organisation_id", "=", scope.organisationId ?? NO_ORGANISATION);
  return query;
}

const columns = [
  "commitments.id", "commitments.organisation_id as organisationId", "organisations.name as organisationName",
  "commitments.school_year as schoolYear", "commitments.kind", "commitments.category", "commitments.amount_cents as amountCents",
  "commitments.hours", "commitments.hourly_rate_cents as hourlyRateCents", "commitments.valuation", "commitments.status",
  "commitments.agreement_reference as agreementReference", "commitments.agreement_id as agreementId", "commitments.notes", "commitments.confirmed_at as confirmedAt",
  "commitments.confirmed_by as confirmedBy", "commitments.version", "commitments.created_at as createdAt",
  "commitments.updated_at as updatedAt", "commitments.archived_at as archivedAt",
] as const;

type Row = Omit<Commitment, "amountCents" | "hours" | "hourlyRateCents" | "realisedCents"> & {
  amountCents: string;
  hours: string | null;
  hourlyRateCents: string | null;
  realisedCents: string;
};

// bigint and numeric arrive as strings; cents stay exact as numbers below 2^53.
function toCommitment(row: Row): Commitment {
  return {
    ...row,
    amountCents: Number(row.amountCents),
    hours: row.hours === null ? null : Number(row.hours),
    hourlyRateCents: row.hourlyRateCents === null ? null : Number(row.hourlyRateCents),
    realisedCents: Number(row.realisedCents),
  };
}

async function assertOrganisationInRegion(db: Database, regionId: string, organisationId: string) {
  const found = await db.selectFrom("organisations").select("id").where("id", "=", organisationId).where("region_id", "=", regionId).where("archived_at", "is", null).executeTakeFirst();
  if (!found) throw validationFailed({ organisationId: "commitments.validation.unknownOrganisation" });
}

/** The agreement a pledge rests on is one of the region's live agreements with the pledging organisation as a party. */
async function assertAgreementOfOrganisation(db: Database, regionId: string, agreementId: string | null, organisationId: string) {
  if (!agreementId) return;
  const found = await db
    .selectFrom("agreements")
    .innerJoin("agreement_parties", "agreement_parties.agreement_id", "agreements.id")
    .select("agreements.id")
    .where("agreements.id", "=", agreementId)
    .where("agreements.region_id", "=", regionId)
    .where("agreements.archived_at", "is", null)
    .where("agreement_parties.organisation_id", "=", organisationId)
    .executeTakeFirst();
  if (!found) throw validationFailed({ agreementId: "commitments.validation.agreement" });
}

export async function getCommitment(db: Database, scope: Scope, id: string): Promise<Commitment> {
  const row = await visibleCommitments(db, scope).select(columns).select(realisedSum.as("realisedCents")).where("commitments.id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Commitment");
  return toCommitment(row as Row);
}

/** A commitment with its realisations, oldest first. */
export async function getCommitmentWithRealisations(db: Database, scope: Scope, id: string) {
  const commitment = await getCommitment(db, scope, id);
  const agreement = commitment.agreementId
    ? ((await db.selectFrom("agreements").select(["id", "kind", "title", "expires_on as expiresOn"]).where("id", "=", commitment.agreementId).where("region_id", "=", scope.regionId).executeTakeFirst()) ?? null)
    : null;
  return { ...commitment, agreement, realisations: await listRealisations(db, scope.regionId, id) };
}

async function listRealisations(db: Database, regionId: string, commitmentId: string): Promise<Realisation[]> {
  const rows = await db
    .selectFrom("commitment_realisations as r")
    .leftJoin("documents as d", "d.id", "r.evidence_document_id")
    .leftJoin("users as u", "u.id", "r.created_by")
    .leftJoin("activities as a", "a.id", "r.activity_id")
    .select(["r.activity_id as activityId", sql<number | null>`r.hours::float8`.as("hours"), "a.type as activityType", "a.title as activityTitle"])
    .select([
      "r.id", "r.date", "r.amount_cents as amountCents", "r.description", "r.evidence_reference as evidence", "r.created_by as createdBy",
      "u.name as createdByName", "r.created_at as createdAt", "d.id as documentId", "d.file_name as fileName", "d.content_type as contentType",
      "d.size_bytes as sizeBytes", "d.sha256",
    ])
    .where("r.commitment_id", "=", commitmentId)
    .where("r.region_id", "=", regionId)
    .where("r.archived_at", "is", null)
    .orderBy("r.date")
    .orderBy("r.created_at")
    .execute();
  return rows.map(({ documentId, fileName, contentType, sizeBytes, sha256, amountCents, activityType, activityTitle, ...rest }) => ({
    ...rest,
    amountCents: Number(amountCents),
    activity: rest.activityId ? { id: rest.activityId, type: activityType!, title: activityTitle! } : null,
    document: documentId ? { id: documentId, fileName: fileName!, contentType: contentType!, sizeBytes: sizeBytes!, sha256: sha256! } : null,
  }));
}

export async function createCommitment(trx: Tx, scope: Scope, input: CreateCommitmentInput, meta: ChangeMeta): Promise<Commitment> {
  assertWriter(scope);
  await assertOrganisationInRegion(trx, scope.regionId, input.organisationId);
  await assertAgreementOfOrganisation(trx, scope.regionId, input.agreementId, input.organisationId);
  const { id } = await trx
    .insertInto("commitments")
    .values({
      region_id: scope.regionId,
      organisation_id: input.organisationId,
      school_year: input.schoolYear,
      kind: input.kind,
      category: input.category,
      amount_cents: input.amountCents,
      hours: input.hours,
      hourly_rate_cents: input.hourlyRateCents,
      valuation: input.valuation,
      agreement_reference: input.agreementReference,
      agreement_id: input.agreementId,
      notes: input.notes,
      created_by: meta.actor?.id ?? null,
      created_at: meta.now,
      updated_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const created = await getCommitment(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "commitment.create", entityType: "commitment", entityId: id, after: created, now: meta.now });
  // A pledge at risk is a health reason (commitment_at_risk).
  await recomputeOrganisations(trx, [created.organisationId], meta.now);
  return created;
}

/** Keyset order: newest school year first, then newest first within it. */
export async function listCommitments(db: Database, scope: Scope, filters: ListCommitmentsInput) {
  let query = visibleCommitments(db, scope)
    .select(columns)
    .select(realisedSum.as("realisedCents"))
    .where("commitments.archived_at", "is", null)
    .orderBy("commitments.school_year", "desc")
    .orderBy("commitments.created_at", "desc")
    .orderBy("commitments.id", "desc")
    .limit(filters.limit + 1);
  query = applyFilters(query, filters);
  if (filters.cursor) {
    const [year, createdAt, id] = decodeCursor(filters.cursor, ["text", "timestamp", "uuid"]);
    query = query.where(sql<boolean>`(commitments.school_year, commitments.created_at, commitments.id) < (${year}, ${createdAt}::timestamptz, ${id}::uuid)`);
  }
  const rows = (await query.execute()) as Row[];
  const { rows: items, nextCursor } = keysetPage(rows.map(toCommitment), filters.limit, (last) => [last.schoolYear, last.createdAt.toISOString(), last.id]);
  return { items, nextCursor };
}

// A generic over Kysely's deeply typed builder buys nothing here; the filters only add where clauses.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function applyFilters<Q extends { where: (...args: any[]) => any }>(query: Q, filters: Omit<ListCommitmentsInput, "limit" | "cursor">): Q {
  let q = query;
  if (filters.organisationId) q = q.where("commitments.organisation_id", "=", filters.organisationId);
  if (filters.schoolYear) q = q.where("commitments.school_year", "=", filters.schoolYear);
  if (filters.status) q = q.where("commitments.status", "=", filters.status);
  if (filters.kind) q = q.where("commitments.kind", "=", filters.kind);
  return q;
}

/**
 * Pledged and realised for the whole filtered set, not one page. A lapsed pledge will not be paid,
 * so it counts only when the filter asks for lapsed commitments.
 */
export async function commitmentTotals(db: Database, scope: Scope, filters: Omit<ListCommitmentsInput, "limit" | "cursor">) {
  let query = visibleCommitments(db, scope)
    .select([
      sql<string>`coalesce(sum(commitments.amount_cents), 0)`.as("pledgedCents"),
      sql<string>`coalesce(sum(${realisedSum}), 0)`.as("realisedCents"),
      sql<string>`count(*)`.as("count"),
    ])
    .where("commitments.archived_at", "is", null);
  if (filters.status !== "lapsed") query = query.where("commitments.status", "<>", "lapsed");
  query = applyFilters(query, filters);
  const row = await query.executeTakeFirstOrThrow();
  return { pledgedCents: Number(row.pledgedCents), realisedCents: Number(row.realisedCents), count: Number(row.count) };
}

/** Changes the fields given and, through `status`, moves it along; a stale `version` answers 409 and changes nothing. */
export async function updateCommitment(trx: Tx, scope: Scope, id: string, input: UpdateCommitmentInput, meta: ChangeMeta): Promise<Commitment> {
  assertWriter(scope);
  const before = await lockCommitment(trx, scope, id);
  assertStillCurrent(before.version === input.version, "commitment");
  const { status, version: _version, ...changes } = input;
  const changesFields = Object.values(changes).some((value) => value !== undefined);
  if (before.status === "accounted" && (changesFields || (status && status !== "accounted"))) {
    throw new AppError("RULE_VIOLATION", "An accounted commitment is closed: it can no longer change", { userMessageKey: "commitments.errors.accounted" });
  }
  if (status && status !== before.status && !canMoveTo(before.status, status)) {
    throw validationFailed({ status: `commitments.validation.transition|${JSON.stringify({ from: before.status, to: status })}` }, "en", {
      code: "RULE_VIOLATION",
      message: `A commitment cannot move from ${before.status} to ${status}`,
    });
  }
  // The stored record with the changes on top must still obey every rule a new one obeys.
  const merged = parseInput(CommitmentRecordCheck, {
    organisationId: before.organisationId,
    schoolYear: changes.schoolYear ?? before.schoolYear,
    kind: changes.kind ?? before.kind,
    category: changes.category ?? before.category,
    valuation: changes.valuation !== undefined ? changes.valuation : before.valuation,
    hours: changes.hours !== undefined ? changes.hours : before.hours,
    hourlyRateCents: changes.hourlyRateCents !== undefined ? changes.hourlyRateCents : before.hourlyRateCents,
    // A changed hours or rate recomputes the amount; the old amount must not contradict it.
    amountCents: changes.amountCents !== undefined ? changes.amountCents : changes.hours !== undefined || changes.hourlyRateCents !== undefined ? null : before.amountCents,
    agreementReference: changes.agreementReference !== undefined ? changes.agreementReference : before.agreementReference,
    agreementId: changes.agreementId !== undefined ? changes.agreementId : before.agreementId,
    notes: changes.notes !== undefined ? changes.notes : before.notes,
  });
  if (changes.agreementId !== undefined) await assertAgreementOfOrganisation(trx, scope.regionId, merged.agreementId, before.organisationId);
  const result = await trx
    .updateTable("commitments")
    .set({
      school_year: merged.schoolYear,
      kind: merged.kind,
      category: merged.category,
      amount_cents: merged.amountCents,
      hours: merged.hours,
      hourly_rate_cents: merged.hourlyRateCents,
      valuation: merged.valuation,
      agreement_reference: merged.agreementReference,
      agreement_id: merged.agreementId,
      notes: merged.notes,
      ...(status && { status }),
      updated_at: meta.now,
      version: sql`version + 1`,
    })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .executeTakeFirst();
  assertStillCurrent(updatedOne(result), "commitment");
  const after = await getCommitment(trx, scope, id);
  const action = status && status !== before.status ? `commitment.${status}` : "commitment.update";
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action, entityType: "commitment", entityId: id, before, after, now: meta.now });
  await recomputeOrganisations(trx, [before.organisationId, after.organisationId], meta.now);
  return after;
}

/** Reads the commitment and holds its row until the transaction ends, so two realisations cannot both pass the checks. */
async function lockCommitment(db: Database, scope: Scope, id: string) {
  const locked = await db.selectFrom("commitments").select("id").where("id", "=", id).where("region_id", "=", scope.regionId).forUpdate().executeTakeFirst();
  if (!locked) throw notFound("Commitment");
  const commitment = await getCommitment(db, scope, id);
  if (commitment.archivedAt) throw notFound("Commitment");
  return commitment;
}

/**
 * Records a realisation: a dated amount with its description and evidence (a reference, or an
 * uploaded PDF or image kept with the record). Refused for a lapsed or accounted commitment, and
 * above the pledge without a description saying why. When the realisations reach the pledge, a
 * pledged or agreed commitment becomes realised in the same change.
 */
export async function addRealisation(
  trx: Tx,
  scope: Scope,
  commitmentId: string,
  input: RealisationInput | ActivityRealisationInput,
  file: { fileName: string; bytes: Uint8Array } | null,
  meta: ChangeMeta,
) {
  assertWriter(scope);
  const before = await lockCommitment(trx, scope, commitmentId);
  if (before.status === "lapsed") {
    throw new AppError("RULE_VIOLATION", "The commitment has lapsed: nothing can be realised against it", { userMessageKey: "commitments.errors.lapsed" });
  }
  if (before.status === "accounted") {
    throw new AppError("RULE_VIOLATION", "The commitment has been accounted for: it is closed", { userMessageKey: "commitments.errors.accounted" });
  }
  const counted = "activityId" in input ? await valueActivity(trx, scope.regionId, before, input) : null;
  const amountCents = counted ? counted.amountCents : (input as RealisationInput).amountCents;
  const realisedAfter = before.realisedCents + amountCents;
  if (realisedAfter > before.amountCents && !input.description) {
    throw validationFailed({ description: "commitments.validation.abovePledge" }, "en", {
      code: "RULE_VIOLATION",
      message: `boven toezegging: this realisation brings the total to ${realisedAfter} cents, above the pledged ${before.amountCents}; add a description saying why`,
    });
  }
  const document = file ? await storeDocument(trx, scope.regionId, file, { actorId: meta.actor?.id ?? null, now: meta.now }) : null;
  const inserted = await trx
    .insertInto("commitment_realisations")
    .values({
      commitment_id: commitmentId,
      region_id: scope.regionId,
      date: counted ? counted.date : (input as RealisationInput).date,
      amount_cents: amountCents,
      description: input.description ?? counted?.description ?? null,
      evidence_reference: input.evidence,
      evidence_document_id: document?.id ?? null,
      activity_id: counted?.activityId ?? null,
      hours: counted?.hours ?? null,
      created_by: meta.actor?.id ?? null,
      created_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      // Two requests counting the same activity at once: the unique index lets one through.
      if (counted && isUniqueViolation(error)) throw alreadyCounted(null);
      throw error;
    });
  const { id } = inserted;
  const reachesPledge = realisedAfter >= before.amountCents && (before.status === "pledged" || before.status === "agreed");
  // Every change to the ledger moves the version on, so an edit made against the old totals is stale.
  await trx
    .updateTable("commitments")
    .set({ ...(reachesPledge && { status: "realised" as const }), updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", commitmentId)
    .execute();
  const after = await getCommitmentWithRealisations(trx, scope, commitmentId);
  const realisation = after.realisations.find((r) => r.id === id)!;
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "commitment.realisation", entityType: "commitment", entityId: commitmentId,
    before: { status: before.status, realisedCents: before.realisedCents, version: before.version },
    after: { status: after.status, realisedCents: after.realisedCents, version: after.version, realisation },
    now: meta.now,
  });
  await recomputeOrganisations(trx, [after.organisationId], meta.now);
  return { commitment: after, realisation };
}

function isUniqueViolation(error: unknown) {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "23505";
}

function alreadyCounted(existing: { commitmentId: string; organisationName: string; schoolYear: string } | null) {
  return new AppError(
    "CONFLICT",
    existing
      ? `This activity is already counted as an in-kind realisation of ${existing.organisationName}'s commitment for ${existing.schoolYear} (${existing.commitmentId}); no amount is counted twice`
      : "This activity is already counted as an in-kind realisation; no amount is counted twice",
    { userMessageKey: "inKind.errors.alreadyCounted" },
  );
}

/**
 * Checks that a done activity may count towards this in-kind commitment and values it: the
 * activity is of the region, has the commitment's organisation as a partner, is done and ends in
 * the commitment's school year, and is not counted anywhere yet. Hours default to the activity's;
 * the rate is the commitment's own, else the region's rate for the activity's type.
 */
async function valueActivity(db: Database, regionId: string, commitment: Commitment, input: ActivityRealisationInput) {
  const activity = await db
    .selectFrom("activities")
    .select(["id", "type", "title", "status", "end_date as endDate", sql<number | null>`hours::float8`.as("hours")])
    .select((eb) =>
      eb.exists(eb.selectFrom("activity_organisations as ao").select("ao.activity_id").whereRef("ao.activity_id", "=", "activities.id").where("ao.role", "=", "partner").where("ao.organisation_id", "=", commitment.organisationId)).as("isPartner"),
    )
    .where("id", "=", input.activityId)
    .where("region_id", "=", regionId)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  const refuse = (field: string, key: string, message: string) => {
    throw validationFailed({ [field]: key }, "en", { code: "RULE_VIOLATION", message });
  };
  if (!activity) refuse("activityId", "commitments.validation.activity", "No such activity in this region");
  const a = activity!;
  if (commitment.kind !== "in_kind") refuse("activityId", "inKind.validation.notInKind", "Only an in-kind commitment can count an activity");
  if (!a.isPartner) refuse("activityId", "inKind.validation.notPartner", "The commitment's organisation is not a partner of this activity");
  if (a.status !== "done") refuse("activityId", "inKind.validation.notDone", "Only a done activity can count as in-kind realisation");
  if (schoolYearOf(a.endDate) !== commitment.schoolYear) refuse("activityId", "inKind.validation.otherSchoolYear", `The activity ended on ${a.endDate}, outside the commitment's school year ${commitment.schoolYear}`);
  const existing = await db
    .selectFrom("commitment_realisations as r")
    .innerJoin("commitments as c", "c.id", "r.commitment_id")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select(["c.id as commitmentId", "o.name as organisationName", "c.school_year as schoolYear"])
    .where("r.activity_id", "=", a.id)
    .where("r.archived_at", "is", null)
    .executeTakeFirst();
  if (existing) throw alreadyCounted(existing);
  const hours = input.hours ?? a.hours;
  if (!hours) refuse("hours", "inKind.validation.hoursRequired", "The activity has no hours: give the hours to count");
  const rate = commitment.hourlyRateCents ?? (await inKindRateOf(db, regionId, a.type));
  const valued = hoursTimesRate(hours!, rate);
  if (input.amountCents != null && input.amountCents !== valued && !input.description) {
    refuse("description", "inKind.validation.adjustNote", `An amount other than ${hours} hours × ${rate} cents needs a description saying why`);
  }
  return { activityId: a.id, date: a.endDate, hours: hours!, amountCents: input.amountCents ?? valued, description: a.title };
}

/** Deletes archive: the commitment leaves the lists and the totals, its history stays. */
export async function archiveCommitment(trx: Tx, scope: Scope, id: string, meta: ChangeMeta): Promise<Commitment> {
  assertWriter(scope);
  const before = await getCommitment(trx, scope, id);
  if (before.archivedAt) return before;
  await trx.updateTable("commitments").set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` }).where("id", "=", id).where("region_id", "=", scope.regionId).execute();
  const after = await getCommitment(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "commitment.archive", entityType: "commitment", entityId: id, before: { archivedAt: null }, after: { archivedAt: after.archivedAt }, now: meta.now });
  await recomputeOrganisations(trx, [after.organisationId], meta.now);
  return after;
}

/**
 * A partner user confirms its own organisation's commitment: who and when are recorded and audited.
 * Only partners confirm (it is their word); a second confirmation changes nothing.
 */
export async function confirmCommitment(trx: Tx, scope: Scope, id: string, meta: ChangeMeta): Promise<Commitment> {
  const before = await getCommitment(trx, scope, id);
  if (!can(scope, "money.confirmOwn")) throw forbidden();
  if (before.archivedAt) throw notFound("Commitment");
  if (before.confirmedAt) return before;
  await trx
    .updateTable("commitments")
    .set({ confirmed_at: meta.now, confirmed_by: scope.userId, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .execute();
  const after = await getCommitment(trx, scope, id);
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? scope.userId, action: "commitment.confirm", entityType: "commitment", entityId: id,
    before: { confirmedAt: null, confirmedBy: null }, after: { confirmedAt: after.confirmedAt, confirmedBy: after.confirmedBy }, now: meta.now,
  });
  return after;
}

/** An evidence file, for whoever may read the commitment it belongs to (404 for anyone else). */
export async function getEvidenceDocument(db: Database, scope: Scope, documentId: string) {
  const owner = await db
    .selectFrom("commitment_realisations")
    .select("commitment_id")
    .where("evidence_document_id", "=", documentId)
    .where("region_id", "=", scope.regionId)
    .executeTakeFirst();
  if (!owner) {
    // A signed agreement's document is downloaded the same way, by whoever may read the agreement.
    const agreementDocument = await findAgreementDocument(db, scope, documentId);
    if (agreementDocument) return agreementDocument;
    throw notFound("Document");
  }
  try {
    await getCommitment(db, scope, owner.commitment_id);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw notFound("Document");
    throw error;
  }
  return readDocument(db, scope.regionId, documentId);
}

/** The organisations a commitment can be recorded for: the region's live ones, by name. */
export async function listCommitmentPartners(db: Database, scope: Scope) {
  let query = db.selectFrom("organisations").select(["id", "name"]).where("region_id", "=", scope.regionId).where("archived_at", "is", null).orderBy(sql`lower(name)`);
  if (scope.role === "partner") query = query.where("id", "=", scope.organisationId ?? NO_ORGANISATION);
  return query.execute();
}

/** The organisations that have commitments, for the list's partner filter. */
export async function listOrganisationsWithCommitments(db: Database, scope: Scope) {
  return visibleCommitments(db, scope)
    .select(["organisations.id", "organisations.name"])
    .where("commitments.archived_at", "is", null)
    .groupBy(["organisations.id", "organisations.name"])
    .orderBy(sql`lower(organisations.name)`)
    .execute();
}

/**
 * Takes back a realisation recorded by mistake: it is archived (kept, audited), and leaves the
 * realised total. The status does not step back by itself; the penvoerder decides what it is now.
 */
export async function archiveRealisation(trx: Tx, scope: Scope, commitmentId: string, realisationId: string, meta: ChangeMeta) {
  assertWriter(scope);
  const before = await lockCommitment(trx, scope, commitmentId);
  if (before.status === "accounted") {
    throw new AppError("RULE_VIOLATION", "The commitment has been accounted for: it is closed", { userMessageKey: "commitments.errors.accounted" });
  }
  const result = await trx
    .updateTable("commitment_realisations")
    .set({ archived_at: meta.now })
    .where("id", "=", realisationId)
    .where("commitment_id", "=", commitmentId)
    .where("region_id", "=", scope.regionId)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw notFound("Realisation");
  await trx.updateTable("commitments").set({ updated_at: meta.now, version: sql`version + 1` }).where("id", "=", commitmentId).execute();
  const after = await getCommitmentWithRealisations(trx, scope, commitmentId);
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "commitment.realisation_archive", entityType: "commitment", entityId: commitmentId,
    before: { realisedCents: before.realisedCents, version: before.version }, after: { realisedCents: after.realisedCents, version: after.version, archivedRealisationId: realisationId },
    now: meta.now,
  });
  await recomputeOrganisations(trx, [after.organisationId], meta.now);
  return after;
}
