import { json } from "@remix-run/node";
import type { Locale } from "../../i18n";
import { AppError } from "../../server/errors";
import { translateFields } from "../../server/validation";
import { formError, formValues } from "./forms.server";

/**
 * The organisation form as input for the shared schemas: tags come as one comma-separated field,
 * and an emptied optional field means "clear it" (null), so a change form can remove a value.
 */
export function organisationFormInput(formData: FormData, options: { isUpdate: boolean }) {
  const values: Record<string, unknown> = formValues(formData);
  values.tags = String(formData.get("tags") ?? "").split(",").map((tag) => tag.trim()).filter(Boolean);
  if (options.isUpdate) {
    for (const field of ["kvkNumber", "brinCode", "sector", "street", "postalCode", "city", "website", "subregionId", "accountHolderId"]) {
      if (formData.get(field) === "") values[field] = null;
    }
  }
  return values;
}

/** Like formError, and a KvK clash also returns the organisation it clashes with, for a link. */
export function organisationFormError(error: unknown, locale: Locale) {
  if (error instanceof AppError && error.details?.existingId) {
    return json(
      { fields: error.fieldKeys ? translateFields(error.fieldKeys, locale) : error.fields, duplicate: { id: String(error.details.existingId), name: String(error.details.existingName) } },
      { status: error.status },
    );
  }
  return formError(error, locale);
}
