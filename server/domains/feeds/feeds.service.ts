import ical, { ICalEventStatus } from "ical-generator";
import { sql } from "kysely";
import { type Locale, translator } from "../../../i18n";
import { addDays } from "../../../calendar/days";
import type { Scope } from "../../auth/current-user";
import { generateSecret, hashSecret } from "../../auth/secrets";
import { toLocalDate } from "../../clock";
import type { Database } from "../../db/database";
import { AppError } from "../../errors";
import { recordAudit } from "../audit/audit";
import { can } from "../../auth/permissions";

const FEED_PREFIX = "cal_";
// What a calendar app needs: the recent past and the year ahead.
const PAST_DAYS = 180;
const FUTURE_DAYS = 400;

export type FeedOwner = { kind: "user" } | { kind: "region" };

function assertMayManage(scope: Scope, owner: FeedOwner) {
  if (owner.kind === "region" && !can(scope, "region.manage")) throw new AppError("FORBIDDEN", "Only an admin manages the region's calendar feed");
}

const feedsOf = (db: Database, scope: Scope, owner: FeedOwner) => {
  const query = db.selectFrom("calendar_feeds").where("region_id", "=", scope.regionId).where("revoked_at", "is", null);
  return owner.kind === "user" ? query.where("user_id", "=", scope.userId) : query.where("user_id", "is", null);
};

/** Whether a feed address exists, and since when; the address itself is shown only when made. */
export async function getFeedStatus(db: Database, scope: Scope, owner: FeedOwner) {
  const feed = await feedsOf(db, scope, owner).select(["id", "created_at as createdAt"]).executeTakeFirst();
  return feed ?? null;
}

/**
 * Makes a new private feed address, revoking the previous one (a leaked address is fixed by making
 * a new one). Only a hash of its secret is stored; the caller shows the address once.
 */
