import { z } from "zod";
import { HEALTH_STATES, ORGANISATION_KINDS } from "../../../db/schema";

const CalendarDay = z.iso.date();

/** GET /health and the "Aandacht nodig" page: which relationships, most important first. */
export const ListHealthInput = z.object({
  state: z.union([z.enum(HEALTH_STATES), z.array(z.enum(HEALTH_STATES))]).optional()
    .transform((value) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])),
  accountHolderId: z.uuid().optional(),
  subregionId: z.uuid().optional(),
  kind: z.enum(ORGANISATION_KINDS).optional(),
  includeSnoozed: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
export type ListHealthInput = z.infer<typeof ListHealthInput>;

/** Snoozing takes a reason: a relationship is not silenced without someone saying why. */
export const SnoozeInput = z.object({
  weeks: z.coerce.number().int().min(1, "validation.snoozeWeeks").max(52, "validation.snoozeWeeks"),
  reason: z.string({ error: "validation.snoozeReason" }).trim().min(1, "validation.snoozeReason").max(1000),
});
export type SnoozeInput = z.infer<typeof SnoozeInput>;

const Cadence = z.coerce.number().int("validation.cadence").min(1, "validation.cadence").max(3650, "validation.cadence");

export const UpdateHealthSettingsInput = z.object({
  version: z.coerce.number().int().min(1),
  cadenceStrategicDays: Cadence,
  cadenceRegularDays: Cadence,
  cadenceOccasionalDays: Cadence,
  coordinatorUserId: z.uuid().nullable().optional(),
});
export type UpdateHealthSettingsInput = z.infer<typeof UpdateHealthSettingsInput>;

export const HolidayInput = z
  .object({ name: z.string().trim().min(1).max(100), startDate: CalendarDay, endDate: CalendarDay })
  .refine((value) => value.endDate >= value.startDate, { path: ["endDate"], message: "validation.endBeforeStart" });
export type HolidayInput = z.infer<typeof HolidayInput>;

export const RecomputeInput = z.object({ organisationId: z.uuid().optional() });

/** The chart's range; by default the current school year up to today is asked for by the page. */
export const TrendInput = z
  .object({ from: CalendarDay, to: CalendarDay })
  .refine((value) => value.to >= value.from, { path: ["to"], message: "validation.endBeforeStart" });
