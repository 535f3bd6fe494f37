import { Form } from "@remix-run/react";
import { useId, useState } from "react";
import { ACTIVITY_TYPES, type ActivityType } from "../../db/schema";
import { LEARNING_PATHS, TYPE_FIELDS, VMBO_PROFILES } from "../../server/domains/activities/activities.fields";
import type { FormErrors } from "../utils/forms.server";
import { useT } from "../utils/i18n";
import { Alert } from "./ui/alert";
import { CheckboxField, SelectField, TextField } from "./ui/field";

type Option = { id: string; name: string };

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
  people: Option[];
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
  const partnersId = useId();
  const schoolsId = useId();
  const multiSelect = (id: string, name: "organisationIds" | "schoolIds", options: Option[], selected: string[]) => (
    <div className="field">
      <label htmlFor={id}>{t(`activities.fields.${name}`)}</label>
      <p className="field-hint" id={`${id}-hint`}>{t("activities.multiHint")}</p>
      <select id={id} name={name} multiple size={Math.min(8, Math.max(3, options.length))} defaultValue={selected}
        aria-invalid={e[name] ? true : undefined} aria-describedby={[`${id}-hint`, e[name] ? `${id}-error` : ""].filter(Boolean).join(" ")}>
        {options.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
      </select>
      {e[name] ? <p className="field-error" id={`${id}-error`} role="alert">{e[name]}</p> : null}
    </div>
  );
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
          {multiSelect(partnersId, "organisationIds", props.partners, v.organisationIds)}
          {multiSelect(schoolsId, "schoolIds", props.schools, v.schoolIds)}
        </div>
        <div>
          {personField ? (
            <SelectField label={t("activities.fields.person")} name={personField} defaultValue={v[personField] ?? ""} error={e[personField]}>
              <option value="">—</option>
              {props.people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </SelectField>
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
