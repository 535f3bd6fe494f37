import type { SavedViewList } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { assertCan } from "../../auth/permissions";
import type { Database, Tx } from "../../db/database";
import { assertStillCurrent, updatedOne } from "../../db/versioned";
import { AppError, notFound } from "../../errors";
import { parseInput, validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { ActivitiesViewQuery } from "../activities/activities.schemas";
import { ListOrganisationsInput } from "../organisations/organisations.schemas";
import { ListPeopleInput } from "../people/people.schemas";
import type { CreateSavedViewInput, UpdateSavedViewInput } from "./saved-views.schemas";

export type SavedView = {
  id: string;
  list: SavedViewList;
  name: string;
  query: string;
  shared: boolean;
  createdBy: string;
  createdByName: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
};

/** Each list's own query schema: a view is stored only as what that list would accept. */
const LIST_SCHEMAS = { organisations: ListOrganisationsInput, people: ListPeopleInput, activities: ActivitiesViewQuery } as const;
/** Where a list is, not what it shows: never part of a view. */
const NOT_STORED = new Set(["limit", "cursor", "format", "undo"]);

/**
 * A list's query string as a view stores it: only the list's own filters and sort, each as the
 * list's schema reads it (an unknown sort becomes the default), in the schema's order, so the same
 * filters always give the same text. A filter the list refuses refuses the view (field `query`).
 */
export function normaliseViewQuery(list: SavedViewList, query: string): string {
  const schema = LIST_SCHEMAS[list];
  const given: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query.replace(/^\?/, ""))) {
    if (key in schema.shape && !NOT_STORED.has(key) && value.trim() !== "") given[key] = value;
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parseInput(schema, given);
  } catch (error) {
    if (error instanceof AppError && error.code === "VALIDATION_FAILED") throw validationFailed({ query: "savedViews.invalidQuery" });
    throw error;
  }
  const normal = new URLSearchParams();
  for (const key of Object.keys(schema.shape)) {
    const value = parsed[key];
    if (!(key in given) || value === undefined || value === null) continue;
    normal.set(key, String(value));
  }
  return normal.toString();
}

function views(db: Database, scope: Scope, options: { evenPrivate?: boolean } = {}) {
  const query = db
    .selectFrom("saved_views")
    .innerJoin("users", "users.id", "saved_views.created_by")
    .select([
      "saved_views.id", "saved_views.list", "saved_views.name", "saved_views.query", "saved_views.shared",
      "saved_views.created_by as createdBy", "users.name as createdByName", "saved_views.version",
      "saved_views.created_at as createdAt", "saved_views.updated_at as updatedAt", "saved_views.archived_at as archivedAt",
    ])
    .where("saved_views.region_id", "=", scope.regionId);
  // A view is its creator's, or the region's when shared; nobody else learns it exists. (After an
  // admin made someone's shared view private, the answer to that change still names it.)
  return options.evenPrivate ? query : query.where((eb) => eb.or([eb("saved_views.created_by", "=", scope.userId), eb("saved_views.shared", "=", true)]));
}

/** The views a staff member can open: their own and those shared in the region, not archived, by name. */
export async function listSavedViews(db: Database, scope: Scope, list?: SavedViewList): Promise<SavedView[]> {
  let query = views(db, scope).where("saved_views.archived_at", "is", null).orderBy("saved_views.name").orderBy("saved_views.id");
  if (list) query = query.where("saved_views.list", "=", list);
  return query.execute();
}

async function requireView(db: Database, scope: Scope, id: string, options: { lock?: boolean; evenPrivate?: boolean } = {}): Promise<SavedView> {
  const view = await views(db, scope, options).where("saved_views.id", "=", id).$if(options.lock === true, (q) => q.forUpdate("saved_views")).executeTakeFirst();
  if (!view) throw notFound("Saved view");
  return view;
}

/** Saves a list's filters and sort under a name, for the saver or shared with the region. */
export async function createSavedView(trx: Tx, scope: Scope, input: CreateSavedViewInput, meta: ChangeStamp): Promise<SavedView> {
  assertCan(scope, "view.save");
  const query = normaliseViewQuery(input.list, input.query);
  const { id } = await trx
    .insertInto("saved_views")
    .values({ region_id: scope.regionId, list: input.list, name: input.name, query, created_by: scope.userId, shared: input.shared, created_at: meta.now, updated_at: meta.now })
    .returning("id")
    .executeTakeFirstOrThrow();
  const view = await requireView(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "saved_view.create", entityType: "saved_view", entityId: id, after: view, now: meta.now });
  return view;
}

/** Renames a view or changes whether it is shared; a stale version changes nothing (409). */
export async function updateSavedView(trx: Tx, scope: Scope, id: string, input: UpdateSavedViewInput, meta: ChangeStamp): Promise<SavedView> {
  const before = await requireView(trx, scope, id, { lock: true });
  if (before.archivedAt) throw notFound("Saved view");
  assertCan(scope, "view.save", { kind: "savedView", createdBy: before.createdBy });
  assertStillCurrent(before.version === input.version, "saved view");
  const result = await trx
    .updateTable("saved_views")
    .set({ ...(input.name !== undefined ? { name: input.name } : {}), ...(input.shared !== undefined ? { shared: input.shared } : {}), version: before.version + 1, updated_at: meta.now })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .executeTakeFirst();
  assertStillCurrent(updatedOne(result), "saved view");
  const after = await requireView(trx, scope, id, { evenPrivate: true });
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "saved_view.update", entityType: "saved_view", entityId: id, before, after, now: meta.now });
  return after;
}

/** Archives a view: it leaves every list of views; its creator or an admin may. */
export async function archiveSavedView(trx: Tx, scope: Scope, id: string, meta: ChangeStamp): Promise<SavedView> {
  const before = await requireView(trx, scope, id, { lock: true });
  if (before.archivedAt) throw notFound("Saved view");
  assertCan(scope, "view.save", { kind: "savedView", createdBy: before.createdBy });
  await trx
    .updateTable("saved_views")
    .set({ archived_at: meta.now, version: before.version + 1, updated_at: meta.now })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .execute();
  const after = await requireView(trx, scope, id, { evenPrivate: true });
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "saved_view.archive", entityType: "saved_view", entityId: id, before, after, now: meta.now });
  return after;
}
