import { sql } from "kysely";
import { translator } from "../../../i18n";
import type { HealthState, InteractionKind, Locale, OrganisationKind, Tier } from "../../../db/schema";
import { renderHandoverSummaryEmail } from "../../../emails/render";
import type { Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database, Tx } from "../../db/database";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { queueEmail } from "../email/outbox.service";
import type { StoredReason } from "../health/health.compute";
import { describeReason, type HealthReason } from "../health/health.messages";
import { recomputeOrganisations } from "../health/health.service";
import { changeAccountHolder } from "../organisations/organisations.service";
import { startPlan } from "../plans/plans.service";
import { getRegion } from "../regions/regions.service";
import type { ChangeMeta } from "../../auth/current-user";
import type { HandoverInput } from "./handover.schemas";
import { can } from "../../auth/permissions";

/** Days a new owner gets for the introduction task a handover gives them. */
const INTRODUCTION_DUE_DAYS = 14;
const CONTACT_MOMENTS_IN_SUMMARY = 3;

function assertAdmin(scope: Scope) {
  if (!can(scope, "region.manage")) throw new AppError("FORBIDDEN", "Only an admin can hand over relationships");
}

async function userOfRegion(db: Database, regionId: string, userId: string) {
  const user = await db
    .selectFrom("users")
    .select(["id", "name", "email", "role", "active"])
    .where("id", "=", userId)
    .where("region_id", "=", regionId)
    .executeTakeFirst();
  if (!user) throw notFound("User");
  return user;
}

export type HandoverRow = {
  organisationId: string;
  name: string;
  kind: OrganisationKind;
  tier: Tier;
  state: HealthState;
  topReason: HealthReason | null;
};

/**
 * What the handover screen shows: the user, every live organisation they own with its health and
 * most important reason, and the colleagues who can take them over (active staff, not the user).
 */
export async function getHandover(db: Database, scope: Scope, userId: string, opts: { locale: Locale; today: string }) {
  assertAdmin(scope);
  const user = await userOfRegion(db, scope.regionId, userId);
  const rows = await db
    .selectFrom("organisations")
    .leftJoin("organisation_health", "organisation_health.organisation_id", "organisations.id")
    .select([
      "organisations.id as organisationId", "organisations.name", "organisations.kind", "organisations.tier",
      "organisation_health.state", "organisation_health.reasons",
    ])
    .where("organisations.region_id", "=", scope.regionId)
    .where("organisations.account_holder_id", "=", userId)
    .where("organisations.archived_at", "is", null)
    .orderBy(sql`lower(organisations.name)`)
    .orderBy("organisations.id")
    .execute();
  const organisations = rows.map(({ reasons, state, ...row }): HandoverRow => {
    const first = ((reasons ?? []) as StoredReason[])[0];
    return { ...row, state: state ?? "healthy", topReason: first ? describeReason(first, opts.locale, opts.today) : null };
  });
  const colleagues = await db
    .selectFrom("users")
    .select(["id", "name"])
    .where("region_id", "=", scope.regionId)
    .where("active", "=", true)
    .where("role", "<>", "partner")
    .where("id", "<>", userId)
    .orderBy("name")
    .execute();
  return { user: { id: user.id, name: user.name, active: user.active }, organisations, colleagues };
}

/** How many live organisations each of these users still owns (for "Overdragen (12)" in the users list). */
export async function countOwnedOrganisations(db: Database, regionId: string, userIds: string[]): Promise<Record<string, number>> {
  if (!userIds.length) return {};
  const rows = await db
    .selectFrom("organisations")
    .select(["account_holder_id as userId", sql<number>`count(*)::int`.as("count")])
    .where("region_id", "=", regionId)
    .where("account_holder_id", "in", userIds)
    .where("archived_at", "is", null)
    .groupBy("account_holder_id")
    .execute();
  return Object.fromEntries(rows.map((row) => [row.userId, row.count]));
}

export type HandoverResult = {
  userId: string;
  organisations: Array<{ organisationId: string; name: string; toUserId: string }>;
  tasksMoved: number;
  emailsQueued: number;
};

/**
 * Hands a user's relationships over to colleagues in one step (call it inside a transaction): each
 * organisation gets its new owner through the same path as any owner change (history periods),
 * the open tasks on it move along, health is recomputed, and every new owner gets ONE email
 * summarising all the relationships they received. Validated first: a refused target changes nothing.
 */
