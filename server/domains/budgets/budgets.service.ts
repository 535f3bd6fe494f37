import type { Database } from "../../db/database";

// The region's subsidised budget and co-financing target per school year (issue 6, item 4).
// Every figure that shows a target (the penvoerder's page, the school-year report) reads it here.

export type SchoolYearBudget = {
  schoolYear: string;
  budgetCents: number;
  /** 1000 = 10%. */
  targetBasisPoints: number;
  targetCents: number;
  notes: string | null;
  version: number;
  updatedAt: string;
};

/** The target in cents: the budget's share, rounded to the cent. */
export function targetCentsOf(budgetCents: number, targetBasisPoints: number): number {
  return Math.round((budgetCents * targetBasisPoints) / 10000);
}

export async function getSchoolYearBudget(db: Database, regionId: string, schoolYear: string): Promise<SchoolYearBudget | null> {
  const row = await db
    .selectFrom("school_year_budgets")
    .selectAll()
    .where("region_id", "=", regionId)
    .where("school_year", "=", schoolYear)
    .executeTakeFirst();
  if (!row) return null;
  const budgetCents = Number(row.budget_cents);
  return {
    schoolYear: row.school_year,
    budgetCents,
    targetBasisPoints: row.target_basis_points,
    targetCents: targetCentsOf(budgetCents, row.target_basis_points),
    notes: row.notes,
    version: row.version,
    updatedAt: row.updated_at.toISOString(),
  };
}
