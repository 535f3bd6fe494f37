import { z } from "zod";
import { ACTIVITY_STATUSES, ACTIVITY_TYPES, type ActivityStatus, type ActivityType, ORGANISATION_KINDS } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";

/** The vmbo profiles (beroepsgerichte profielen) and learning paths (leerwegen) an activity can be for. */
export const VMBO_PROFILES = ["BWI", "PIE", "M&T", "MaT", "MVI", "D&P", "E&O", "HBR", "Z&W", "Groen"] as const;
export const LEARNING_PATHS = ["BB", "KB", "GL", "TL"] as const;

/**
 * offered → planned → done, and offered or planned → cancelled. Done and cancelled are final:
 * a done activity has been counted, a cancelled one is re-created rather than revived.
 */
export const STATUS_TRANSITIONS: Record<ActivityStatus, readonly ActivityStatus[]> = {
  offered: ["planned", "cancelled"],
  planned: ["done", "cancelled"],
  done: [],
  cancelled: [],
};

/** Which type-specific fields each type takes; anything else given for a type is refused, not silently dropped. */
export const TYPE_FIELDS: Record<ActivityType, ReadonlyArray<"speakerPersonId" | "supervisorPersonId" | "className" | "topic" | "location">> = {
  internship: ["supervisorPersonId"],
  guest_lesson: ["speakerPersonId", "className", "topic"],
  company_visit: ["className", "location"],
  workshop: ["speakerPersonId", "className", "topic", "location"],
  event: ["topic", "location"],
  elective: ["topic"],
  teacher_placement: ["supervisorPersonId", "topic"],
  training: ["topic", "location"],
  technolab: ["className", "topic", "location"],
};

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

/** The whole activity as it would be after a create or an update, checked against the rules of its type. */
export type ActivityDraft = {
  type: ActivityType;
  status: ActivityStatus;
  startDate: string;
  endDate: string;
  startTime: string | null;
  endTime: string | null;
  organisationIds: string[];
  schoolIds: string[];
  pupilsReached: number | null;
  teachersInvolved: number | null;
  placesOffered: number | null;
  placesFilled: number | null;
  speakerPersonId: string | null;
  supervisorPersonId: string | null;
  className: string | null;
  topic: string | null;
  location: string | null;
};

/** The rules that span fields; field → message key, empty when the draft is sound. */
export function activityProblems(draft: ActivityDraft): Record<string, string> {
  const problems: Record<string, string> = {};
  if (draft.endDate < draft.startDate) problems.endDate = "validation.endBeforeStart";
  if (draft.startTime && draft.endTime && draft.startDate === draft.endDate && draft.endTime <= draft.startTime) problems.endTime = "validation.endTimeBeforeStart";
  if (draft.placesFilled !== null && draft.placesFilled > (draft.placesOffered ?? 0)) problems.placesFilled = "validation.placesFilledAboveOffered";
  if ((draft.type === "guest_lesson" || draft.type === "elective" || draft.type === "technolab") && draft.schoolIds.length === 0) problems.schoolIds = "validation.schoolRequired";
  if (draft.organisationIds.length === 0 && draft.schoolIds.length === 0) problems.organisationIds = "validation.activityOrganisationRequired";
  if ((draft.type === "internship" || draft.type === "guest_lesson") && draft.organisationIds.length === 0) problems.organisationIds = "validation.partnerRequired";
  if (draft.status === "done") {
    if (draft.pupilsReached === null) problems.pupilsReached = "validation.requiredWhenDone";
    if (draft.teachersInvolved === null) problems.teachersInvolved = "validation.requiredWhenDone";
  }
  const allowed = TYPE_FIELDS[draft.type];
  for (const field of ["speakerPersonId", "supervisorPersonId", "className", "topic", "location"] as const) {
    if (draft[field] !== null && !allowed.includes(field)) problems[field] = "validation.notForType";
  }
  return problems;
}

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
  /** "newest" (the default): latest start first; "soonest": earliest start first, for what is coming (with from). */
  order: z.enum(["newest", "soonest"]).default("newest"),
});
export type ListActivitiesInput = z.infer<typeof ListActivitiesInput>;

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
