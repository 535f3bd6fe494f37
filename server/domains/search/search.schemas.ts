import { z } from "zod";
import { ORGANISATION_KINDS } from "../../../db/schema";
import { Uuid } from "../../http/api-schemas";

export const SearchInput = z.object({ q: z.string().max(200).default(""), limit: z.coerce.number().int().min(1).max(50).default(8) });

/** What a search finds: organisations and (for the region's staff) people, best matches first. */
export const SearchResponse = z.object({
  organisations: z.array(z.object({ id: Uuid, name: z.string(), kind: z.enum(ORGANISATION_KINDS), city: z.string().nullable() })),
  people: z.array(z.object({ id: Uuid, name: z.string(), organisationName: z.string().nullable() })),
});
