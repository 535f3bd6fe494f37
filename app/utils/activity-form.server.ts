import type { Locale } from "../../i18n";
import { CreateActivityInput, UpdateActivityInput } from "../../server/domains/activities/activities.schemas";
import { parseInput } from "../../server/validation";
import { formValues } from "./forms.server";

const CLEARABLE = [
  "description", "endDate", "startTime", "endTime", "hours", "pupilsReached", "teachersInvolved", "placesOffered", "placesFilled",
  "speakerPersonId", "supervisorPersonId", "className", "topic", "location",
] as const;

/**
 * The activity form as input for the shared schemas: the multiple choices come as repeated names,
 * and on a change an emptied optional field means "clear it" (null). Fields the chosen type does
 * not show are absent from the form, so they are not cleared by accident.
 */
export function activityFormInput(formData: FormData, options: { isUpdate: boolean }) {
  const { intent: _intent, ...rest } = formValues(formData);
  const values: Record<string, unknown> = rest;
  for (const name of ["organisationIds", "schoolIds", "profiles", "learningPaths", "sharedWithRegionIds"]) values[name] = formData.getAll(name).map(String).filter(Boolean);
  if (options.isUpdate) {
    for (const field of CLEARABLE) if (formData.get(field) === "") values[field] = null;
  }
  return values;
}

// The activity pages check their forms here rather than importing the schemas themselves: a route
// module's imports with top-level code (zod schemas) stay in its browser bundle even when only the
// action uses them, and these would bring the whole validation library along.

/** The new-activity form, checked. */
export function parseNewActivityForm(formData: FormData, locale: Locale) {
  return parseInput(CreateActivityInput, activityFormInput(formData, { isUpdate: false }), locale);
}

/** A change of an activity (the whole form, or a status step with its few fields), checked. */
export function parseActivityChange(values: Record<string, unknown>, locale: Locale) {
  return parseInput(UpdateActivityInput, values, locale);
}
