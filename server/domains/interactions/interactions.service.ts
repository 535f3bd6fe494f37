import { sql } from "kysely";
import type { EndReason, HealthState, InteractionKind, InteractionSentiment, InteractionSource } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { containsPattern } from "../../db/like";
import { timestampOf } from "../../db/json";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { AppError, forbidden, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { getOrganisation } from "../organisations/organisations.service";
import { insertTask, type Task } from "../tasks/tasks.service";
import type { ListInteractionsInput, UpdateInteractionInput } from "./interactions.schemas";
import { recomputeOrganisations } from "../health/health.service";
import { can } from "../../auth/permissions";
import { assertStillCurrent } from "../../db/versioned";

export type InteractionChangeMeta = ChangeStamp;

export type Interaction = {
  id: string;
  organisationId: string;
  organisationName: string;
  kind: InteractionKind;
  date: string;
  userId: string | null;
  userName: string | null;
  personIds: string[];
  summary: string;
  nextStep: string | null;
  /** The logger's view of how it went (decision 137); null when not said. */
  sentiment: InteractionSentiment | null;
  createdAt: Date;
  /** Typed in ('manual'), or logged from a mail ('email') or a meeting invitation ('calendar'). */
  source: InteractionSource;
  version: number;
  updatedAt: Date | null;
  /** Whether the asking user may correct or delete it (mayChangeInteraction). */
  mayChange: boolean;
};

/** What the service needs; the route fills in `date` (today) when the client leaves it out. */
export type LogInteraction = {
  organisationId: string;
  kind: InteractionKind;
  summary: string;
  date: string;
  personIds: string[];
  nextStep: string | null;
  nextStepDate: string | null;
  /** How it went; email capture never says (it cannot know). */
  sentiment?: InteractionSentiment | null;
  /** Default 'manual'; email capture logs 'email' and 'calendar'. */
  source?: InteractionSource;
};

export type TimelineItem =
  // `source`: typed by hand, or logged from a mail or a meeting invitation (issue 16).
  // `mayChange`: whether the asking user may correct or delete it (mayChangeInteraction).
  | { type: "interaction"; date: string; at: Date | null; id: string; kind: InteractionKind; summary: string; userId: string | null; userName: string | null; personNames: string[]; source: InteractionSource; sentiment: InteractionSentiment | null; mayChange: boolean }
  // `byPartner`: the partner user who recorded it through the portal (null when the school's staff did).
  | { type: "affiliation_started"; date: string; at: Date | null; id: string; personId: string; personName: string; role: string | null; byPartner: string | null }
  | { type: "affiliation_ended"; date: string; at: Date | null; id: string; personId: string; personName: string; role: string | null; endReason: EndReason | null; byPartner: string | null }
  | { type: "owner_changed"; date: string; at: Date | null; id: string; userId: string; userName: string };

/**
 * Who may correct or delete a contact moment: the user who logged it, and the region's admins any
 * of them (the permissions table's "interaction.change"); pages, the API and the timeline ask it.
 */
export function mayChangeInteraction(scope: Pick<Scope, "role" | "userId">, interaction: { userId: string | null }): boolean {
  return can(scope, "interaction.change", { kind: "interaction", loggedBy: interaction.userId });
}

function interactionsOfRegion(db: Database, regionId: string) {
  return db
    .selectFrom("interactions")
    .innerJoin("organisations", "organisations.id", "interactions.organisation_id")
    .leftJoin("users", "users.id", "interactions.user_id")
    .select([
      "interactions.id", "interactions.organisation_id as organisationId", "organisations.name as organisationName", "interactions.kind",
      "interactions.date", "interactions.user_id as userId", "users.name as userName", "interactions.summary",
      "interactions.next_step as nextStep", "interactions.sentiment", "interactions.created_at as createdAt", "interactions.source",
      "interactions.version", "interactions.updated_at as updatedAt",
      sql<string[]>`coalesce((select array_agg(ip.person_id::text order by ip.person_id) from interaction_people ip where ip.interaction_id = interactions.id), '{}'::text[])`.as("personIds"),
    ])
    .where("interactions.region_id", "=", regionId)
    .where("interactions.archived_at", "is", null);
}

export async function getInteraction(db: Database, scope: Scope, id: string, options: { lock?: boolean } = {}): Promise<Interaction> {
  let query = interactionsOfRegion(db, scope.regionId).where("interactions.id", "=", id);
  if (options.lock) query = query.forUpdate("interactions");
  const interaction = await query.executeTakeFirst();
  if (!interaction) throw notFound("Interaction");
  return { ...interaction, mayChange: mayChangeInteraction(scope, interaction) };
}

/** Everyone named in a contact moment works or worked at the organisation (and so is of the region). */
async function assertPeopleConnected(db: Database, regionId: string, organisationId: string, personIds: string[]) {
  if (personIds.length === 0) return;
  const connected = await db
    .selectFrom("affiliations")
    .innerJoin("people", "people.id", "affiliations.person_id")
    .select("affiliations.person_id")
    .distinct()
    .where("affiliations.organisation_id", "=", organisationId)
    .where("affiliations.region_id", "=", regionId)
    .where("people.region_id", "=", regionId)
    .where("affiliations.person_id", "in", personIds)
    .execute();
  if (connected.length !== personIds.length) throw validationFailed({ personIds: "validation.invalid" });
}

/**
 * Logs a contact moment with the people who took part; a next step with a date becomes an open
 * task for the logger. The caller owns the transaction, so the moment and its task stand or fall together.
 */
export async function logInteraction(
  db: Tx,
  scope: Scope,
  input: LogInteraction,
  meta: InteractionChangeMeta,
): Promise<Interaction & { task: Task | null }> {
  const organisation = await getOrganisation(db, scope, input.organisationId);
  if (organisation.archivedAt) throw new AppError("RULE_VIOLATION", "This organisation is archived; restore it before logging contact moments");
  const personIds = [...new Set(input.personIds)];
  await assertPeopleConnected(db, scope.regionId, organisation.id, personIds);
  const { id } = await db
    .insertInto("interactions")
    .values({
      region_id: scope.regionId,
      organisation_id: organisation.id,
      kind: input.kind,
      date: input.date,
      user_id: meta.actor?.id ?? null,
      summary: input.summary,
      next_step: input.nextStep,
      created_at: meta.now,
      source: input.source ?? "manual",
      sentiment: input.sentiment ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (personIds.length) {
    await db.insertInto("interaction_people").values(personIds.map((personId) => ({ interaction_id: id, person_id: personId }))).execute();
  }
  const interaction = await getInteraction(db, scope, id);
  await recordAudit(db, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "interaction.create", entityType: "interaction", entityId: id,
    after: { organisationId: interaction.organisationId, kind: interaction.kind, date: interaction.date, personIds: interaction.personIds, hasNextStep: interaction.nextStep !== null, ...(interaction.sentiment ? { sentiment: interaction.sentiment } : {}), ...(interaction.source === "manual" ? {} : { source: interaction.source }) },
    now: meta.now,
  });
  let task: Task | null = null;
  if (input.nextStep && input.nextStepDate && meta.actor) {
    task = await insertTask(
      db, scope,
      { title: input.nextStep, dueDate: input.nextStepDate, assigneeId: meta.actor.id, organisationId: organisation.id, source: "manual", interactionId: id },
      meta,
    );
  }
  await recomputeOrganisations(db, [organisation.id], meta.now);
  return { ...interaction, task };
}


/** A contact moment that may be changed: of the region (404 otherwise), not deleted, and the caller's own or the caller an admin (403). */
async function requireChangeable(trx: Tx, scope: Scope, id: string): Promise<Interaction> {
  const interaction = await getInteraction(trx, scope, id, { lock: true });
  if (!interaction.mayChange) throw forbidden();
  return interaction;
}

/**
 * Corrects a contact moment: its kind, day, summary, next step and who took part. A stale `version`
 * is a conflict and changes nothing. The audit entry names the fields that changed (the summary's
 * text is not copied: it may hold personal data an erasure must reach); health follows the new day.
 */
export async function updateInteraction(trx: Tx, scope: Scope, id: string, input: UpdateInteractionInput, meta: InteractionChangeMeta): Promise<Interaction> {
  const before = await requireChangeable(trx, scope, id);
  assertStillCurrent(before.version === input.version, "contact moment", "interactions.conflict");
  // A captured mail or invitation has no view of its own (decision 137): nobody said how it went.
  if (input.sentiment && before.source !== "manual") throw validationFailed({ sentiment: "validation.sentimentCaptured" });
  const personIds = input.personIds === undefined ? undefined : [...new Set(input.personIds)].sort();
  if (personIds) await assertPeopleConnected(trx, scope.regionId, before.organisationId, personIds);
  const changes = {
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.date !== undefined ? { date: input.date } : {}),
    ...(input.summary !== undefined ? { summary: input.summary } : {}),
    ...(input.nextStep !== undefined ? { next_step: input.nextStep } : {}),
    ...(input.sentiment !== undefined ? { sentiment: input.sentiment } : {}),
  };
  const updated = await trx
    .updateTable("interactions")
    .set({ ...changes, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .returning("id")
    .executeTakeFirst();
  assertStillCurrent(updated, "contact moment", "interactions.conflict");
  if (personIds) {
    // The moment was read in the caller's region above, so its links are the region's too.
    await trx.deleteFrom("interaction_people").where("interaction_id", "=", id).execute();
    if (personIds.length) await trx.insertInto("interaction_people").values(personIds.map((personId) => ({ interaction_id: id, person_id: personId }))).execute();
  }
  const after = await getInteraction(trx, scope, id);
  const changed = (["kind", "date", "summary", "nextStep", "sentiment"] as const).filter((field) => before[field] !== after[field]);
  if (before.personIds.join() !== after.personIds.join()) changed.push("personIds" as never);
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "interaction.update", entityType: "interaction", entityId: id,
    before: { kind: before.kind, date: before.date, personIds: before.personIds, sentiment: before.sentiment, version: before.version },
    after: { kind: after.kind, date: after.date, personIds: after.personIds, sentiment: after.sentiment, version: after.version, changed },
    now: meta.now,
  });
  await recomputeOrganisations(trx, [before.organisationId], meta.now);
  return after;
}

/**
 * Deletes a contact moment by archiving it: it leaves the timeline and no longer counts as contact
 * for health. Its task, if any, stays: that is work someone still has to do or close.
 */
export async function archiveInteraction(trx: Tx, scope: Scope, id: string, meta: InteractionChangeMeta): Promise<Interaction> {
  const before = await requireChangeable(trx, scope, id);
  await trx
    .updateTable("interactions")
    .set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .execute();
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "interaction.archive", entityType: "interaction", entityId: id,
    before: { archivedAt: null, kind: before.kind, date: before.date }, after: { archivedAt: meta.now }, now: meta.now,
  });
  await recomputeOrganisations(trx, [before.organisationId], meta.now);
  return { ...before, version: before.version + 1, updatedAt: meta.now };
}

