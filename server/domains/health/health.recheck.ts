import { sql } from "kysely";
import type { Database } from "../../db/database";
import { type RecomputeTarget, targetFilter } from "./health.compute";

/**
 * When each organisation must be looked at again if nothing is written about it: the first day on
 * which one of the rules' dates (healthStateCtes) is crossed. Writes that change an organisation's
 * inputs recompute it in their own transaction, so between writes only time moves; the nightly
 * run recomputes just the organisations whose day has come (decision 141).
 *
 * The day may be early, never late: early costs one recompute that changes nothing, late would let
 * the nightly run miss a change the full run makes. So every date a rule compares `today` with is
 * listed here, and where a rule's outcome moves every day (a lapsed pledge) the answer is "tomorrow".
 * A relationship silent beyond its cadence stores when its silence began (decision 144), so its
 * reason stays the same until it turns cold, a holiday begins or the one it is in ends. A new
 * time-based rule adds its date here; tests/integration/health-incremental.test.ts compares the
 * nightly and the full run day by day and fails when one is missing.
 */
export async function saveRecheckDates(db: Database, target: RecomputeTarget, today: string) {
  if ("organisationIds" in target && target.organisationIds.length === 0) return;
  const day = sql`${today}::date`;
  const local = (column: string) => sql`(${sql.ref(column)} at time zone 'Europe/Amsterdam')::date`;
  // The nightly run's few hundred ids are looked up by index in each table, not by a join with `watched`.
  // The whole country needs no filter: a day found for an organisation not watched has no row to update.
  const ofTarget = (column: string) =>
    "organisationIds" in target ? sql`${sql.ref(column)} = any(${target.organisationIds}::uuid[])`
      : "regionId" in target ? sql`${sql.ref(column)} in (select id from watched)` : sql`true`;
  await sql`
    with watched as (
      select o.id, o.region_id, o.tier, ${local("o.created_at")} as created_on, h.silence_from, h.silence_paused_until, h.recheck_on
      from organisations o
      left join organisation_health h on h.organisation_id = o.id
      where ${targetFilter(target)} and o.archived_at is null and o.status = 'active'
    ),
    school_year as (select school_year_start(${day}) as this_start),
    candidates as (
      -- Silence: cooling from the day the calendar days since the last contact pass the cadence
      -- (holidays only push that later). Once past, the rules store when the silence began
      -- (silence_from) and, in a holiday, its last day (silence_paused_until): the silent days pass
      -- the cadence the day after silence_from + cadence, twice the cadence the day after
      -- silence_from + 2 × cadence, unless a holiday begins first (it moves the start on) or the
      -- running one ends. A contact dated after today changes the last contact when its day comes.
      select w.id, case
          when olc.last_date > ${day} or w.created_on > ${day} then ${day} + 1
          when w.silence_from is null then greatest(coalesce(olc.last_date, w.created_on) + cadence.days + 1, ${day} + 1)
          else (select min(d.on_day) from (values (w.silence_from + cadence.days + 1), (w.silence_from + 2 * cadence.days + 1),
            (w.silence_paused_until + 1),
            ((select min(sh.start_date) from school_holidays sh where sh.region_id = w.region_id and sh.start_date > ${day}))) d(on_day)
            where d.on_day > ${day})
        end as on_day
      from watched w
      left join organisation_last_contact olc on olc.organisation_id = w.id
      left join region_health_settings s on s.region_id = w.region_id
      cross join lateral (select case w.tier
            when 'strategic' then coalesce(s.cadence_strategic_days, 60)
            when 'regular' then coalesce(s.cadence_regular_days, 120)
            else coalesce(s.cadence_occasional_days, 240) end as days) cadence
      union all
      -- Jobs: one starts, one ends, and a departure stops counting after twelve months.
      -- (Most jobs began long ago and have not ended: they have no day to come, and are passed over
      -- before their dates are listed.)
      select a.organisation_id, min(d.on_day)
      from affiliations a
      cross join lateral (values (a.start_date), (a.end_date), (a.end_date + 365)) d(on_day)
      where ${ofTarget("a.organisation_id")} and (a.start_date > ${day} or a.end_date + 365 > ${day}) and d.on_day > ${day}
      group by a.organisation_id
      union all
      -- Owners: a period starts or ends, an owner's deactivation takes effect, a new owner's 30 days
      -- run out (a new owner: there was one before).
      select ap.organisation_id, min(d.on_day)
      from account_holder_periods ap
      join users u on u.id = ap.user_id
      cross join lateral (values (${local("ap.started_at")}), (${local("ap.ended_at")}),
        (case when exists (select 1 from account_holder_periods earlier where earlier.organisation_id = ap.organisation_id
          and earlier.started_at <= ap.started_at and earlier.id <> ap.id)
          then ${local("ap.started_at")} + 31 end), (${local("u.deactivated_at")})) d(on_day)
      where ${ofTarget("ap.organisation_id")} and d.on_day > ${day}
        -- Only periods with a date still to come (with days to spare for the time zone) are looked at.
        and (ap.started_at > ${day} - 40 or ap.ended_at > ${day} - 2 or u.deactivated_at > ${day} - 2)
      group by ap.organisation_id
      union all
      -- A lapsed pledge is dated "today" by the rules: every day.
      select c.organisation_id, ${day} + 1
      from commitments c
      cross join school_year sy
      where ${ofTarget("c.organisation_id")} and c.archived_at is null and c.status = 'lapsed'
        and c.school_year = school_year_of(sy.this_start)
    ),
    -- The school year, the same day for everyone: it turns on 1 August, activities stop counting
    -- from 1 October, pledges are at risk in the year's last 90 days.
    school_turn as (
      select min(d.on_day) as on_day
      from school_year sy
      cross join lateral (values ((sy.this_start + interval '1 year')::date), ((sy.this_start + interval '2 months')::date),
        ((sy.this_start + interval '1 year' - interval '90 days')::date)) d(on_day)
      where d.on_day > ${day}
    ),
    due as (
      -- Every watched organisation has a silence row (its day may be empty), so each gets a day.
      select id, least(min(on_day), (select on_day from school_turn)) as on_day from candidates group by id
    ),
    -- Compared with the day already stored (read with \`watched\`, joined in one pass), so the update
    -- looks up only the rows whose day moves: on a full run a few hundred of 34,000 (decision 148).
    moved as (
      select due.id, due.on_day from due join watched w on w.id = due.id where w.recheck_on is distinct from due.on_day
    )
    update organisation_health h
    set recheck_on = moved.on_day
    from moved
    where h.organisation_id = moved.id`.execute(db);
}

/**
 * The organisations the nightly run must recompute on `today`: those whose day has come, or is not
 * yet known (a row saved before recheck days existed). Found by the index alone: an organisation
 * written around the services (a bulk load by hand) is not found here, and needs a full run.
 */
export async function dueOrganisations(db: Database, today: string): Promise<string[]> {
  const rows = await db.selectFrom("organisation_health").select("organisation_id")
    .where((eb) => eb.or([eb("recheck_on", "is", null), eb("recheck_on", "<=", today)]))
    .execute();
  return rows.map((row) => row.organisation_id);
}
