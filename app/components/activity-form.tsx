import { Form } from "@remix-run/react";
import { useId, useMemo, useState } from "react";
import { ACTIVITY_TYPES, type ActivityType } from "../../db/schema";
import { LEARNING_PATHS, TYPE_FIELDS, VMBO_PROFILES } from "../../server/domains/activities/activities.fields";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { Alert } from "./ui/alert";
import { Combobox, type ComboboxOption } from "./ui/combobox";
import { CheckboxField, SelectField, TextField } from "./ui/field";

type Option = { id: string; name: string };
/** A current contact person of an organisation: a person is offered as speaker once one of theirs is chosen as partner. */
export type ActivityContact = { personId: string; name: string; organisationId: string };

/**
 * The people offered as speaker or supervisor: the contact persons of the chosen partners (of every
 * partner while none is chosen), each with the organisation it works for.
 */
export function speakerOptions(contacts: readonly ActivityContact[], partners: readonly Option[], chosenPartnerIds: readonly string[]): ComboboxOption[] {
  const partnerName = new Map(partners.map((p) => [p.id, p.name]));
  const from = chosenPartnerIds.length ? contacts.filter((c) => chosenPartnerIds.includes(c.organisationId)) : contacts.filter((c) => partnerName.has(c.organisationId));
  const people = new Map<string, { name: string; organisations: string[] }>();
  for (const contact of from) {
    const person = people.get(contact.personId) ?? { name: contact.name, organisations: [] };
    person.organisations.push(partnerName.get(contact.organisationId) ?? "");
    people.set(contact.personId, person);
  }
  return [...people].map(([id, person]) => ({ id, name: person.name, hint: person.organisations.filter(Boolean).join(", ") }))
    .sort((a, b) => a.name.localeCompare(b.name, "nl"));
}

export type ActivityFormValues = {
  type: ActivityType;
  title: string;
  description: string | null;
  startDate: string;
  endDate: string | null;
  startTime: string | null;
  endTime: string | null;
  status: string;
  organisationIds: string[];
  schoolIds: string[];
  profiles: string[];
  learningPaths: string[];
  hours: number | null;
  pupilsReached: number | null;
  teachersInvolved: number | null;
  placesOffered: number | null;
  placesFilled: number | null;
  speakerPersonId: string | null;
  supervisorPersonId: string | null;
  className: string | null;
  topic: string | null;
  location: string | null;
  sharedWithRegionIds: string[];
  version?: number;
};

/**
 * An activity's fields, for creating and for changing. The fields of other types are hidden as the
 * type changes; the server refuses them anyway, so the form cannot send what a type does not take.
 */