export async function handOverOrganisations(trx: Tx, scope: Scope, userId: string, input: HandoverInput, meta: ChangeMeta): Promise<HandoverResult> {
  assertAdmin(scope);
  const from = await userOfRegion(trx, scope.regionId, userId);
  const owned = await trx
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("region_id", "=", scope.regionId)
    .where("account_holder_id", "=", userId)
    .where("archived_at", "is", null)
    .orderBy(sql`lower(name)`)
    .forUpdate()
    .execute();
  const ownedIds = new Set(owned.map((o) => o.id));
  const assignments = input.assignments ?? {};

  const problems: Record<string, string> = {};
  for (const organisationId of Object.keys(assignments)) {
    if (!ownedIds.has(organisationId)) problems[`assignments.${organisationId}`] = "validation.notOwned";
  }
  const targetIds = [...new Set([input.toUserId, ...Object.values(assignments)].filter((id): id is string => Boolean(id)))];
  const valid = new Set(
    targetIds.length
      ? (await trx.selectFrom("users").select("id").where("id", "in", targetIds).where("region_id", "=", scope.regionId)
          .where("active", "=", true).where("role", "<>", "partner").execute()).map((u) => u.id)
      : [],
  );
  const targetProblem = (id: string) => (id === userId ? "validation.handoverSame" : valid.has(id) ? undefined : "validation.handoverTarget");
  if (input.toUserId) {
    const problem = targetProblem(input.toUserId);
    if (problem) problems.toUserId = problem;
  }
  for (const [organisationId, targetId] of Object.entries(assignments)) {
    const problem = targetProblem(targetId);
    if (problem && !problems[`assignments.${organisationId}`]) problems[`assignments.${organisationId}`] = problem;
  }
  if (Object.keys(problems).length) throw validationFailed(problems);

  const plan = owned
    .map((organisation) => ({ organisationId: organisation.id, name: organisation.name, toUserId: assignments[organisation.id] ?? input.toUserId }))
    .filter((row): row is { organisationId: string; name: string; toUserId: string } => Boolean(row.toUserId));
  if (!plan.length) return { userId, organisations: [], tasksMoved: 0, emailsQueued: 0 };

  const today = toLocalDate(meta.now);
  for (const row of plan) {
    await trx
      .updateTable("organisations")
      .set({ account_holder_id: row.toUserId, updated_at: meta.now, version: sql`version + 1` })
      .where("id", "=", row.organisationId)
      .execute();
    await changeAccountHolder(trx, scope.regionId, row.organisationId, row.toUserId, meta);
    await recordAudit(trx, {
      regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "organisation.handover", entityType: "organisation", entityId: row.organisationId,
      before: { accountHolderId: userId }, after: { accountHolderId: row.toUserId }, now: meta.now,
    });
  }

  const organisationIds = plan.map((row) => row.organisationId);
  const newOwnerIds = plan.map((row) => row.toUserId);
  // Nobody-owns-it is over at once: a "Relatie koud" plan that started for it ends here (decision
  // 135), before the tasks move, so its closed steps are not counted as handed over.
  await recomputeOrganisations(trx, organisationIds, meta.now);
  // The old owner's open tasks move along, and so do Schakel's own follow-ups ("Relatie oppakken")
  // and a running plan's steps for the owner, which went to the coordinator or an admin only
  // because nobody owned the relationship.
  const moved = await sql<{ id: string }>`
    update tasks t set assignee_id = p.user_id, version = t.version + 1
    from unnest(${organisationIds}::uuid[], ${newOwnerIds}::uuid[]) as p(organisation_id, user_id)
    where t.organisation_id = p.organisation_id and t.region_id = ${scope.regionId} and t.status = 'open'
      and (t.assignee_id = ${userId} or t.source = 'health' or t.plan_role = 'owner') and t.assignee_id <> p.user_id
    returning t.id`.execute(trx);
  // Each relationship gets the region's "Nieuwe accounthouder" plan, unless one already runs there.
  for (const organisationId of organisationIds) await startPlan(trx, scope.regionId, organisationId, "new_owner", meta);
  // Where no follow-up or plan is waiting, the new owner gets one task to introduce themselves:
  // before the "new owner, no contact" signal would cool the relationship after 30 days.
  const [before = "", after = ""] = translator("nl")("handover.taskTitle", { name: "\u0000" }).split("\u0000");
  await sql`
    insert into tasks (region_id, organisation_id, assignee_id, title, due_date, status, source, created_by, created_at)
    select ${scope.regionId}, o.id, p.user_id, left(${before} || o.name || ${after}, 500), ${today}::date + ${INTRODUCTION_DUE_DAYS}::int,
      'open', 'handover', ${meta.actor?.id ?? null}, ${meta.now}
    from unnest(${organisationIds}::uuid[], ${newOwnerIds}::uuid[]) as p(organisation_id, user_id)
    join organisations o on o.id = p.organisation_id
    where not exists (select 1 from tasks t where t.organisation_id = o.id and t.status = 'open' and t.source in ('health', 'handover'))
      and not exists (select 1 from plans r where r.organisation_id = o.id and r.status = 'running' and r.event = 'new_owner')`.execute(trx);

  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "user.handover", entityType: "user", entityId: userId,
    after: { assignments: Object.fromEntries(plan.map((row) => [row.organisationId, row.toUserId])), tasksMoved: moved.rows.map((r) => r.id) }, now: meta.now,
  });

  const emailsQueued = await queueHandoverSummaries(trx, scope.regionId, { fromName: from.name, plan, today }, meta);
  return { userId, organisations: plan, tasksMoved: moved.rows.length, emailsQueued };
}

