import { sql } from "kysely";
import type { HealthState, Locale } from "../../../db/schema";
import { addDays, daysBetween } from "../../../calendar/days";
import { translator } from "../../../i18n";
import type { Scope } from "../../auth/current-user";
import { can } from "../../auth/permissions";
import type { Database } from "../../db/database";
import { AppError } from "../../errors";
import { healthStateCtes, type RecomputeTarget, type StoredReason } from "./health.compute";
import { describeReason, spokenDay } from "./health.messages";

/**
 * "Binnenkort koud": which relationships will turn cooling or cold within the coming days unless
 * there is contact, on which day, and why. There is no second copy of the rules: the forecast
 * evaluates the recompute's own statement (healthStateCtes) as of days still to come, so cadences,
 * holidays, the new owner's month and every later rule are the ones the recompute applies (decision 128).
 */
export type UpcomingItem = {
  organisationId: string;
  name: string;
  state: HealthState;
  expectedState: Exclude<HealthState, "healthy" | "watch">;
  onDate: string;
  reason: string;
};

const SEVERITY: Record<HealthState, number> = { healthy: 0, watch: 1, cooling: 2, cold: 3 };

type Evaluated = { state: HealthState; reasons: StoredReason[] };

/** Every watched organisation of the target, as the rules judge it on `day` (nothing is written). */
async function statesAsOf(db: Database, target: RecomputeTarget, day: string): Promise<Map<string, Evaluated>> {
  const result = await sql<{ organisation_id: string; state: HealthState; reasons: StoredReason[] }>`
    with ${healthStateCtes(target, sql`${day}::date`)}
    select organisation_id, state, reasons from computed`.execute(db);
  return new Map(result.rows.map((row) => [row.organisation_id, { state: row.state, reasons: row.reasons }]));
}

/** Turns worse than today, and at least cooling: what "Binnenkort koud" is about. */
const turns = (today: Evaluated, later: Evaluated | undefined) => later !== undefined && SEVERITY[later.state] > SEVERITY[today.state] && SEVERITY[later.state] >= SEVERITY.cooling;

/**
 * The region's relationships (or one account holder's) that turn cooling or cold in the next `days`
 * days if nobody makes contact, soonest first. A relationship snoozed past that day is left out, as on
 * "Aandacht nodig". The day is found by halving: the state at the horizon names the candidates, and
 * each candidate's first day of the worse state is searched between today and the horizon.
 */
export async function forecastHealth(
  db: Database,
  regionId: string,
  opts: { today: string; days: number; locale: Locale; accountHolderId?: string | undefined },
): Promise<UpcomingItem[]> {
  const horizon = addDays(opts.today, opts.days);
  const target: RecomputeTarget = { regionId };
  const [now, later] = await Promise.all([statesAsOf(db, target, opts.today), statesAsOf(db, target, horizon)]);
  // Per candidate: the last day known not to have turned (lo) and the first known to have (hi).
  const searches = new Map<string, { lo: string; hi: string }>();
  for (const [id, today] of now) if (turns(today, later.get(id))) searches.set(id, { lo: opts.today, hi: horizon });
  if (opts.accountHolderId && searches.size) {
    const owned = await db.selectFrom("organisations").select("id").where("region_id", "=", regionId)
      .where("account_holder_id", "=", opts.accountHolderId).where("id", "in", [...searches.keys()]).execute();
    const keep = new Set(owned.map((row) => row.id));
    for (const id of searches.keys()) if (!keep.has(id)) searches.delete(id);
  }
  const found = new Map<string, Evaluated>();
  for (const id of searches.keys()) found.set(id, later.get(id)!);
  for (;;) {
    // The candidates still searching, grouped by the day each asks about next: one statement per day.
    const byDay = new Map<string, string[]>();
    for (const [id, search] of searches) {
      const gap = daysBetween(search.lo, search.hi);
      if (gap > 1) {
        const mid = addDays(search.lo, Math.floor(gap / 2));
        byDay.set(mid, [...(byDay.get(mid) ?? []), id]);
      }
    }
    if (!byDay.size) break;
    for (const [day, ids] of byDay) {
      const states = await statesAsOf(db, { organisationIds: ids }, day);
      for (const id of ids) {
        const search = searches.get(id)!;
        const state = states.get(id);
        if (turns(now.get(id)!, state)) {
          search.hi = day;
          found.set(id, state!);
        } else search.lo = day;
      }
    }
  }
  if (!searches.size) return [];
  const rows = await db
    .selectFrom("organisations")
    .select(["id", "name", "tier",
      sql<string | null>`(select max(hs.until) from health_snoozes hs where hs.organisation_id = organisations.id and hs.ended_at is null and hs.until > ${opts.today}::date)`.as("snoozedUntil")])
    .where("region_id", "=", regionId)
    .where("id", "in", [...searches.keys()])
    .execute();
  const tierRank = { strategic: 0, regular: 1, occasional: 2 } as const;
  return rows
    .filter((row) => !(row.snoozedUntil && row.snoozedUntil > searches.get(row.id)!.hi))
    .map((row) => {
      const today = now.get(row.id)!;
      const then = found.get(row.id)!;
      const onDate = searches.get(row.id)!.hi;
      return {
        organisationId: row.id, name: row.name, state: today.state, expectedState: then.state as UpcomingItem["expectedState"], onDate,
        reason: forecastReason(today, then, onDate, opts.locale), tier: tierRank[row.tier],
      };
    })
    .sort((a, b) => a.onDate.localeCompare(b.onDate) || a.tier - b.tier || a.name.localeCompare(b.name, "nl"))
    .map(({ tier: _tier, ...item }) => item);
}

