import { z } from "zod";
import { END_REASONS, LAWFUL_BASES } from "../../../db/schema";
import { CalendarDay, Timestamp, Uuid } from "../../http/api-schemas";
import { PEOPLE_SORTS } from "../lists/list-sorts";
import { sortParams } from "../lists/lists.schemas";

/** An empty form field means "not given": it clears an optional value rather than failing validation. */
const blankIsNull = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? null : value), schema.nullable()).optional();

export const PersonEmail = z.string().trim().toLowerCase().max(254).pipe(z.email());

// No defaults here: the update schema is these fields made partial, and a default there would
// silently overwrite a value the client did not send.
const PersonFields = {
  name: z.string().trim().min(1).max(200),
  email: blankIsNull(PersonEmail),
  phone: blankIsNull(z.string().trim().max(50)),
  lawfulBasis: z.enum(LAWFUL_BASES),
  source: blankIsNull(z.string().trim().max(200)),
  optOut: z.boolean(),
  reviewDate: blankIsNull(CalendarDay),
};

export const CreatePersonInput = z.object({
  ...PersonFields,
  lawfulBasis: PersonFields.lawfulBasis.default("legitimate_interest"),
  optOut: PersonFields.optOut.default(false),
});
export type CreatePersonInput = z.infer<typeof CreatePersonInput>;

export const UpdatePersonInput = z
  .object(PersonFields)
  .partial()
  .extend({ version: z.coerce.number().int().min(1) });
export type UpdatePersonInput = z.infer<typeof UpdatePersonInput>;

const yesNo = z.enum(["true", "false"]).transform((value) => value === "true");

export const ListPeopleInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1200).optional(),
  q: z.string().trim().max(200).optional(),
  /** Only people with a current job at this organisation. */
  organisationId: z.uuid().optional(),
  /** Only people with a current job at an organisation whose name contains this (case and accents ignored). */
  organisation: z.string().trim().max(200).optional(),
  /** `true`: only people with an email address; `false`: only people without one. */
  hasEmail: yesNo.optional(),
  /** `true`: only people whose every job has ended; `false`: only people with a current job. */
  left: yesNo.optional(),
  /** A column (name, organisation — where they work now —, email) and its direction. */
  ...sortParams(PEOPLE_SORTS, "name"),
});
export type ListPeopleInput = z.infer<typeof ListPeopleInput>;

/** A new job. Without `startDate` the caller fills in today (the clock's, so SCHAKEL_NOW holds). */
export const AddAffiliationInput = z.object({
  organisationId: z.uuid(),
  role: blankIsNull(z.string().trim().max(200)),
  isPrimary: z.boolean().default(false),
  startDate: CalendarDay.optional(),
});
export type AddAffiliationInput = z.infer<typeof AddAffiliationInput>;

/** Ending a job. Without `endDate` the caller fills in today. */
export const EndAffiliationInput = z
  .object({
    endDate: CalendarDay.optional(),
    endReason: z.enum(END_REASONS),
    // Who takes over: a person already known (`successorPersonId`), a new one (`successorName`), or
    // neither: "not known yet", which gives the owner a follow-up when the primary or last contact leaves.
    successorPersonId: blankIsNull(z.uuid()),
    successorName: blankIsNull(z.string().trim().min(1).max(200)),
    /**
     * Where someone who left went, when the reporter knows (a name only, decision 142): followed as a
     * lead, or news for the owner of the partner of that name. Only with endReason 'left_organisation'.
     */
    newEmployerName: blankIsNull(z.string().trim().min(1).max(200)),
  })
  .refine((value) => !(value.successorPersonId && value.successorName), { path: ["successorName"], message: "validation.oneSuccessor" })
  .refine((value) => !value.newEmployerName || value.endReason === "left_organisation", { path: ["newEmployerName"], message: "validation.newEmployerOnlyWhenLeft" });
export type EndAffiliationInput = z.infer<typeof EndAffiliationInput>;

