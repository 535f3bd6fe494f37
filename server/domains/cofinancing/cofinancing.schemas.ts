import { z } from "zod";
import { ORGANISATION_KINDS } from "../../../db/schema";
import { CalendarDay } from "../../http/api-schemas";
import { BudgetResponse, SchoolYearParam } from "../budgets/budgets.schemas";
import { SchoolYear } from "../commitments/commitments.schemas";

export { SchoolYearParam };

/** Where the forecast stands: before 1 August, nothing realised yet, projected, or after 31 July. */
export const FORECAST_STATUSES = ["not_started", "no_realisations", "projected", "finished"] as const;

const figures = { pledgedCents: z.number().int(), agreedCents: z.number().int(), realisedCents: z.number().int() };

/** The co-financing overview of a school year (cofinancing.service.ts), to the cent. */
export const CofinancingOverviewResponse = z.object({
  schoolYear: SchoolYear,
  from: CalendarDay,
  to: CalendarDay,
  today: CalendarDay,
  budget: BudgetResponse.nullable(),
  totals: z.object({ ...figures, targetCents: z.number().int().nullable(), commitments: z.number().int(), partners: z.number().int() }),
  shares: z.object({ pledged: z.number(), agreed: z.number(), realised: z.number(), target: z.number() }).nullable(),
  byKind: z.array(z.object({ ...figures, kind: z.enum(ORGANISATION_KINDS), partners: z.number().int() })),
  bySubregion: z.array(z.object({ ...figures, subregionId: z.uuid().nullable(), name: z.string().nullable(), partners: z.number().int() })),
  byPartner: z.array(
    z.object({ ...figures, organisationId: z.uuid(), name: z.string(), kind: z.enum(ORGANISATION_KINDS), subregionId: z.uuid().nullable(), subregionName: z.string().nullable(), commitments: z.number().int() }),
  ),
  months: z.array(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), pledgedCents: z.number().int().nullable(), realisedCents: z.number().int().nullable(), forecastCents: z.number().int().nullable() })),
  forecast: z.object({
    status: z.enum(FORECAST_STATUSES),
    projectedCents: z.number().int().nullable(),
    share: z.number().nullable(),
    onTrack: z.boolean().nullable(),
    elapsedDays: z.number().int(),
    yearDays: z.number().int(),
  }),
});
