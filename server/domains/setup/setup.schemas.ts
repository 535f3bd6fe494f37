import { z } from "zod";
import { RegionSlug } from "../regions/regions.schemas";
import { EmailAddress, NewPassword, UserName } from "../users/users.schemas";

export const CompleteSetupInput = z
  .object({
    regionName: z.string().trim().min(1).max(200),
    regionSlug: RegionSlug,
    adminName: UserName,
    adminEmail: EmailAddress,
    password: NewPassword,
    confirm: z.string().max(200),
  })
  .refine((value) => value.password === value.confirm, { message: "validation.passwordsDiffer", path: ["confirm"] });
