import { type RawBuilder, sql } from "kysely";
import type { HealthState, Locale, OrganisationKind, Tier } from "../../../db/schema";
import { translator } from "../../../i18n";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database, Tx } from "../../db/database";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { timestampOf } from "../../db/json";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { carryRegionCounts, computeHealth, type RecomputeTarget, type StateChange, type StoredReason } from "./health.compute";
import { dueOrganisations, saveRecheckDates } from "./health.recheck";
import { describeReason, type HealthReason } from "./health.messages";
import type { HolidayInput, ListHealthInput, SnoozeInput, UpdateHealthSettingsInput } from "./health.schemas";
import { can } from "../../auth/permissions";
import { assertStillCurrent } from "../../db/versioned";
import { endPlansOfRecovered, startPlan } from "../plans/plans.service";
import { dependsOnSchool } from "./school-dependencies";

export type HealthChangeMeta = ChangeStamp;

/**
 * Recomputes health (for one organisation after a change, a region, or everything) and makes sure
 * someone picks up each relationship that just turned cold: the region's "Relatie koud" plan starts
 * (unless a trouble plan already runs there), and one turned cold through turnover without one
 * gets the single follow-up task for its owner, or the region's coordinator when there is no owner.
 * A relationship healthy again ends its running trouble plan (decision 135).
 */
