import { sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import { addSchoolDays } from "../../../calendar/days";
import type { OrganisationKind, PlanEvent, PlanRole, PlanStatus, TaskStatus } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { assertCan } from "../../auth/permissions";
import { toLocalDate } from "../../clock";
import type { Database, Tx } from "../../db/database";
import { assertStillCurrent } from "../../db/versioned";
import { timestampOf } from "../../db/json";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import type { StartPlanInput, UpdatePlanTemplateInput } from "./plans.schemas";

// Plans (decision 135) are a leaf of the domain: the services whose events start them (people,
// organisations, handover, health) and tasks (whose last step done completes one) call in here, and
// this file calls none of them back, so it writes its tasks and reads organisations itself.

/** The plans for a relationship in trouble end when it is healthy again; the plans for a new start run until their steps are done. */
export const PLANS_ENDED_BY_RECOVERY: readonly PlanEvent[] = ["contact_left", "relationship_cold"];

/** The kinds that are partners of the schools: vmbo locations and primary schools are the schools themselves. */
export const isPartnerKind = (kind: OrganisationKind) => kind !== "vmbo" && kind !== "primary";

export type PlanStep = {
  taskId: string;
  position: number;
  title: string;
  role: PlanRole;
  assigneeId: string;
  assigneeName: string;
  dueDate: string;
  status: TaskStatus;
  closedReason: "relationship_healthy" | null;
  completedAt: Date | null;
};

export type Plan = {
  id: string;
  organisationId: string;
  event: PlanEvent;
  status: PlanStatus;
  startedById: string | null;
  startDate: string;
  startedAt: Date;
  endedAt: Date | null;
  stepsDone: number;
  stepsTotal: number;
  steps: PlanStep[];
  version: number;
};

export type PlanTemplate = {
  id: string;
  event: PlanEvent;
  steps: Array<{ position: number; title: string; role: PlanRole; dueSchoolDays: number }>;
  version: number;
};

function assertStaff(scope: Scope) {
  // A plan is the school's own follow-up of a relationship; a partner never sees it.
  assertCan(scope, "region.read");
}

/** The region's templates, one per event, each with its steps in order. */
export async function listPlanTemplates(db: Database, scope: Scope): Promise<PlanTemplate[]> {
  assertStaff(scope);
  const templates = await db.selectFrom("plan_templates").select(["id", "event", "version"]).where("region_id", "=", scope.regionId).execute();
  const steps = await db.selectFrom("plan_template_steps")
    .select(["template_id", "position", "title", "role", "due_school_days as dueSchoolDays"])
    .where("region_id", "=", scope.regionId).orderBy("position").execute();
  const order = ["contact_left", "new_owner", "new_partner", "relationship_cold"];
  return templates
    .sort((a, b) => order.indexOf(a.event) - order.indexOf(b.event))
    .map((template) => ({
      ...template,
      steps: steps.filter((step) => step.template_id === template.id).map(({ template_id: _t, ...step }) => step),
    }));
}

/** Replaces a template's steps (admins); running plans keep the steps they started with. */
export async function updatePlanTemplate(trx: Tx, scope: Scope, templateId: string, input: UpdatePlanTemplateInput, meta: ChangeStamp): Promise<PlanTemplate> {
  assertCan(scope, "region.manage");
  const before = (await listPlanTemplates(trx, scope)).find((template) => template.id === templateId);
  if (!before) throw notFound("Plan template");
  assertStillCurrent(before.version === input.version, "plan template");
  const updated = await trx.updateTable("plan_templates").set({ version: sql`version + 1`, updated_at: meta.now })
    .where("id", "=", templateId).where("region_id", "=", scope.regionId).where("version", "=", input.version)
    .returning("id").executeTakeFirst();
  assertStillCurrent(updated, "plan template");
  await trx.deleteFrom("plan_template_steps").where("template_id", "=", templateId).where("region_id", "=", scope.regionId).execute();
  if (input.steps.length) {
    await trx.insertInto("plan_template_steps")
      .values(input.steps.map((step, index) => ({
        region_id: scope.regionId, template_id: templateId, position: index + 1, title: step.title, role: step.role, due_school_days: step.dueSchoolDays,
      })))
      .execute();
  }
  const after = (await listPlanTemplates(trx, scope)).find((template) => template.id === templateId)!;
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "plan_template.update", entityType: "plan_template", entityId: templateId,
    before: { event: before.event, steps: before.steps }, after: { event: after.event, steps: after.steps }, now: meta.now,
  });
  return after;
}

