import { z } from "zod";

export const InvitePartnerUserInput = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  name: z.string().trim().min(1).max(200),
});
export type InvitePartnerUserInput = z.infer<typeof InvitePartnerUserInput>;
