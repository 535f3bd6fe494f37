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
