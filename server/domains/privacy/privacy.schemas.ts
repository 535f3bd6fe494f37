import { z } from "zod";
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, INTERACTION_KINDS } from "../../../db/schema";
import { CalendarDay, Timestamp, Uuid } from "../../http/api-schemas";
import { AffiliationResponse, PersonResponse } from "../people/people.schemas";
import { TASK_STATUSES } from "../tasks/tasks.schemas";
import { ERASURE_CHANGE_KINDS } from "./privacy.service";

/** Everything Schakel holds about one person, for an access request (GET /people/{id}/export). */
export const PersonExportResponse = z.object({
  exportedAt: Timestamp,
  controller: z.string(),
  person: PersonResponse.omit({ version: true }),
  affiliations: z.array(AffiliationResponse.pick({ organisationName: true, role: true, isPrimary: true, startDate: true, endDate: true, endReason: true })),
  interactions: z.array(z.object({
    id: Uuid,
    date: CalendarDay,
    kind: z.enum(INTERACTION_KINDS),
    organisationName: z.string(),
    summary: z.string(),
    nextStep: z.string().nullable(),
    recordedBy: z.string().nullable(),
  })),
  activities: z.array(z.object({
    id: Uuid,
    type: z.enum(ACTIVITY_TYPES),
    title: z.string(),
    status: z.enum(ACTIVITY_STATUSES),
    startDate: CalendarDay,
    endDate: CalendarDay,
  })),
  tasks: z.array(z.object({ id: Uuid, title: z.string(), dueDate: CalendarDay, status: z.enum(TASK_STATUSES) })),
});

/** What an erasure changed, table by table (POST /people/{id}/erase). */
export const ErasureResponse = z.object({
  id: Uuid,
  anonymisedAt: Timestamp,
  changes: z.array(z.object({ table: z.string(), kind: z.enum(ERASURE_CHANGE_KINDS), count: z.number().int() })),
});
