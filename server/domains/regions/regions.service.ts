import type { Database } from "../../db/database";
import { AppError } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { insertDefaultHealthSettings } from "../health/holidays";
import { insertDefaultPlanTemplates } from "../plans/plans.defaults";
import type { CreateRegionInput } from "./regions.schemas";

export type RegionSummary = { id: string; slug: string; name: string };

/** Creates a region with its subregions; a taken slug is a validation error on `slug`. */
export async function createRegion(db: Database, input: CreateRegionInput, meta: { actorId: string | null; now: Date }): Promise<RegionSummary> {
  const taken = await db.selectFrom("regions").select("id").where("slug", "=", input.slug).executeTakeFirst();
  if (taken) throw validationFailed({ slug: "validation.slugTaken" });
  const region = await db
    .insertInto("regions")
    .values({ name: input.name, slug: input.slug, created_at: meta.now })
    .returning(["id", "slug", "name"])
    .executeTakeFirstOrThrow();
  if (input.subregions.length) {
    await db
      .insertInto("subregions")
      .values(input.subregions.map((name) => ({ region_id: region.id, name, created_at: meta.now })))
      .execute();
  }
  await insertDefaultHealthSettings(db, region.id, meta.now);
  await insertDefaultPlanTemplates(db, region.id, meta.now);
  await recordAudit(db, { regionId: region.id, actorId: meta.actorId, action: "region.create", entityType: "region", entityId: region.id, after: input, now: meta.now });
  return region;
}

export async function findRegionBySlug(db: Database, slug: string): Promise<RegionSummary | undefined> {
  return db.selectFrom("regions").select(["id", "slug", "name"]).where("slug", "=", slug.trim().toLowerCase()).executeTakeFirst();
}

export async function getRegion(db: Database, regionId: string): Promise<RegionSummary> {
  const region = await db.selectFrom("regions").select(["id", "slug", "name"]).where("id", "=", regionId).executeTakeFirst();
  if (!region) throw new AppError("NOT_FOUND", "Region not found");
  return region;
}

export async function listSubregions(db: Database, regionId: string) {
  return subregionsQuery(db, regionId).execute();
}

/** The region's current subregions by name: the query of listSubregions, also read inside a page's statement. */
export function subregionsQuery(db: Database, regionId: string) {
  return db
    .selectFrom("subregions")
    .select(["id", "name"])
    .where("region_id", "=", regionId)
    .where("archived_at", "is", null)
    .orderBy("name");
}
