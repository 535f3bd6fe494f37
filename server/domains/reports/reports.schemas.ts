import { z } from "zod";
import { schoolYearRange } from "../../../calendar/school-year";
import { ACTIVITY_TYPES, COMMITMENT_CATEGORIES, COMMITMENT_KINDS, COMMITMENT_STATUSES, ORGANISATION_KINDS } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";
import { VMBO_PROFILES } from "../activities/activities.schemas";
import { SchoolYear } from "../commitments/commitments.schemas";
import { validationFailed } from "../../validation";

/** The figures asked for: a school year ("2025-2026") and optionally one subregion of the region. */
export const FiguresInput = z.object({
  schoolYear: SchoolYear,
  subregionId: z.uuid().optional(),
});
export type FiguresInput = z.infer<typeof FiguresInput>;

/** The figures a drill-down lists the records of (the address segment after the school year). */
export const DRILL_DOWNS = ["companies", "trade-schools", "mbo", "activities", "internships"] as const;
export type DrillDown = (typeof DRILL_DOWNS)[number];

export const RecordsInput = FiguresInput.extend({
  figure: z.enum(DRILL_DOWNS),
  type: z.enum(ACTIVITY_TYPES).optional(),
  profile: z.enum(VMBO_PROFILES).optional(),
});
export type RecordsInput = z.infer<typeof RecordsInput>;

export const StatementInput = z.object({ schoolYear: SchoolYear, organisationId: z.uuid() });
export type StatementInput = z.infer<typeof StatementInput>;

/** The report as a file: CSV (also by `Accept: text/csv`), XLSX or PDF; JSON when absent. */
export const ReportFormatInput = z.object({ format: z.enum(["json", "csv", "xlsx", "pdf"]).optional() });
export type ReportFormat = "csv" | "xlsx" | "pdf";

const Named = z.object({ id: z.uuid(), name: z.string() });
const count = z.number().int();

/** The region's figures of a school year (reports.service.ts, schoolYearFigures); amounts in integer cents. */
export const SchoolYearFiguresResponse = z.object({
  schoolYear: SchoolYear,
  from: CalendarDay,
  until: CalendarDay,
  region: Named,
  subregion: Named.nullable(),
  companiesParticipating: count,
  tradeSchools: z.array(Named),
  mboSchools: z.array(Named),
  teachersInvolved: count,
  pupilsReached: count,
  activitiesDone: count,
  activitiesByType: z.record(z.enum(ACTIVITY_TYPES), count),
  activitiesByProfile: z.partialRecord(z.enum(VMBO_PROFILES), count),
  guestLessonsGiven: count,
  internships: z.object({ offered: count, filled: count }),
  commitments: z.object({ pledgedCents: count, realisedCents: count, targetCents: count.nullable(), budgetCents: count.nullable() }),
  partners: z.array(Named.extend({ kind: z.enum(ORGANISATION_KINDS), pledgedCents: count, realisedCents: count, realisationDates: z.array(CalendarDay) })),
});

/** A partner's contribution statement for a school year (reports.service.ts, contributionStatement). */
export const ContributionStatementResponse = z.object({
  schoolYear: SchoolYear,
  from: CalendarDay,
  until: CalendarDay,
  regionName: z.string(),
  organisation: Named.extend({ kind: z.enum(ORGANISATION_KINDS), city: z.string().nullable(), kvkNumber: z.string().nullable() }),
  commitments: z.array(
    z.object({
      id: z.uuid(),
      kind: z.enum(COMMITMENT_KINDS),
      category: z.enum(COMMITMENT_CATEGORIES),
      status: z.enum(COMMITMENT_STATUSES),
      amountCents: count,
      hours: z.number().nullable(),
      hourlyRateCents: count.nullable(),
      agreementReference: z.string().nullable(),
      confirmedAt: Timestamp.nullable(),
      createdAt: Timestamp,
    }),
  ),
  realisations: z.array(z.object({ id: z.uuid(), commitmentId: z.uuid(), date: CalendarDay, amountCents: count, description: z.string().nullable(), evidence: z.string().nullable() })),
  pledgedCents: count,
  realisedCents: count,
});

/** A school year as a window; a string that is not one answers 400 with the field named, before anything is read. */
export function schoolYearWindow(schoolYear: string): { schoolYear: string; from: string; until: string } {
  const parsed = SchoolYear.safeParse(schoolYear);
  if (!parsed.success) {
    throw validationFailed({ schoolYear: "commitments.validation.schoolYear" }, "en", {
      message: `There is no school year "${String(schoolYear).slice(0, 40)}": write it as two consecutive years, e.g. 2025-2026`,
    });
  }
  return { schoolYear: parsed.data, ...schoolYearRange(parsed.data) };
}
