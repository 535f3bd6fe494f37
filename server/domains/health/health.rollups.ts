import { type RawBuilder, sql } from "kysely";
import { HEALTH_STATES, type HealthState, type Locale } from "../../../db/schema";
import { translator } from "../../../i18n";
import { schoolYearOf, schoolYearRange } from "../../../calendar/school-year";
import type { Scope } from "../../auth/current-user";
import { assertCan } from "../../auth/permissions";
import type { Database } from "../../db/database";
import { NO_GROUP, type ROLLUP_GROUPINGS } from "./health.rollup-groups";
import { schoolDependencies } from "./school-dependencies";

/**
 * Relationship health rolled up for the penvoerder and the coordinator (decision 138): per vmbo
 * school (the relationships it depends on in the school year), per subregion or per account holder,
 * how many relationships are healthy, watch, cooling and cold — today, and on the first day of each
 * month of the school year so far, from the state changes (health_history).
 */
export type RollupBy = (typeof ROLLUP_GROUPINGS)[number];

export type RollupCounts = Record<HealthState, number>;
export type RollupDay = RollupCounts & { day: string };
export type RollupItem = { key: string; label: string; counts: RollupCounts; total: number; trend: RollupDay[] };
export type HealthRollups = {
  by: RollupBy;
  schoolYear: string;
  /** The day the counts are of: today within the school year, its last day for a year gone by; null for a year still to come. */
  asOf: string | null;
  items: RollupItem[];
};

const zero = (): RollupCounts => ({ healthy: 0, watch: 0, cooling: 0, cold: 0 });

/** First days of the months from the school year's start up to `last`. */
function monthStarts(from: string, last: string): string[] {
  const days: string[] = [];
  let [year, month] = from.split("-").map(Number) as [number, number];
  for (;;) {
    const day = `${year}-${String(month).padStart(2, "0")}-01`;
    if (day > last) return days;
    days.push(day);
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
}

/** Which group each of the region's live organisations belongs to for this roll-up: (key, organisation_id) rows. */
function membersOf(by: RollupBy, regionId: string, range: { from: string; until: string }): RawBuilder<{ key: string; organisation_id: string }> {
  if (by === "school") return sql`(select school_id::text as key, organisation_id from ${schoolDependencies(regionId, range)} d)`;
  const column = by === "subregion" ? sql.ref("o.subregion_id") : sql.ref("o.account_holder_id");
  return sql`(select coalesce(${column}::text, ${NO_GROUP}) as key, o.id as organisation_id from organisations o where o.region_id = ${regionId}::uuid and o.archived_at is null)`;
}

/** The groups that are shown even with nothing in them: every vmbo school, every subregion. */
async function groupsOf(db: Database, by: RollupBy, regionId: string): Promise<Map<string, string | null>> {
  const rows =
    by === "school"
      ? await db.selectFrom("organisations").select(["id", "name"]).where("region_id", "=", regionId).where("kind", "=", "vmbo").where("archived_at", "is", null).execute()
      : by === "subregion"
        ? await db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", regionId).where("archived_at", "is", null).execute()
        : [];
  return new Map(rows.map((row) => [row.id, row.name]));
}

export async function healthRollups(db: Database, scope: Scope, opts: { by: RollupBy; schoolYear?: string | undefined; today: string; locale: Locale }): Promise<HealthRollups> {
  assertCan(scope, "health.rollups");
  const schoolYear = opts.schoolYear ?? schoolYearOf(opts.today);
  const range = schoolYearRange(schoolYear);
  const regionId = scope.regionId;
  const asOf = opts.today < range.from ? null : opts.today < range.until ? opts.today : range.until;
  const members = membersOf(opts.by, regionId, range);
  const groups = await groupsOf(db, opts.by, regionId);
  const items = new Map<string, RollupItem>();
  const item = (key: string) => {
    let found = items.get(key);
    if (!found) {
      found = { key, label: groups.get(key) ?? "", counts: zero(), total: 0, trend: [] };
      items.set(key, found);
    }
    return found;
  };
  for (const key of groups.keys()) item(key);

  if (asOf) {
    const live = asOf === opts.today;
    // Each month's first day, and the day of the counts; today's picture is the current state itself.
    const historyDays = monthStarts(range.from, asOf).filter((day) => !(live && day === asOf));
    if (!live && !historyDays.includes(asOf)) historyDays.push(asOf);
    // The relationships watched today, as they stood on each of those days (the last change on or
    // before it); one that has no change by then was not watched yet and is not counted.
    const [history, current] = await Promise.all([
      historyDays.length
        ? sql<{ day: string; key: string; state: HealthState; count: number }>`
            with members as ${members}
            select d.day::text as day, m.key, hh.state, count(*)::int as count
            from unnest(${historyDays}::date[]) as d(day)
            cross join members m
            join organisation_health now on now.organisation_id = m.organisation_id and now.region_id = ${regionId}::uuid
            cross join lateral (
              select x.state from health_history x
              where x.organisation_id = m.organisation_id and x.changed_on <= d.day
              order by x.changed_on desc, x.id desc limit 1
            ) hh
            group by d.day, m.key, hh.state`.execute(db)
        : Promise.resolve({ rows: [] }),
      live
        ? sql<{ key: string; state: HealthState; count: number }>`
            with members as ${members}
            select m.key, h.state, count(*)::int as count
            from members m
            join organisation_health h on h.organisation_id = m.organisation_id and h.region_id = ${regionId}::uuid
            group by m.key, h.state`.execute(db)
        : Promise.resolve({ rows: [] }),
    ]);
    const days = live ? [...historyDays, asOf] : historyDays;
    const perDay = new Map<string, Map<string, RollupCounts>>();
    const add = (day: string, key: string, state: HealthState, count: number) => {
      const byKey = perDay.get(day) ?? new Map<string, RollupCounts>();
      perDay.set(day, byKey);
      const counts = byKey.get(key) ?? zero();
      byKey.set(key, counts);
      counts[state] += count;
      item(key);
    };
    for (const row of history.rows) add(row.day, row.key, row.state, row.count);
    for (const row of current.rows) add(asOf, row.key, row.state, row.count);
    for (const entry of items.values()) {
      entry.trend = days.map((day) => ({ day, ...(perDay.get(day)?.get(entry.key) ?? zero()) }));
      entry.counts = { ...(perDay.get(asOf)?.get(entry.key) ?? zero()) };
      entry.total = HEALTH_STATES.reduce((sum, state) => sum + entry.counts[state], 0);
    }
  }

  // Account holders' names, for those who hold relationships (a former colleague's stay readable).
  const userIds = [...items.keys()].filter((key) => opts.by === "accountHolder" && key !== NO_GROUP);
  if (userIds.length) {
    const users = await db.selectFrom("users").select(["id", "name"]).where("region_id", "=", regionId).where("id", "in", userIds).execute();
    for (const user of users) items.get(user.id)!.label = user.name;
  }
  const none = items.get(NO_GROUP);
  if (none) none.label = translator(opts.locale)(opts.by === "subregion" ? "rollups.noSubregion" : "rollups.noAccountHolder");
  // The groups by name, the one without a subregion or owner last; an account holder without relationships is left out.
  const sorted = [...items.values()]
    .filter((entry) => opts.by !== "accountHolder" || entry.total > 0 || entry.trend.some((day) => HEALTH_STATES.some((state) => day[state] > 0)))
    .sort((a, b) => Number(a.key === NO_GROUP) - Number(b.key === NO_GROUP) || a.label.localeCompare(b.label, "nl"));
  return { by: opts.by, schoolYear, asOf, items: sorted };
}
