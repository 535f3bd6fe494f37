import { sql } from "kysely";
import type { TaskSource, TaskStatus } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database, Tx } from "../../db/database";
import { notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { getOrganisation } from "../organisations/organisations.service";
import type { CreateTaskInput, UpdateTaskInput } from "./tasks.schemas";
import { assertStillCurrent } from "../../db/versioned";
import { settlePlan } from "../plans/plans.service";

export type TaskChangeMeta = ChangeStamp;

export type Task = {
  id: string;
  organisationId: string | null;
  organisationName: string | null;
  assigneeId: string;
  title: string;
  dueDate: string;
  status: TaskStatus;
  source: TaskSource;
  interactionId: string | null;
  version: number;
  createdAt: Date;
  completedAt: Date | null;
  isOverdue: boolean;
};

const columns = [
  "tasks.id", "tasks.organisation_id as organisationId", "organisations.name as organisationName", "tasks.assignee_id as assigneeId",
  "tasks.title", "tasks.due_date as dueDate", "tasks.status", "tasks.source", "tasks.interaction_id as interactionId",
  "tasks.version", "tasks.created_at as createdAt", "tasks.completed_at as completedAt",
] as const;

function tasksOfRegion(db: Database, regionId: string) {
  return db
    .selectFrom("tasks")
    .leftJoin("organisations", "organisations.id", "tasks.organisation_id")
    .select(columns)
    .where("tasks.region_id", "=", regionId);
}

// Calendar days as YYYY-MM-DD compare correctly as strings.
const withOverdue = <T extends { status: TaskStatus; dueDate: string }>(task: T, today: string) => ({
  ...task,
  isOverdue: task.status === "open" && task.dueDate < today,
});


/** A task of the caller's region; another region's task is not found. */
export async function getTask(db: Database, scope: Scope, id: string, today: string): Promise<Task> {
  const task = await tasksOfRegion(db, scope.regionId).where("tasks.id", "=", id).executeTakeFirst();
  if (!task) throw notFound("Task");
  return withOverdue(task, today);
}

/** An assignee is an active internal (non-partner) user of the region. */
async function assertAssignee(db: Database, regionId: string, userId: string) {
  const found = await db
    .selectFrom("users")
    .select("id")
    .where("id", "=", userId)
    .where("region_id", "=", regionId)
    .where("active", "=", true)
    .where("role", "<>", "partner")
    .executeTakeFirst();
  if (!found) throw validationFailed({ assigneeId: "validation.invalid" });
}

/**
 * Inserts a task after checking its assignee and organisation; shared by `createTask` and the
 * domains that create follow-ups themselves (a contact moment's next step, a handover).
 */
export async function insertTask(
  db: Tx,
  scope: Scope,
  input: { title: string; dueDate: string; assigneeId: string; organisationId?: string | null | undefined; source: TaskSource; interactionId?: string | null | undefined },
  meta: TaskChangeMeta,
): Promise<Task> {
  await assertAssignee(db, scope.regionId, input.assigneeId);
  if (input.organisationId) await getOrganisation(db, scope, input.organisationId);
  const { id } = await db
    .insertInto("tasks")
    .values({
      region_id: scope.regionId,
      organisation_id: input.organisationId ?? null,
      assignee_id: input.assigneeId,
      title: input.title,
      due_date: input.dueDate,
      status: "open",
      source: input.source,
      interaction_id: input.interactionId ?? null,
      created_by: meta.actor?.id ?? null,
      created_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const task = await getTask(db, scope, id, toLocalDate(meta.now));
  await recordAudit(db, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "task.create", entityType: "task", entityId: id,
    after: { title: task.title, dueDate: task.dueDate, assigneeId: task.assigneeId, organisationId: task.organisationId, source: task.source, interactionId: task.interactionId },
    now: meta.now,
  });
  return task;
}

/** A follow-up made by hand; without an assignee it is the creator's own. */
export async function createTask(trx: Tx, scope: Scope, input: CreateTaskInput, meta: TaskChangeMeta): Promise<Task> {
  const assigneeId = input.assigneeId ?? meta.actor?.id;
  if (!assigneeId) throw validationFailed({ assigneeId: "validation.required" });
  return insertTask(trx, scope, { title: input.title, dueDate: input.dueDate, assigneeId, organisationId: input.organisationId ?? null, source: "manual" }, meta);
}

/**
 * A user's tasks of one status: open ones by due date (the most urgent first), done ones most
 * recently due first; `isOverdue` is measured against `today`; `dueOnOrBefore` leaves out what is due later.
 */
export async function listMyTasks(
  db: Database,
  scope: Scope,
  userId: string,
  options: { status?: TaskStatus | undefined; today: string; limit?: number | undefined; dueOnOrBefore?: string | undefined },
): Promise<{ items: Task[]; nextCursor: null }> {
  const status = options.status ?? "open";
  const direction = status === "open" ? "asc" : "desc";
  let query = tasksOfRegion(db, scope.regionId)
    .where("tasks.assignee_id", "=", userId)
    .where("tasks.status", "=", status);
  // The start page asks for what is overdue or due this week, not for everything planned.
  if (options.dueOnOrBefore) query = query.where("tasks.due_date", "<=", options.dueOnOrBefore);
  const rows = await query
    .orderBy("tasks.due_date", direction)
    .orderBy("tasks.created_at", direction)
    .orderBy("tasks.id")
    .limit(options.limit ?? 200)
    .execute();
  return { items: rows.map((task) => withOverdue(task, options.today)), nextCursor: null };
}

/** Marks a task done or open again; a stale `version` is a conflict and changes nothing. */
export async function updateTaskStatus(trx: Tx, scope: Scope, id: string, input: UpdateTaskInput, meta: TaskChangeMeta): Promise<Task> {
  const today = toLocalDate(meta.now);
  const before = await getTask(trx, scope, id, today);
  assertStillCurrent(before.version === input.version, "task");
  if (before.status === input.status) return before;
  const updated = await trx
    .updateTable("tasks")
    .set({ status: input.status, completed_at: input.status === "done" ? meta.now : null, version: sql`version + 1` })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .returning(["id", "plan_id"])
    .executeTakeFirst();
  // Someone else saved between our read and this write.
  assertStillCurrent(updated, "task");
  if (updated.plan_id) await settlePlan(trx, scope.regionId, updated.plan_id, meta);
  const after = await getTask(trx, scope, id, today);
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: input.status === "done" ? "task.complete" : "task.reopen", entityType: "task", entityId: id,
    before: { status: before.status, version: before.version }, after: { status: after.status, version: after.version }, now: meta.now,
  });
  return after;
}

export const completeTask = (trx: Tx, scope: Scope, id: string, version: number, meta: TaskChangeMeta) =>
  updateTaskStatus(trx, scope, id, { status: "done", version }, meta);

export const reopenTask = (trx: Tx, scope: Scope, id: string, version: number, meta: TaskChangeMeta) =>
  updateTaskStatus(trx, scope, id, { status: "open", version }, meta);
