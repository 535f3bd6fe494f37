import { z } from "zod";
import type { TaskSource, TaskStatus } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";

export const TASK_STATUSES = ["open", "done"] as const satisfies readonly TaskStatus[];
/** Who made a task: a person by hand, a handover (the introduction), Schakel for a cooling relationship, or a plan (its steps). */
export const TASK_SOURCES = ["manual", "handover", "health", "contact_joined", "plan"] as const satisfies readonly TaskSource[];

/** A follow-up. Without `assigneeId` it is the creator's own. */
export const CreateTaskInput = z.object({
  title: z.string().trim().min(1).max(500),
  dueDate: CalendarDay,
  assigneeId: z.uuid().optional(),
  organisationId: z.uuid().optional(),
});
export type CreateTaskInput = z.infer<typeof CreateTaskInput>;

/** Marking a task done or open again; a stale `version` is a conflict. */
export const UpdateTaskInput = z.object({
  status: z.enum(TASK_STATUSES),
  version: z.coerce.number().int().min(1),
});
export type UpdateTaskInput = z.infer<typeof UpdateTaskInput>;

export const ListTasksInput = z.object({
  status: z.enum(TASK_STATUSES).default("open"),
});
export type ListTasksInput = z.infer<typeof ListTasksInput>;

/** A task as the API answers it. */
export const TaskResponse = z.object({
  id: z.uuid(),
  organisationId: z.uuid().nullable(),
  organisationName: z.string().nullable(),
  assigneeId: z.uuid(),
  title: z.string(),
  dueDate: CalendarDay,
  status: z.enum(TASK_STATUSES),
  source: z.enum(TASK_SOURCES),
  interactionId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
  completedAt: Timestamp.nullable(),
  isOverdue: z.boolean(),
});

/** The caller's tasks of one status: all of them, so never a next page. */
export const TaskListResponse = z.object({ items: z.array(TaskResponse), nextCursor: z.null() });