/**
 * Who does a step: the organisation's owner, the region's coordinator (health settings) or its
 * penvoerder; whoever is missing is replaced as the turnover follow-ups always were — by the
 * coordinator, else the region's longest-serving admin (else, for the coordinator's and the
 * penvoerder's steps, by the owner).
 */
async function assigneesFor(db: Database, regionId: string, organisationId: string): Promise<Record<PlanRole, string | null>> {
  const row = await sql<{ owner: string | null; coordinator: string | null; penvoerder: string | null; admin: string | null }>`
    select owner.id as owner, coordinator.id as coordinator, penvoerder.id as penvoerder, admin.id as admin
    from organisations o
    left join users owner on owner.id = o.account_holder_id and owner.active and owner.role <> 'partner'
    left join region_health_settings s on s.region_id = o.region_id
    left join users coordinator on coordinator.id = s.coordinator_user_id and coordinator.active
    left join lateral (
      select u.id from users u where u.region_id = o.region_id and u.role = 'penvoerder' and u.active order by u.created_at, u.id limit 1
    ) penvoerder on true
    left join lateral (
      select u.id from users u where u.region_id = o.region_id and u.role = 'admin' and u.active order by u.created_at, u.id limit 1
    ) admin on true
    where o.id = ${organisationId} and o.region_id = ${regionId}`.execute(db);
  const found = row.rows[0];
  const fallback = found?.coordinator ?? found?.admin ?? null;
  const owner = found?.owner ?? fallback;
  // A region without coordinator and admin (being set up) still gets its plan: its owner does those steps.
  return { owner, coordinator: fallback ?? owner, penvoerder: found?.penvoerder ?? fallback ?? owner };
}

/**
 * Starts the region's plan for `event` on an organisation: its steps become tasks, each due the
 * step's number of school days after today (weekends and the region's holidays skipped). Nothing
 * starts — and null is returned — when that plan already runs on the organisation ("Relatie koud"
 * also while "Contactpersoon vertrokken" runs), the template has no steps, the organisation is
 * archived or not in the region, or nobody could do a step.
 */
export async function startPlan(
  trx: Database,
  regionId: string,
  organisationId: string,
  event: PlanEvent,
  meta: ChangeStamp,
  options: { byHand?: boolean } = {},
): Promise<string | null> {
  const organisation = await trx.selectFrom("organisations").select(["id", "archived_at"])
    .where("id", "=", organisationId).where("region_id", "=", regionId).executeTakeFirst();
  if (!organisation || organisation.archived_at) return null;
  // A relationship in trouble gets one trouble plan: a contact's leaving is why it turned cold.
  const blocking: PlanEvent[] = event === "relationship_cold" ? ["relationship_cold", "contact_left"] : [event];
  const running = await trx.selectFrom("plans").select("id").where("organisation_id", "=", organisationId)
    .where("status", "=", "running").where("event", "in", blocking).executeTakeFirst();
  if (running) return null;
  const steps = await trx.selectFrom("plan_template_steps")
    .innerJoin("plan_templates", "plan_templates.id", "plan_template_steps.template_id")
    .select(["plan_template_steps.position", "plan_template_steps.title", "plan_template_steps.role", "plan_template_steps.due_school_days as dueSchoolDays"])
    .where("plan_templates.region_id", "=", regionId).where("plan_templates.event", "=", event)
    .orderBy("plan_template_steps.position").execute();
  if (!steps.length) return null;
  const assignees = await assigneesFor(trx, regionId, organisationId);
  if (steps.some((step) => !assignees[step.role])) return null;
  const holidays = await trx.selectFrom("school_holidays").select(["start_date as startDate", "end_date as endDate"]).where("region_id", "=", regionId).execute();
  const today = toLocalDate(meta.now);
  const plan = await trx.insertInto("plans")
    .values({ region_id: regionId, organisation_id: organisationId, event, started_by: options.byHand ? (meta.actor?.id ?? null) : null, start_date: today, started_at: meta.now })
    // The same event twice in one moment: the first one's plan runs.
    .onConflict((oc) => oc.columns(["organisation_id", "event"]).where("status", "=", "running").doNothing())
    .returning("id").executeTakeFirst();
  if (!plan) return null;
  const tasks = await trx.insertInto("tasks")
    .values(steps.map((step) => ({
      region_id: regionId, organisation_id: organisationId, assignee_id: assignees[step.role]!, title: step.title,
      due_date: addSchoolDays(today, step.dueSchoolDays, holidays), status: "open" as const, source: "plan" as const,
      plan_id: plan.id, plan_position: step.position, plan_role: step.role, created_by: meta.actor?.id ?? null, created_at: meta.now,
    })))
    .returning(["id", "title", "due_date as dueDate", "assignee_id as assigneeId"]).execute();
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "plan.start", entityType: "plan", entityId: plan.id,
    after: { organisationId, event, byHand: Boolean(options.byHand), startDate: today, tasks }, now: meta.now,
  });
  return plan.id;
}

