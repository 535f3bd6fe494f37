import { z } from "zod";
import { RegionSlug } from "../regions/regions.schemas";
import { EmailAddress, NewPassword, UserName } from "../users/users.schemas";

const MAX_SUBREGIONS = 50;
const MAX_SUBREGION_NAME = 200;

/**
 * The region's subregions, one name a line as the setup form's text box sends them: empty lines
 * are left out; more than 50, a name over 200 characters or the same name twice is refused as a
 * whole, naming the first problem.
 */
export const SubregionLines = z
  .string()
  .max(MAX_SUBREGIONS * (MAX_SUBREGION_NAME + 2))
  .optional()
  .transform((text, ctx) => {
    const names = (text ?? "").split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
    const tooLong = names.find((name) => name.length > MAX_SUBREGION_NAME);
    const folded = names.map((name) => name.toLocaleLowerCase("nl"));
    const repeated = folded.findIndex((name, index) => folded.indexOf(name) !== index);
    const twice = repeated === -1 ? undefined : names[folded.indexOf(folded[repeated]!)];
    if (names.length > MAX_SUBREGIONS) ctx.addIssue({ code: "custom", message: `validation.tooManySubregions|${JSON.stringify({ maximum: MAX_SUBREGIONS })}` });
    else if (tooLong) ctx.addIssue({ code: "custom", message: `validation.subregionTooLong|${JSON.stringify({ name: `${tooLong.slice(0, 40)}…`, maximum: MAX_SUBREGION_NAME })}` });
    else if (twice) ctx.addIssue({ code: "custom", message: `validation.subregionTwice|${JSON.stringify({ name: twice })}` });
    return names;
  });

export const CompleteSetupInput = z
  .object({
    regionName: z.string().trim().min(1).max(200),
    regionSlug: RegionSlug,
    adminName: UserName,
    adminEmail: EmailAddress,
    password: NewPassword,
    confirm: z.string().max(200),
    subregions: SubregionLines,
  })
  .refine((value) => value.password === value.confirm, { message: "validation.passwordsDiffer", path: ["confirm"] });
