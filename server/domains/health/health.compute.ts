import { type RawBuilder, sql } from "kysely";
import type { HealthState } from "../../../db/schema";
import type { Database } from "../../db/database";
import type { ReasonCode } from "./health.schemas";

export { REASON_CODES, type ReasonCode } from "./health.schemas";

/**
 * Relationship health, computed set-based in one SQL statement (DESIGN.md, "Relationship health").
 *
 * Only active organisations are watched: a prospect has no relationship to lose yet, and a paused or
 * ended one is cold on purpose. Contact means a live contact moment or a done activity on or
 * before `today`. Every rule reads dates up to `today` only, so a
 * recompute "as of" an earlier day gives that day's picture: the demo builds its history that way.
 */
/** A reason as stored: the sentence is made when it is shown, in the reader's language. */
export type StoredReason = { code: ReasonCode; state: Exclude<HealthState, "healthy">; since: string; params: Record<string, unknown> };

export type RecomputeTarget = { all: true } | { regionId: string } | { organisationIds: string[] };

/**
 * `turnover`: people left, on either side, and nobody is known to take over — the owner was
 * deactivated or taken off, or a contact left without a named successor. Then Schakel itself makes
 * sure someone picks the relationship up. (No contact person alone is not turnover: a new
 * organisation starts without one.)
 */
export type StateChange = { organisationId: string; regionId: string; state: HealthState; previousState: HealthState | null; reasonCodes: string[]; turnover: boolean };

/**
 * A recompute's counts and the changes that need a follow-up: `turnedCold` through turnover (the
 * single follow-up task), `becameCold` for any reason and `recovered` (healthy after a troubled
 * state), which start and end plans.
 */
export type HealthRun = { organisations: number; changed: number; turnedCold: StateChange[]; becameCold: StateChange[]; recovered: StateChange[] };

// Whole-run serialisation: a nightly full run and a request's one-organisation run never interleave
// their history rows. The key is arbitrary but fixed.
const HEALTH_LOCK_KEY = 7_361_201;

/**
 * Recomputes the health of the target's organisations as of `today`: how many it watched, how many
 * changed state, and those that turned cold through turnover (they need a follow-up).
 * Unchanged rows are not rewritten, so a nightly run over a quiet country writes almost nothing.
 */
