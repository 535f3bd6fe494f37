import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { ORGANISATION_KINDS, ORGANISATION_STATUSES, TIERS } from "../../db/schema";
import type { Organisation } from "../../server/domains/organisations/organisations.service";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { Alert } from "./ui/alert";
import { SelectField, TextField } from "./ui/field";

export type OrganisationFormValues = Pick<
  Organisation,
  "kind" | "name" | "kvkNumber" | "brinCode" | "sector" | "street" | "postalCode" | "city" | "website" | "subregionId" | "tier" | "status" | "tags" | "accountHolderId"
> & { version?: number };

type Option = { id: string; name: string };

/** The organisation's details, for creating and for changing; errors stand next to their fields. */
export function OrganisationForm(props: {
  values?: OrganisationFormValues;
  errors?: FormErrors & { duplicate?: { id: string; name: string } };
  subregions: Option[];
  accountHolders: Option[];
  submitLabel: string;
  /** On a new organisation: offer existing ones with a similar name while the name is typed. */
  suggestSimilar?: boolean;
}) {
  const t = useT();
  const similar = useFetcher<{ results: { organisations: Array<{ id: string; name: string; city: string | null }> } }>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);
  const matches = props.suggestSimilar ? similar.data?.results.organisations ?? [] : [];
  const v = props.values;
  const e = props.errors?.fields ?? {};
  return (
    <Form method="post" className="card" noValidate>
      <input type="hidden" name="intent" value="save" />
      {v?.version ? <input type="hidden" name="version" value={v.version} /> : null}
      {props.errors?.formError ? <Alert tone="error">{props.errors.formError}</Alert> : null}
      <div className="grid-2">
        <div>
          <TextField
            label={t("organisations.fields.name")}
            name="name"
            required
            defaultValue={v?.name}
            error={e.name}
            onChange={(event) => {
              if (!props.suggestSimilar) return;
              const name = event.currentTarget.value;
              clearTimeout(timer.current);
              timer.current = setTimeout(() => name.trim().length >= 3 && similar.load(`/search?q=${encodeURIComponent(name)}`), 250);
            }}
          />
          {matches.length ? (
            <div className="alert alert-info" role="status">
              {t("organisations.similar")}
              <ul>
                {matches.map((o) => (
                  <li key={o.id}>
                    <a href={`/organisations/${o.id}`}>{o.name}</a>
                    {o.city ? ` · ${o.city}` : ""}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <SelectField label={t("organisations.fields.kind")} name="kind" defaultValue={v?.kind ?? "company"} error={e.kind}>
            {ORGANISATION_KINDS.map((kind) => <option key={kind} value={kind}>{t(`organisations.kinds.${kind}`)}</option>)}
          </SelectField>
          <TextField label={t("organisations.fields.kvkNumber")} name="kvkNumber" inputMode="numeric" defaultValue={v?.kvkNumber ?? ""} error={e.kvkNumber} />
          {props.errors?.duplicate ? (
            <p className="field-error">
              <a href={`/organisations/${props.errors.duplicate.id}`}>{t("organisations.duplicateOf", { name: props.errors.duplicate.name })}</a>
            </p>
          ) : null}
          <TextField label={t("organisations.fields.brinCode")} name="brinCode" defaultValue={v?.brinCode ?? ""} error={e.brinCode} />
          <TextField label={t("organisations.fields.sector")} name="sector" defaultValue={v?.sector ?? ""} error={e.sector} />
          <TextField label={t("organisations.fields.tags")} name="tags" defaultValue={v?.tags.join(", ") ?? ""} error={e.tags} />
        </div>
        <div>
          <TextField label={t("organisations.fields.street")} name="street" autoComplete="street-address" defaultValue={v?.street ?? ""} error={e.street} />
          <TextField label={t("organisations.fields.postalCode")} name="postalCode" autoComplete="postal-code" defaultValue={v?.postalCode ?? ""} error={e.postalCode} />
          <TextField label={t("organisations.fields.city")} name="city" defaultValue={v?.city ?? ""} error={e.city} />
          <TextField label={t("organisations.fields.website")} name="website" type="url" defaultValue={v?.website ?? ""} error={e.website} />
          <SelectField label={t("organisations.fields.subregion")} name="subregionId" defaultValue={v?.subregionId ?? ""} error={e.subregionId}>
            <option value="">—</option>
            {props.subregions.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </SelectField>
          <SelectField label={t("organisations.fields.tier")} name="tier" defaultValue={v?.tier ?? "regular"} error={e.tier}>
            {TIERS.map((tier) => <option key={tier} value={tier}>{t(`organisations.tiers.${tier}`)}</option>)}
          </SelectField>
          <SelectField label={t("organisations.fields.status")} name="status" defaultValue={v?.status ?? "active"} error={e.status}>
            {ORGANISATION_STATUSES.map((status) => <option key={status} value={status}>{t(`organisations.statuses.${status}`)}</option>)}
          </SelectField>
          <SelectField label={t("organisations.fields.accountHolder")} name="accountHolderId" defaultValue={v?.accountHolderId ?? ""} error={e.accountHolderId}>
            <option value="">{t("organisations.noAccountHolder")}</option>
            {props.accountHolders.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </SelectField>
        </div>
      </div>
      <button type="submit" className="button">{props.submitLabel}</button>
    </Form>
  );
}