export async function recomputeHealth(db: Database, target: RecomputeTarget, now: Date, options: { followUps?: boolean } = {}) {
  const run = async (trx: Database) => {
    const today = toLocalDate(now);
    const computed = await computeHealth(trx, target, today, now);
    await saveRecheckDates(trx, target, today);
    if (options.followUps === false) return { organisations: computed.organisations, changed: computed.changed, tasksCreated: 0, plansStarted: 0, plansEnded: 0 };
    return { organisations: computed.organisations, changed: computed.changed, ...(await followUp(trx, computed, today, now)) };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * The nightly run: only the organisations whose health can have changed since it was last computed
 * (health.recheck.ts) — writes recompute their organisations themselves — and every region's count
 * for the day, as a full run leaves them (decision 141): counted for the regions it recomputed,
 * carried over from their latest day for the others (decision 144). The full run stays: `recomputeHealth` with
 * `{ all: true }`, `schakel health recompute`, POST /health/recompute.
 */
export async function recomputeDueHealth(db: Database, now: Date) {
  const run = async (trx: Database) => {
    const today = toLocalDate(now);
    const due = await dueOrganisations(trx, today);
    const computed = await computeHealth(trx, { organisationIds: due }, today, now);
    await carryRegionCounts(trx, today);
    await saveRecheckDates(trx, { organisationIds: due }, today);
    return { organisations: computed.organisations, changed: computed.changed, ...(await followUp(trx, computed, today, now)) };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * What a recompute's changes set going, the same for a full and a nightly run: plans for
 * relationships that recovered end, a relationship that turned cold starts its "Relatie koud" plan,
 * and turnover makes its follow-up tasks (decision 135).
 */
async function followUp(trx: Database, computed: Awaited<ReturnType<typeof computeHealth>>, today: string, now: Date) {
  const plansEnded = await endPlansOfRecovered(trx, computed.recovered, now);
  let plansStarted = 0;
  for (const change of computed.becameCold) {
    if (await startPlan(trx, change.regionId, change.organisationId, "relationship_cold", { actor: null, now })) plansStarted += 1;
  }
  const tasksCreated = await createTurnoverTasks(trx, computed.turnedCold, today, now);
  return { tasksCreated, plansStarted, plansEnded };
}

/**
 * Replays the region's health every `stepDays` from `from` up to today, so a freshly loaded region
 * (the demo, an import of years of history) has a trend from the start. Follow-up tasks are made
 * only for today's picture, not for states long past.
 */
export async function backfillHealthHistory(db: Database, regionId: string, from: string, now: Date, stepDays = 7) {
  const today = toLocalDate(now);
  for (let day = new Date(`${from}T12:00:00Z`); toLocalDate(day) < today; day = new Date(day.getTime() + stepDays * 86_400_000)) {
    await recomputeHealth(db, { regionId }, day, { followUps: false });
  }
  const result = await recomputeHealth(db, { regionId }, now);
  // The replay made no follow-ups; today's relationships that are cold through turnover get theirs now.
  const cold = await sql<{ organisation_id: string }>`
    select organisation_id from organisation_health
    where region_id = ${regionId} and state = 'cold' and exists (
      select 1 from jsonb_array_elements(reasons) r
      where r->>'code' = 'account_holder_left' or (r->>'code' = 'contact_left' and r->'params'->>'successorName' is null))`.execute(db);
  const tasksCreated = await insertFollowUpTasks(db, cold.rows.map((row) => row.organisation_id), pickUpTitle(), today, now, { unlessPlanRuns: true });
  return { ...result, tasksCreated: result.tasksCreated + tasksCreated };
}

/** The one-line hook the other services call after a change that affects these organisations. */
export async function recomputeOrganisations(db: Database, organisationIds: Array<string | null | undefined>, now: Date) {
  const ids = [...new Set(organisationIds.filter((id): id is string => Boolean(id)))];
  if (ids.length) await recomputeHealth(db, { organisationIds: ids }, now);
}

/** The relationships that just turned cold through turnover get their follow-up. */
async function createTurnoverTasks(db: Database, turnedCold: StateChange[], today: string, now: Date) {
  return insertFollowUpTasks(db, turnedCold.map((change) => change.organisationId), pickUpTitle(), today, now, { unlessPlanRuns: true });
}

/** "Relatie oppakken: <name>", in the region's language (Dutch): a task title is shared text, not one reader's. */
function pickUpTitle() {
  const [before = "", after = ""] = translator("nl")("health.taskTitle", { name: "\u0000" }).split("\u0000");
  return sql<string>`${before} || o.name || ${after}`;
}

/**
 * A follow-up task per organisation for whoever should pick the relationship up: its owner, else the
 * region's coordinator, else the region's longest-serving admin. Never a second one while an
 * earlier Schakel follow-up is still open.
 */
export async function insertFollowUpTasks(db: Database, organisationIds: string[], title: RawBuilder<string>, today: string, now: Date, options: { unlessPlanRuns?: boolean } = {}) {
  if (!organisationIds.length) return 0;
  const created = await sql<{ id: string }>`
    insert into tasks (region_id, organisation_id, assignee_id, title, due_date, status, source, created_at)
    select o.region_id, o.id, coalesce(owner.id, coordinator.id, admin.id), left(${title}, 500), ${today}::date + 7, 'open', 'health', ${now}
    from organisations o
    left join users owner on owner.id = o.account_holder_id and owner.active
    left join region_health_settings s on s.region_id = o.region_id
    left join users coordinator on coordinator.id = s.coordinator_user_id and coordinator.active
    left join lateral (
      select u.id from users u where u.region_id = o.region_id and u.role = 'admin' and u.active order by u.created_at limit 1
    ) admin on true
    where o.id = any(${organisationIds}::uuid[])
      and coalesce(owner.id, coordinator.id, admin.id) is not null
      and not exists (select 1 from tasks t where t.organisation_id = o.id and t.status = 'open' and t.source = 'health')
      -- A running trouble plan's steps are the follow-up already (decision 135).
      and (${!options.unlessPlanRuns}::boolean or not exists (
        select 1 from plans p where p.organisation_id = o.id and p.status = 'running' and p.event in ('contact_left', 'relationship_cold')))
    returning id`.execute(db);
  return created.rows.length;
}

export type OrganisationHealth = {
  organisationId: string;
  state: HealthState;
  since: string;
  lastContactDate: string | null;
  reasons: HealthReason[];
  computedAt: Date;
  snooze: { until: string; reason: string } | null;
};

export function assertStaff(scope: Scope) {
  // Health is the school's judgement of a relationship; the partner itself does not see it.
  if (!can(scope, "region.read")) throw new AppError("FORBIDDEN", "Partners cannot see relationship health");
}

async function assertOrganisation(db: Database, scope: Scope, organisationId: string) {
  const found = await db.selectFrom("organisations").select("id").where("id", "=", organisationId).where("region_id", "=", scope.regionId).executeTakeFirst();
  if (!found) throw notFound("Organisation");
}

const activeSnooze = (today: string) => sql<boolean>`exists (
  select 1 from health_snoozes hs where hs.organisation_id = organisation_health.organisation_id and hs.ended_at is null and hs.until > ${today}::date)`;

/**
 * The organisation's state with its reasons in the reader's language. An organisation that is not
 * watched (not active, or archived) is healthy without reasons.
 */
export async function getOrganisationHealth(db: Database, scope: Scope, organisationId: string, opts: { locale: Locale; today: string }): Promise<OrganisationHealth> {
  assertStaff(scope);
  await assertOrganisation(db, scope, organisationId);
  const row = await organisationHealthQuery(db, organisationId).executeTakeFirst();
  const snooze = await healthSnoozeQuery(db, organisationId, opts.today).executeTakeFirst();
  return toOrganisationHealth(organisationId, row ?? null, snooze ?? null, opts);
}

/**
 * The queries and the mapping of getOrganisationHealth, for an organisation already known to be
 * visible to staff (assertStaff); the organisation page reads them inside its statement.
 */
export function organisationHealthQuery(db: Database, organisationId: string) {
  return db
    .selectFrom("organisation_health")
    .select(["state", "state_since", "last_contact_date", "reasons", "computed_at"])
    .where("organisation_id", "=", organisationId);
}

export function healthSnoozeQuery(db: Database, organisationId: string, today: string) {
  return db
    .selectFrom("health_snoozes")
    .select(["until", "reason"])
    .where("organisation_id", "=", organisationId)
    .where("ended_at", "is", null)
    .where("until", ">", today)
    .orderBy("created_at", "desc")
    .limit(1);
}

type HealthRow = { state: HealthState; state_since: string; last_contact_date: string | null; reasons: unknown; computed_at: Date | string };

export function toOrganisationHealth(organisationId: string, row: HealthRow | null, snooze: { until: string; reason: string } | null, opts: { locale: Locale; today: string }): OrganisationHealth {
  return {
    organisationId,
    state: row?.state ?? "healthy",
    since: row?.state_since ?? opts.today,
    lastContactDate: row?.last_contact_date ?? null,
    reasons: ((row?.reasons ?? []) as StoredReason[]).map((reason) => describeReason(reason, opts.locale, opts.today)),
    computedAt: row ? timestampOf(row.computed_at) : new Date(0),
    snooze: snooze ?? null,
  };
}

export type HealthListItem = {
  organisationId: string;
  name: string;
  kind: OrganisationKind;
  tier: Tier;
  /** The organisation's version, for an owner assigned straight from the list. */
  version: number;
  subregionName: string | null;
  accountHolderId: string | null;
  accountHolderName: string | null;
  state: HealthState;
  since: string;
  lastContactDate: string | null;
  reasons: HealthReason[];
  snoozedUntil: string | null;
};

/**
 * Relationships by health, most important first: strategic before regular before occasional, then
 * the longest in that state. Snoozed ones are left out unless asked for. Keyset-paginated.
 */
export async function listHealth(db: Database, scope: Scope, filters: ListHealthInput, opts: { locale: Locale; today: string }) {
  assertStaff(scope);
  const tierRank = sql<number>`case organisations.tier when 'strategic' then 0 when 'regular' then 1 else 2 end`;
  let query = db
    .selectFrom("organisation_health")
    .innerJoin("organisations", "organisations.id", "organisation_health.organisation_id")
    .leftJoin("subregions", "subregions.id", "organisations.subregion_id")
    .leftJoin("users as holder", "holder.id", "organisations.account_holder_id")
    .select([
      "organisations.id as organisationId", "organisations.name", "organisations.kind", "organisations.tier", "organisations.version",
      "subregions.name as subregionName", "organisations.account_holder_id as accountHolderId", "holder.name as accountHolderName",
      "organisation_health.state", "organisation_health.state_since as since", "organisation_health.last_contact_date as lastContactDate",
      "organisation_health.reasons",
      sql<string | null>`(select max(hs.until) from health_snoozes hs where hs.organisation_id = organisations.id and hs.ended_at is null and hs.until > ${opts.today}::date)`.as("snoozedUntil"),
      tierRank.as("tierRank"),
    ])
    .where("organisation_health.region_id", "=", scope.regionId)
    .where("organisations.archived_at", "is", null)
    .orderBy(tierRank)
    .orderBy("organisation_health.state_since")
    .orderBy("organisations.id")
    .limit(filters.limit + 1);
  if (filters.state?.length) query = query.where("organisation_health.state", "in", filters.state);
  if (filters.accountHolderId) query = query.where("organisations.account_holder_id", "=", filters.accountHolderId);
  if (filters.subregionId) query = query.where("organisations.subregion_id", "=", filters.subregionId);
  if (filters.kind) query = query.where("organisations.kind", "=", filters.kind);
  if (filters.schoolId || filters.schoolYear) query = query.where(dependsOnSchool(scope.regionId, filters));
  if (!filters.includeSnoozed) query = query.where((eb) => eb.not(activeSnooze(opts.today)));
  if (filters.cursor) {
    const [rank, since, id] = decodeCursor(filters.cursor, ["int", "date", "uuid"]);
    query = query.where(sql<boolean>`(${tierRank}, organisation_health.state_since, organisations.id) > (${Number(rank)}, ${String(since)}::date, ${String(id)}::uuid)`);
  }
  const rows = await query.execute();
  const page = keysetPage(rows, filters.limit, (last) => [last.tierRank, last.since, last.organisationId]);
  return {
    items: page.rows.map(({ tierRank: _rank, reasons, ...item }): HealthListItem => ({
      ...item,
      reasons: (reasons as StoredReason[]).map((reason) => describeReason(reason, opts.locale, opts.today)),
    })),
    nextCursor: page.nextCursor,
  };
}

/** The states of a page of organisations, for the list's badges (unwatched ones are absent). */
export async function healthStatesOf(db: Database, scope: Scope, organisationIds: string[]): Promise<Record<string, HealthState>> {
  assertStaff(scope);
  if (!organisationIds.length) return {};
  const rows = await db.selectFrom("organisation_health").select(["organisation_id", "state"])
    .where("region_id", "=", scope.regionId).where("organisation_id", "in", organisationIds).execute();
  return Object.fromEntries(rows.map((row) => [row.organisation_id, row.state]));
}

export type HealthCounts = Record<HealthState, number> & { snoozed: number };

/** The dashboard's counts of the region, or of one account holder's relationships (snoozed ones still count in their state). */
export async function healthCounts(db: Database, scope: Scope, today: string, options: { accountHolderId?: string | undefined } = {}): Promise<HealthCounts> {
  assertStaff(scope);
  let query = db
    .selectFrom("organisation_health")
    .innerJoin("organisations", "organisations.id", "organisation_health.organisation_id")
    .select(["organisation_health.state", sql<number>`count(*)::int`.as("count"), sql<number>`(count(*) filter (where ${activeSnooze(today)}))::int`.as("snoozed")])
    .where("organisation_health.region_id", "=", scope.regionId)
    // Said twice on purpose: with the region on both sides the planner reads the region's few hundred
    // organisations by index and hash-joins them, instead of scanning all 40,000 of the country.
    .where("organisations.region_id", "=", scope.regionId)
    .where("organisations.archived_at", "is", null)
    .groupBy("organisation_health.state");
  if (options.accountHolderId) query = query.where("organisations.account_holder_id", "=", options.accountHolderId);
  const rows = await query.execute();
  const counts: HealthCounts = { healthy: 0, watch: 0, cooling: 0, cold: 0, snoozed: 0 };
  for (const row of rows) {
    counts[row.state] = row.count;
    counts.snoozed += row.snoozed;
  }
  return counts;
}

/** Whether the user holds any relationship of the region: then "Aandacht nodig" starts with hers. */
export async function holdsRelationships(db: Database, scope: Scope, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("organisations")
    .select("id")
    .where("region_id", "=", scope.regionId)
    .where("account_holder_id", "=", userId)
    .where("archived_at", "is", null)
    .executeTakeFirst();
  return row !== undefined;
}

/** The region's counts per day between two days, for the chart over the school year. */
export async function regionHealthTrend(db: Database, scope: Scope, range: { from: string; to: string }) {
  assertStaff(scope);
  return db
    .selectFrom("health_daily_counts")
    .select(["day", "healthy", "watch", "cooling", "cold"])
    .where("region_id", "=", scope.regionId)
    .where("day", ">=", range.from)
    .where("day", "<=", range.to)
    .orderBy("day")
    .execute();
}

/** Each state change of one organisation, oldest first: its trend. */
export async function organisationHealthHistory(db: Database, scope: Scope, organisationId: string) {
  assertStaff(scope);
  await assertOrganisation(db, scope, organisationId);
  return organisationHealthHistoryQuery(db, organisationId).execute();
}

/** The query of organisationHealthHistory, also read inside the organisation page's statement. */
export function organisationHealthHistoryQuery(db: Database, organisationId: string) {
  return db
    .selectFrom("health_history")
    .select(["state", "previous_state as previousState", "reason_codes as reasonCodes", "changed_on as changedOn"])
    .where("organisation_id", "=", organisationId)
    .orderBy("changed_on")
    .orderBy("id");
}

/** Takes a relationship off "Aandacht nodig" for some weeks, with a reason; audited. */
export async function snoozeOrganisation(trx: Tx, scope: Scope, organisationId: string, input: SnoozeInput, meta: HealthChangeMeta) {
  assertStaff(scope);
  await assertOrganisation(trx, scope, organisationId);
  const today = toLocalDate(meta.now);
  await trx.updateTable("health_snoozes").set({ ended_at: meta.now }).where("organisation_id", "=", organisationId).where("ended_at", "is", null).execute();
  const snooze = await trx
    .insertInto("health_snoozes")
    .values({
      region_id: scope.regionId, organisation_id: organisationId, until: sql<string>`${today}::date + ${input.weeks * 7}::int`,
      reason: input.reason, created_by: meta.actor?.id ?? null, created_at: meta.now,
    })
    .returning(["id", "until", "reason"])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "health.snooze", entityType: "organisation", entityId: organisationId,
    after: { until: snooze.until, reason: snooze.reason }, now: meta.now,
  });
  return { until: snooze.until, reason: snooze.reason };
}

export async function endSnooze(trx: Tx, scope: Scope, organisationId: string, meta: HealthChangeMeta) {
  assertStaff(scope);
  await assertOrganisation(trx, scope, organisationId);
  const ended = await trx.updateTable("health_snoozes").set({ ended_at: meta.now }).where("organisation_id", "=", organisationId).where("ended_at", "is", null).returning("id").execute();
  if (ended.length) {
    await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "health.unsnooze", entityType: "organisation", entityId: organisationId, now: meta.now });
  }
}