/** One email per new owner, in their language, with every relationship they received. */
async function queueHandoverSummaries(trx: Tx, regionId: string, input: { fromName: string; plan: Array<{ organisationId: string; toUserId: string }>; today: string }, meta: ChangeMeta) {
  const byOwner = new Map<string, string[]>();
  for (const row of input.plan) byOwner.set(row.toUserId, [...(byOwner.get(row.toUserId) ?? []), row.organisationId]);
  const recipients = await trx.selectFrom("users").select(["id", "name", "email", "locale"]).where("id", "in", [...byOwner.keys()]).execute();
  const region = await getRegion(trx, regionId);
  for (const recipient of recipients) {
    const organisations = await relationshipSummaries(trx, byOwner.get(recipient.id) ?? [], { locale: recipient.locale, today: input.today, appUrl: meta.appUrl });
    const message = await renderHandoverSummaryEmail({
      locale: recipient.locale, name: recipient.name, fromName: input.fromName, assignedBy: meta.actor?.name ?? null,
      regionName: region.name, organisations, tasksUrl: `${meta.appUrl}/tasks`,
    });
    await queueEmail(trx, { regionId, template: "handover_summary", to: recipient.email, toName: recipient.name, message, now: meta.now });
  }
  return recipients.length;
}

export type RelationshipSummary = {
  organisationId: string;
  name: string;
  kind: OrganisationKind;
  tier: Tier;
  url: string;
  state: HealthState;
  reasons: HealthReason[];
  people: Array<{ name: string; role: string | null; isPrimary: boolean; email: string | null; phone: string | null }>;
  contactMoments: Array<{ date: string; kind: InteractionKind; summary: string; userName: string | null }>;
  openTasks: Array<{ title: string; dueDate: string; assigneeName: string }>;
};

/**
 * What a new owner needs to pick a relationship up: its state and why, the people there now, the
 * last contact moments and the open tasks. Activities and commitments join this summary when
 * those features exist (issue 5 and later); there is no section for them yet.
 */
export async function relationshipSummaries(db: Database, organisationIds: string[], opts: { locale: Locale; today: string; appUrl: string }): Promise<RelationshipSummary[]> {
  if (!organisationIds.length) return [];
  const organisations = await db
    .selectFrom("organisations")
    .leftJoin("organisation_health", "organisation_health.organisation_id", "organisations.id")
    .select(["organisations.id", "organisations.name", "organisations.kind", "organisations.tier", "organisation_health.state", "organisation_health.reasons"])
    .where("organisations.id", "in", organisationIds)
    .orderBy(sql`lower(organisations.name)`)
    .execute();
  const people = await db
    .selectFrom("affiliations")
    .innerJoin("people", "people.id", "affiliations.person_id")
    .select(["affiliations.organisation_id as organisationId", "people.name", "affiliations.role", "affiliations.is_primary as isPrimary", "people.email", "people.phone"])
    .where("affiliations.organisation_id", "in", organisationIds)
    .where((eb) => eb.or([eb("affiliations.end_date", "is", null), eb("affiliations.end_date", ">", opts.today)]))
    .where("affiliations.start_date", "<=", opts.today)
    .where("people.archived_at", "is", null)
    .where("people.anonymised_at", "is", null)
    .orderBy("affiliations.is_primary", "desc")
    .orderBy("people.name")
    .execute();
  const moments = await sql<{ organisationId: string; date: string; kind: InteractionKind; summary: string; userName: string | null }>`
    select m.organisation_id as "organisationId", to_char(m.date, 'YYYY-MM-DD') as date, m.kind, m.summary, u.name as "userName"
    from (
      select i.*, row_number() over (partition by i.organisation_id order by i.date desc, i.created_at desc) as recency
      from interactions i
      where i.organisation_id = any(${organisationIds}::uuid[]) and i.archived_at is null
    ) m
    left join users u on u.id = m.user_id
    where m.recency <= ${CONTACT_MOMENTS_IN_SUMMARY}
    order by m.date desc, m.created_at desc`.execute(db);
  const tasks = await db
    .selectFrom("tasks")
    .innerJoin("users", "users.id", "tasks.assignee_id")
    .select(["tasks.organisation_id as organisationId", "tasks.title", "tasks.due_date as dueDate", "users.name as assigneeName"])
    .where("tasks.organisation_id", "in", organisationIds)
    .where("tasks.status", "=", "open")
    .orderBy("tasks.due_date")
    .orderBy("tasks.created_at")
    .execute();
  return organisations.map((organisation) => ({
    organisationId: organisation.id,
    name: organisation.name,
    kind: organisation.kind,
    tier: organisation.tier,
    url: `${opts.appUrl}/organisations/${organisation.id}`,
    state: organisation.state ?? "healthy",
    reasons: ((organisation.reasons ?? []) as StoredReason[]).map((reason) => describeReason(reason, opts.locale, opts.today)),
    people: people.filter((p) => p.organisationId === organisation.id).map(({ organisationId: _o, ...person }) => person),
    contactMoments: moments.rows.filter((m) => m.organisationId === organisation.id).map(({ organisationId: _o, ...moment }) => moment),
    openTasks: tasks.filter((task) => task.organisationId === organisation.id).map(({ organisationId: _o, ...task }) => task),
  }));
}