export async function computeHealth(db: Database, target: RecomputeTarget, today: string, now: Date): Promise<HealthRun> {
  if ("organisationIds" in target && target.organisationIds.length === 0) return { organisations: 0, changed: 0, turnedCold: [], becameCold: [], recovered: [] };
  const day = sql`${today}::date`;

  await sql`select pg_advisory_xact_lock(${HEALTH_LOCK_KEY})`.execute(db);

  const result = await sql<{ organisation_id: string; region_id: string; state: HealthState; previous_state: HealthState | null; reason_codes: string[]; turnover: boolean; watched: number | null; changed: number | null }>`
    with ${healthStateCtes(target, day)},
    -- Organisations in the target that are no longer watched lose their row (no stale warnings).
    -- In this statement, against \`watched\`, so the organisations are read once (decision 148); the
    -- rows it removes are none of those the upsert below writes.
    removed as (
      delete from organisation_health h
      where ${healthRowsOf(target)} and not exists (select 1 from watched w where w.id = h.organisation_id)
    ),
    dated as (
      -- A troubled state dates from its earliest reason of that severity; healthy from when it became so.
      select cp.*, p.state as previous_state,
        case
          when cp.top = 3 then cp.since_cold
          when cp.top = 2 then cp.since_cooling
          when cp.top = 1 then cp.since_watch
          when p.state = 'healthy' then p.state_since
          else ${day}
        end as state_since,
        (p.organisation_id is null or p.state is distinct from cp.state or p.reasons is distinct from cp.reasons
          or p.last_contact_date is distinct from cp.last_date or p.silence_from is distinct from cp.silence_from
          or p.silence_paused_until is distinct from cp.silence_paused_until) as differs
      from computed cp
      left join organisation_health p on p.organisation_id = cp.organisation_id
    ),
    -- Only what changed is written: a nightly run over a quiet country writes almost nothing.
    saved as (
      insert into organisation_health as h (organisation_id, region_id, state, reasons, state_since, last_contact_date, silence_from, silence_paused_until, computed_at)
      select organisation_id, region_id, state, reasons, state_since, last_date, silence_from, silence_paused_until, ${now}
      from dated
      where differs
      on conflict (organisation_id) do update
        set state = excluded.state, reasons = excluded.reasons, state_since = excluded.state_since,
            last_contact_date = excluded.last_contact_date, silence_from = excluded.silence_from,
            silence_paused_until = excluded.silence_paused_until, computed_at = excluded.computed_at
      returning 1
    ),
    history as (
      insert into health_history (region_id, organisation_id, state, previous_state, reason_codes, changed_on)
      select region_id, organisation_id, state, previous_state, reason_codes, ${day}
      from dated
      where previous_state is distinct from state
      returning organisation_id, region_id, state, previous_state, reason_codes
    )
    -- Only the changes that need a follow-up travel back (a first run changes tens of thousands),
    -- plus one row with the counts, so the caller learns them even when nothing changed.
    -- Besides those, the real changes that start or end a plan: to cold from another state, and to
    -- healthy from a troubled one (a first computation is no change of either).
    select h.*, d.turnover, null::int as watched, null::int as changed
    from history h join dated d on d.organisation_id = h.organisation_id
    where (h.state = 'cold' and h.previous_state is distinct from 'cold' and (d.turnover or h.previous_state is not null))
      or (h.state = 'healthy' and h.previous_state <> 'healthy')
    union all
    select null, null, null, null, null, null, (select count(*) from dated)::int, (select count(*) from history)::int
  `.execute(db);

  const rows = result.rows.filter((row) => row.organisation_id !== null);
  const totals = result.rows.find((row) => row.organisation_id === null);
  const changes: StateChange[] = rows.map((row) => ({
    organisationId: row.organisation_id, regionId: row.region_id, state: row.state, previousState: row.previous_state, reasonCodes: row.reason_codes, turnover: row.turnover,
  }));
  await recountRegions(db, target, today);
  return {
    organisations: totals?.watched ?? 0,
    changed: totals?.changed ?? 0,
    turnedCold: changes.filter((change) => change.state === "cold" && change.turnover),
    becameCold: changes.filter((change) => change.state === "cold"),
    recovered: changes.filter((change) => change.state === "healthy"),
  };
}

/**
 * The rules themselves: the CTEs `watched` … `computed` that give every watched organisation of the
 * target its state and stored reasons as of `day`, without writing anything. The recompute saves
 * them; the forecast (health.forecast.ts) evaluates them at days still to come.
 *
 * Each table is read for the target alone: a list of ids by `organisation_id = any(ids)`, so the
 * nightly run's few hundred organisations are looked up by index instead of joined with the whole
 * table (decision 144).
 */