/** The region's contact moments, newest day first (keyset pagination), optionally of one organisation. */
export async function listInteractions(db: Database, scope: Scope, filters: ListInteractionsInput): Promise<{ items: Interaction[]; nextCursor: string | null }> {
  if (filters.organisationId) await getOrganisation(db, scope, filters.organisationId);
  let query = interactionsOfRegion(db, scope.regionId)
    .orderBy("interactions.date", "desc")
    .orderBy("interactions.id", "desc")
    .limit(filters.limit + 1);
  if (filters.organisationId) query = query.where("interactions.organisation_id", "=", filters.organisationId);
  if (filters.cursor) {
    const [date, id] = decodeCursor(filters.cursor, ["date", "uuid"]);
    query = query.where(sql<boolean>`(interactions.date, interactions.id) < (${String(date)}::date, ${String(id)}::uuid)`);
  }
  const rows = await query.execute();
  const page = keysetPage(rows, filters.limit, (last) => [last.date, last.id]);
  return { items: page.rows.map((row) => ({ ...row, mayChange: mayChangeInteraction(scope, row) })), nextCursor: page.nextCursor };
}

export type TimelineRow = {
  type: TimelineItem["type"];
  date: string;
  at: Date | null;
  id: string;
  kind: InteractionKind | null;
  summary: string | null;
  user_id: string | null;
  user_name: string | null;
  person_id: string | null;
  person_name: string | null;
  person_names: string[] | null;
  role: string | null;
  end_reason: EndReason | null;
  source: InteractionSource | null;
  sentiment: InteractionSentiment | null;
};

