import type { ActivityStatus, ActivityType } from "../../../db/schema";

// What an activity of each type may hold and how its fields hang together. No zod here: the
// activity form uses these in the browser.

/** The vmbo profiles (beroepsgerichte profielen) and learning paths (leerwegen) an activity can be for. */
export const VMBO_PROFILES = ["BWI", "PIE", "M&T", "MaT", "MVI", "D&P", "E&O", "HBR", "Z&W", "Groen"] as const;
export const LEARNING_PATHS = ["BB", "KB", "GL", "TL"] as const;

/** The tabs of the activities page: what is coming (its default), what is over, everything. */
export const ACTIVITY_WHEN = ["upcoming", "past", "all"] as const;
export type ActivityWhen = (typeof ACTIVITY_WHEN)[number];

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
