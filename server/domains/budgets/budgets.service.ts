import { sql } from "kysely";
import type { Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { forbidden, notFound } from "../../errors";
import { recordAudit } from "../audit/audit";
import type { Actor } from "../../auth/current-user";
import type { SetBudgetInput } from "./budgets.schemas";
import { can } from "../../auth/permissions";
import { assertStillCurrent, updatedOne } from "../../db/versioned";

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

export function assertBudgetReader(scope: Scope) {
  if (!can(scope, "money.read")) throw forbidden();
}

/** The target in cents: the budget's share, rounded to the cent. */
export function targetCentsOf(budgetCents: number, targetBasisPoints: number): number {
  return Math.round((budgetCents * targetBasisPoints) / 10000);
}

type BudgetRow = { school_year: string; budget_cents: string | number | bigint; target_basis_points: number; notes: string | null; version: number; updated_at: Date };

function toBudget(row: BudgetRow): SchoolYearBudget {
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

export async function getSchoolYearBudget(db: Database, regionId: string, schoolYear: string): Promise<SchoolYearBudget | null> {
  const row = await db
    .selectFrom("school_year_budgets")
    .selectAll()
    .where("region_id", "=", regionId)
    .where("school_year", "=", schoolYear)
    .executeTakeFirst();
  return row ? toBudget(row) : null;
}

/** The region's budgets, newest school year first (a region has a handful: one per year). */
export async function listSchoolYearBudgets(db: Database, scope: Scope): Promise<SchoolYearBudget[]> {
  assertBudgetReader(scope);
  const rows = await db.selectFrom("school_year_budgets").selectAll().where("region_id", "=", scope.regionId).orderBy("school_year", "desc").execute();
  return rows.map(toBudget);
}

/** One year's budget for a reader of the region; 404 when none was set. */
export async function readSchoolYearBudget(db: Database, scope: Scope, schoolYear: string): Promise<SchoolYearBudget> {
  assertBudgetReader(scope);
  const budget = await getSchoolYearBudget(db, scope.regionId, schoolYear);
  if (!budget) throw notFound("Budget");
  return budget;
}

/**
 * Sets a school year's budget and target: creates it the first time (without a `version`), changes
 * it after that (with the version read). A version that does not match what is stored, including
 * a version for a year nobody set yet or none while someone just set it, answers 409 and writes nothing.
 */
export async function setSchoolYearBudget(
  trx: Tx,
  scope: Scope,
  schoolYear: string,
  input: SetBudgetInput,
  meta: { actor: Actor; now: Date },
): Promise<SchoolYearBudget> {
  if (!can(scope, "money.write")) throw forbidden();
  const before = await getSchoolYearBudget(trx, scope.regionId, schoolYear);
  assertStillCurrent((before?.version ?? null) === (input.version ?? null), "budget");
  if (!before) {
    // Two first settings at once: the primary key lets one in, the other finds nothing inserted.
    const inserted = await trx
      .insertInto("school_year_budgets")
      .values({
        region_id: scope.regionId, school_year: schoolYear, budget_cents: input.budgetCents, target_basis_points: input.targetBasisPoints,
        notes: input.notes, updated_by: meta.actor?.id ?? null, created_at: meta.now, updated_at: meta.now,
      })
      .onConflict((oc) => oc.columns(["region_id", "school_year"]).doNothing())
      .returning("school_year")
      .executeTakeFirst();
    assertStillCurrent(inserted, "budget");
  } else {
    const result = await trx
      .updateTable("school_year_budgets")
      .set({
        budget_cents: input.budgetCents, target_basis_points: input.targetBasisPoints, notes: input.notes,
        updated_by: meta.actor?.id ?? null, updated_at: meta.now, version: sql`version + 1`,
      })
      .where("region_id", "=", scope.regionId)
      .where("school_year", "=", schoolYear)
      .where("version", "=", before.version)
      .executeTakeFirst();
    assertStillCurrent(updatedOne(result), "budget");
  }
  const after = (await getSchoolYearBudget(trx, scope.regionId, schoolYear))!;
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: before ? "budget.update" : "budget.create", entityType: "school_year_budget",
    entityId: schoolYear, before: before ?? undefined, after, now: meta.now,
  });
  return after;
}
