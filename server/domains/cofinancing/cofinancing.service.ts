import { sql } from "kysely";
import { dayOfDate, daysBetween } from "../../../calendar/days";
import { monthOfSchoolYear, schoolYearRange } from "../../../calendar/school-year";
import type { OrganisationKind } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database } from "../../db/database";
import type { FORECAST_STATUSES } from "./cofinancing.schemas";
import { assertBudgetReader, getSchoolYearBudget, type SchoolYearBudget } from "../budgets/budgets.service";

/**
 * The penvoerder's project administration for one school year (issue 6, item 4): pledged, agreed
 * and realised against the target, by partner kind, by subregion and by partner, month by month,
 * with a forecast. The page, the dashboard and GET /cofinancing/{schoolYear} all read this one
 * function, so they cannot disagree.
 *
 * Definitions (docs/decisions/055-cofinancing-figures-and-forecast.md):
 * - pledged: the amounts of the year's commitments that are neither archived nor lapsed;
 * - agreed: those of them with status agreed, realised or accounted;
 * - realised: the live (not archived) realisations of the year's live commitments, whatever their
 *   status: money received before a pledge lapsed was still received.
 */

export type Figures = { pledgedCents: number; agreedCents: number; realisedCents: number };
export type PartnerFigures = Figures & {
  organisationId: string;
  name: string;
  kind: OrganisationKind;
  subregionId: string | null;
  subregionName: string | null;
  commitments: number;
};
export type KindFigures = Figures & { kind: OrganisationKind; partners: number };
export type SubregionFigures = Figures & { subregionId: string | null; name: string | null; partners: number };
/**
 * Cumulative from 1 August to the end of the month; null for months that have not begun.
 * `forecastCents` continues the realised line at the forecast's pace: today's realised in this
 * month, the projection at the end of each later month, null elsewhere or without a projection.
 */
export type MonthFigures = { month: string; pledgedCents: number | null; realisedCents: number | null; forecastCents: number | null };

export type ForecastStatus = (typeof FORECAST_STATUSES)[number];
export type Forecast = {
  status: ForecastStatus;
  /** Realised by 31 July at this pace (finished: what was realised); null when there is no pace yet. */
  projectedCents: number | null;
  /** The projection as a share of the budget (0.084 = 8.4%); null without a budget. */
  share: number | null;
  /** Whether the projection reaches the target; null without a budget or a projection. */
  onTrack: boolean | null;
  elapsedDays: number;
  yearDays: number;
};

export type CofinancingOverview = {
  schoolYear: string;
  from: string;
  to: string;
  today: string;
  budget: SchoolYearBudget | null;
  totals: Figures & { targetCents: number | null; commitments: number; partners: number };
  /** Shares of the budget (0.1 = 10%); null without a budget (or a budget of zero). */
  shares: { pledged: number; agreed: number; realised: number; target: number } | null;
  byKind: KindFigures[];
  bySubregion: SubregionFigures[];
  byPartner: PartnerFigures[];
  months: MonthFigures[];
  forecast: Forecast;
};

const KIND_ORDER: OrganisationKind[] = ["company", "trade_school", "mbo", "partner", "vmbo", "primary"];

/** "2026-08" … "2027-07": the twelve months of a school year. */
function monthsOf(startYear: number): string[] {
  return Array.from({ length: 12 }, (_, i) => {
    const month = ((7 + i) % 12) + 1;
    return monthOfSchoolYear(startYear, month);
  });
}

/**
 * The forecast is linear: what was realised up to today (realisations dated on or before today,
 * including any dated before 1 August against this year's pledges) is divided by the days elapsed
 * since 1 August, today included, and multiplied by the days of the school year (365 or 366):
 * `projected = round(realisedToDate × yearDays / elapsedDays)`. Before 1 August there is no pace
 * (not_started); after 31 July the year is finished and the outcome is what was realised; with
 * nothing realised yet there is no pace to project (no_realisations). Realisations dated after
 * today are left out of the pace: they are not yet part of it.
 */