/** Someone changes employer: their job at `fromOrganisationId` ends on `date` and one at `toOrganisationId` starts that day. */
export const MoveToOrganisationInput = z
  .object({
    fromOrganisationId: z.uuid(),
    toOrganisationId: z.uuid(),
    date: CalendarDay.optional(),
    role: blankIsNull(z.string().trim().max(200)),
    isPrimary: z.boolean().default(false),
  })
  .refine((value) => value.fromOrganisationId !== value.toOrganisationId, { message: "validation.invalid", path: ["toOrganisationId"] });
export type MoveToOrganisationInput = z.infer<typeof MoveToOrganisationInput>;

/**
 * A new job for someone, whether or not they still hold one: their open jobs end on `endDate`
 * (without it the day the new one starts) and the new one starts on `startDate` (without it today).
 */
export const NewJobInput = z
  .object({
    organisationId: z.uuid().optional().or(z.literal("").transform(() => undefined)),
    /** A new employer that is not in Schakel yet: no job is recorded, the move becomes a lead ("Kansen", decision 129). */
    organisationName: blankIsNull(z.string().trim().max(200)),
    role: blankIsNull(z.string().trim().max(200)),
    isPrimary: z.boolean().default(false),
    startDate: CalendarDay.optional(),
    endDate: blankIsNull(CalendarDay),
  })
  .refine((value) => Boolean(value.organisationId) !== Boolean(value.organisationName), { path: ["organisationId"], message: "validation.newJobWhere" });
export type NewJobInput = z.infer<typeof NewJobInput>;

/** A new contact person at an organisation in one step (the organisation page's form). */
export const AddContactInput = z.object({
  name: PersonFields.name,
  email: PersonFields.email,
  phone: PersonFields.phone,
  role: blankIsNull(z.string().trim().max(200)),
  isPrimary: z.boolean().default(false),
});
export type AddContactInput = z.infer<typeof AddContactInput>;

/** A partner creates a person together with their job at its own organisation: a person of no organisation would be out of its sight at once. */
export const PartnerCreatePersonInput = AddContactInput.extend({ organisationId: z.uuid() });

/** Merging: the person in the path stays, `duplicateId` is merged into them and archived. */
export const MergePersonInput = z.object({ duplicateId: z.uuid() });
export type MergePersonInput = z.infer<typeof MergePersonInput>;

/** A person as the API answers them. */
export const PersonResponse = z.object({
  id: Uuid,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  lawfulBasis: z.enum(LAWFUL_BASES),
  source: z.string().nullable(),
  optOut: z.boolean(),
  reviewDate: CalendarDay.nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: Timestamp.nullable(),
});

/** A person as the list answers it: with the organisation they work at now (their primary job first). */
export const PersonListItemResponse = PersonResponse.extend({ organisationName: z.string().nullable() });

/** A job: who, where, from when to when and why it ended (`endedAt`: when that was recorded). */
export const AffiliationResponse = z.object({
  id: Uuid,
  personId: Uuid,
  organisationId: Uuid,
  organisationName: z.string(),
  role: z.string().nullable(),
  isPrimary: z.boolean(),
  startDate: CalendarDay,
  endDate: CalendarDay.nullable(),
  endReason: z.enum(END_REASONS).nullable(),
  endedAt: Timestamp.nullable(),
});

/** A person with every job they held, newest first. */
export const PersonWithAffiliationsResponse = PersonResponse.extend({ affiliations: z.array(AffiliationResponse) });

/** A change of employer: the jobs that ended and the one that started. */
/** A move: `leadId` names the lead it became when the new employer is not a partner of the region (decision 142). */
export const MovedResponse = z.object({ ended: z.array(AffiliationResponse), started: AffiliationResponse, leadId: z.uuid().nullable() });
/** A new job: `started` is null when the new employer is not in Schakel yet; then `leadId` names the lead it became. */
export const NewJobResponse = z.object({ ended: z.array(AffiliationResponse), started: AffiliationResponse.nullable(), leadId: z.uuid().nullable() });
