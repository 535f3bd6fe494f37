import { sql } from "kysely";
import type { ActivityStatus, ActivityType } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { jsonb, timestampOf } from "../../db/json";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import type { Actor } from "../../auth/current-user";
import { recomputeOrganisations } from "../health/health.service";
import { queueOfferDecisionEmail } from "../portal/portal.emails";
import {
  type ActivityDraft,
  activityProblems,
  type CreateActivityInput,
  STATUS_TRANSITIONS,
  TYPE_FIELDS,
  type UpdateActivityInput,
} from "./activities.schemas";
import { assertMayWorkOrganisations } from "../../auth/partner-work";
import { can } from "../../auth/permissions";
import { assertStillCurrent, updatedOne } from "../../db/versioned";

/** `appUrl`, when given, links the emails a change sends (an offer from the portal being planned or declined). */
export type ActivityChangeMeta = { actor: Actor; now: Date; appUrl?: string | undefined };

export type ActivityOrganisation = { id: string; name: string; kind: string; role: "partner" | "school" };

export type Activity = {
  id: string;
  type: ActivityType;
  title: string;
  description: string | null;
  startDate: string;
  endDate: string;
  startTime: string | null;
  endTime: string | null;
  status: ActivityStatus;
  organisationIds: string[];
  schoolIds: string[];
  organisations: ActivityOrganisation[];
  profiles: string[];
  learningPaths: string[];
  hours: number | null;
  pupilsReached: number | null;
  teachersInvolved: number | null;
  placesOffered: number | null;
  placesFilled: number | null;
  speakerPersonId: string | null;
  supervisorPersonId: string | null;
  personName: string | null;
  className: string | null;
  topic: string | null;
  location: string | null;
  sharedWithRegionIds: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
};

type Details = { className?: string; topic?: string; location?: string };

const SCHOOL_KINDS = ["vmbo", "primary"] as const;
const NO_ORGANISATION = "00000000-0000-0000-0000-000000000000";

/**
 * The activities a caller may see: those of their region, and for a partner user only those its
 * organisation takes part in. Every read starts here, so no query can forget the scope.
 */
