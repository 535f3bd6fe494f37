import { z } from "zod";
import { ROLLUP_GROUPINGS } from "./health.rollup-groups";
import { HEALTH_STATES, ORGANISATION_KINDS, TIERS } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";
import { SchoolYear } from "../commitments/commitments.schemas";

/** Why a relationship is not healthy, as stored; the sentence is made in the reader's language when shown. */
export const REASON_CODES = [
  "no_recent_contact", "contact_left", "no_contact_person", "single_threaded",
  "account_holder_left", "new_owner_no_contact", "activity_stopped", "commitment_at_risk",
  "account_holder_concerned",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** GET /health and the "Aandacht nodig" page: which relationships, most important first. */
export const ListHealthInput = z.object({
  state: z.union([z.enum(HEALTH_STATES), z.array(z.enum(HEALTH_STATES))]).optional()
    .transform((value) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])),
  accountHolderId: z.uuid().optional(),
  subregionId: z.uuid().optional(),
  kind: z.enum(ORGANISATION_KINDS).optional(),
  /** Only the relationships this vmbo school depends on in `schoolYear` (both together; decision 138). */
  schoolId: z.uuid().optional(),
  schoolYear: SchoolYear.optional(),
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

/** A reason in the caller's language, with what to do about it. */
export const HealthReasonResponse = z.object({
  code: z.enum(REASON_CODES),
  state: z.enum(HEALTH_STATES).exclude(["healthy"]),
  since: CalendarDay,
  message: z.string(),
  nextStep: z.string(),
});

/** One relationship of GET /health. */
export const HealthListItemResponse = z.object({
  organisationId: z.uuid(),
  name: z.string(),
  kind: z.enum(ORGANISATION_KINDS),
  tier: z.enum(TIERS),
  version: z.number().int(),
  subregionName: z.string().nullable(),
  accountHolderId: z.uuid().nullable(),
  accountHolderName: z.string().nullable(),
  state: z.enum(HEALTH_STATES),
  since: CalendarDay,
  lastContactDate: CalendarDay.nullable(),
  reasons: z.array(HealthReasonResponse),
  snoozedUntil: CalendarDay.nullable(),
});

export const HealthCountsResponse = z.object({
  healthy: z.number().int(),
  watch: z.number().int(),
  cooling: z.number().int(),
  cold: z.number().int(),
  snoozed: z.number().int(),
});

/** The region's counts on one day of the chart. */
export const HealthTrendDayResponse = z.object({
  day: CalendarDay,
  healthy: z.number().int(),
  watch: z.number().int(),
  cooling: z.number().int(),
  cold: z.number().int(),
});

export const RecomputeResponse = z.object({
  organisations: z.number().int(),
  changed: z.number().int(),
  tasksCreated: z.number().int(),
  /** "Relatie koud" plans started, and trouble plans ended because the relationship is healthy again. */
  plansStarted: z.number().int(),
  plansEnded: z.number().int(),
  milliseconds: z.number().int(),
});

export const HolidayResponse = z.object({ id: z.uuid(), name: z.string(), startDate: CalendarDay, endDate: CalendarDay });

export const HealthSettingsResponse = z.object({
  cadenceStrategicDays: z.number().int(),
  cadenceRegularDays: z.number().int(),
  cadenceOccasionalDays: z.number().int(),
  coordinatorUserId: z.uuid().nullable(),
  version: z.number().int(),
  holidays: z.array(HolidayResponse),
});

export const SnoozeResponse = z.object({ until: CalendarDay, reason: z.string() });

/** One organisation's health; `computedAt` is the epoch for an organisation never computed. */
export const OrganisationHealthResponse = z.object({
  organisationId: z.uuid(),
  state: z.enum(HEALTH_STATES),
  since: CalendarDay,
  lastContactDate: CalendarDay.nullable(),
  reasons: z.array(HealthReasonResponse),
  computedAt: Timestamp,
  snooze: SnoozeResponse.nullable(),
});

/** One change of an organisation's state. */
export const HealthHistoryItemResponse = z.object({
  state: z.enum(HEALTH_STATES),
  previousState: z.enum(HEALTH_STATES).nullable(),
  reasonCodes: z.array(z.enum(REASON_CODES)),
  changedOn: CalendarDay,
});

/** GET /health/upcoming: how far ahead (1–120 days, 30 by default), and whose relationships. */
export const UpcomingInput = z.object({
  days: z.coerce.number().int().min(1).max(120).default(30),
  whose: z.enum(["mine", "region"]).default("region"),
});

/** A relationship that turns cooling or cold on `onDate` unless there is contact before, and why. */
export const UpcomingItemResponse = z.object({
  organisationId: z.uuid(),
  name: z.string(),
  state: z.enum(HEALTH_STATES),
  expectedState: z.enum(["cooling", "cold"]),
  onDate: CalendarDay,
  reason: z.string(),
});


/** GET /health/rollups: grouped by school, subregion or account holder; the current school year unless named. */
export const RollupsInput = z.object({
  by: z.enum(ROLLUP_GROUPINGS),
  schoolYear: SchoolYear.optional(),
});

const RollupCountsResponse = z.object({ healthy: z.number().int(), watch: z.number().int(), cooling: z.number().int(), cold: z.number().int() });

/** One group of the roll-up: its counts on `asOf`, and on the first day of each month of the school year so far. */
export const RollupItemResponse = z.object({
  /** A school's or subregion's organisation id, an account holder's user id, or "none". */
  key: z.string(),
  label: z.string(),
  counts: RollupCountsResponse,
  total: z.number().int(),
  trend: z.array(RollupCountsResponse.extend({ day: CalendarDay })),
});

export const RollupsResponse = z.object({
  by: z.enum(ROLLUP_GROUPINGS),
  schoolYear: z.string(),
  asOf: CalendarDay.nullable(),
  items: z.array(RollupItemResponse),
  nextCursor: z.null(),
});
