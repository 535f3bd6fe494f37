import { type RawBuilder, sql } from "kysely";
import type { ActivityType, CommitmentCategory, CommitmentKind, CommitmentStatus, OrganisationKind } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import type { Database } from "../../db/database";
import { notFound } from "../../errors";
import { getSchoolYearBudget } from "../budgets/budgets.service";
import { type FiguresInput, type RecordsInput, type StatementInput, schoolYearWindow } from "./reports.schemas";
import { can } from "../../auth/permissions";

/*
 * The region's figures of a school year (issue 6, items 5 and 6): one function computes them and
 * every view shows its result — the page, the API's JSON, CSV, XLSX and PDF — so a printed report
 * can never disagree with the screen. The drill-downs list the records behind a figure with the
 * very same WHERE clauses (the fragments below), so "what counts" is defined once.
 * See docs/decisions/060-what-the-school-year-figures-count.md.
 *
 * What counts, for school year Y (1 August – 31 July) and optionally subregion S:
 * - an activity of the year: not archived, of the region, starting in Y; with S, one of its
 *   organisations (partner or school) lies in S (as the activity list's subregion filter);
 * - pupils reached, teachers involved, activities by type and by profile, guest lessons given:
 *   the DONE activities of the year (offered, planned and cancelled ones have reached no one);
 *   an activity with two profiles counts under each;
 * - internships offered and filled: the places of the year's internships that are not cancelled
 *   (places are offered, and often filled, before the internship is done);
 * - companies taking part, trade schools and mbo colleges involved: organisations of that kind
 *   (with S: in S) with at least one non-cancelled activity of the year, or at least one live
 *   commitment (not archived, not lapsed) for Y;
 * - pledged: the live commitments for Y (not archived, not lapsed); realised: the non-archived
 *   realisations of the non-archived commitments for Y (money that came in stays counted when the
 *   rest of a pledge lapsed); with S, of organisations in S;
 * - target: the region's target for Y (budgets.service); none for a subregion, which has no budget.
 */

export type NamedOrganisation = { id: string; name: string };

export type PartnerTotals = {
  id: string;
  name: string;
  kind: OrganisationKind;
  pledgedCents: number;
  realisedCents: number;
  /** The days of its realisations, oldest first. */
  realisationDates: string[];
};

export type SchoolYearFigures = {
  schoolYear: string;
  from: string;
  until: string;
  region: NamedOrganisation;
  subregion: NamedOrganisation | null;
  companiesParticipating: number;
  tradeSchools: NamedOrganisation[];
  mboSchools: NamedOrganisation[];
  teachersInvolved: number;
  pupilsReached: number;
  activitiesDone: number;
  activitiesByType: Record<ActivityType, number>;
  activitiesByProfile: Record<string, number>;
  guestLessonsGiven: number;
  internships: { offered: number; filled: number };
  commitments: { pledgedCents: number; realisedCents: number; targetCents: number | null; budgetCents: number | null };
  partners: PartnerTotals[];
};

type Window = { regionId: string; schoolYear: string; from: string; until: string; subregionId: string | null };

const ACTIVITY_TYPE_ORDER: ActivityType[] = ["internship", "guest_lesson", "company_visit", "workshop", "event", "elective", "teacher_placement", "training", "technolab"];
const PARTICIPANT_KINDS = ["company", "trade_school", "mbo"] as const;


/** Region reports are for the region's staff; a partner user sees only its own statement, so for it they do not exist. */
function assertStaff(scope: Scope) {
  if (!can(scope, "region.read")) throw notFound("Report");
}

async function windowOf(db: Database, scope: Scope, input: { schoolYear: string; subregionId?: string | null | undefined }) {
  const year = schoolYearWindow(input.schoolYear);
  let subregion: NamedOrganisation | null = null;
  if (input.subregionId) {
    subregion = (await db.selectFrom("subregions").select(["id", "name"]).where("id", "=", input.subregionId).where("region_id", "=", scope.regionId).executeTakeFirst()) ?? null;
    if (!subregion) throw notFound("Subregion");
  }
  const window: Window = { regionId: scope.regionId, ...year, subregionId: subregion?.id ?? null };
  return { window, subregion };
}

