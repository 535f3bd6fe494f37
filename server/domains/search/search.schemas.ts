import { z } from "zod";
import { ORGANISATION_KINDS } from "../../../db/schema";
import { Uuid } from "../../http/api-schemas";

export const SearchInput = z.object({
  q: z.string().max(200).default(""),
  limit: z.coerce.number().int().min(1).max(50).default(8),
  organisationsCursor: z.string().max(600).optional(),
  peopleCursor: z.string().max(600).optional(),
});

/**
 * What a search finds: organisations and (for the region's staff) people, best matches first, a
 * page of each. A kind's `…NextCursor` asks for its next page; a request with a cursor answers that
 * kind only (the other list empty, its cursor null).
 */
export const SearchResponse = z.object({
  organisations: z.array(z.object({ id: Uuid, name: z.string(), kind: z.enum(ORGANISATION_KINDS), city: z.string().nullable() })),
  people: z.array(z.object({ id: Uuid, name: z.string(), organisationName: z.string().nullable() })),
  organisationsNextCursor: z.string().nullable(),
  peopleNextCursor: z.string().nullable(),
});
