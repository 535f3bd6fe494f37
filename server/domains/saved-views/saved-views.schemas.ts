import { z } from "zod";
import { SAVED_VIEW_LISTS } from "../../../db/schema";
import { Timestamp, Uuid } from "../../http/api-schemas";

const ViewName = z.string().trim().min(1).max(80);
/** A form's checkbox ("on") or JSON's true. */
const Flag = z.union([z.boolean(), z.enum(["on", "true", "false"]).transform((value) => value !== "false")]);

/**
 * A new view: the list's query string as the list shows it (`?tier=strategic&sort=health`, with or
 * without the `?`). It is checked and normalised by the list's own schema before it is stored.
 */
export const CreateSavedViewInput = z.object({
  list: z.enum(SAVED_VIEW_LISTS),
  name: ViewName,
  query: z.string().max(2000).default(""),
  shared: Flag.default(false),
});
export type CreateSavedViewInput = z.infer<typeof CreateSavedViewInput>;

/** Rename a view, or share it or keep it to oneself, with the version read. */
export const UpdateSavedViewInput = z.object({
  name: ViewName.optional(),
  shared: Flag.optional(),
  version: z.coerce.number().int().min(1),
});
export type UpdateSavedViewInput = z.infer<typeof UpdateSavedViewInput>;

export const ListSavedViewsInput = z.object({ list: z.enum(SAVED_VIEW_LISTS).optional() });

/** A saved view as the API answers it: `query` is the normalised query string, without the `?`. */
export const SavedViewResponse = z.object({
  id: Uuid,
  list: z.enum(SAVED_VIEW_LISTS),
  name: z.string(),
  query: z.string(),
  shared: z.boolean(),
  createdBy: Uuid,
  createdByName: z.string(),
  version: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  archivedAt: Timestamp.nullable(),
});

export const SavedViewListResponse = z.object({ items: z.array(SavedViewResponse) });