export function forecastOf(input: { from: string; to: string; today: string; realisedToDateCents: number; realisedCents: number; budget: SchoolYearBudget | null }): Forecast {
  const yearDays = daysBetween(input.from, input.to) + 1;
  const elapsedDays = Math.min(Math.max(daysBetween(input.from, input.today) + 1, 0), yearDays);
  const judge = (projectedCents: number | null, status: ForecastStatus): Forecast => {
    const usable = input.budget && input.budget.budgetCents > 0 && projectedCents !== null;
    return {
      status, projectedCents, elapsedDays, yearDays,
      share: usable ? projectedCents / input.budget!.budgetCents : null,
      onTrack: usable ? projectedCents >= input.budget!.targetCents : null,
    };
  };
  if (input.today < input.from) return judge(null, "not_started");
  if (input.today > input.to) return judge(input.realisedCents, "finished");
  if (input.realisedToDateCents <= 0) return judge(null, "no_realisations");
  return judge(Math.round((input.realisedToDateCents * yearDays) / elapsedDays), "projected");
}

function sum<T extends Figures>(rows: T[]): Figures {
  return rows.reduce((total, row) => ({
    pledgedCents: total.pledgedCents + row.pledgedCents,
    agreedCents: total.agreedCents + row.agreedCents,
    realisedCents: total.realisedCents + row.realisedCents,
  }), { pledgedCents: 0, agreedCents: 0, realisedCents: 0 });
}

