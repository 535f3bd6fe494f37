import { sql } from "kysely";
import type { ActivityStatus, ActivityType } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import type { Database } from "../../db/database";

/** An activity as the start page lists it: what it is, when, and with whom. */
export type OwnedActivity = {
  id: string;
  type: ActivityType;
  title: string;
  status: ActivityStatus;
  startDate: string;
  endDate: string;
  startTime: string | null;
  organisationNames: string[];
  partnerNames: string[];
};

/** Takes part with an organisation the user is the account holder of (as a partner, or either way). */
const onOwnOrganisation = (userId: string, role?: "partner") => sql<boolean>`exists (
  select 1 from activity_organisations ao join organisations o on o.id = ao.organisation_id
   where ao.activity_id = activities.id and o.account_holder_id = ${userId}${role ? sql` and ao.role = ${role}` : sql``})`;

function ownedActivities(db: Database, scope: Scope, userId: string, role?: "partner") {
  return db
    .selectFrom("activities")
    .select([
      "activities.id", "activities.type", "activities.title", "activities.status",
      "activities.start_date as startDate", "activities.end_date as endDate",
      sql<string | null>`to_char(activities.start_time, 'HH24:MI')`.as("startTime"),
      sql<string[]>`coalesce((select array_agg(o.name order by ao.role, lower(o.name))
        from activity_organisations ao join organisations o on o.id = ao.organisation_id
       where ao.activity_id = activities.id), '{}')`.as("organisationNames"),
      sql<string[]>`coalesce((select array_agg(o.name order by lower(o.name))
        from activity_organisations ao join organisations o on o.id = ao.organisation_id
       where ao.activity_id = activities.id and ao.role = 'partner'), '{}')`.as("partnerNames"),
    ])
    .where("activities.region_id", "=", scope.regionId)
    .where("activities.archived_at", "is", null)
    .where(onOwnOrganisation(userId, role));
}

/**
 * Partners' offers waiting for the account holder's decision: offered activities of a partner she
 * holds, the soonest first. A partner's offer reaches the school through this, not a filter.
 */
export async function listOffersAwaiting(db: Database, scope: Scope, userId: string, options: { limit: number } = { limit: 5 }): Promise<OwnedActivity[]> {
  return ownedActivities(db, scope, userId, "partner")
    .where("activities.status", "=", "offered")
    .orderBy("activities.start_date")
    .orderBy("activities.id")
    .limit(options.limit)
    .execute();
}

/** How many offers wait for the account holder's decision (the navigation's count). */
export async function countOffersAwaiting(db: Database, scope: Scope, userId: string): Promise<number> {
  const row = await db
    .selectFrom("activities")
    .select(sql<number>`count(*)::int`.as("count"))
    .where("activities.region_id", "=", scope.regionId)
    .where("activities.archived_at", "is", null)
    .where("activities.status", "=", "offered")
    .where(onOwnOrganisation(userId, "partner"))
    .executeTakeFirstOrThrow();
  return row.count;
}

/** The account holder's activities that run on any day between `from` and `to` (her week), soonest first; cancelled ones left out. */
export async function listOwnActivitiesBetween(db: Database, scope: Scope, userId: string, range: { from: string; to: string; limit?: number }): Promise<OwnedActivity[]> {
  return ownedActivities(db, scope, userId)
    .where("activities.status", "<>", "cancelled")
    .where("activities.end_date", ">=", range.from)
    .where("activities.start_date", "<=", range.to)
    .orderBy("activities.start_date")
    .orderBy(sql`activities.start_time nulls first`)
    .orderBy("activities.id")
    .limit(range.limit ?? 10)
    .execute();
}