// ---- The WHERE clauses, shared by the figures and their drill-downs ------------------------------

/** Activities of the year (alias `a`): the region's, not archived, starting in the year, touching S. */
function yearActivity(w: Window): RawBuilder<boolean> {
  const inSubregion = w.subregionId
    ? sql`and exists (select 1 from activity_organisations sao join organisations so on so.id = sao.organisation_id
                       where sao.activity_id = a.id and so.subregion_id = ${w.subregionId}::uuid)`
    : sql``;
  return sql<boolean>`a.region_id = ${w.regionId}::uuid and a.archived_at is null
    and a.start_date between ${w.from}::date and ${w.until}::date ${inSubregion}`;
}

/** What reached pupils and teachers: done. */
const done = sql<boolean>`a.status = 'done'`;
/** Internship places and taking part: anything not cancelled. */
const live = sql<boolean>`a.status <> 'cancelled'`;

/** Commitments for the year (alias `c`, its organisation `co`): the region's, not archived, of organisations in S. */
function yearCommitment(w: Window): RawBuilder<boolean> {
  return sql<boolean>`c.region_id = ${w.regionId}::uuid and c.school_year = ${w.schoolYear} and c.archived_at is null
    ${w.subregionId ? sql`and co.subregion_id = ${w.subregionId}::uuid` : sql``}`;
}
/** A pledge still standing. */
const standing = sql<boolean>`c.status <> 'lapsed'`;

/**
 * Organisations (alias `o`) taking part in the year: a non-cancelled activity or a standing
 * commitment. Driven from the year's activities and commitments (two index range scans), not by a
 * probe per organisation: a region has thousands of organisations.
 */
function participant(w: Window, kinds: readonly OrganisationKind[]): RawBuilder<boolean> {
  return sql<boolean>`o.region_id = ${w.regionId}::uuid and o.kind in (${sql.join(kinds.map((kind) => sql`${kind}`))})
    ${w.subregionId ? sql`and o.subregion_id = ${w.subregionId}::uuid` : sql``}
    and o.id in (select pao.organisation_id from activities a join activity_organisations pao on pao.activity_id = a.id
                  where ${yearActivity({ ...w, subregionId: null })} and ${live}
                 union
                 select c.organisation_id from commitments c join organisations co on co.id = c.organisation_id
                  where ${yearCommitment({ ...w, subregionId: null })} and ${standing})`;
}

/** Per organisation with commitments for the year: pledged (standing), realised and the realisation days; grouped, not probed per row. */
function partnerTotalsQuery(w: Window, organisationId: string | null) {
  return sql<{ id: string; name: string; kind: OrganisationKind; pledged: string; realised: string; dates: string[] }>`
    with yc as (
      select c.id, c.organisation_id, c.amount_cents, c.status from commitments c join organisations co on co.id = c.organisation_id
       where ${yearCommitment(w)} ${organisationId ? sql`and c.organisation_id = ${organisationId}::uuid` : sql``}
    ), pledged as (
      select c.organisation_id, coalesce(sum(c.amount_cents) filter (where ${standing}), 0) as pledged, count(*) filter (where ${standing}) as standing
        from yc c group by c.organisation_id
    ), realised as (
      select yc.organisation_id, sum(r.amount_cents) as realised, array_agg(distinct r.date::text order by r.date::text) as dates
        from commitment_realisations r join yc on yc.id = r.commitment_id where r.archived_at is null group by yc.organisation_id
    )
    select o.id, o.name, o.kind, p.pledged::text as pledged, coalesce(r.realised, 0)::text as realised, coalesce(r.dates, '{}') as dates
      from pledged p join organisations o on o.id = p.organisation_id left join realised r on r.organisation_id = p.organisation_id
     -- A partner whose only pledge lapsed with nothing received has nothing to account for (as the co-financing overview).
     where p.standing > 0 or r.realised is not null
     order by lower(o.name), o.id`;
}

