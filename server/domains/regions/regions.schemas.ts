import { z } from "zod";

export const RegionSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "validation.slug");

export const CreateRegionInput = z.object({
  name: z.string().trim().min(1).max(200),
  slug: RegionSlug,
  subregions: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
});
export type CreateRegionInput = z.infer<typeof CreateRegionInput>;