export function healthStateCtes(target: RecomputeTarget, day: RawBuilder<unknown>) {
  // The whole country needs no filter: what is read for an organisation not watched meets nothing
  // in \`computed\`, which starts from \`contact\` (the watched ones).
  const ofTarget = (column: string) =>
    "organisationIds" in target ? sql`${sql.ref(column)} = any(${target.organisationIds}::uuid[])`
      : "regionId" in target ? sql`${sql.ref(column)} in (select id from watched)` : sql`true`;
  return sql`
    watched as (
      select o.id, o.region_id, o.tier, (o.created_at at time zone 'Europe/Amsterdam')::date as created_on
      from organisations o
      where ${targetFilter(target)} and o.archived_at is null and o.status = 'active'
    ),
    -- The latest contact — a live contact moment or a done activity — from the table the triggers
    -- keep. As of an earlier day (a replayed history) a later contact does not count: look up the
    -- one before.
    contact as materialized (
      select w.id as organisation_id, w.region_id, w.created_on, lc.last_date,
        least(coalesce(lc.last_date, w.created_on), ${day}) as base,
        case w.tier
          when 'strategic' then coalesce(s.cadence_strategic_days, 60)
          when 'regular' then coalesce(s.cadence_regular_days, 120)
          else coalesce(s.cadence_occasional_days, 240)
        end as cadence
      from watched w
      left join organisation_last_contact olc on olc.organisation_id = w.id
      cross join lateral (
        select case when olc.last_date is null or olc.last_date <= ${day} then olc.last_date
          else last_contact_on(w.id, ${day})
        end as last_date
      ) lc
      left join region_health_settings s on s.region_id = w.region_id
    ),
    -- Silent days: calendar days since the last contact (or since the organisation was added),
    -- minus the region's school holidays in between. Holidays only shorten silence, so only the
    -- organisations silent for longer than their cadence in calendar days need the holiday sum.
    overdue as (
      select c.organisation_id, c.region_id, c.last_date, c.cadence, c.base, ${day} - c.base as calendar_days
      from contact c
      where ${day} - c.base > c.cadence
    ),
    -- The holidays begun by the day: their days passed so far (they shorten the silence), their whole
    -- length (the silence's start moves on by it), the part of the ones already over, and the last day
    -- of the one still running.
    holiday_days as (
      select o.organisation_id,
        sum(least(h.end_date, ${day}) - greatest(h.start_date, o.base + 1) + 1)::int as days,
        sum(h.end_date - greatest(h.start_date, o.base + 1) + 1)::int as whole_days,
        (sum(h.end_date - greatest(h.start_date, o.base + 1) + 1) filter (where h.end_date < ${day}))::int as ended_days,
        max(h.end_date) as last_end
      from overdue o
      join school_holidays h on h.region_id = o.region_id and h.end_date > o.base and h.start_date <= ${day}
      group by o.organisation_id
    ),
    -- What is stored is when the silence began, not its length, so it stays the same from day to day
    -- (decision 144): the silent days on any day are \`greatest(that day, silent_paused_until) -
    -- silent_from\` (health.messages.ts counts them when shown) until the next holiday begins, which
    -- moves both dates on. \`overdue_since\`, the day the cadence was passed, stands still during a
    -- holiday and moves on by it once it is over.
    silence as (
      select o.organisation_id, o.last_date, o.cadence, greatest(0, o.calendar_days - coalesce(hd.days, 0)) as silent_days,
        o.base + coalesce(hd.whole_days, 0) as silent_from,
        case when hd.last_end >= ${day} then hd.last_end end as silent_paused_until,
        o.base + coalesce(hd.ended_days, 0) + o.cadence as overdue_since
      from overdue o
      left join holiday_days hd on hd.organisation_id = o.organisation_id
    ),
    -- Jobs at the watched organisations as of the day; archived people do not count.
    jobs as (
      select a.organisation_id, a.person_id, a.is_primary, a.start_date, a.end_date, a.end_reason, a.successor_person_id,
        (a.end_date is null or a.end_date > ${day}) as active
      from affiliations a
      where ${ofTarget("a.organisation_id")} and a.start_date <= ${day}
        and not exists (select 1 from people p where p.id = a.person_id and p.archived_at is not null)
    ),
    staffing as (
      select organisation_id,
        count(*) filter (where active)::int as active_count,
        (array_agg(person_id) filter (where active))[1] as active_person_id,
        max(start_date) filter (where active) as latest_start,
        max(end_date) filter (where not active) as latest_end
      from jobs group by organisation_id
    ),
    periods as (
      select ap.organisation_id, ap.user_id,
        (ap.started_at at time zone 'Europe/Amsterdam')::date as started_on,
        (ap.ended_at at time zone 'Europe/Amsterdam')::date as ended_on,
        row_number() over (partition by ap.organisation_id order by ap.started_at desc) as recency,
        count(*) over (partition by ap.organisation_id) as periods
      from account_holder_periods ap
      where ${ofTarget("ap.organisation_id")}
        and (ap.started_at at time zone 'Europe/Amsterdam')::date <= ${day}
    ),
    -- The latest ownership period of each organisation, with its owner.
    owners as (
      select pr.organisation_id, pr.user_id, u.name as user_name, u.active, u.deactivated_at, pr.started_on, pr.ended_on, pr.periods
      from periods pr
      join users u on u.id = pr.user_id
      where pr.recency = 1
    ),
    -- School years run 1 August – 31 July (calendar/school-year.ts, and its SQL function).
    school_year as (
      select school_year_start(${day}::date) as this_start
    ),
    -- Activities last school year and this one, per organisation, from the table the triggers keep
    -- (decision 148): a row per school year with any live done or planned activity.
    activity_years as (
      select y.organisation_id,
        bool_or(y.school_year < sy.this_start and y.done > 0) as had_last_year,
        bool_or(y.school_year = sy.this_start) as has_this_year
      from organisation_activity_years y
      cross join school_year sy
      where ${ofTarget("y.organisation_id")} and y.school_year in ((sy.this_start - interval '1 year')::date, sy.this_start)
        -- Read only when it can count (see activity_stopped below): not in August and September.
        and ${day} >= (sy.this_start + interval '2 months')::date
      group by y.organisation_id
    ),
    -- This school year's pledges: lapsed, or not yet realised with the year ending within 90 days.
    commitment_risk as (
      select c.organisation_id,
        bool_or(c.status = 'lapsed') as lapsed,
        bool_or(c.status in ('pledged', 'agreed') and coalesce(r.realised, 0) < c.amount_cents
          and ${day} > (sy.this_start + interval '1 year' - interval '1 day' - interval '90 days')::date) as unrealised,
        (sy.this_start + interval '1 year' - interval '1 day')::date as year_end
      from commitments c
      cross join school_year sy
      left join lateral (
        select sum(cr.amount_cents) as realised from commitment_realisations cr where cr.commitment_id = c.id and cr.archived_at is null
      ) r on true
      where ${ofTarget("c.organisation_id")} and c.archived_at is null
        and c.school_year = school_year_of(sy.this_start)
        -- Only the pledges that can be at risk: a lapsed one, or an open one in the year's last 90
        -- days (outside those the realisations are not summed at all).
        and (c.status = 'lapsed' or (c.status in ('pledged', 'agreed')
          and ${day} > (sy.this_start + interval '1 year' - interval '1 day' - interval '90 days')::date))
      group by c.organisation_id, sy.this_start
    ),
    -- The account holder's own view (decision 137): the latest contact moment that says how it went.
    -- A moment without a view (a captured mail, a quick note) says nothing, so it neither raises nor
    -- clears a concern; only a later "good" or "neutral" does.
    latest_view as (
      select distinct on (i.organisation_id) i.organisation_id, i.date, i.sentiment, u.name as user_name,
        -- Enough of the summary for the reason's quote, which folds its whitespace and shortens it.
        left(i.summary, 400) as note
      from interactions i
      left join users u on u.id = i.user_id
      where ${ofTarget("i.organisation_id")} and i.sentiment is not null and i.archived_at is null and i.date <= ${day}
      order by i.organisation_id, i.date desc, i.created_at desc
    ),
    reasons as (
      select v.organisation_id, 'account_holder_concerned' as code, 'cooling' as state, v.date as since,
        jsonb_build_object('date', v.date, 'userName', v.user_name, 'note', v.note) as params
      from latest_view v
      where v.sentiment = 'concerned'
      union all
      select s.organisation_id, 'no_recent_contact',
        case when s.silent_days > 2 * s.cadence then 'cold' else 'cooling' end as state,
        s.overdue_since as since,
        jsonb_build_object('lastContactDate', s.last_date, 'silentFrom', s.silent_from, 'silentPausedUntil', s.silent_paused_until,
          'cadenceDays', s.cadence) as params
      from silence s
      where s.silent_days > s.cadence
      union all
      -- A contact who left in the last twelve months with no contact since; not when they merely
      -- changed roles within the organisation (they still hold a job there).
      select j.organisation_id, 'contact_left',
        case when j.is_primary or coalesce(st.active_count, 0) = 0 then 'cold' else 'cooling' end,
        j.end_date,
        jsonb_build_object('personId', j.person_id, 'personName', person.name, 'wasPrimary', j.is_primary,
          'wasLast', coalesce(st.active_count, 0) = 0, 'endDate', j.end_date, 'endReason', j.end_reason,
          'successorName', successor.name)
      from jobs j
      join contact c on c.organisation_id = j.organisation_id
      left join staffing st on st.organisation_id = j.organisation_id
      join people person on person.id = j.person_id
      left join people successor on successor.id = j.successor_person_id
      where not j.active and j.end_date > ${day} - 365
        and (c.last_date is null or c.last_date < j.end_date)
        and not exists (
          select 1 from affiliations still where still.person_id = j.person_id and still.organisation_id = j.organisation_id
            and still.start_date <= ${day} and (still.end_date is null or still.end_date > ${day}))
      union all
      select c.organisation_id, 'no_contact_person', 'cold',
        greatest(coalesce(st.latest_end, c.created_on), c.created_on), '{}'::jsonb
      from contact c
      left join staffing st on st.organisation_id = c.organisation_id
      where coalesce(st.active_count, 0) = 0
      union all
      select st.organisation_id, 'single_threaded', 'watch',
        greatest(st.latest_start, coalesce(st.latest_end, st.latest_start)),
        jsonb_build_object('personName', person.name)
      from staffing st
      join watched w on w.id = st.organisation_id
      join people person on person.id = st.active_person_id
      where st.active_count = 1 and w.tier in ('strategic', 'regular')
      union all
      -- Activities last school year, none done or planned in this one. Not before 1 October:
      -- September is when schools and partners plan the year, so silence then says nothing yet.
      select ay.organisation_id, 'activity_stopped', 'cooling', sy.this_start,
        jsonb_build_object('schoolYear', extract(year from sy.this_start)::int)
      from activity_years ay
      cross join school_year sy
      where ay.had_last_year and not coalesce(ay.has_this_year, false) and ${day} >= (sy.this_start + interval '2 months')::date
      union all
      -- Shown to the penvoerder above all: money pledged for this year that is at risk.
      select cr.organisation_id, 'commitment_at_risk', 'watch',
        case when cr.unrealised then (cr.year_end - 90) else ${day} end,
        jsonb_build_object('lapsed', cr.lapsed, 'unrealised', cr.unrealised, 'yearEnd', cr.year_end)
      from commitment_risk cr
      where cr.lapsed or cr.unrealised
      union all
      -- The owner left (deactivated) or was taken off, and nobody took over.
      select ow.organisation_id, 'account_holder_left', 'cold',
        case when ow.ended_on is not null and ow.ended_on <= ${day} then ow.ended_on
             else (ow.deactivated_at at time zone 'Europe/Amsterdam')::date end,
        jsonb_build_object('userId', ow.user_id, 'userName', ow.user_name)
      from owners ow
      where (
        (ow.ended_on is not null and ow.ended_on <= ${day})
        or (not ow.active and ow.deactivated_at is not null and (ow.deactivated_at at time zone 'Europe/Amsterdam')::date <= ${day}))
      union all
      -- A new owner (there was one before) who has had the relationship for 30 days without contact.
      select ow.organisation_id, 'new_owner_no_contact', 'cooling', ow.started_on + 30,
        jsonb_build_object('userId', ow.user_id, 'userName', ow.user_name, 'ownerSince', ow.started_on)
      from owners ow
      join contact c on c.organisation_id = ow.organisation_id
      where (ow.ended_on is null or ow.ended_on > ${day}) and ow.active
        and ow.started_on + 30 < ${day}
        and ow.periods > 1
        and (c.last_date is null or c.last_date < ow.started_on)
    ),
    ranked as (
      select r.*, case r.state when 'cold' then 3 when 'cooling' then 2 else 1 end as severity from reasons r
    ),
    -- Reasons per organisation that has any (the few), then every watched organisation (the many).
    grouped as (
      select r.organisation_id,
        max(r.severity) as top,
        jsonb_agg(jsonb_build_object('code', r.code, 'state', r.state, 'since', r.since, 'params', r.params)
          order by r.severity desc, r.since, r.code) as reasons,
        array_agg(r.code order by r.severity desc, r.since, r.code) as reason_codes,
        min(r.since) filter (where r.severity = 3) as since_cold,
        min(r.since) filter (where r.severity = 2) as since_cooling,
        min(r.since) filter (where r.severity = 1) as since_watch,
        bool_or(r.code = 'account_holder_left' or (r.code = 'contact_left' and r.params->>'successorName' is null)) as turnover
      from ranked r
      group by r.organisation_id
    ),
    computed as (
      select c.organisation_id, c.region_id, c.last_date,
        case g.top when 3 then 'cold' when 2 then 'cooling' when 1 then 'watch' else 'healthy' end as state,
        coalesce(g.reasons, '[]'::jsonb) as reasons,
        coalesce(g.reason_codes, '{}') as reason_codes,
        g.top, g.since_cold, g.since_cooling, g.since_watch,
        coalesce(g.turnover, false) as turnover,
        s.silent_from as silence_from, s.silent_paused_until as silence_paused_until
      from contact c
      left join grouped g on g.organisation_id = c.organisation_id
      left join silence s on s.organisation_id = c.organisation_id
    )
  `;
}

