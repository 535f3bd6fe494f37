import { z } from "zod";
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, ORGANISATION_KINDS } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";
import { ACTIVITY_SORTS } from "../lists/list-sorts";
import { sortParams } from "../lists/lists.schemas";
import { ACTIVITY_WHEN, LEARNING_PATHS, VMBO_PROFILES } from "./activities.fields";

export { activityProblems, type ActivityDraft, LEARNING_PATHS, STATUS_TRANSITIONS, TYPE_FIELDS, VMBO_PROFILES } from "./activities.fields";

const ClockTime = z.string().trim().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "validation.time");
const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((value) => value || null);
const count = z.coerce.number().int().min(0).max(100000);
const ids = z.array(z.uuid()).max(50);

const ActivityFields = {
  type: z.enum(ACTIVITY_TYPES),
  title: z.string().trim().min(1).max(200),
  description: optionalText(5000),
  startDate: CalendarDay,
  endDate: CalendarDay.nullish(),
  startTime: ClockTime.nullish(),
  endTime: ClockTime.nullish(),
  status: z.enum(ACTIVITY_STATUSES),
  organisationIds: ids,
  schoolIds: ids,
  profiles: z.array(z.enum(VMBO_PROFILES)).max(VMBO_PROFILES.length),
  learningPaths: z.array(z.enum(LEARNING_PATHS)).max(LEARNING_PATHS.length),
  hours: z.coerce.number().min(0).max(100000).nullish(),
  pupilsReached: count.nullish(),
  teachersInvolved: count.nullish(),
  placesOffered: count.nullish(),
  placesFilled: count.nullish(),
  speakerPersonId: z.uuid().nullish(),
  supervisorPersonId: z.uuid().nullish(),
  className: optionalText(100),
  topic: optionalText(200),
  location: optionalText(200),
  sharedWithRegionIds: ids,
};

export const CreateActivityInput = z.object({
  ...ActivityFields,
  status: ActivityFields.status.default("planned"),
  organisationIds: ids.default([]),
  schoolIds: ids.default([]),
  profiles: ActivityFields.profiles.default([]),
  learningPaths: ActivityFields.learningPaths.default([]),
  sharedWithRegionIds: ids.default([]),
});
export type CreateActivityInput = z.infer<typeof CreateActivityInput>;

/** Changing fields or moving the status on; `version` is the one read (stale → 409). */
export const UpdateActivityInput = z
  .object(ActivityFields)
  .partial()
  .extend({ version: z.coerce.number().int().min(1) });
export type UpdateActivityInput = z.infer<typeof UpdateActivityInput>;

export const ListActivitiesInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
  type: z.enum(ACTIVITY_TYPES).optional(),
  status: z.enum(ACTIVITY_STATUSES).optional(),
  organisationId: z.uuid().optional(),
  schoolId: z.uuid().optional(),
  profile: z.enum(VMBO_PROFILES).optional(),
  subregionId: z.uuid().optional(),
  /** "2025-2026": activities starting from 1 August 2025 up to and including 31 July 2026. */
  schoolYear: z.string().regex(/^[0-9]{4}-[0-9]{4}$/, "validation.schoolYear").refine((value) => Number(value.slice(5)) === Number(value.slice(0, 4)) + 1, "validation.schoolYear").optional(),
  from: CalendarDay.optional(),
  to: CalendarDay.optional(),
  ...sortParams(ACTIVITY_SORTS, "date"),
  /** The older name of the date order, kept so links and scripts that use it still work. */
  order: z
    .enum(["newest", "soonest"])
    .optional()
    .meta({ description: "The older name of sort=date: newest is dir=desc, soonest dir=asc (e.g. with from=today for what is coming); used only when sort is date and dir is not given" }),
});
export type ListActivitiesInput = z.infer<typeof ListActivitiesInput>;

/**
 * What a saved view of the activities page keeps: the list's own filters and sort, and the page's
 * tab (`when`), which chooses the window and the date order the page asks the list for.
 */
export const ActivitiesViewQuery = ListActivitiesInput.extend({ when: z.enum(ACTIVITY_WHEN).optional() });

/** The window of the calendar asking for other regions' shared activities. */
export const SharedActivitiesInput = z
  .object({ from: CalendarDay, to: CalendarDay })
  .refine((value) => value.to >= value.from, { path: ["to"], message: "validation.endBeforeStart" });

/** A partner withdrawing its own offer: the version it read, so a decision made meanwhile is not overwritten. */
export const WithdrawOfferInput = z.object({ version: z.coerce.number().int().min(1) });

/** One organisation taking part in an activity, as a partner or as a school. */
const ActivityOrganisationResponse = z.object({ id: z.uuid(), name: z.string(), kind: z.enum(ORGANISATION_KINDS), role: z.enum(["partner", "school"]) });

/** An activity as the API answers it. */
export const ActivityResponse = z.object({
  id: z.uuid(),
  type: z.enum(ACTIVITY_TYPES),
  title: z.string(),
  description: z.string().nullable(),
  startDate: CalendarDay,
  endDate: CalendarDay,
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  status: z.enum(ACTIVITY_STATUSES),
  organisationIds: z.array(z.uuid()),
  schoolIds: z.array(z.uuid()),
  organisations: z.array(ActivityOrganisationResponse),
  profiles: z.array(z.enum(VMBO_PROFILES)),
  learningPaths: z.array(z.enum(LEARNING_PATHS)),
  hours: z.number().nullable(),
  pupilsReached: z.number().int().nullable(),
  teachersInvolved: z.number().int().nullable(),
  placesOffered: z.number().int().nullable(),
  placesFilled: z.number().int().nullable(),
  speakerPersonId: z.uuid().nullable(),
  supervisorPersonId: z.uuid().nullable(),
  personName: z.string().nullable(),
  className: z.string().nullable(),
  topic: z.string().nullable(),
  location: z.string().nullable(),
  sharedWithRegionIds: z.array(z.uuid()),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: Timestamp.nullable(),
});

/** Another region's activity opened to the caller's region: only what a calendar shows. */
export const SharedActivityResponse = z.object({
  id: z.uuid(),
  type: z.enum(ACTIVITY_TYPES),
  title: z.string(),
  startDate: CalendarDay,
  endDate: CalendarDay,
  startTime: z.string().nullable(),
  endTime: z.string().nullable(),
  status: z.enum(ACTIVITY_STATUSES),
  location: z.string().nullable(),
  regionName: z.string(),
});
