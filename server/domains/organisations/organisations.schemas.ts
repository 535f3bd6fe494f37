import { z } from "zod";
import { HEALTH_STATES, ORGANISATION_KINDS, ORGANISATION_STATUSES, TIERS } from "../../../db/schema";
import { Timestamp, Uuid } from "../../http/api-schemas";
import { SchoolYear } from "../commitments/commitments.schemas";
import { WebAddress } from "../links/links.schemas";
import { ORGANISATION_SORTS } from "../lists/list-sorts";
import { sortParams } from "../lists/lists.schemas";

const optionalText = (max: number) => z.string().trim().max(max).nullish().transform((value) => value || null);

export const KvkNumber = z.string().trim().regex(/^[0-9]{8}$/, "validation.kvk");
export const KvkBranchNumber = z.string().trim().regex(/^[0-9]{12}$/, "validation.kvkBranch");
export const BrinCode = z.string().trim().toUpperCase().regex(/^[0-9]{2}[A-Z]{2}([0-9]{2})?$/, "validation.brin");

const OrganisationFields = {
  kind: z.enum(ORGANISATION_KINDS),
  name: z.string().trim().min(1).max(200),
  kvkNumber: KvkNumber.nullish().or(z.literal("").transform(() => null)),
  kvkBranchNumber: KvkBranchNumber.nullish().or(z.literal("").transform(() => null)),
  brinCode: BrinCode.nullish().or(z.literal("").transform(() => null)),
  sector: optionalText(200),
  street: optionalText(200),
  postalCode: z.string().trim().toUpperCase().regex(/^[1-9][0-9]{3} ?[A-Z]{2}$/, "validation.postalCode").nullish(),
  city: optionalText(100),
  website: WebAddress(300).nullish(),
  subregionId: z.uuid().nullish(),
  tier: z.enum(TIERS).default("regular"),
  status: z.enum(ORGANISATION_STATUSES).default("active"),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
  accountHolderId: z.uuid().nullish(),
};

export const CreateOrganisationInput = z.object(OrganisationFields);
export type CreateOrganisationInput = z.infer<typeof CreateOrganisationInput>;

export const UpdateOrganisationInput = z
  .object({
    kind: OrganisationFields.kind,
    name: OrganisationFields.name,
    kvkNumber: OrganisationFields.kvkNumber,
    kvkBranchNumber: OrganisationFields.kvkBranchNumber,
    brinCode: OrganisationFields.brinCode,
    sector: OrganisationFields.sector,
    street: OrganisationFields.street,
    postalCode: OrganisationFields.postalCode,
    city: OrganisationFields.city,
    website: OrganisationFields.website,
    subregionId: OrganisationFields.subregionId,
    tier: z.enum(TIERS),
    status: z.enum(ORGANISATION_STATUSES),
    tags: z.array(z.string().trim().min(1).max(50)).max(30),
    accountHolderId: OrganisationFields.accountHolderId,
  })
  .partial()
  .extend({ version: z.coerce.number().int().min(1) });
export type UpdateOrganisationInput = z.infer<typeof UpdateOrganisationInput>;

export { ORGANISATION_SORTS, type OrganisationSort } from "../lists/list-sorts";

export const ListOrganisationsInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1200).optional(),
  q: z.string().trim().max(200).optional(),
  kind: z.enum(ORGANISATION_KINDS).optional(),
  tier: z.enum(TIERS).optional(),
  status: z.enum(ORGANISATION_STATUSES).optional(),
  subregionId: z.uuid().optional(),
  accountHolderId: z.uuid().optional(),
  tag: z.string().trim().max(50).optional(),
  /** A column (name, kind, city, subregion, tier, accountHolder, health — worst first —, updated) and its direction. */
  ...sortParams(ORGANISATION_SORTS, "name"),
  /** Only organisations in this health state (watched, i.e. active, organisations only). */
  health: z.enum(HEALTH_STATES).optional(),
  /** Only the relationships this vmbo school depends on in `schoolYear` (both together; decision 138): the health roll-up's drill-down. */
  schoolId: z.uuid().optional(),
  schoolYear: SchoolYear.optional(),
  /** `true` lists the archived organisations instead (to find one again and restore it). */
  archived: z.enum(["true", "false"]).transform((value) => value === "true").optional(),
});
export type ListOrganisationsInput = z.infer<typeof ListOrganisationsInput>;

export const ExportFormatInput = z.object({ format: z.enum(["csv", "xlsx"]).optional() });

/** The list's query: its filters, and `format=csv|xlsx` for the whole filtered list as a file instead of a page. */
export const ListOrganisationsQuery = ListOrganisationsInput.extend(ExportFormatInput.shape);

/** Merging: the organisation in the path stays, `duplicateId` is merged into it and archived. */
export const MergeOrganisationInput = z.object({ duplicateId: z.uuid() });

/** An organisation as the API answers it. */
export const OrganisationResponse = z.object({
  id: Uuid,
  kind: z.enum(ORGANISATION_KINDS),
  name: z.string(),
  kvkNumber: z.string().nullable(),
  kvkBranchNumber: z.string().nullable(),
  brinCode: z.string().nullable(),
  sector: z.string().nullable(),
  street: z.string().nullable(),
  postalCode: z.string().nullable(),
  city: z.string().nullable(),
  website: z.string().nullable(),
  subregionId: Uuid.nullable(),
  tier: z.enum(TIERS),
  status: z.enum(ORGANISATION_STATUSES),
  tags: z.array(z.string()),
  accountHolderId: Uuid.nullable(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: Timestamp.nullable(),
});

/** One period in which a user owned the relationship; `endedAt` is null for the current one. */
export const AccountHolderPeriodResponse = z.object({
  id: Uuid,
  userId: Uuid,
  userName: z.string(),
  startedAt: Timestamp,
  endedAt: Timestamp.nullable(),
});