function toPartner(row: { id: string; name: string; kind: OrganisationKind; pledged: string; realised: string; dates: string[] }): PartnerTotals {
  return { id: row.id, name: row.name, kind: row.kind, pledgedCents: Number(row.pledged), realisedCents: Number(row.realised), realisationDates: row.dates };
}

// ---- The figures -------------------------------------------------------------------------------

/**
 * The region's figures for a school year (and subregion): four set-based statements — the year's
 * activities aggregated, the organisations taking part, the commitments per partner, the budget —
 * and the region's name.
 */
export async function schoolYearFigures(db: Database, scope: Scope, input: FiguresInput): Promise<SchoolYearFigures> {
  assertStaff(scope);
  const { window: w, subregion } = await windowOf(db, scope, input);
  const [region, activityRow, participants, partners, budget] = await Promise.all([
    db.selectFrom("regions").select(["id", "name"]).where("id", "=", scope.regionId).executeTakeFirstOrThrow(),
    sql<{ done: string; pupils: string; teachers: string; offered: string; filled: string; by_type: Record<string, number> | null; by_profile: Record<string, number> | null }>`
      with ya as (select a.type, a.status, a.profiles, a.pupils_reached, a.teachers_involved, a.places_offered, a.places_filled from activities a where ${yearActivity(w)})
      select count(*) filter (where ${done})::text as done,
             coalesce(sum(a.pupils_reached) filter (where ${done}), 0)::text as pupils,
             coalesce(sum(a.teachers_involved) filter (where ${done}), 0)::text as teachers,
             coalesce(sum(a.places_offered) filter (where a.type = 'internship' and ${live}), 0)::text as offered,
             coalesce(sum(a.places_filled) filter (where a.type = 'internship' and ${live}), 0)::text as filled,
             (select json_object_agg(t.type, t.n) from (select a.type, count(*) as n from ya a where ${done} group by a.type) t) as by_type,
             (select json_object_agg(p.profile, p.n) from (select unnest(a.profiles) as profile, count(*) as n from ya a where ${done} group by 1) p) as by_profile
        from ya a`.execute(db),
    // Companies are counted, trade schools and mbo colleges named: a region has thousands of companies and the figure needs only their number.
    sql<{ kind: OrganisationKind; n: string; named: NamedOrganisation[] }>`
      select o.kind, count(*)::text as n,
             coalesce(json_agg(json_build_object('id', o.id, 'name', o.name) order by lower(o.name), o.id) filter (where o.kind <> 'company'), '[]'::json) as named
        from organisations o where ${participant(w, PARTICIPANT_KINDS)} group by o.kind`.execute(db),
    partnerTotalsQuery(w, null).execute(db),
    w.subregionId ? Promise.resolve(null) : getSchoolYearBudget(db, scope.regionId, w.schoolYear),
  ]);
  const a = activityRow.rows[0]!;
  const byType = Object.fromEntries(ACTIVITY_TYPE_ORDER.map((type) => [type, Number(a.by_type?.[type] ?? 0)])) as Record<ActivityType, number>;
  const participating = (kind: OrganisationKind) => participants.rows.find((row) => row.kind === kind);
  const partnerTotals = partners.rows.map(toPartner);
  return {
    schoolYear: w.schoolYear,
    from: w.from,
    until: w.until,
    region,
    subregion,
    companiesParticipating: Number(participating("company")?.n ?? 0),
    tradeSchools: participating("trade_school")?.named ?? [],
    mboSchools: participating("mbo")?.named ?? [],
    teachersInvolved: Number(a.teachers),
    pupilsReached: Number(a.pupils),
    activitiesDone: Number(a.done),
    activitiesByType: byType,
    activitiesByProfile: Object.fromEntries(Object.entries(a.by_profile ?? {}).sort(([x], [y]) => x.localeCompare(y)).map(([profile, n]) => [profile, Number(n)])),
    guestLessonsGiven: byType.guest_lesson,
    internships: { offered: Number(a.offered), filled: Number(a.filled) },
    commitments: {
      pledgedCents: partnerTotals.reduce((sum, p) => sum + p.pledgedCents, 0),
      realisedCents: partnerTotals.reduce((sum, p) => sum + p.realisedCents, 0),
      targetCents: budget?.targetCents ?? null,
      budgetCents: budget?.budgetCents ?? null,
    },
    partners: partnerTotals,
  };
}