/** A plan started by hand by a staff member; refused while another plan runs or when the template has no steps. */
export async function startPlanByHand(trx: Tx, scope: Scope, organisationId: string, input: StartPlanInput, meta: ChangeStamp): Promise<Plan> {
  assertCan(scope, "plan.start");
  const organisation = await trx.selectFrom("organisations").select(["id", "archived_at"])
    .where("id", "=", organisationId).where("region_id", "=", scope.regionId).executeTakeFirst();
  if (!organisation || organisation.archived_at) throw notFound("Organisation");
  const running = await trx.selectFrom("plans").select("id").where("organisation_id", "=", organisationId)
    .where("status", "=", "running").where("event", "=", input.event).executeTakeFirst();
  if (running) throw new AppError("RULE_VIOLATION", "This plan is already running on this organisation", { userMessageKey: "plans.alreadyRunning" });
  const planId = await startPlan(trx, scope.regionId, organisationId, input.event, meta, { byHand: true });
  if (!planId) throw validationFailed({ event: "plans.emptyTemplate" });
  return (await listOrganisationPlans(trx, scope, organisationId)).find((plan) => plan.id === planId)!;
}

/** The organisation's plans, the running one first, then the ended ones newest first, each with its steps. */
export async function listOrganisationPlans(db: Database, scope: Scope, organisationId: string): Promise<Plan[]> {
  assertStaff(scope);
  const organisation = await db.selectFrom("organisations").select("id").where("id", "=", organisationId).where("region_id", "=", scope.regionId).executeTakeFirst();
  if (!organisation) throw notFound("Organisation");
  return (await organisationPlansQuery(db, scope.regionId, organisationId).execute()).map(toPlan);
}

/**
 * The query of listOrganisationPlans, each plan with its steps in JSON, for an organisation already
 * known to be the region's; also read inside the organisation page's statement (organisation-page.ts).
 */
export function organisationPlansQuery(db: Database, regionId: string, organisationId: string) {
  return db.selectFrom("plans")
    .select(["id", "organisation_id as organisationId", "event", "status", "started_by as startedById", "start_date as startDate", "started_at as startedAt", "ended_at as endedAt", "version"])
    .select((eb) => jsonArrayFrom(eb.selectFrom("tasks").innerJoin("users", "users.id", "tasks.assignee_id")
      .select([
        "tasks.plan_id as planId", "tasks.id as taskId", "tasks.plan_position as position", "tasks.title", "tasks.plan_role as role",
        "tasks.assignee_id as assigneeId", "users.name as assigneeName", "tasks.due_date as dueDate", "tasks.status",
        "tasks.closed_reason as closedReason", "tasks.completed_at as completedAt",
      ])
      .where("tasks.region_id", "=", regionId).whereRef("tasks.plan_id", "=", "plans.id")
      .orderBy("tasks.plan_position")).as("steps"))
    .where("organisation_id", "=", organisationId).where("region_id", "=", regionId)
    .orderBy(sql`status = 'running'`, "desc").orderBy("started_at", "desc").orderBy("id")
    .limit(50);
}