export type HealthSettings = {
  cadenceStrategicDays: number;
  cadenceRegularDays: number;
  cadenceOccasionalDays: number;
  coordinatorUserId: string | null;
  version: number;
  holidays: Array<{ id: string; name: string; startDate: string; endDate: string }>;
};

export async function getHealthSettings(db: Database, regionId: string): Promise<HealthSettings> {
  await db.insertInto("region_health_settings").values({ region_id: regionId }).onConflict((oc) => oc.column("region_id").doNothing()).execute();
  const settings = await db
    .selectFrom("region_health_settings")
    .select(["cadence_strategic_days as cadenceStrategicDays", "cadence_regular_days as cadenceRegularDays", "cadence_occasional_days as cadenceOccasionalDays", "coordinator_user_id as coordinatorUserId", "version"])
    .where("region_id", "=", regionId)
    .executeTakeFirstOrThrow();
  const holidays = await db
    .selectFrom("school_holidays")
    .select(["id", "name", "start_date as startDate", "end_date as endDate"])
    .where("region_id", "=", regionId)
    .orderBy("start_date")
    .execute();
  return { ...settings, holidays };
}

/** Cadences and the coordinator (who gets the follow-ups of relationships without an owner). Admins only. */
export async function updateHealthSettings(trx: Tx, scope: Scope, input: UpdateHealthSettingsInput, meta: HealthChangeMeta): Promise<HealthSettings> {
  if (!can(scope, "region.manage")) throw new AppError("FORBIDDEN", "Only an admin can change the health settings");
  const before = await getHealthSettings(trx, scope.regionId);
  if (input.coordinatorUserId) {
    const coordinator = await trx.selectFrom("users").select("id").where("id", "=", input.coordinatorUserId).where("region_id", "=", scope.regionId)
      .where("active", "=", true).where("role", "<>", "partner").executeTakeFirst();
    if (!coordinator) throw validationFailed({ coordinatorUserId: "validation.unknownCoordinator" });
  }
  const updated = await trx
    .updateTable("region_health_settings")
    .set({
      cadence_strategic_days: input.cadenceStrategicDays, cadence_regular_days: input.cadenceRegularDays, cadence_occasional_days: input.cadenceOccasionalDays,
      ...(input.coordinatorUserId !== undefined && { coordinator_user_id: input.coordinatorUserId }),
      version: sql`version + 1`, updated_at: meta.now,
    })
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .returning("region_id")
    .executeTakeFirst();
  assertStillCurrent(updated, "health settings");
  const { holidays: _h, version: _v, ...beforeValues } = before;
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "health.settings", entityType: "region", entityId: scope.regionId, before: beforeValues, after: input, now: meta.now });
  await recomputeHealth(trx, { regionId: scope.regionId }, meta.now);
  return getHealthSettings(trx, scope.regionId);
}

