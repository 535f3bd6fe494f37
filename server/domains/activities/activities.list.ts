import { sql } from "kysely";
import { schoolYearRange } from "../../../calendar/school-year";
import { ACTIVITY_STATUSES, ACTIVITY_TYPES } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import type { Database } from "../../db/database";
import { afterCursor, type ListOrder, noneLastKeys, orderByOf, orderedPage, sortKeysColumn } from "../../db/pagination";
import { activityDirection, type ActivitySort, type SortDirection } from "../lists/list-sorts";
import type { ListActivitiesInput } from "./activities.schemas";
import { type Activity, toActivity, visibleActivities } from "./activities.service";

const byDate = { expr: sql`activities.start_date`, kind: "date" } as const;
/** The partner the list names first: the activity's partners are shown A–Z. */
const FIRST_PARTNER = sql`(select min(lower(o.name)) from activity_organisations ao join organisations o on o.id = ao.organisation_id
  where ao.activity_id = activities.id and ao.role = 'partner')`;

/**
 * The orders of the activities list, each ending in the id so a keyset page is exact. The date
 * order is the start date alone (as the list always was); title, type and status fall back to the
 * start date; types and statuses in their listed order (offered, planned, done, cancelled); an
 * activity without a partner comes after the others in both directions (decision 143).
 */
function sortKeys(sort: ActivitySort, descending: boolean): ListOrder["keys"] {
  switch (sort) {
    case "date":
      return [byDate];
    case "title":
      return [{ expr: sql`lower(activities.title)`, kind: "text" }, byDate];
    case "type":
      return [{ expr: sql`array_position(${sql.val([...ACTIVITY_TYPES])}::text[], activities.type::text)`, kind: "int" }, byDate];
    case "status":
      return [{ expr: sql`array_position(${sql.val([...ACTIVITY_STATUSES])}::text[], activities.status::text)`, kind: "int" }, byDate];
    case "partner":
      return [...noneLastKeys(FIRST_PARTNER, descending), byDate];
  }
}

/**
 * The list order a sort and direction choose. `order` is the older name of the date order
 * (`newest` descending, `soonest` ascending): it decides only when the sort is the date and no
 * direction was given, so addresses that used it keep their meaning.
 */
export function activityOrder(sort: ActivitySort = "date", dir?: SortDirection, order?: "newest" | "soonest"): ListOrder {
  const direction = activityDirection(sort, dir, order);
  const descending = direction === "desc";
  return { name: `${sort}.${direction}`, keys: sortKeys(sort, descending), id: sql`activities.id`, descending };
}

/**
 * A page of activities, filtered, in the chosen order (by default the latest start first), with a
 * keyset cursor that names its order.
 */
export async function listActivities(
  db: Database,
  scope: Scope,
  filters: Omit<ListActivitiesInput, "sort" | "dir"> & { sort?: ActivitySort; dir?: SortDirection | undefined },
): Promise<{ items: Activity[]; nextCursor: string | null }> {
  const order = activityOrder(filters.sort, filters.dir, filters.order);
  let query = visibleActivities(db, scope)
    .select(sortKeysColumn(order))
    .where("activities.archived_at", "is", null)
    .orderBy(orderByOf(order))
    .limit(filters.limit + 1);
  if (filters.type) query = query.where("activities.type", "=", filters.type);
  if (filters.status) query = query.where("activities.status", "=", filters.status);
  if (filters.profile) query = query.where(sql<boolean>`activities.profiles @> array[${filters.profile}]::text[]`);
  const takesPart = (organisationId: string, role?: "partner" | "school") =>
    sql<boolean>`exists (select 1 from activity_organisations ao where ao.activity_id = activities.id and ao.organisation_id = ${organisationId}${role ? sql` and ao.role = ${role}` : sql``})`;
  if (filters.organisationId) query = query.where(takesPart(filters.organisationId));
  if (filters.schoolId) query = query.where(takesPart(filters.schoolId, "school"));
  if (filters.subregionId) {
    query = query.where(sql<boolean>`exists (select 1 from activity_organisations ao join organisations o on o.id = ao.organisation_id where ao.activity_id = activities.id and o.subregion_id = ${filters.subregionId})`);
  }
  if (filters.schoolYear) {
    const { from, until } = schoolYearRange(filters.schoolYear);
    query = query.where("activities.start_date", ">=", from).where("activities.start_date", "<=", until);
  }
  // from/to: every activity that runs on any day of the window (an internship may span months).
  if (filters.from) query = query.where("activities.end_date", ">=", filters.from);
  if (filters.to) query = query.where("activities.start_date", "<=", filters.to);
  if (filters.cursor) query = query.where(afterCursor(order, filters.cursor));
  const page = orderedPage(await query.execute(), filters.limit, order);
  return { items: page.rows.map(toActivity), nextCursor: page.nextCursor };
}