/** The name of the partner user whose portal change wrote the job's audit entry `action` (jobs keep no author of their own). */
const partnerActor = (action: string) => sql`(select u.name from audit_log al join users u on u.id = al.actor_id
  where al.entity_type = 'affiliation' and al.entity_id = a.id::text and al.action = ${action} and u.role = 'partner' order by al.id limit 1)`;

/**
 * What happened with an organisation, newest first: its contact moments, people starting and
 * leaving, and changes of account holder. One query, so the limit holds across all three.
 */
export async function getTimeline(db: Database, scope: Scope, organisationId: string, options: { limit: number }): Promise<{ items: TimelineItem[]; nextCursor: null }> {
  const organisation = await getOrganisation(db, scope, organisationId);
  const { rows } = await timelineQuery(scope, organisation.id, options.limit).execute(db);
  return { items: rows.map((row) => toTimelineItem(row, scope)), nextCursor: null };
}

/**
 * The query of getTimeline, for an organisation already known to be visible; also read inside the
 * organisation page's statement (organisation-page.ts).
 */
export function timelineQuery(scope: Scope, organisationId: string, limit: number) {
  return sql<TimelineRow>`
    select * from (
      select 'interaction' as type, i.date, i.created_at as at, i.id, i.kind, i.summary, i.user_id, u.name as user_name,
             null::uuid as person_id, null::text as person_name,
             coalesce((select array_agg(p.name order by p.name) from interaction_people ip join people p on p.id = ip.person_id where ip.interaction_id = i.id), '{}'::text[]) as person_names,
             null::text as role, null::text as end_reason, i.source::text as source, i.sentiment
        from interactions i left join users u on u.id = i.user_id
       where i.organisation_id = ${organisationId} and i.region_id = ${scope.regionId} and i.archived_at is null
      union all
      select 'affiliation_started', a.start_date, a.created_at, a.id, null, null, null, ${partnerActor("affiliation.start")}, p.id, p.name, null, a.role, null, null, null
        from affiliations a join people p on p.id = a.person_id
       where a.organisation_id = ${organisationId} and a.region_id = ${scope.regionId}
      union all
      select 'affiliation_ended', a.end_date, a.ended_at, a.id, null, null, null, ${partnerActor("affiliation.end")}, p.id, p.name, null, a.role, a.end_reason, null, null
        from affiliations a join people p on p.id = a.person_id
       where a.organisation_id = ${organisationId} and a.region_id = ${scope.regionId} and a.end_date is not null
      union all
      select 'owner_changed', (h.started_at at time zone 'Europe/Amsterdam')::date, h.started_at, h.id, null, null, h.user_id, u.name, null, null, null, null, null, null, null
        from account_holder_periods h join users u on u.id = h.user_id
       where h.organisation_id = ${organisationId} and h.region_id = ${scope.regionId}
    ) timeline
    order by date desc, at desc nulls last, id
    limit ${limit}
  `;
}

