import { Form, Link, useSearchParams } from "@remix-run/react";
import { AGREEMENT_KINDS } from "../../db/schema";
import { SelectField, TextField } from "./ui/field";
import { Combobox } from "./ui/combobox";
import { useT } from "../utils/i18n";

export type AgreementFormValues = {
  kind?: string; title?: string; organisationIds?: string[]; signedOn?: string; expiresOn?: string | null; ownerId?: string | null; notes?: string | null;
};

/**
 * The agreement's fields, for recording and changing one. A plain multipart upload (reloadDocument),
 * as the realisation form does, so a refused file comes back as this page with its message.
 */
export function AgreementForm(props: {
  values: AgreementFormValues;
  errors: Record<string, string> | undefined;
  organisations: { id: string; name: string }[];
  owners: { id: string; name: string }[];
  version?: number;
  submitLabel: string;
  cancelTo: string;
}) {
  const t = useT();
  const [params] = useSearchParams();
  // A document over 10 MB is refused by the server's body limit before the action runs; it sends the browser back here.
  const tooLarge = params.get("error") === "tooLarge";
  const field = (name: string) => props.errors?.[name] ?? (name === "document" && tooLarge ? t("commitments.validation.evidenceTooLarge") : undefined);
  const v = props.values;
  return (
    <Form method="post" encType="multipart/form-data" reloadDocument className="card stack" noValidate>
      <input type="hidden" name="intent" value="save" />
      {props.version !== undefined ? <input type="hidden" name="version" value={props.version} /> : null}
      <SelectField label={t("agreements.kind")} name="kind" defaultValue={v.kind ?? "cooperation_agreement"} error={field("kind")}>
        {AGREEMENT_KINDS.map((kind) => <option key={kind} value={kind}>{t(`agreements.kinds.${kind}`)}</option>)}
      </SelectField>
      <TextField label={t("agreements.titleField")} name="title" defaultValue={v.title ?? ""} maxLength={200} error={field("title")} required />
      <Combobox label={t("agreements.parties")} name="organisationIds" multiple options={props.organisations} defaultValue={v.organisationIds ?? []} hint={t("agreements.partiesHint")} error={field("organisationIds")} required />
      <TextField label={t("agreements.signedOn")} name="signedOn" type="date" defaultValue={v.signedOn ?? ""} error={field("signedOn")} required />
      <TextField label={t("agreements.expiresOn")} name="expiresOn" type="date" defaultValue={v.expiresOn ?? ""} error={field("expiresOn")} />
      <SelectField label={t("agreements.owner")} name="ownerId" defaultValue={v.ownerId ?? ""} hint={t("agreements.ownerHint")} error={field("ownerId")}>
        <option value="">—</option>
        {props.owners.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
      </SelectField>
      <TextField label={t("agreements.notes")} name="notes" defaultValue={v.notes ?? ""} maxLength={2000} error={field("notes")} />
      <TextField label={t("agreements.document")} name="document" type="file" accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" error={field("document")} />
      <div className="actions">
        <button type="submit" className="button">{props.submitLabel}</button>
        <Link to={props.cancelTo}>{t("common.cancel")}</Link>
      </div>
    </Form>
  );
}