export function ActivityForm(props: {
  values: ActivityFormValues;
  errors?: FormErrors | undefined;
  partners: Option[];
  schools: Option[];
  /** The current contact persons of the region's organisations, to offer those of the chosen partners. */
  contacts: ActivityContact[];
  /** The chosen speaker or supervisor, when not (or no longer) a current contact of a chosen partner. */
  currentPerson?: Option | null | undefined;
  /** Other regions this activity can be opened to (a teacher training, an event). */
  regions: Option[];
  submitLabel: string;
  isNew: boolean;
}) {
  const t = useT();
  const v = props.values;
  const e = props.errors?.fields ?? {};
  const [type, setType] = useState<ActivityType>(v.type);
  const takes = TYPE_FIELDS[type];
  const personField = takes.includes("speakerPersonId") ? "speakerPersonId" : takes.includes("supervisorPersonId") ? "supervisorPersonId" : null;
  const descriptionId = useId();
  const [partnerIds, setPartnerIds] = useState<string[]>(v.organisationIds);
  const people = useMemo(() => {
    const offered = speakerOptions(props.contacts, props.partners, partnerIds);
    const current = props.currentPerson;
    return current && !offered.some((o) => o.id === current.id) ? [current, ...offered] : offered;
  }, [props.contacts, props.partners, props.currentPerson, partnerIds]);
  return (
    <Form method="post" className="card" noValidate>
      <input type="hidden" name="intent" value="save" />
      {v.version ? <input type="hidden" name="version" value={v.version} /> : null}
      {props.errors?.formError ? <Alert tone="error">{props.errors.formError}</Alert> : null}
      <div className="grid-2">
        <div>
          <SelectField label={t("activities.fields.type")} name="type" value={type} onChange={(event) => setType(event.currentTarget.value as ActivityType)} error={e.type}>
            {ACTIVITY_TYPES.map((option) => <option key={option} value={option}>{t(`activities.types.${option}`)}</option>)}
          </SelectField>
          <TextField label={t("activities.fields.title")} name="title" required defaultValue={v.title} error={e.title} />
          <div className="field">
            <label htmlFor={descriptionId}>{t("activities.fields.description")}</label>
            <textarea id={descriptionId} name="description" defaultValue={v.description ?? ""} />
          </div>
          {props.isNew ? (
            <SelectField label={t("activities.fields.status")} name="status" defaultValue={v.status} error={e.status}>
              {(["planned", "offered", "done"] as const).map((status) => <option key={status} value={status}>{t(`activities.statuses.${status}`)}</option>)}
            </SelectField>
          ) : null}
          <div className="grid-2">
            <TextField label={t("activities.fields.startDate")} name="startDate" type="date" required defaultValue={v.startDate} error={e.startDate} />
            <TextField label={t("activities.fields.endDate")} name="endDate" type="date" defaultValue={v.endDate ?? ""} error={e.endDate} />
            <TextField label={t("activities.fields.startTime")} name="startTime" type="time" defaultValue={v.startTime ?? ""} error={e.startTime} />
            <TextField label={t("activities.fields.endTime")} name="endTime" type="time" defaultValue={v.endTime ?? ""} error={e.endTime} />
          </div>
          <Combobox label={t("activities.fields.organisationIds")} name="organisationIds" multiple options={props.partners} defaultValue={v.organisationIds} onChange={setPartnerIds} error={e.organisationIds} />
          <Combobox label={t("activities.fields.schoolIds")} name="schoolIds" multiple options={props.schools} defaultValue={v.schoolIds} error={e.schoolIds} />
        </div>
        <div>
          {personField ? (
            <Combobox key={personField} label={t("activities.fields.person")} name={personField} options={people} defaultValue={v[personField]}
              hint={t("activities.personHint")} noOptionsText={t("activities.noContacts")} error={e[personField]} />
          ) : null}
          {takes.includes("className") ? <TextField label={t("activities.fields.className")} name="className" defaultValue={v.className ?? ""} error={e.className} /> : null}
          {takes.includes("topic") ? <TextField label={t("activities.fields.topic")} name="topic" defaultValue={v.topic ?? ""} error={e.topic} /> : null}
          {takes.includes("location") ? <TextField label={t("activities.fields.location")} name="location" defaultValue={v.location ?? ""} error={e.location} /> : null}
          <div className="grid-2">
            <TextField label={t("activities.fields.placesOffered")} name="placesOffered" inputMode="numeric" defaultValue={v.placesOffered ?? ""} error={e.placesOffered} />
            <TextField label={t("activities.fields.placesFilled")} name="placesFilled" inputMode="numeric" defaultValue={v.placesFilled ?? ""} error={e.placesFilled} />
            <TextField label={t("activities.fields.pupilsReached")} name="pupilsReached" inputMode="numeric" defaultValue={v.pupilsReached ?? ""} error={e.pupilsReached} />
            <TextField label={t("activities.fields.teachersInvolved")} name="teachersInvolved" inputMode="numeric" defaultValue={v.teachersInvolved ?? ""} error={e.teachersInvolved} />
            <TextField label={t("activities.fields.hours")} name="hours" inputMode="decimal" defaultValue={v.hours ?? ""} error={e.hours} />
          </div>
          <fieldset className="checkbox-group">
            <legend>{t("activities.fields.profiles")}</legend>
            {VMBO_PROFILES.map((profile) => <CheckboxField key={profile} label={profile} name="profiles" value={profile} defaultChecked={v.profiles.includes(profile)} />)}
            {e.profiles ? <p className="field-error" role="alert">{e.profiles}</p> : null}
          </fieldset>
          <fieldset className="checkbox-group">
            <legend>{t("activities.fields.learningPaths")}</legend>
            {LEARNING_PATHS.map((path) => <CheckboxField key={path} label={path} name="learningPaths" value={path} defaultChecked={v.learningPaths.includes(path)} />)}
          </fieldset>
          {props.regions.length ? (
            <fieldset className="checkbox-group">
              <legend>{t("activities.fields.sharedWithRegionIds")}</legend>
              <p className="field-hint">{t("activities.sharingHint")}</p>
              {props.regions.map((region) => <CheckboxField key={region.id} label={region.name} name="sharedWithRegionIds" value={region.id} defaultChecked={v.sharedWithRegionIds.includes(region.id)} />)}
              {e.sharedWithRegionIds ? <p className="field-error" role="alert">{e.sharedWithRegionIds}</p> : null}
            </fieldset>
          ) : null}
        </div>
      </div>
      <button type="submit" className="button">{props.submitLabel}</button>
    </Form>
  );
}