function groupBy<K>(rows: PartnerFigures[], keyOf: (row: PartnerFigures) => K) {
  const groups = new Map<K, PartnerFigures[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

export async function cofinancingOverview(db: Database, scope: Scope, schoolYear: string, now: Date): Promise<CofinancingOverview> {
  assertBudgetReader(scope);
  const startYear = Number(schoolYear.slice(0, 4));
  const { from, until: to } = schoolYearRange(schoolYear);
  const today = toLocalDate(now);

  // One pass over the year's commitments, grouped by partner; the realisations are summed per
  // commitment first so a commitment's amount is not counted once per realisation.
  const partnerQuery = sql<{
    organisation_id: string; name: string; kind: OrganisationKind; subregion_id: string | null; subregion_name: string | null;
    pledged: string; agreed: string; realised: string; realised_to_date: string; commitments: number;
  }>`
    with realised as (
      select r.commitment_id, sum(r.amount_cents) as cents, coalesce(sum(r.amount_cents) filter (where r.date <= ${today}::date), 0) as to_date
      from commitment_realisations r
      join commitments c on c.id = r.commitment_id
      where r.region_id = ${scope.regionId} and r.archived_at is null
        and c.region_id = ${scope.regionId} and c.school_year = ${schoolYear} and c.archived_at is null
      group by r.commitment_id
    )
    select o.id as organisation_id, o.name, o.kind, s.id as subregion_id, s.name as subregion_name,
      coalesce(sum(c.amount_cents) filter (where c.status <> 'lapsed'), 0) as pledged,
      coalesce(sum(c.amount_cents) filter (where c.status in ('agreed', 'realised', 'accounted')), 0) as agreed,
      coalesce(sum(re.cents), 0) as realised,
      coalesce(sum(re.to_date), 0) as realised_to_date,
      (count(*) filter (where c.status <> 'lapsed'))::int as commitments
    from commitments c
    join organisations o on o.id = c.organisation_id
    left join subregions s on s.id = o.subregion_id
    left join realised re on re.commitment_id = c.id
    where c.region_id = ${scope.regionId} and c.school_year = ${schoolYear} and c.archived_at is null
    group by o.id, o.name, o.kind, s.id, s.name
    order by 6 desc, lower(o.name), o.id`.execute(db);

  // Month by month: realisations by their date, pledges by the day they were recorded (a pledge
  // made before 1 August counts from August, anything after 31 July in July).
  const monthQuery = sql<{ month: string; realised: string; pledged: string }>`
    with events as (
      select least(greatest(r.date, ${from}::date), ${to}::date) as day, r.amount_cents as realised, 0::bigint as pledged
      from commitment_realisations r
      join commitments c on c.id = r.commitment_id
      where r.region_id = ${scope.regionId} and r.archived_at is null
        and c.region_id = ${scope.regionId} and c.school_year = ${schoolYear} and c.archived_at is null
      union all
      select least(greatest((c.created_at at time zone 'Europe/Amsterdam')::date, ${from}::date), ${to}::date), 0, c.amount_cents
      from commitments c
      where c.region_id = ${scope.regionId} and c.school_year = ${schoolYear} and c.archived_at is null and c.status <> 'lapsed'
    )
    select to_char(day, 'YYYY-MM') as month, sum(realised) as realised, sum(pledged) as pledged from events group by 1`.execute(db);

  // Independent reads: side by side on the pool rather than one after the other.
  const [partnerRows, monthRows, budget] = await Promise.all([partnerQuery, monthQuery, getSchoolYearBudget(db, scope.regionId, schoolYear)]);

  // A partner whose only pledge lapsed with nothing received is not part of this year's figures.
  const counted = partnerRows.rows.filter((row) => row.commitments > 0 || Number(row.realised) > 0);
  const byPartner: PartnerFigures[] = counted.map((row) => ({
    organisationId: row.organisation_id, name: row.name, kind: row.kind, subregionId: row.subregion_id, subregionName: row.subregion_name,
    pledgedCents: Number(row.pledged), agreedCents: Number(row.agreed), realisedCents: Number(row.realised), commitments: row.commitments,
  }));
  const realisedToDateCents = counted.reduce((total, row) => total + Number(row.realised_to_date), 0);

  const byKind: KindFigures[] = [...groupBy(byPartner, (row) => row.kind)]
    .map(([kind, rows]) => ({ kind, partners: rows.length, ...sum(rows) }))
    .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  const bySubregion: SubregionFigures[] = [...groupBy(byPartner, (row) => row.subregionId)]
    .map(([subregionId, rows]) => ({ subregionId, name: rows[0]!.subregionName, partners: rows.length, ...sum(rows) }))
    // By name, the organisations without a subregion last.
    .sort((a, b) => (a.name === null ? 1 : b.name === null ? -1 : a.name.localeCompare(b.name, "nl")));

  const totals = sum(byPartner);
  const perMonth = new Map(monthRows.rows.map((row) => [row.month, { realised: Number(row.realised), pledged: Number(row.pledged) }]));
  let pledged = 0;
  let realised = 0;
  const forecast = forecastOf({ from, to, today, realisedToDateCents, realisedCents: totals.realisedCents, budget });
  const thisMonth = today.slice(0, 7);
  const projectedBy = (month: string): number | null => {
    if (forecast.status !== "projected" || month < thisMonth) return null;
    if (month === thisMonth) return realisedToDateCents;
    const [y, m] = month.split("-").map(Number) as [number, number];
    const monthEnd = dayOfDate(new Date(Date.UTC(y, m, 0)));
    return Math.round((realisedToDateCents * (daysBetween(from, monthEnd) + 1)) / forecast.elapsedDays);
  };
  const months: MonthFigures[] = monthsOf(startYear).map((month) => {
    pledged += perMonth.get(month)?.pledged ?? 0;
    realised += perMonth.get(month)?.realised ?? 0;
    const begun = `${month}-01` <= today;
    return { month, pledgedCents: begun ? pledged : null, realisedCents: begun ? realised : null, forecastCents: projectedBy(month) };
  });

  const targetCents = budget?.targetCents ?? null;
  const share = (cents: number) => cents / budget!.budgetCents;
  return {
    schoolYear, from, to, today, budget,
    totals: { ...totals, targetCents, commitments: byPartner.reduce((n, row) => n + row.commitments, 0), partners: byPartner.length },
    shares: budget && budget.budgetCents > 0
      ? { pledged: share(totals.pledgedCents), agreed: share(totals.agreedCents), realised: share(totals.realisedCents), target: budget.targetBasisPoints / 10000 }
      : null,
    byKind, bySubregion, byPartner, months, forecast,
  };
}

/** The school years the year picker offers: those with a budget or commitments, and this one with its neighbours. */
export async function cofinancingYears(db: Database, scope: Scope, currentYear: string): Promise<string[]> {
  assertBudgetReader(scope);
  const rows = await sql<{ school_year: string }>`
    select school_year from school_year_budgets where region_id = ${scope.regionId}
    union select distinct school_year from commitments where region_id = ${scope.regionId} and archived_at is null`.execute(db);
  const start = Number(currentYear.slice(0, 4));
  const years = new Set([...rows.rows.map((row) => row.school_year), `${start - 1}-${start}`, currentYear, `${start + 1}-${start + 2}`]);
  return [...years].sort().reverse();
}
