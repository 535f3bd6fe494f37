import { sql } from "kysely";
import type { ActivityType } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { AppError, forbidden, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { addRealisation, type ChangeMeta } from "../commitments/commitments.service";
import type { ConfirmProposalInput, ListProposalsInput, RejectProposalInput } from "./in-kind.schemas";
import { DEFAULT_IN_KIND_RATE_CENTS, IN_KIND_ACTIVITY_TYPES } from "./in-kind.rates";
import { can } from "../../auth/permissions";

/**
 * Issue 6, item 2: a done guest lesson, internship supervision or company visit can count as the
 * partner's in-kind realisation. Schakel proposes hours × rate; the penvoerder confirms (as
 * proposed or adjusted, with a note), or rejects with a reason. Confirming goes through
 * addRealisation, so every rule of the ledger holds and no activity is counted twice.
 */

export type InKindProposal = {
  activityId: string;
  activityType: ActivityType;
  title: string;
  /** The activity's end date: the date the realisation gets. */
  date: string;
  hours: number;
  organisationId: string;
  organisationName: string;
  commitmentId: string;
  schoolYear: string;
  commitmentCategory: string;
  hourlyRateCents: number;
  /** "commitment" when the pledge names its own hourly rate, else "region" (the region's rate for the type). */
  rateSource: "commitment" | "region";
  proposedCents: number;
};

function assertStaff(scope: Scope) {
  if (!can(scope, "money.read")) throw forbidden();
}

function assertWriter(scope: Scope) {
  if (!can(scope, "money.write")) throw forbidden();
}

/** "2025-2026" for a date column (the SQL function of calendar/school-year.ts's rule). */
const schoolYearSql = (column: string) => sql<string>`school_year_of(${sql.ref(column)})`;

/**
 * The proposals as one query: per eligible activity (done, live, a counted type, with hours, not
 * counted and not rejected) the partner and in-kind commitment it would count for. When several
 * fit, the commitment whose category matches the activity comes first, then the hours pledge, then
 * the oldest, and partners by name.
 */
function proposalsQuery(db: Database, regionId: string, opts: { activityId?: string; commitmentId?: string; schoolYear?: string }) {
  return sql<InKindProposal>`
    select * from (
      select distinct on (a.id)
        a.id as "activityId", a.type as "activityType", a.title, a.end_date as date, a.hours::float8 as hours,
        o.id as "organisationId", o.name as "organisationName", c.id as "commitmentId", c.school_year as "schoolYear",
        c.category as "commitmentCategory",
        coalesce(c.hourly_rate_cents, rate.hourly_rate_cents, ${DEFAULT_IN_KIND_RATE_CENTS})::float8 as "hourlyRateCents",
        case when c.hourly_rate_cents is not null then 'commitment' else 'region' end as "rateSource",
        round(round(a.hours * 100) * coalesce(c.hourly_rate_cents, rate.hourly_rate_cents, ${DEFAULT_IN_KIND_RATE_CENTS}) / 100)::float8 as "proposedCents"
      from activities a
      join activity_organisations ao on ao.activity_id = a.id and ao.role = 'partner'
      join organisations o on o.id = ao.organisation_id and o.archived_at is null
      join commitments c on c.organisation_id = o.id and c.region_id = a.region_id and c.kind = 'in_kind'
        and c.archived_at is null and c.status in ('pledged', 'agreed', 'realised')
        and c.school_year = ${schoolYearSql("a.end_date")}
      left join in_kind_rates rate on rate.region_id = a.region_id and rate.activity_type = a.type
      where a.region_id = ${regionId} and a.status = 'done' and a.archived_at is null and a.hours > 0
        and a.type in (${sql.join([...IN_KIND_ACTIVITY_TYPES])})
        and not exists (select 1 from commitment_realisations r where r.activity_id = a.id and r.archived_at is null)
        and not exists (select 1 from in_kind_rejections j where j.activity_id = a.id)
        ${opts.activityId ? sql`and a.id = ${opts.activityId}` : sql``}
        ${opts.commitmentId ? sql`and c.id = ${opts.commitmentId}` : sql``}
        ${opts.schoolYear ? sql`and c.school_year = ${opts.schoolYear}` : sql``}
      order by a.id,
        case when (a.type = 'guest_lesson' and c.category = 'guest_lessons') or (a.type = 'internship' and c.category = 'internship_supervision') then 0
             when c.category = 'hours' then 1 else 2 end,
        lower(o.name), c.created_at, c.id
    ) p`;
}

/** The proposals for the penvoerder, newest activity first. Account holders read them too; partners do not. */
export async function listInKindProposals(db: Database, scope: Scope, filters: ListProposalsInput) {
  assertStaff(scope);
  const after = filters.cursor ? decodeCursor(filters.cursor, ["date", "uuid"]) : null;
  const { rows } = await sql<InKindProposal>`
    ${proposalsQuery(db, scope.regionId, { schoolYear: filters.schoolYear })}
    ${after ? sql`where (p.date, p."activityId") < (${after[0]}::date, ${after[1]}::uuid)` : sql``}
    order by p.date desc, p."activityId" desc
    limit ${filters.limit + 1}`.execute(db);
  const { rows: items, nextCursor } = keysetPage(rows, filters.limit, (last) => [last.date, last.activityId]);
  return { items, nextCursor };
}

async function findProposal(db: Database, regionId: string, activityId: string, commitmentId?: string) {
  const { rows } = await proposalsQuery(db, regionId, { activityId, ...(commitmentId ? { commitmentId } : {}) }).execute(db);
  return rows[0] ?? null;
}

/** Why an activity is not (or no longer) proposed: counted already (409), rejected, or not eligible (422). */
async function explainNoProposal(db: Database, scope: Scope, activityId: string): Promise<never> {
  const activity = await db.selectFrom("activities").select("id").where("id", "=", activityId).where("region_id", "=", scope.regionId).executeTakeFirst();
  if (!activity) throw notFound("Activity");
  const counted = await db.selectFrom("commitment_realisations").select("commitment_id").where("activity_id", "=", activityId).where("archived_at", "is", null).executeTakeFirst();
  if (counted) throw new AppError("CONFLICT", "This activity is already counted as an in-kind realisation; no amount is counted twice", { userMessageKey: "inKind.errors.alreadyCounted" });
  const rejected = await db.selectFrom("in_kind_rejections").select("activity_id").where("activity_id", "=", activityId).executeTakeFirst();
  if (rejected) throw new AppError("RULE_VIOLATION", "This activity was rejected for in-kind counting; undo the rejection first", { userMessageKey: "inKind.errors.rejected" });
  throw new AppError("RULE_VIOLATION", "This activity is not proposed: it is not done, has no hours, or its partner has no open in-kind commitment for its school year", { userMessageKey: "inKind.errors.noProposal" });
}

/**
 * Confirms a proposal: a realisation dated on the activity's end, with its hours, at the proposal's
 * rate, or adjusted (other hours, or another amount) with a note that is kept as its description.
 * `commitmentId` picks another open in-kind commitment of a partner of the activity.
 */
export async function confirmInKindProposal(trx: Tx, scope: Scope, activityId: string, input: ConfirmProposalInput, meta: ChangeMeta) {
  assertWriter(scope);
  const proposal = (await findProposal(trx, scope.regionId, activityId, input.commitmentId ?? undefined)) ?? (await explainNoProposal(trx, scope, activityId));
  const adjusted = (input.hours != null && input.hours !== proposal.hours) || (input.amountCents != null && input.amountCents !== proposal.proposedCents);
  if (adjusted && !input.note) throw validationFailed({ note: "inKind.validation.adjustNote" });
  try {
    return await addRealisation(
      trx,
      scope,
      proposal.commitmentId,
      {
        activityId,
        hours: input.hours ?? proposal.hours,
        amountCents: input.amountCents ?? null,
        description: input.note ? `${proposal.title} — ${input.note}` : null,
        evidence: null,
      },
      null,
      meta,
    );
  } catch (error) {
    // Above the pledge the ledger asks for a description: here that is the note.
    if (error instanceof AppError && error.fieldKeys?.description) {
      throw validationFailed({ note: error.fieldKeys.description }, "en", { code: error.code as "RULE_VIOLATION", message: error.message });
    }
    throw error;
  }
}

async function eligibleActivity(db: Database, scope: Scope, activityId: string) {
  const activity = await db
    .selectFrom("activities")
    .select(["id", "type", "title"])
    .where("id", "=", activityId)
    .where("region_id", "=", scope.regionId)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  if (!activity) throw notFound("Activity");
  return activity;
}

/** Rejects counting an activity, with a reason: it is no longer proposed. Audited; undone by undoInKindRejection. */
export async function rejectInKindProposal(trx: Tx, scope: Scope, activityId: string, input: RejectProposalInput, meta: ChangeMeta) {
  assertWriter(scope);
  const activity = await eligibleActivity(trx, scope, activityId);
  const counted = await trx.selectFrom("commitment_realisations").select("id").where("activity_id", "=", activityId).where("archived_at", "is", null).executeTakeFirst();
  if (counted) throw new AppError("CONFLICT", "This activity is already counted; take back its realisation instead", { userMessageKey: "inKind.errors.alreadyCounted" });
  const inserted = await trx
    .insertInto("in_kind_rejections")
    .values({ activity_id: activityId, region_id: scope.regionId, reason: input.reason, created_by: meta.actor?.id ?? null, created_at: meta.now })
    .onConflict((oc) => oc.column("activity_id").doNothing())
    .returning("activity_id")
    .executeTakeFirst();
  if (inserted) {
    await recordAudit(trx, {
      regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "in_kind.reject", entityType: "activity", entityId: activityId,
      before: { inKindRejected: false }, after: { inKindRejected: true, reason: input.reason, title: activity.title }, now: meta.now,
    });
  }
  return { activityId, reason: input.reason };
}

/** Takes a rejection back: the activity is proposed again when it still qualifies. */
export async function undoInKindRejection(trx: Tx, scope: Scope, activityId: string, meta: ChangeMeta) {
  assertWriter(scope);
  await eligibleActivity(trx, scope, activityId);
  const removed = await trx.deleteFrom("in_kind_rejections").where("activity_id", "=", activityId).where("region_id", "=", scope.regionId).returning(["reason"]).executeTakeFirst();
  if (!removed) throw notFound("Rejection");
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "in_kind.reject_undo", entityType: "activity", entityId: activityId,
    before: { inKindRejected: true, reason: removed.reason }, after: { inKindRejected: false }, now: meta.now,
  });
  return { activityId };
}

