import { z } from "zod";
import { ACTIVITY_TYPES } from "../../../db/schema";
import { VMBO_PROFILES } from "../activities/activities.schemas";
import { SchoolYear } from "../commitments/commitments.schemas";

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
