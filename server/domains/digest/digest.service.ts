import { sql } from "kysely";
import type { Locale, Tier } from "../../../db/schema";
import { renderWeeklyDigestEmail } from "../../../emails/render";
import { toLocalDate } from "../../clock";
import type { Database } from "../../db/database";
import { notFound } from "../../errors";
import { recordAudit } from "../audit/audit";
import { queueEmail } from "../email/outbox.service";
import type { StoredReason } from "../health/health.compute";
import { describeReason, type HealthReason } from "../health/health.messages";
import { forecastHealth, nextHolidayWithin } from "../health/health.forecast";
import { getRegion } from "../regions/regions.service";
import type { DigestPreferencesInput } from "./digest.schemas";

/** Each task list in the email stops here, with a count of the rest: the tasks page has them all. */
const TASKS_PER_LIST = 25;
/** How far ahead the digest looks for relationships that turn cold ("Binnenkort koud"). */
const UPCOMING_DAYS = 30;
/** A relationship that changed state within this many days is marked as new in the digest. */
const NEW_WITHIN_DAYS = 7;

/** The ISO weekday of a calendar day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  return new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
}

/** The ISO week of a calendar day, as "2026-W48" (the week belongs to the year of its Thursday). */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 4 - isoWeekday(day));
  const year = date.getUTCFullYear();
  const week = Math.floor(Math.round((date.getTime() - Date.UTC(year, 0, 1, 12)) / 86_400_000) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

export type DigestTask = { title: string; dueDate: string; organisationName: string | null };

export type WeeklyDigest = {
  user: { id: string; name: string; email: string; locale: Locale; regionId: string; weekday: number };
  today: string;
  relationships: Array<{ organisationId: string; name: string; tier: Tier; state: "cold" | "cooling"; isNew: boolean; url: string; reasons: HealthReason[] }>;
  overdueTasks: DigestTask[];
  overdueCount: number;
  openTasks: DigestTask[];
  openCount: number;
  /** Relationships that turn cooling or cold within `days` days; `holiday` when all turn before the next school holiday starts. */
  upcoming: { days: number; holiday: string | null; items: Array<{ name: string; expectedState: "cooling" | "cold"; onDate: string; reason: string; url: string }> };
};

/**
 * One account holder's week: their relationships that are cold or cooling (snoozed ones left out,
 * as on "Aandacht nodig"), those that changed in the last week marked new, and their open tasks,
 * the overdue ones apart. Activities in the coming two weeks join when activities exist.
 */
export async function buildWeeklyDigest(db: Database, userId: string, opts: { now: Date; appUrl: string }): Promise<WeeklyDigest> {
  const today = toLocalDate(opts.now);
  const user = await db
    .selectFrom("users")
    .select(["id", "name", "email", "locale", "region_id as regionId", "digest_weekday as weekday"])
    .where("id", "=", userId)
    .executeTakeFirst();
  if (!user) throw notFound("User");
  const relationships = await db
    .selectFrom("organisations")
    .innerJoin("organisation_health", "organisation_health.organisation_id", "organisations.id")
    .select([
      "organisations.id", "organisations.name", "organisations.tier", "organisation_health.state", "organisation_health.reasons",
      sql<boolean>`exists (select 1 from health_history hh where hh.organisation_id = organisations.id
        and hh.state in ('cold', 'cooling') and hh.changed_on > ${today}::date - ${NEW_WITHIN_DAYS}::int)`.as("isNew"),
    ])
    .where("organisations.account_holder_id", "=", userId)
    .where("organisations.region_id", "=", user.regionId)
    .where("organisations.archived_at", "is", null)
    .where("organisation_health.state", "in", ["cold", "cooling"])
    .where(sql<boolean>`not exists (select 1 from health_snoozes hs where hs.organisation_id = organisations.id and hs.ended_at is null and hs.until > ${today}::date)`)
    .orderBy(sql`case organisation_health.state when 'cold' then 0 else 1 end`)
    .orderBy(sql`case organisations.tier when 'strategic' then 0 when 'regular' then 1 else 2 end`)
    .orderBy("organisation_health.state_since")
    .orderBy("organisations.id")
    .execute();
  const tasks = await db
    .selectFrom("tasks")
    .leftJoin("organisations", "organisations.id", "tasks.organisation_id")
    .select(["tasks.title", "tasks.due_date as dueDate", "organisations.name as organisationName"])
    .where("tasks.assignee_id", "=", userId)
    .where("tasks.region_id", "=", user.regionId)
    .where("tasks.status", "=", "open")
    .orderBy("tasks.due_date")
    .orderBy("tasks.created_at")
    .execute();
  const upcoming = await forecastHealth(db, user.regionId, { today, days: UPCOMING_DAYS, locale: user.locale, accountHolderId: userId });
  const holiday = await nextHolidayWithin(db, user.regionId, today, UPCOMING_DAYS);
  const overdue = tasks.filter((task) => task.dueDate < today);
  const open = tasks.filter((task) => task.dueDate >= today);
  return {
    user,
    today,
    relationships: relationships.map((row) => ({
      organisationId: row.id, name: row.name, tier: row.tier, state: row.state as "cold" | "cooling", isNew: row.isNew,
      url: `${opts.appUrl}/organisations/${row.id}`,
      reasons: (row.reasons as StoredReason[]).map((reason) => describeReason(reason, user.locale, today)),
    })),
    overdueTasks: overdue.slice(0, TASKS_PER_LIST),
    overdueCount: overdue.length,
    openTasks: open.slice(0, TASKS_PER_LIST),
    openCount: open.length,
    upcoming: {
      days: UPCOMING_DAYS,
      holiday: holiday && upcoming.every((item) => item.onDate < holiday.startDate) ? holiday.name : null,
      items: upcoming.map((item) => ({ name: item.name, expectedState: item.expectedState, onDate: item.onDate, reason: item.reason, url: `${opts.appUrl}/organisations/${item.organisationId}` })),
    },
  };
}

const isEmpty = (digest: WeeklyDigest) => digest.relationships.length === 0 && digest.overdueCount === 0 && digest.openCount === 0 && digest.upcoming.items.length === 0;

export type DigestRunResult = { queued: number; empty: number; alreadyQueued: number; failed: number };

/**
 * Queues this week's digest for everyone whose day it is today (in the Netherlands, by the given
 * clock): active staff with the digest on. Each user's digest is claimed in `digest_runs` for the
 * ISO week in the same transaction as its email, so a retried or doubled run never queues a second
 * one. A digest with nothing to report is not sent. One user's failure does not stop the others;
 * it is thrown at the end so the job is retried, and the retry only does the ones still missing.
 */
export async function queueWeeklyDigests(db: Database, opts: { now: Date; appUrl: string }): Promise<DigestRunResult> {
  const today = toLocalDate(opts.now);
  const week = isoWeek(today);
  const recipients = await db
    .selectFrom("users")
    .select(["id", "region_id as regionId"])
    .where("active", "=", true)
    .where("role", "<>", "partner")
    .where("digest_enabled", "=", true)
    .where("digest_weekday", "=", isoWeekday(today))
    .where(sql<boolean>`not exists (select 1 from digest_runs r where r.user_id = users.id and r.iso_week = ${week})`)
    .orderBy("id")
    .execute();
  // Health is as the nightly recompute (02:30, before this 06:00 run) and every change since left it.
  const result: DigestRunResult = { queued: 0, empty: 0, alreadyQueued: 0, failed: 0 };
  let firstError: unknown;
  for (const recipient of recipients) {
    try {
      const outcome = await db.transaction().execute(async (trx) => {
        const digest = await buildWeeklyDigest(trx, recipient.id, opts);
        if (isEmpty(digest)) return "empty" as const;
        // A concurrent run waits here on the key until the first commits, then finds it taken.
        const claimed = await trx
          .insertInto("digest_runs")
          .values({ user_id: recipient.id, iso_week: week, created_at: opts.now })
          .onConflict((oc) => oc.columns(["user_id", "iso_week"]).doNothing())
          .returning("user_id")
          .executeTakeFirst();
        if (!claimed) return "alreadyQueued" as const;
        const region = await getRegion(trx, recipient.regionId);
        const message = await renderWeeklyDigestEmail({ ...digestEmailProps(digest, opts.appUrl), regionName: region.name });
        const email = await queueEmail(trx, { regionId: recipient.regionId, template: "weekly_digest", to: digest.user.email, toName: digest.user.name, message, now: opts.now });
        await trx.updateTable("digest_runs").set({ email_id: email.id }).where("user_id", "=", recipient.id).where("iso_week", "=", week).execute();
        return "queued" as const;
      });
      result[outcome] += 1;
    } catch (error) {
      result.failed += 1;
      firstError ??= error;
    }
  }
  if (firstError) throw firstError;
  return result;
}

function digestEmailProps(digest: WeeklyDigest, appUrl: string) {
  return {
    locale: digest.user.locale,
    name: digest.user.name,
    today: digest.today,
    weekday: digest.user.weekday,
    relationships: digest.relationships,
    overdueTasks: digest.overdueTasks,
    overdueCount: digest.overdueCount,
    openTasks: digest.openTasks,
    openCount: digest.openCount,
    upcoming: digest.upcoming,
    tasksUrl: `${appUrl}/tasks`,
    profileUrl: `${appUrl}/profile`,
  };
}

export type DigestPreferences = { enabled: boolean; weekday: number };

export async function getDigestPreferences(db: Database, userId: string): Promise<DigestPreferences> {
  const row = await db.selectFrom("users").select(["digest_enabled as enabled", "digest_weekday as weekday"]).where("id", "=", userId).executeTakeFirst();
  if (!row) throw notFound("User");
  return row;
}

/** A user's own choice: whether the weekly digest comes, and on which day. Audited. */
export async function updateDigestPreferences(db: Database, userId: string, input: DigestPreferencesInput, now: Date): Promise<DigestPreferences> {
  const before = await getDigestPreferences(db, userId);
  const user = await db
    .updateTable("users")
    .set({ digest_enabled: input.enabled, digest_weekday: input.weekday, updated_at: now })
    .where("id", "=", userId)
    .returning(["region_id", "digest_enabled as enabled", "digest_weekday as weekday"])
    .executeTakeFirstOrThrow();
  await recordAudit(db, { regionId: user.region_id, actorId: userId, action: "user.digest_preferences", entityType: "user", entityId: userId, before, after: input, now });
  return { enabled: user.enabled, weekday: user.weekday };
}
