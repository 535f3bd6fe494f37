import { json } from "@remix-run/node";
import type { AgreementFormValues } from "../components/agreement-form";
import type { Locale } from "../../i18n";
import { type FormErrors, formError } from "./forms.server";

/** The agreement as typed, for the schemas (empty means not given) and to fill the form again after an error. */
export function agreementFromForm(form: FormData) {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const values: AgreementFormValues = {
    kind: text("kind"),
    title: text("title"),
    organisationIds: form.getAll("organisationIds").filter((v): v is string => typeof v === "string" && v !== ""),
    signedOn: text("signedOn"),
    expiresOn: text("expiresOn") ?? null,
    ownerId: text("ownerId") ?? null,
    notes: text("notes") ?? null,
  };
  const document = form.get("document");
  // No file chosen arrives as a nameless empty part; a named empty file is a file, refused as empty.
  const file = document && typeof document !== "string" && (document.size > 0 || document.name !== "") ? document : null;
  return { values, file };
}

export async function readFile(file: File | null) {
  return file ? { fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null;
}

/** An expected failure back to the form, with what was typed. */
export async function agreementFormError(error: unknown, locale: Locale, values: AgreementFormValues) {
  const response = formError(error, locale);
  const body = (await response.json()) as FormErrors;
  return json({ ...body, values }, { status: response.status });
}