export async function addHoliday(trx: Tx, scope: Scope, input: HolidayInput, meta: HealthChangeMeta) {
  if (!can(scope, "region.manage")) throw new AppError("FORBIDDEN", "Only an admin can change the school holidays");
  const holiday = await trx
    .insertInto("school_holidays")
    .values({ region_id: scope.regionId, name: input.name, start_date: input.startDate, end_date: input.endDate, created_at: meta.now })
    .returning(["id", "name", "start_date as startDate", "end_date as endDate"])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "health.holiday.add", entityType: "region", entityId: scope.regionId, after: input, now: meta.now });
  await recomputeHealth(trx, { regionId: scope.regionId }, meta.now);
  return holiday;
}

export async function removeHoliday(trx: Tx, scope: Scope, holidayId: string, meta: HealthChangeMeta) {
  if (!can(scope, "region.manage")) throw new AppError("FORBIDDEN", "Only an admin can change the school holidays");
  const removed = await trx.deleteFrom("school_holidays").where("id", "=", holidayId).where("region_id", "=", scope.regionId)
    .returning(["name", "start_date as startDate", "end_date as endDate"]).executeTakeFirst();
  if (!removed) throw notFound("Holiday");
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "health.holiday.remove", entityType: "region", entityId: scope.regionId, before: removed, now: meta.now });
  await recomputeHealth(trx, { regionId: scope.regionId }, meta.now);
}