/** The target's rows of organisation_health (`h`), found without reading the organisations for a list of ids or the whole country. */
function healthRowsOf(target: RecomputeTarget) {
  return "all" in target
    ? sql`true`
    : "regionId" in target
      ? sql`h.organisation_id in (select o.id from organisations o where o.region_id = ${target.regionId}::uuid)`
      : sql`h.organisation_id = any(${target.organisationIds}::uuid[])`;
}

/** The SQL filter of a recompute or forecast target, on `organisations o`. */
export function targetFilter(target: RecomputeTarget) {
  return "all" in target
    ? sql`true`
    : "regionId" in target
      ? sql`o.region_id = ${target.regionId}::uuid`
      : sql`o.id = any(${target.organisationIds}::uuid[])`;
}

/**
 * The nightly run's counts for the regions it did not recompute (decision 144): a region's states
 * change only in a recompute, which counts its regions for its day, so a region without a count for
 * today has the counts of its latest day. A region never counted is counted.
 */
export async function carryRegionCounts(db: Database, today: string) {
  await sql`
    insert into health_daily_counts (region_id, day, healthy, watch, cooling, cold)
    select r.id, ${today}::date, latest.healthy, latest.watch, latest.cooling, latest.cold
    from regions r
    cross join lateral (
      select c.healthy, c.watch, c.cooling, c.cold from health_daily_counts c where c.region_id = r.id and c.day < ${today}::date
      order by c.day desc limit 1
    ) latest
    on conflict (region_id, day) do nothing`.execute(db);
  await recountRegions(db, "uncounted", today);
}

/** The region's counts for today, kept per day for the chart over the school year. */
export async function recountRegions(db: Database, target: RecomputeTarget | "uncounted", today: string) {
  const regionFilter =
    target === "uncounted"
      ? sql`not exists (select 1 from health_daily_counts c where c.region_id = r.id and c.day = ${today}::date)`
      : "all" in target
      ? sql`true`
      : "regionId" in target
        ? sql`r.id = ${target.regionId}::uuid`
        : sql`r.id in (select region_id from organisations where id = any(${target.organisationIds}::uuid[]))`;
  await sql`
    insert into health_daily_counts (region_id, day, healthy, watch, cooling, cold)
    select r.id, ${today}::date,
      count(h.*) filter (where h.state = 'healthy'), count(h.*) filter (where h.state = 'watch'),
      count(h.*) filter (where h.state = 'cooling'), count(h.*) filter (where h.state = 'cold')
    from regions r
    left join organisation_health h on h.region_id = r.id
    where ${regionFilter}
    group by r.id
    on conflict (region_id, day) do update
      set healthy = excluded.healthy, watch = excluded.watch, cooling = excluded.cooling, cold = excluded.cold`.execute(db);
}