// ---- Drill-downs -------------------------------------------------------------------------------

export type RecordActivity = {
  id: string; type: ActivityType; title: string; status: string; startDate: string; endDate: string; profiles: string[];
  pupilsReached: number | null; teachersInvolved: number | null; placesOffered: number | null; placesFilled: number | null; organisations: string[];
};
export type RecordOrganisation = { id: string; name: string; kind: OrganisationKind; activities: number; pledgedCents: number };

export type SchoolYearRecords =
  | { figure: "companies" | "trade-schools" | "mbo"; schoolYear: string; subregion: NamedOrganisation | null; organisations: RecordOrganisation[] }
  | { figure: "activities" | "internships"; schoolYear: string; subregion: NamedOrganisation | null; activities: RecordActivity[] };

const KIND_OF_FIGURE = { companies: "company", "trade-schools": "trade_school", mbo: "mbo" } as const;

/**
 * The records behind a figure, with the figure's own WHERE clauses: the organisations taking part
 * (with their activities of the year and what they pledged), the done activities (optionally of one
 * type or profile: pupils, teachers, guest lessons and the counts by type and profile), or the
 * year's internships with their places. All of them: a region's year is a few thousand rows at most.
 */
export async function schoolYearRecords(db: Database, scope: Scope, input: RecordsInput): Promise<SchoolYearRecords> {
  assertStaff(scope);
  const { window: w, subregion } = await windowOf(db, scope, input);
  const base = { schoolYear: w.schoolYear, subregion };
  if (input.figure === "companies" || input.figure === "trade-schools" || input.figure === "mbo") {
    const { rows } = await sql<{ id: string; name: string; kind: OrganisationKind; activities: string; pledged: string }>`
      with acts as (
        select pao.organisation_id, count(*) as n from activities a join activity_organisations pao on pao.activity_id = a.id
         where ${yearActivity({ ...w, subregionId: null })} and ${live} group by pao.organisation_id
      ), pledges as (
        select c.organisation_id, sum(c.amount_cents) as pledged from commitments c join organisations co on co.id = c.organisation_id
         where ${yearCommitment({ ...w, subregionId: null })} and ${standing} group by c.organisation_id
      )
      select o.id, o.name, o.kind, coalesce(acts.n, 0)::text as activities, coalesce(pledges.pledged, 0)::text as pledged
        from organisations o left join acts on acts.organisation_id = o.id left join pledges on pledges.organisation_id = o.id
       where ${participant(w, [KIND_OF_FIGURE[input.figure]])}
       order by lower(o.name), o.id`.execute(db);
    return { ...base, figure: input.figure, organisations: rows.map((o) => ({ id: o.id, name: o.name, kind: o.kind, activities: Number(o.activities), pledgedCents: Number(o.pledged) })) };
  }
  const which = input.figure === "internships" ? sql`a.type = 'internship' and ${live}` : done;
  const { rows } = await sql<RecordActivity>`
    select a.id, a.type, a.title, a.status, a.start_date::text as "startDate", a.end_date::text as "endDate", a.profiles::text[] as profiles,
           a.pupils_reached as "pupilsReached", a.teachers_involved as "teachersInvolved", a.places_offered as "placesOffered", a.places_filled as "placesFilled",
           coalesce((select array_agg(o.name order by ao.role, lower(o.name)) from activity_organisations ao join organisations o on o.id = ao.organisation_id
                      where ao.activity_id = a.id), '{}') as organisations
      from activities a
     where ${yearActivity(w)} and ${which}
       ${input.type ? sql`and a.type = ${input.type}` : sql``}
       ${input.profile ? sql`and a.profiles @> array[${input.profile}]::text[]` : sql``}
     order by a.start_date, a.id`.execute(db);
  return { ...base, figure: input.figure, activities: rows };
}

