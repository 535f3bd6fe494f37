import { type RawBuilder, sql } from "kysely";
import { schoolYearRange } from "../../../calendar/school-year";
import { validationFailed } from "../../validation";

/**
 * The relationships a vmbo school depends on in a school year (decision 138): every organisation
 * that is not itself a vmbo school and that shares with the school an activity of the region that
 * ran in the year (started on or before its last day, ended on or after its first; not cancelled,
 * not deleted), or an agreement in force in the year (signed on or before its last day, not expired
 * before its first; not deleted). One statement, shared by the roll-up and the lists it drills down
 * to, so a count and its list cannot disagree.
 *
 * Rows `(school_id, organisation_id)`; `schoolId` null gives every vmbo school of the region.
 */
export function schoolDependencies(regionId: string, range: { from: string; until: string }, schoolId: string | null = null): RawBuilder<{ school_id: string; organisation_id: string }> {
  const oneSchool = schoolId ? sql`and school.id = ${schoolId}::uuid` : sql``;
  return sql`(
    select school_side.organisation_id as school_id, other.organisation_id
    from activities a
    join activity_organisations school_side on school_side.activity_id = a.id
    join organisations school on school.id = school_side.organisation_id and school.kind = 'vmbo' and school.region_id = ${regionId}::uuid and school.archived_at is null ${oneSchool}
    join activity_organisations other on other.activity_id = a.id and other.organisation_id <> school_side.organisation_id
    join organisations o on o.id = other.organisation_id and o.kind <> 'vmbo' and o.region_id = ${regionId}::uuid and o.archived_at is null
    where a.region_id = ${regionId}::uuid and a.archived_at is null and a.status <> 'cancelled'
      and a.start_date <= ${range.until}::date and a.end_date >= ${range.from}::date
    union
    select school_side.organisation_id, other.organisation_id
    from agreements g
    join agreement_parties school_side on school_side.agreement_id = g.id
    join organisations school on school.id = school_side.organisation_id and school.kind = 'vmbo' and school.region_id = ${regionId}::uuid and school.archived_at is null ${oneSchool}
    join agreement_parties other on other.agreement_id = g.id and other.organisation_id <> school_side.organisation_id
    join organisations o on o.id = other.organisation_id and o.kind <> 'vmbo' and o.region_id = ${regionId}::uuid and o.archived_at is null
    where g.region_id = ${regionId}::uuid and g.archived_at is null
      and g.signed_on <= ${range.until}::date and (g.expires_on is null or g.expires_on >= ${range.from}::date)
  )`;
}

/**
 * A list's filter "the relationships this school depends on in this school year", on a query over
 * `organisations`. Both are needed: one without the other is refused, naming the missing field.
 */
export function dependsOnSchool(regionId: string, filters: { schoolId?: string | undefined; schoolYear?: string | undefined }) {
  if (!filters.schoolId) throw validationFailed({ schoolId: "validation.required" });
  if (!filters.schoolYear) throw validationFailed({ schoolYear: "validation.required" });
  return sql<boolean>`organisations.id in (select d.organisation_id from ${schoolDependencies(regionId, schoolYearRange(filters.schoolYear), filters.schoolId)} d)`;
}
