import { sql } from "kysely";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { jsonb } from "../../db/json";
import { AppError } from "../../errors";
import { recordAudit } from "../audit/audit";

/** The first steps of a new region, in the order an admin takes them; each is done when the data says so. */
export const GETTING_STARTED_STEPS = ["organisations", "colleagues", "healthSettings", "partner"] as const;
export type GettingStartedStep = (typeof GETTING_STARTED_STEPS)[number];

export type GettingStarted = {
  steps: Array<{ step: GettingStartedStep; done: boolean }>;
  /** Every step is done. */
  complete: boolean;
  /** The admin put the list away before every step was done. */
  dismissed: boolean;
};

const DISMISSED_KEY = "gettingStartedDismissedAt";

function assertAdmin(scope: Scope) {
  if (scope.role !== "admin") throw new AppError("FORBIDDEN", "Only an admin sets up the region");
}

/**
 * Where a new region stands: organisations imported (or added), a colleague invited, the contact
 * cadences or school holidays looked at (saved once, or a holiday added after the region was made),
 * a partner's user invited.
 */
export async function gettingStarted(db: Database, scope: Scope): Promise<GettingStarted> {
  assertAdmin(scope);
  const row = await db
    .selectFrom("regions")
    .where("regions.id", "=", scope.regionId)
    .select((eb) => [
      sql<boolean>`coalesce(regions.settings ? ${DISMISSED_KEY}, false)`.as("dismissed"),
      eb.exists(eb.selectFrom("organisations").select("id").where("organisations.region_id", "=", scope.regionId)).as("organisations"),
      eb.exists(
        eb.selectFrom("users").select("id")
          .where("users.region_id", "=", scope.regionId)
          .where("users.role", "in", ["admin", "penvoerder", "accounthouder"])
          .where("users.id", "!=", scope.userId),
      ).as("colleagues"),
      eb.or([
        eb.exists(eb.selectFrom("region_health_settings").select("region_id").where("region_health_settings.region_id", "=", scope.regionId).where("region_health_settings.version", ">", 1)),
        eb.exists(eb.selectFrom("school_holidays").select("id").where("school_holidays.region_id", "=", scope.regionId).whereRef("school_holidays.created_at", ">", "regions.created_at")),
      ]).as("healthSettings"),
      eb.exists(eb.selectFrom("users").select("id").where("users.region_id", "=", scope.regionId).where("users.role", "=", "partner")).as("partner"),
    ])
    .executeTakeFirstOrThrow();
  const steps = GETTING_STARTED_STEPS.map((step) => ({ step, done: Boolean(row[step]) }));
  return { steps, complete: steps.every((s) => s.done), dismissed: Boolean(row.dismissed) };
}

/** The admin puts the first-steps list away for the whole region; it stays reachable at its own page. */
export async function dismissGettingStarted(trx: Tx, scope: Scope, meta: ChangeStamp) {
  assertAdmin(scope);
  await trx
    .updateTable("regions")
    .set({ settings: sql`settings || ${jsonb({ [DISMISSED_KEY]: meta.now.toISOString() })}` })
    .where("id", "=", scope.regionId)
    .execute();
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "region.getting_started_dismissed", entityType: "region", entityId: scope.regionId, now: meta.now });
}