/** A row of timelineQuery, read on its own or from JSON (where `at` is text). */
export function toTimelineItem(row: TimelineRow | (Omit<TimelineRow, "at"> & { at: string | null }), scope: Scope): TimelineItem {
  const base = { date: row.date, at: row.at === null ? null : timestampOf(row.at), id: row.id };
  switch (row.type) {
    case "interaction":
      return {
        type: row.type, ...base, kind: row.kind as InteractionKind, summary: row.summary ?? "", userId: row.user_id, userName: row.user_name,
        personNames: row.person_names ?? [], source: row.source ?? "manual", sentiment: row.sentiment, mayChange: mayChangeInteraction(scope, { userId: row.user_id }),
      };
    case "affiliation_started":
      return { type: row.type, ...base, personId: row.person_id ?? "", personName: row.person_name ?? "", role: row.role, byPartner: row.user_name };
    case "affiliation_ended":
      return { type: row.type, ...base, personId: row.person_id ?? "", personName: row.person_name ?? "", role: row.role, endReason: row.end_reason, byPartner: row.user_name };
    case "owner_changed":
      return { type: row.type, ...base, userId: row.user_id ?? "", userName: row.user_name ?? "" };
  }
}

/** An organisation offered on the quick-log page, and why it is offered. */
export type OrganisationToLog = { id: string; name: string; city: string | null; healthState: HealthState | null; why: "attention" | "recent" | "match" };

/**
 * The organisations a staff member most likely wants to log contact with, for the quick-log page
 * (/log): with `q`, the active organisations whose name contains it; without, first their own
 * cold and cooling relationships (coldest and longest first), then those they logged contact with
 * most recently. At most `limit`, each once.
 */
export async function organisationsToLog(db: Database, scope: Scope, options: { q?: string; limit: number }): Promise<OrganisationToLog[]> {
  const base = db
    .selectFrom("organisations")
    .leftJoin("organisation_health", "organisation_health.organisation_id", "organisations.id")
    .select(["organisations.id", "organisations.name", "organisations.city", "organisation_health.state as healthState"])
    .where("organisations.region_id", "=", scope.regionId)
    .where("organisations.archived_at", "is", null);
  const q = options.q?.trim();
  if (q) {
    const rows = await base.where("organisations.name", "ilike", containsPattern(q)).orderBy("organisations.name").limit(options.limit).execute();
    return rows.map((row) => ({ ...row, why: "match" as const }));
  }
  const [attention, recent] = await Promise.all([
    base
      .where("organisations.account_holder_id", "=", scope.userId)
      .where("organisation_health.state", "in", ["cold", "cooling"])
      .orderBy(sql`organisation_health.state = 'cold'`, "desc")
      .orderBy("organisation_health.state_since")
      .limit(options.limit)
      .execute(),
    base
      .innerJoin(
        db.selectFrom("interactions").select(["organisation_id", sql<Date>`max(created_at)`.as("last_logged")]).where("region_id", "=", scope.regionId).where("user_id", "=", scope.userId).where("archived_at", "is", null).groupBy("organisation_id").as("mine"),
        "mine.organisation_id",
        "organisations.id",
      )
      .orderBy("mine.last_logged", "desc")
      .limit(options.limit)
      .execute(),
  ]);
  const seen = new Set<string>();
  const offered: OrganisationToLog[] = [];
  for (const [rows, why] of [[attention, "attention"], [recent, "recent"]] as const) {
    for (const row of rows) {
      if (seen.has(row.id) || offered.length >= options.limit) continue;
      seen.add(row.id);
      offered.push({ ...row, why });
    }
  }
  return offered;
}
