import { z } from "zod";

/**
 * POST /users/{id}/handover: everything to one colleague (`toUserId`), each organisation to its own
 * (`assignments`: organisation id → user id), or both, where `assignments` names the exceptions to
 * `toUserId`. With `assignments` alone, organisations not named stay where they are.
 */
export const HandoverInput = z
  .object({
    toUserId: z.uuid().optional(),
    assignments: z.record(z.uuid(), z.uuid()).optional(),
  })
  .refine((value) => value.toUserId !== undefined || Object.keys(value.assignments ?? {}).length > 0, {
    path: ["toUserId"],
    message: "validation.handoverNothing",
  });
export type HandoverInput = z.infer<typeof HandoverInput>;

/** What a handover did: who got which organisation, how many open tasks moved, how many summary emails were queued. */
export const HandoverResponse = z.object({
  userId: z.uuid(),
  organisations: z.array(z.object({ organisationId: z.uuid(), name: z.string(), toUserId: z.uuid() })),
  tasksMoved: z.number().int(),
  emailsQueued: z.number().int(),
});