/** The rejected activities of the region, newest rejection first, with the reason and who decided. */
export async function listInKindRejections(db: Database, scope: Scope) {
  assertStaff(scope);
  const rows = await db
    .selectFrom("in_kind_rejections as j")
    .innerJoin("activities as a", "a.id", "j.activity_id")
    .leftJoin("users as u", "u.id", "j.created_by")
    .select(["j.activity_id as activityId", "a.type as activityType", "a.title", "a.end_date as date", "j.reason", "u.name as rejectedByName", "j.created_at as rejectedAt"])
    .where("j.region_id", "=", scope.regionId)
    .orderBy("j.created_at", "desc")
    .limit(200)
    .execute();
  return rows;
}

/**
 * Where an activity is counted in kind, for its page: the commitment and amount, when the caller
 * may read that commitment (a partner user only its own organisation's).
 */
export async function inKindCountOf(db: Database, scope: Scope, activityId: string) {
  let query = db
    .selectFrom("commitment_realisations as r")
    .innerJoin("commitments as c", "c.id", "r.commitment_id")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select(["c.id as commitmentId", "o.name as organisationName", "c.school_year as schoolYear", "r.amount_cents as amountCents", sql<number>`r.hours::float8`.as("hours")])
    .where("r.activity_id", "=", activityId)
    .where("r.region_id", "=", scope.regionId)
    .where("r.archived_at", "is", null);
  if (scope.role === "partner") query = query.where("c.organisation_id", "=", scope.organisationId ?? "00000000-0000-0000-0000-000000000000");
  const row = await query.executeTakeFirst();
  return row ? { ...row, amountCents: Number(row.amountCents) } : null;
}
