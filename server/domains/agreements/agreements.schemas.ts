import { z } from "zod";
import { AGREEMENT_KINDS } from "../../../db/schema";
import { CalendarDay as ResponseDay, Timestamp } from "../../http/api-schemas";
import { DocumentResponse } from "../documents/documents.schemas";

// Browser-safe: the agreement form and the API apply the same rules.

const CalendarDay = z.iso.date("agreements.validation.date");
const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((value) => value || null);

const AgreementFields = {
  kind: z.enum(AGREEMENT_KINDS),
  title: z.string({ error: "validation.required" }).trim().min(1, "validation.required").max(200),
  /** The parties: organisations of the region, at least one. */
  organisationIds: z.array(z.uuid({ error: "agreements.validation.parties" })).min(1, "agreements.validation.parties").max(50),
  signedOn: CalendarDay,
  expiresOn: CalendarDay.nullish(),
  ownerId: z.uuid({ error: "agreements.validation.owner" }).nullish(),
  notes: optionalText(2000),
};

export const CreateAgreementInput = z.object(AgreementFields);
export type CreateAgreementInput = z.infer<typeof CreateAgreementInput>;

export const UpdateAgreementInput = z.object(AgreementFields).partial().extend({ version: z.coerce.number().int().min(1) });
export type UpdateAgreementInput = z.infer<typeof UpdateAgreementInput>;

export const ListAgreementsInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
  organisationId: z.uuid().optional(),
  kind: z.enum(AGREEMENT_KINDS).optional(),
  /** Only agreements that expire from today up to this many days ahead (60: the reminder's window). */
  expiringWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
});
export type ListAgreementsInput = z.infer<typeof ListAgreementsInput>;

/** How many days before its expiry the owner and the penvoerder hear about an agreement (issue 6, item 3). */
export const AGREEMENT_REMINDER_DAYS = 60;

/** An agreement as the API answers it, with its parties and the signed document (GET /documents/{id}). */
export const AgreementResponse = z.object({
  id: z.uuid(),
  kind: z.enum(AGREEMENT_KINDS),
  title: z.string(),
  organisationIds: z.array(z.uuid()),
  organisations: z.array(z.object({ id: z.uuid(), name: z.string() })),
  signedOn: ResponseDay,
  expiresOn: ResponseDay.nullable(),
  documentId: z.uuid().nullable(),
  document: DocumentResponse.nullable(),
  ownerId: z.uuid().nullable(),
  ownerName: z.string().nullable(),
  notes: z.string().nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: Timestamp.nullable(),
});
