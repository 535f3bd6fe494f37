import { sql } from "kysely";
import type { ActivityType } from "../../../db/schema";
import type { Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { forbidden } from "../../errors";
import { recordAudit } from "../audit/audit";
import type { Actor } from "../../auth/current-user";
import { can } from "../../auth/permissions";

/**
 * The activity types a partner's people spend their hours on, and which therefore count as in-kind
 * contribution: a guest lesson, internship supervision, a company visit, a workshop, a teacher's
 * placement or a training given. Events, electives and Technolab sessions are school-led.
 */
export const IN_KIND_ACTIVITY_TYPES = ["guest_lesson", "internship", "company_visit", "workshop", "teacher_placement", "training"] as const satisfies readonly ActivityType[];
export type InKindActivityType = (typeof IN_KIND_ACTIVITY_TYPES)[number];

/** €65 an hour: the rate of a skilled professional's hour most regions use until they set their own. */
export const DEFAULT_IN_KIND_RATE_CENTS = 6500;

export type InKindRate = { activityType: InKindActivityType; hourlyRateCents: number; isDefault: boolean; updatedAt: Date | null };

/** The region's hourly rate for an activity type: its own when set, else the default. */
export async function inKindRateOf(db: Database, regionId: string, activityType: ActivityType): Promise<number> {
  const row = await db.selectFrom("in_kind_rates").select("hourly_rate_cents").where("region_id", "=", regionId).where("activity_type", "=", activityType).executeTakeFirst();
  return row ? Number(row.hourly_rate_cents) : DEFAULT_IN_KIND_RATE_CENTS;
}

/** Every counted type with its rate, in the fixed order of IN_KIND_ACTIVITY_TYPES. Everyone in the region reads them. */
export async function listInKindRates(db: Database, regionId: string): Promise<InKindRate[]> {
  const rows = await db.selectFrom("in_kind_rates").select(["activity_type", "hourly_rate_cents", "updated_at"]).where("region_id", "=", regionId).execute();
  const stored = new Map(rows.map((row) => [row.activity_type, row]));
  return IN_KIND_ACTIVITY_TYPES.map((activityType) => {
    const row = stored.get(activityType);
    return { activityType, hourlyRateCents: row ? Number(row.hourly_rate_cents) : DEFAULT_IN_KIND_RATE_CENTS, isDefault: !row, updatedAt: row?.updated_at ?? null };
  });
}

/**
 * Sets the rates given (admin, penvoerder); the others keep theirs. A rate changes only future
 * valuations: realisations already counted keep the amount they were confirmed at.
 */
export async function updateInKindRates(trx: Tx, scope: Scope, rates: Partial<Record<InKindActivityType, number>>, meta: { actor: Actor; now: Date }) {
  if (!can(scope, "money.write")) throw forbidden();
  const before = await listInKindRates(trx, scope.regionId);
  const entries = Object.entries(rates).filter((entry): entry is [InKindActivityType, number] => entry[1] !== undefined);
  if (entries.length) {
    await trx
      .insertInto("in_kind_rates")
      .values(entries.map(([activityType, cents]) => ({ region_id: scope.regionId, activity_type: activityType, hourly_rate_cents: cents, updated_by: meta.actor?.id ?? null, updated_at: meta.now })))
      .onConflict((oc) => oc.columns(["region_id", "activity_type"]).doUpdateSet({ hourly_rate_cents: sql`excluded.hourly_rate_cents`, updated_by: sql`excluded.updated_by`, updated_at: sql`excluded.updated_at` }))
      .execute();
  }
  const after = await listInKindRates(trx, scope.regionId);
  const pick = (list: InKindRate[]) => Object.fromEntries(list.map((r) => [r.activityType, r.hourlyRateCents]));
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "in_kind.rates", entityType: "region", entityId: scope.regionId, before: pick(before), after: pick(after), now: meta.now });
  return after;
}