type PlanRow = Awaited<ReturnType<ReturnType<typeof organisationPlansQuery>["executeTakeFirstOrThrow"]>>;
/** Timestamps inside JSON are text: the steps' always, the plan's own when the plan itself is read from JSON. */
type JsonStep = Omit<PlanRow["steps"][number], "completedAt"> & { completedAt: Date | string | null };

/** A row of organisationPlansQuery, read on its own or from JSON. */
export function toPlan(row: Omit<PlanRow, "startedAt" | "endedAt" | "steps"> & { startedAt: Date | string; endedAt: Date | string | null; steps: JsonStep[] }): Plan {
  const { steps, ...plan } = row;
  const own = steps.map(({ planId: _p, position, role, ...step }) => ({ ...step, completedAt: timestampOf(step.completedAt), position: position ?? 0, role: role ?? "owner" }));
  return { ...plan, startedAt: timestampOf(plan.startedAt), endedAt: timestampOf(plan.endedAt), steps: own, stepsTotal: own.length, stepsDone: own.filter((step) => step.status === "done" && !step.closedReason).length };
}

/**
 * After one of its steps changed: a plan whose steps are all done is completed; a completed plan
 * whose step is opened again runs again (when no other plan has started meanwhile).
 */
export async function settlePlan(trx: Tx, regionId: string, planId: string, meta: ChangeStamp) {
  const plan = await trx.selectFrom("plans").select(["id", "status", "event", "organisation_id"]).where("id", "=", planId).where("region_id", "=", regionId).executeTakeFirst();
  if (!plan || plan.status === "recovered") return;
  const open = await trx.selectFrom("tasks").select("id").where("plan_id", "=", planId).where("status", "=", "open").executeTakeFirst();
  if (plan.status === "running" && !open) {
    await trx.updateTable("plans").set({ status: "completed", ended_at: meta.now, version: sql`version + 1` }).where("id", "=", planId).where("region_id", "=", regionId).execute();
    await recordAudit(trx, { regionId, actorId: meta.actor?.id ?? null, action: "plan.complete", entityType: "plan", entityId: planId, after: { organisationId: plan.organisation_id }, now: meta.now });
  } else if (plan.status === "completed" && open) {
    const other = await trx.selectFrom("plans").select("id").where("organisation_id", "=", plan.organisation_id)
      .where("event", "=", plan.event).where("status", "=", "running").executeTakeFirst();
    if (other) return;
    await trx.updateTable("plans").set({ status: "running", ended_at: null, version: sql`version + 1` }).where("id", "=", planId).where("region_id", "=", regionId).execute();
    await recordAudit(trx, { regionId, actorId: meta.actor?.id ?? null, action: "plan.reopen", entityType: "plan", entityId: planId, after: { organisationId: plan.organisation_id }, now: meta.now });
  }
}

/**
 * The relationships that are healthy again: their running trouble plans end, and each open step is
 * closed with that reason (it shows as closed, not as done). Returns how many plans ended.
 */
export async function endPlansOfRecovered(db: Database, recovered: Array<{ organisationId: string; regionId: string }>, now: Date): Promise<number> {
  const byRegion = new Map<string, string[]>();
  for (const { organisationId, regionId } of recovered) byRegion.set(regionId, [...(byRegion.get(regionId) ?? []), organisationId]);
  let count = 0;
  for (const [regionId, organisationIds] of byRegion) {
    const ended = await db.updateTable("plans")
      .set({ status: "recovered", ended_at: now, version: sql`version + 1` })
      .where("organisation_id", "in", organisationIds).where("region_id", "=", regionId)
      .where("status", "=", "running").where("event", "in", PLANS_ENDED_BY_RECOVERY)
      .returning(["id", "organisation_id"]).execute();
    for (const plan of ended) {
      const closed = await db.updateTable("tasks")
        .set({ status: "done", completed_at: now, closed_reason: "relationship_healthy", version: sql`version + 1` })
        .where("plan_id", "=", plan.id).where("region_id", "=", regionId).where("status", "=", "open")
        .returning("id").execute();
      await recordAudit(db, {
        regionId, actorId: null, action: "plan.recovered", entityType: "plan", entityId: plan.id,
        after: { organisationId: plan.organisation_id, closedTasks: closed.map((task) => task.id) }, now,
      });
    }
    count += ended.length;
  }
  return count;
}