// ---- The contribution statement ----------------------------------------------------------------

export type StatementCommitment = {
  id: string; kind: CommitmentKind; category: CommitmentCategory; status: CommitmentStatus; amountCents: number; hours: number | null;
  hourlyRateCents: number | null; agreementReference: string | null; confirmedAt: Date | null; createdAt: Date;
};
export type StatementRealisation = { id: string; commitmentId: string; date: string; amountCents: number; description: string | null; evidence: string | null };

export type ContributionStatement = {
  schoolYear: string;
  from: string;
  until: string;
  regionName: string;
  organisation: { id: string; name: string; kind: OrganisationKind; city: string | null; kvkNumber: string | null };
  commitments: StatementCommitment[];
  realisations: StatementRealisation[];
  /** The same numbers as this partner's line in the school year's report. */
  pledgedCents: number;
  realisedCents: number;
};

/**
 * What one partner pledged and realised in a school year, ready to be signed. Staff read any of
 * the region's; a partner user only its own organisation's (any other answers 404, as does an
 * organisation of another region).
 */
export async function contributionStatement(db: Database, scope: Scope, input: StatementInput): Promise<ContributionStatement> {
  const year = schoolYearWindow(input.schoolYear);
  if (scope.role === "partner" && scope.organisationId !== input.organisationId) throw notFound("Organisation");
  const organisation = await db
    .selectFrom("organisations")
    .innerJoin("regions", "regions.id", "organisations.region_id")
    .select(["organisations.id", "organisations.name", "organisations.kind", "organisations.city", "organisations.kvk_number as kvkNumber", "regions.name as regionName"])
    .where("organisations.id", "=", input.organisationId)
    .where("organisations.region_id", "=", scope.regionId)
    .executeTakeFirst();
  if (!organisation) throw notFound("Organisation");
  const w: Window = { regionId: scope.regionId, ...year, subregionId: null };
  const [commitments, realisations, totals] = await Promise.all([
    sql<Omit<StatementCommitment, "amountCents" | "hours" | "hourlyRateCents"> & { amountCents: string; hours: string | null; hourlyRateCents: string | null }>`
      select c.id, c.kind, c.category, c.status, c.amount_cents::text as "amountCents", c.hours::text as hours, c.hourly_rate_cents::text as "hourlyRateCents",
             c.agreement_reference as "agreementReference", c.confirmed_at as "confirmedAt", c.created_at as "createdAt"
        from commitments c join organisations co on co.id = c.organisation_id
       where ${yearCommitment(w)} and c.organisation_id = ${input.organisationId}::uuid
       order by c.kind, c.created_at, c.id`.execute(db),
    sql<Omit<StatementRealisation, "amountCents"> & { amountCents: string }>`
      select r.id, r.commitment_id as "commitmentId", r.date::text as date, r.amount_cents::text as "amountCents", r.description, r.evidence_reference as evidence
        from commitment_realisations r join commitments c on c.id = r.commitment_id join organisations co on co.id = c.organisation_id
       where ${yearCommitment(w)} and c.organisation_id = ${input.organisationId}::uuid and r.archived_at is null
       order by r.date, r.created_at, r.id`.execute(db),
    partnerTotalsQuery(w, input.organisationId).execute(db),
  ]);
  const total = totals.rows[0];
  const { regionName, ...org } = organisation;
  return {
    ...year,
    regionName,
    organisation: org,
    commitments: commitments.rows.map((c) => ({
      ...c, amountCents: Number(c.amountCents), hours: c.hours === null ? null : Number(c.hours), hourlyRateCents: c.hourlyRateCents === null ? null : Number(c.hourlyRateCents),
    })),
    realisations: realisations.rows.map((r) => ({ ...r, amountCents: Number(r.amountCents) })),
    pledgedCents: total ? Number(total.pledged) : 0,
    realisedCents: total ? Number(total.realised) : 0,
  };
}

