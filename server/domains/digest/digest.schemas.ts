import { z } from "zod";

/**
 * The profile's "Wekelijkse samenvatting" form: on or off, and the ISO weekday (1 = Monday). An
 * unticked checkbox is simply absent from a form post, so absence means off.
 */
export const DigestPreferencesInput = z.object({
  enabled: z.preprocess((value) => value === true || value === "on" || value === "true", z.boolean()),
  weekday: z.coerce.number().int("validation.weekday").min(1, "validation.weekday").max(7, "validation.weekday"),
});
export type DigestPreferencesInput = z.infer<typeof DigestPreferencesInput>;
