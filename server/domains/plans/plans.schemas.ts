import { z } from "zod";
import { PLAN_EVENTS, PLAN_ROLES, PLAN_STATUSES } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";

/** Starting a plan by hand: which of the region's templates. */
export const StartPlanInput = z.object({ event: z.enum(PLAN_EVENTS) });
export type StartPlanInput = z.infer<typeof StartPlanInput>;

const PlanStepInput = z.object({
  title: z.string().trim().min(1).max(300),
  role: z.enum(PLAN_ROLES),
  dueSchoolDays: z.coerce.number().int().min(0).max(200),
});

/** A template's steps, in order, replacing the ones stored; a stale `version` is a conflict. No steps: the event starts no plan. */
export const UpdatePlanTemplateInput = z.object({
  steps: z.array(PlanStepInput).max(20),
  version: z.coerce.number().int().min(1),
});
export type UpdatePlanTemplateInput = z.infer<typeof UpdatePlanTemplateInput>;

export const PlanTemplateResponse = z.object({
  id: z.uuid(),
  event: z.enum(PLAN_EVENTS),
  steps: z.array(z.object({ position: z.number().int(), title: z.string(), role: z.enum(PLAN_ROLES), dueSchoolDays: z.number().int() })),
  version: z.number().int(),
});

export const PlanStepResponse = z.object({
  taskId: z.uuid(),
  position: z.number().int(),
  title: z.string(),
  role: z.enum(PLAN_ROLES),
  assigneeId: z.uuid(),
  assigneeName: z.string(),
  dueDate: CalendarDay,
  status: z.enum(["open", "done"]),
  /** Set when the step was closed without being done: the relationship was healthy again. */
  closedReason: z.enum(["relationship_healthy"]).nullable(),
  completedAt: Timestamp.nullable(),
});

export const PlanResponse = z.object({
  id: z.uuid(),
  organisationId: z.uuid(),
  event: z.enum(PLAN_EVENTS),
  status: z.enum(PLAN_STATUSES),
  /** Null when Schakel started it on its event. */
  startedById: z.uuid().nullable(),
  startDate: CalendarDay,
  startedAt: Timestamp,
  endedAt: Timestamp.nullable(),
  stepsDone: z.number().int(),
  stepsTotal: z.number().int(),
  steps: z.array(PlanStepResponse),
  version: z.number().int(),
});