export async function createFeed(db: Database, scope: Scope, owner: FeedOwner, meta: { now: Date; appUrl: string }) {
  assertMayManage(scope, owner);
  await revokeFeed(db, scope, owner, meta);
  const token = `${FEED_PREFIX}${generateSecret(30)}`;
  const feed = await db
    .insertInto("calendar_feeds")
    .values({ region_id: scope.regionId, user_id: owner.kind === "user" ? scope.userId : null, token_hash: hashSecret(token), created_by: scope.userId, created_at: meta.now })
    .returning(["id", "created_at as createdAt"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, { regionId: scope.regionId, actorId: scope.userId, action: "feed.create", entityType: owner.kind === "user" ? "user" : "region", entityId: owner.kind === "user" ? scope.userId : scope.regionId, after: { feedId: feed.id }, now: meta.now });
  return { ...feed, url: `${meta.appUrl}/feeds/${token}.ics` };
}

export async function revokeFeed(db: Database, scope: Scope, owner: FeedOwner, meta: { now: Date }) {
  assertMayManage(scope, owner);
  const revoked = await feedsOf(db, scope, owner).select("id").execute();
  if (!revoked.length) return;
  await db.updateTable("calendar_feeds").set({ revoked_at: meta.now }).where("id", "in", revoked.map((feed) => feed.id)).execute();
  await recordAudit(db, { regionId: scope.regionId, actorId: scope.userId, action: "feed.revoke", entityType: owner.kind === "user" ? "user" : "region", entityId: owner.kind === "user" ? scope.userId : scope.regionId, now: meta.now });
}

type FeedActivity = {
  id: string; type: string; title: string; description: string | null; startDate: string; endDate: string;
  startTime: string | null; endTime: string | null; status: string; version: number; updatedAt: Date; organisations: string | null;
};

/**
 * The iCalendar text behind a feed address, or null when the address is unknown, revoked or its
 * user deactivated (answered as 404: nothing is revealed). A user's feed holds the activities they
 * are involved in — of organisations they own, or that they entered; a partner's those of its
 * organisation; the region's feed all of the region's.
 */
export async function renderFeed(db: Database, token: string, meta: { now: Date; appUrl: string }): Promise<string | null> {
  if (!token.startsWith(FEED_PREFIX)) return null;
  const feed = await db
    .selectFrom("calendar_feeds")
    .innerJoin("regions", "regions.id", "calendar_feeds.region_id")
    .leftJoin("users", "users.id", "calendar_feeds.user_id")
    .select(["calendar_feeds.region_id as regionId", "calendar_feeds.user_id as userId", "users.active", "users.role", "users.organisation_id as organisationId", "users.locale", "users.name as userName", "regions.name as regionName"])
    .where("calendar_feeds.token_hash", "=", hashSecret(token))
    .where("calendar_feeds.revoked_at", "is", null)
    .executeTakeFirst();
  if (!feed || (feed.userId && !feed.active)) return null;
  const today = toLocalDate(meta.now);
  const involvement = !feed.userId
    ? sql<boolean>`true`
    : feed.role === "partner"
      ? sql<boolean>`exists (select 1 from activity_organisations ao where ao.activity_id = a.id and ao.organisation_id = ${feed.organisationId})`
      : sql<boolean>`(a.created_by = ${feed.userId} or exists (
          select 1 from activity_organisations ao join organisations o on o.id = ao.organisation_id
          where ao.activity_id = a.id and o.account_holder_id = ${feed.userId}))`;
  const rows = await sql<FeedActivity>`
    select a.id, a.type, a.title, a.description, a.start_date as "startDate", a.end_date as "endDate",
      a.start_time::text as "startTime", a.end_time::text as "endTime", a.status, a.version, a.updated_at as "updatedAt",
      (select string_agg(o.name, ', ' order by o.name) from activity_organisations ao join organisations o on o.id = ao.organisation_id
        where ao.activity_id = a.id) as organisations
    from activities a
    where a.region_id = ${feed.regionId} and a.archived_at is null
      and a.end_date >= ${today}::date - ${PAST_DAYS}::int and a.start_date <= ${today}::date + ${FUTURE_DAYS}::int
      and ${involvement}
    order by a.start_date, a.id`.execute(db);

  // What other regions opened to this one: only what a calendar shows (not to partners, who see their own only).
  const shared = feed.role === "partner" ? { rows: [] as Array<FeedActivity & { regionName: string }> } : await sql<FeedActivity & { regionName: string }>`
    select a.id, a.type, a.title, null as description, a.start_date as "startDate", a.end_date as "endDate",
      a.start_time::text as "startTime", a.end_time::text as "endTime", a.status, a.version, a.updated_at as "updatedAt",
      null as organisations, r.name as "regionName"
    from activities a join regions r on r.id = a.region_id
    where a.region_id <> ${feed.regionId} and ${feed.regionId}::uuid = any(a.shared_with_region_ids) and a.archived_at is null
      and a.end_date >= ${today}::date - ${PAST_DAYS}::int and a.start_date <= ${today}::date + ${FUTURE_DAYS}::int
    order by a.start_date, a.id`.execute(db);

  const locale: Locale = feed.locale === "en" ? "en" : "nl";
  const t = translator(locale);
  const calendar = ical({
    name: feed.userId ? `Schakel — ${feed.userName}` : `Schakel — ${feed.regionName}`,
    prodId: { company: "Sterk Techniekonderwijs", product: "Schakel", language: locale.toUpperCase() },
    timezone: "Europe/Amsterdam",
    ttl: 60 * 60,
  });
  for (const activity of [...rows.rows, ...shared.rows] as Array<FeedActivity & { regionName?: string }>) {
    const timed = activity.startTime !== null;
    calendar.createEvent({
      id: `${activity.id}@schakel`,
      sequence: activity.version,
      stamp: activity.updatedAt,
      lastModified: activity.updatedAt,
      summary: `${t(`activities.types.${activity.type}`)}: ${activity.title}${activity.regionName ? ` (${t("calendar.sharedBy", { region: activity.regionName })})` : ""}`,
      description: [activity.organisations, activity.description].filter(Boolean).join("\n\n") || null,
      url: activity.regionName ? null : `${meta.appUrl}/activities/${activity.id}`,
      status: activity.status === "cancelled" ? ICalEventStatus.CANCELLED : activity.status === "offered" ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
      timezone: "Europe/Amsterdam",
      ...(timed
        ? { start: wallClock(activity.startDate, activity.startTime!), end: wallClock(activity.endDate, activity.endTime ?? activity.startTime!), floating: false }
        : { start: wallClock(activity.startDate, "00:00"), end: wallClock(addDays(activity.endDate, 1), "00:00"), allDay: true }),
    });
  }
  return calendar.toString();
}

/**
 * A date and time on the wall in the Netherlands. With the calendar's timezone set, ical-generator
 * writes a plain Date with its local getters (as TZID=Europe/Amsterdam), so the Date is built from
 * local fields: the output is the wall-clock time whatever the server's own time zone.
 */
function wallClock(day: string, time: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const [hours, minutes] = time.split(":").map(Number) as [number, number];
  return new Date(year, month - 1, date, hours, minutes);
}