/** Why it turns: the reason of the worse state that is new on that day, said as what will happen. */
function forecastReason(today: Evaluated, then: Evaluated, onDate: string, locale: Locale): string {
  const t = translator(locale);
  const known = new Set(today.reasons.map((reason) => `${reason.code}:${reason.state}`));
  const reason = then.reasons.find((r) => r.state === then.state && !known.has(`${r.code}:${r.state}`)) ?? then.reasons.find((r) => r.state === then.state)!;
  const p = reason.params;
  const values = { on: spokenDay(onDate, locale), state: t(`health.states.${then.state}`).toLowerCase() };
  if (reason.code === "no_recent_contact") {
    const key = p.lastContactDate ? (then.state === "cold" ? "foresight.reasons.no_recent_contact_cold" : "foresight.reasons.no_recent_contact") : "foresight.reasons.no_recent_contact_never";
    return t(key, { ...values, date: p.lastContactDate ? spokenDay(String(p.lastContactDate), locale) : "", cadence: Number(p.cadenceDays) });
  }
  if (reason.code === "new_owner_no_contact") return t("foresight.reasons.new_owner_no_contact", { ...values, name: String(p.userName), date: spokenDay(String(p.ownerSince), locale) });
  return t("foresight.reasons.other", { ...values, reason: describeReason(reason, locale, onDate).message });
}

/** GET /health/upcoming and the start page: staff only, within the caller's region. */
export async function listUpcoming(db: Database, scope: Scope, opts: { today: string; days: number; locale: Locale; accountHolderId?: string | undefined }) {
  if (!can(scope, "region.read")) throw new AppError("FORBIDDEN", "Partners cannot see relationship health");
  return forecastHealth(db, scope.regionId, opts);
}

/**
 * The next school holiday that starts after `today` and within `days`: the digest says "vóór de
 * kerstvakantie" when every turn falls before it. Its name without the year, in lower case.
 */
export async function nextHolidayWithin(db: Database, regionId: string, today: string, days: number): Promise<{ name: string; startDate: string } | null> {
  const row = await db.selectFrom("school_holidays").select(["name", "start_date as startDate"]).where("region_id", "=", regionId)
    .where("start_date", ">", today).where("start_date", "<=", addDays(today, days)).orderBy("start_date").executeTakeFirst();
  if (!row) return null;
  return { name: row.name.replace(/\s*\d{4}(-\d{4})?\s*$/, "").toLowerCase(), startDate: row.startDate };
}
