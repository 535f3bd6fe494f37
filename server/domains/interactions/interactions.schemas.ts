import { z } from "zod";
import { INTERACTION_KINDS } from "../../../db/schema";

/** A calendar day as YYYY-MM-DD (a real date: 2026-02-30 is refused). */
const CalendarDay = z.iso.date();

/** Logging a contact moment. Without `date` the caller fills in today; a next step with a date also becomes a task. */
export const LogInteractionInput = z.object({
  organisationId: z.uuid(),
  kind: z.enum(INTERACTION_KINDS),
  summary: z.string().trim().min(1).max(5000),
  date: CalendarDay.optional(),
  personIds: z.array(z.uuid()).max(20).default([]),
  nextStep: z.string().trim().max(500).nullish().transform((value) => value || null),
  nextStepDate: CalendarDay.nullish().transform((value) => value ?? null),
})
  // A date alone is no follow-up: say what is to be done.
  .refine((value) => !value.nextStepDate || value.nextStep, { message: "validation.required", path: ["nextStep"] });
export type LogInteractionInput = z.infer<typeof LogInteractionInput>;

export const ListInteractionsInput = z.object({
  organisationId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(300).optional(),
});
export type ListInteractionsInput = z.infer<typeof ListInteractionsInput>;

export const TimelineInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TimelineInput = z.infer<typeof TimelineInput>;