export function visibleActivities(db: Database, scope: Scope) {
  let query = db
    .selectFrom("activities")
    .leftJoin("people", "people.id", "activities.person_id")
    .where("activities.region_id", "=", scope.regionId);
  if (scope.role === "partner") {
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom("activity_organisations as own").select("own.activity_id").whereRef("own.activity_id", "=", "activities.id").where("own.organisation_id", "=", scope.organisationId ?? NO_ORGANISATION)),
    );
  }
  return query.select([
    "activities.id", "activities.type", "activities.title", "activities.description",
    "activities.start_date as startDate", "activities.end_date as endDate",
    sql<string | null>`to_char(activities.start_time, 'HH24:MI')`.as("startTime"),
    sql<string | null>`to_char(activities.end_time, 'HH24:MI')`.as("endTime"),
    "activities.status", "activities.profiles", "activities.learning_paths as learningPaths",
    sql<number | null>`activities.hours::float8`.as("hours"),
    "activities.pupils_reached as pupilsReached", "activities.teachers_involved as teachersInvolved",
    "activities.places_offered as placesOffered", "activities.places_filled as placesFilled",
    "activities.person_id as personId", "people.name as personName", "activities.details",
    sql<string[]>`activities.shared_with_region_ids::text[]`.as("sharedWithRegionIds"),
    "activities.version", "activities.created_at as createdAt", "activities.updated_at as updatedAt", "activities.archived_at as archivedAt",
    sql<ActivityOrganisation[]>`coalesce((
      select json_agg(json_build_object('id', o.id, 'name', o.name, 'kind', o.kind, 'role', ao.role) order by ao.role, lower(o.name))
        from activity_organisations ao join organisations o on o.id = ao.organisation_id
       where ao.activity_id = activities.id), '[]'::json)`.as("organisations"),
  ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof visibleActivities>["executeTakeFirstOrThrow"]>>;

/** A row of visibleActivities, read on its own or from JSON (where the timestamps are text). */
export function toActivity(row: Row | (Omit<Row, "createdAt" | "updatedAt" | "archivedAt"> & { createdAt: string; updatedAt: string; archivedAt: string | null })): Activity {
  const { personId, details, organisations, ...rest } = row;
  const extras = (details ?? {}) as Details;
  const takes = TYPE_FIELDS[row.type];
  return {
    ...rest,
    createdAt: timestampOf(row.createdAt),
    updatedAt: timestampOf(row.updatedAt),
    archivedAt: timestampOf(row.archivedAt),
    organisations,
    organisationIds: organisations.filter((o) => o.role === "partner").map((o) => o.id),
    schoolIds: organisations.filter((o) => o.role === "school").map((o) => o.id),
    speakerPersonId: takes.includes("speakerPersonId") ? personId : null,
    supervisorPersonId: takes.includes("supervisorPersonId") ? personId : null,
    className: extras.className ?? null,
    topic: extras.topic ?? null,
    location: extras.location ?? null,
  };
}

export async function getActivity(db: Database, scope: Scope, id: string): Promise<Activity> {
  const row = await visibleActivities(db, scope).where("activities.id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Activity");
  return toActivity(row);
}

/**
 * Partners must be organisations of the region that are not schools, schools vmbo or primary
 * schools of the region; the speaker or supervisor works at one of the partners now.
 */
/** Sharing names other regions that exist; the own region is not "another". */
async function assertSharingRegions(db: Database, regionId: string, regionIds: string[]) {
  if (!regionIds.length) return;
  const found = await db.selectFrom("regions").select("id").where("id", "in", regionIds).where("id", "<>", regionId).execute();
  if (found.length !== new Set(regionIds).size) throw validationFailed({ sharedWithRegionIds: "validation.unknownRegion" });
}

async function assertReferences(db: Database, regionId: string, draft: ActivityDraft) {
  const problems: Record<string, string> = {};
  const wanted = [...new Set([...draft.organisationIds, ...draft.schoolIds])];
  const found = wanted.length
    ? await db.selectFrom("organisations").select(["id", "kind"]).where("region_id", "=", regionId).where("archived_at", "is", null).where("id", "in", wanted).execute()
    : [];
  const kinds = new Map(found.map((o) => [o.id, o.kind]));
  const isSchool = (id: string) => (SCHOOL_KINDS as readonly string[]).includes(kinds.get(id) ?? "");
  if (draft.organisationIds.some((id) => !kinds.has(id) || isSchool(id))) problems.organisationIds = "validation.unknownPartner";
  if (draft.schoolIds.some((id) => !kinds.has(id) || !isSchool(id))) problems.schoolIds = "validation.unknownSchool";
  const personId = draft.speakerPersonId ?? draft.supervisorPersonId;
  if (personId && !problems.organisationIds) {
    const works = draft.organisationIds.length
      ? await db
          .selectFrom("affiliations")
          .innerJoin("people", "people.id", "affiliations.person_id")
          .select("affiliations.id")
          .where("affiliations.person_id", "=", personId)
          .where("affiliations.region_id", "=", regionId)
          .where("affiliations.organisation_id", "in", draft.organisationIds)
          .where("affiliations.end_date", "is", null)
          .where("people.archived_at", "is", null)
          .executeTakeFirst()
      : undefined;
    if (!works) problems[draft.speakerPersonId ? "speakerPersonId" : "supervisorPersonId"] = "validation.personNotAtPartner";
  }
  if (Object.keys(problems).length) throw validationFailed(problems);
}

function check(draft: ActivityDraft) {
  const problems = activityProblems(draft);
  if (Object.keys(problems).length) throw validationFailed(problems);
}

function detailsOf(draft: ActivityDraft): Details {
  return {
    ...(draft.className ? { className: draft.className } : {}),
    ...(draft.topic ? { topic: draft.topic } : {}),
    ...(draft.location ? { location: draft.location } : {}),
  };
}

async function linkOrganisations(db: Database, activityId: string, draft: ActivityDraft) {
  await db.deleteFrom("activity_organisations").where("activity_id", "=", activityId).execute();
  const rows = [
    ...[...new Set(draft.organisationIds)].map((organisationId) => ({ activity_id: activityId, organisation_id: organisationId, role: "partner" as const })),
    ...[...new Set(draft.schoolIds)].map((organisationId) => ({ activity_id: activityId, organisation_id: organisationId, role: "school" as const })),
  ];
  if (rows.length) await db.insertInto("activity_organisations").values(rows).execute();
}

const auditMeta = (scope: Scope, meta: ActivityChangeMeta, action: string, entityId: string) => ({
  regionId: scope.regionId, actorId: meta.actor?.id ?? null, action, entityType: "activity", entityId, now: meta.now,
});

/** A new activity with its partners and schools; a new one starts as offered, planned or (for the record) done. */
export async function createActivity(trx: Tx, scope: Scope, input: CreateActivityInput, meta: ActivityChangeMeta): Promise<Activity> {
  // A partner's offer is bound to its own organisation by the portal (offerActivity); staff must work the partners.
  if (!can(scope, "activity.offer")) await assertMayWorkOrganisations(trx, scope, input.organisationIds, "activity.write");
  const draft: ActivityDraft = {
    type: input.type,
    status: input.status,
    startDate: input.startDate,
    endDate: input.endDate ?? input.startDate,
    startTime: input.startTime ?? null,
    endTime: input.endTime ?? null,
    organisationIds: input.organisationIds,
    schoolIds: input.schoolIds,
    pupilsReached: input.pupilsReached ?? null,
    teachersInvolved: input.teachersInvolved ?? null,
    placesOffered: input.placesOffered ?? null,
    placesFilled: input.placesFilled ?? null,
    speakerPersonId: input.speakerPersonId ?? null,
    supervisorPersonId: input.supervisorPersonId ?? null,
    className: input.className ?? null,
    topic: input.topic ?? null,
    location: input.location ?? null,
  };
  if (draft.status === "cancelled") throw validationFailed({ status: "validation.newActivityStatus" });
  check(draft);
  await assertReferences(trx, scope.regionId, draft);
  await assertSharingRegions(trx, scope.regionId, input.sharedWithRegionIds);
  const { id } = await trx
    .insertInto("activities")
    .values({
      region_id: scope.regionId,
      type: draft.type,
      title: input.title,
      description: input.description,
      start_date: draft.startDate,
      end_date: draft.endDate,
      start_time: draft.startTime,
      end_time: draft.endTime,
      status: draft.status,
      profiles: input.profiles,
      learning_paths: input.learningPaths,
      hours: input.hours ?? null,
      pupils_reached: draft.pupilsReached,
      teachers_involved: draft.teachersInvolved,
      places_offered: draft.placesOffered,
      places_filled: draft.placesFilled,
      person_id: draft.speakerPersonId ?? draft.supervisorPersonId,
      details: jsonb(detailsOf(draft)),
      shared_with_region_ids: input.sharedWithRegionIds,
      created_by: meta.actor?.id ?? null,
      created_at: meta.now,
      updated_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await linkOrganisations(trx, id, draft);
  const created = await getActivity(trx, scope, id);
  await recordAudit(trx, { ...auditMeta(scope, meta, "activity.create", id), after: created });
  await recomputeOrganisations(trx, [...created.organisationIds, ...created.schoolIds], meta.now);
  return created;
}

/**
 * Changes the fields given and/or moves the status on. The result is checked as a whole (an end
 * date alone can fall before the stored start); an illegal status step answers 422, a stale
 * version 409, and nothing is written on any refusal.
 */
export async function updateActivity(trx: Tx, scope: Scope, id: string, input: UpdateActivityInput, meta: ActivityChangeMeta): Promise<Activity> {
  const before = await getActivity(trx, scope, id);
  if (before.archivedAt) throw notFound("Activity");
  await assertMayWorkOrganisations(trx, scope, before.organisationIds, "activity.write");
  assertStillCurrent(before.version === input.version, "activity");
  if (input.sharedWithRegionIds) await assertSharingRegions(trx, scope.regionId, input.sharedWithRegionIds);
  const type = input.type ?? before.type;
  const status = input.status ?? before.status;
  if (status !== before.status && !STATUS_TRANSITIONS[before.status].includes(status)) {
    throw new AppError("RULE_VIOLATION", `An activity cannot go from ${before.status} to ${status}`, { userMessageKey: "activities.illegalTransition" });
  }
  const pick = <K extends keyof ActivityDraft>(key: K, fallback: ActivityDraft[K]): ActivityDraft[K] =>
    (key in input ? ((input as Record<string, unknown>)[key] ?? null) : fallback) as ActivityDraft[K];
  // A type change drops the extras of the old type that the new type does not take.
  const kept = <F extends "speakerPersonId" | "supervisorPersonId" | "className" | "topic" | "location">(field: F) => (TYPE_FIELDS[type].includes(field) ? before[field] : null);
  const startDate = input.startDate ?? before.startDate;
  const draft: ActivityDraft = {
    type,
    status,
    startDate,
    endDate: "endDate" in input ? (input.endDate ?? startDate) : before.endDate,
    startTime: pick("startTime", before.startTime),
    endTime: pick("endTime", before.endTime),
    organisationIds: input.organisationIds ?? before.organisationIds,
    schoolIds: input.schoolIds ?? before.schoolIds,
    pupilsReached: pick("pupilsReached", before.pupilsReached),
    teachersInvolved: pick("teachersInvolved", before.teachersInvolved),
    placesOffered: pick("placesOffered", before.placesOffered),
    placesFilled: pick("placesFilled", before.placesFilled),
    speakerPersonId: pick("speakerPersonId", kept("speakerPersonId")),
    supervisorPersonId: pick("supervisorPersonId", kept("supervisorPersonId")),
    className: pick("className", kept("className")),
    topic: pick("topic", kept("topic")),
    location: pick("location", kept("location")),
  };
  check(draft);
  const referencesChanged = input.organisationIds || input.schoolIds || input.speakerPersonId || input.supervisorPersonId;
  if (referencesChanged) await assertReferences(trx, scope.regionId, draft);
  if (input.organisationIds) await assertMayWorkOrganisations(trx, scope, draft.organisationIds, "activity.write");
  const result = await trx
    .updateTable("activities")
    .set({
      type: draft.type,
      ...(input.title !== undefined && { title: input.title }),
      ...(input.description !== undefined && { description: input.description }),
      start_date: draft.startDate,
      end_date: draft.endDate,
      start_time: draft.startTime,
      end_time: draft.endTime,
      status: draft.status,
      ...(input.profiles !== undefined && { profiles: input.profiles }),
      ...(input.learningPaths !== undefined && { learning_paths: input.learningPaths }),
      ...(input.hours !== undefined && { hours: input.hours ?? null }),
      pupils_reached: draft.pupilsReached,
      teachers_involved: draft.teachersInvolved,
      places_offered: draft.placesOffered,
      places_filled: draft.placesFilled,
      person_id: draft.speakerPersonId ?? draft.supervisorPersonId,
      details: jsonb(detailsOf(draft)),
      ...(input.sharedWithRegionIds !== undefined && { shared_with_region_ids: input.sharedWithRegionIds }),
      updated_at: meta.now,
      version: sql`version + 1`,
    })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .executeTakeFirst();
  assertStillCurrent(updatedOne(result), "activity");
  if (input.organisationIds || input.schoolIds) await linkOrganisations(trx, id, draft);
  const after = await getActivity(trx, scope, id);
  const action = status !== before.status ? `activity.${status === "planned" ? "plan" : status === "done" ? "complete" : "cancel"}` : "activity.update";
  await recordAudit(trx, { ...auditMeta(scope, meta, action, id), before, after });
  // Portal: planning or declining (cancelling) an offer tells the partner user who made it, in this transaction.
  if (before.status === "offered" && status !== before.status) {
    const { created_by: createdBy } = await trx.selectFrom("activities").select("created_by").where("id", "=", id).executeTakeFirstOrThrow();
    await queueOfferDecisionEmail(trx, scope.regionId, { ...after, createdBy }, status, meta);
  }
  // A done activity counts as contact, and a partner dropping out of one changes its health too.
  await recomputeOrganisations(trx, [...before.organisationIds, ...before.schoolIds, ...after.organisationIds, ...after.schoolIds], meta.now);
  return after;
}

/** Deletes archive: the activity leaves lists and figures but keeps its history. */
export async function archiveActivity(trx: Tx, scope: Scope, id: string, meta: ActivityChangeMeta): Promise<Activity> {
  const before = await getActivity(trx, scope, id);
  if (before.archivedAt) return before;
  await assertMayWorkOrganisations(trx, scope, before.organisationIds, "activity.write");
  await trx.updateTable("activities").set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` }).where("id", "=", id).where("region_id", "=", scope.regionId).execute();
  const after = await getActivity(trx, scope, id);
  await recordAudit(trx, { ...auditMeta(scope, meta, "activity.archive", id), before: { archivedAt: null }, after: { archivedAt: after.archivedAt } });
  await recomputeOrganisations(trx, [...after.organisationIds, ...after.schoolIds], meta.now);
  return after;
}

/**
 * An organisation's activities for its page: what is offered or planned first (soonest first),
 * then what was done (latest first); cancelled ones are left out.
 */
export async function listOrganisationActivities(db: Database, scope: Scope, organisationId: string, options: { limit: number } = { limit: 50 }): Promise<Activity[]> {
  return (await organisationActivitiesQuery(db, scope, organisationId, options).execute()).map(toActivity);
}

/** The query of listOrganisationActivities, also read inside the organisation page's statement (organisation-page.ts). */
export function organisationActivitiesQuery(db: Database, scope: Scope, organisationId: string, options: { limit: number } = { limit: 50 }) {
  return visibleActivities(db, scope)
    .where("activities.archived_at", "is", null)
    .where("activities.status", "<>", "cancelled")
    .where(sql<boolean>`exists (select 1 from activity_organisations ao where ao.activity_id = activities.id and ao.organisation_id = ${organisationId})`)
    .orderBy(sql`case when activities.status in ('offered', 'planned') then 0 else 1 end`)
    .orderBy(sql`case when activities.status in ('offered', 'planned') then activities.start_date end`, "asc")
    .orderBy("activities.start_date", "desc")
    .orderBy("activities.id")
    .limit(options.limit);
}

/** What the activity forms offer to choose from: the region's schools and its other organisations, by name. */
export async function activityChoices(db: Database, scope: Scope, options: { limit: number } = { limit: 500 }) {
  const rows = await db
    .selectFrom("organisations")
    .select(["id", "name", "kind"])
    .where("region_id", "=", scope.regionId)
    .where("archived_at", "is", null)
    .orderBy(sql`lower(name)`)
    .limit(options.limit * 2)
    .execute();
  const isSchool = (kind: string) => (SCHOOL_KINDS as readonly string[]).includes(kind);
  const regions = await db.selectFrom("regions").select(["id", "name"]).where("id", "<>", scope.regionId).orderBy("name").execute();
  return {
    schools: rows.filter((o) => isSchool(o.kind)).slice(0, options.limit).map(({ id, name }) => ({ id, name })),
    partners: rows.filter((o) => !isSchool(o.kind)).slice(0, options.limit).map(({ id, name }) => ({ id, name })),
    regions,
  };
}

export type SharedActivity = {
  id: string; type: ActivityType; title: string; startDate: string; endDate: string; startTime: string | null; endTime: string | null;
  status: ActivityStatus; location: string | null; regionName: string;
};

/**
 * Activities other regions opened to the caller's region (a teacher training, an event), between
 * two days: read-only, and only what a calendar shows — no partners, people or anything else of
 * the owning region. Partner users see none: they see their own organisation only.
 */
export async function listSharedActivities(db: Database, scope: Scope, range: { from: string; to: string }): Promise<SharedActivity[]> {
  if (scope.role === "partner") return [];
  return db
    .selectFrom("activities")
    .innerJoin("regions", "regions.id", "activities.region_id")
    .select([
      "activities.id", "activities.type", "activities.title", "activities.start_date as startDate", "activities.end_date as endDate",
      sql<string | null>`to_char(activities.start_time, 'HH24:MI')`.as("startTime"),
      sql<string | null>`to_char(activities.end_time, 'HH24:MI')`.as("endTime"),
      "activities.status", sql<string | null>`activities.details->>'location'`.as("location"), "regions.name as regionName",
    ])
    .where("activities.region_id", "<>", scope.regionId)
    .where(sql<boolean>`${scope.regionId}::uuid = any(activities.shared_with_region_ids)`)
    .where("activities.archived_at", "is", null)
    .where("activities.status", "<>", "cancelled")
    .where("activities.end_date", ">=", range.from)
    .where("activities.start_date", "<=", range.to)
    .orderBy("activities.start_date")
    .orderBy("activities.id")
    .limit(1000)
    .execute();
}
