import { z } from "zod";
import { END_REASONS, INTERACTION_KINDS, INTERACTION_SENTIMENTS, INTERACTION_SOURCES } from "../../../db/schema";
import { CalendarDay, Timestamp } from "../../http/api-schemas";
import { TaskResponse } from "../tasks/tasks.schemas";

/**
 * How it went (goed / neutraal / zorgen), optional; a form's empty choice is no view. "concerned" is a
 * health signal until a later moment says good or neutral (decision 137).
 */
const Sentiment = z.union([z.enum(INTERACTION_SENTIMENTS), z.literal("")]).nullish();

/** Logging a contact moment. Without `date` the caller fills in today; a next step with a date also becomes a task. */
export const LogInteractionInput = z.object({
  organisationId: z.uuid(),
  kind: z.enum(INTERACTION_KINDS),
  summary: z.string().trim().min(1).max(5000),
  date: CalendarDay.optional(),
  personIds: z.array(z.uuid()).max(20).default([]),
  nextStep: z.string().trim().max(500).nullish().transform((value) => value || null),
  nextStepDate: CalendarDay.nullish().transform((value) => value ?? null),
  sentiment: Sentiment.transform((value) => value || null),
})
  // A date alone is no follow-up: say what is to be done.
  .refine((value) => !value.nextStepDate || value.nextStep, { message: "validation.required", path: ["nextStep"] });
export type LogInteractionInput = z.infer<typeof LogInteractionInput>;

/**
 * Correcting a contact moment: the fields given change, with the version read. `personIds` replaces
 * who took part; a next step's task, once made, is a task of its own and stays as it is.
 */
export const UpdateInteractionInput = z.object({
  kind: z.enum(INTERACTION_KINDS).optional(),
  summary: z.string().trim().min(1).max(5000).optional(),
  date: CalendarDay.optional(),
  personIds: z.array(z.uuid()).max(20).optional(),
  nextStep: z.string().trim().max(500).nullish().transform((value) => (value === undefined ? undefined : value || null)),
  /** Left out: unchanged; null or "": no view. */
  sentiment: Sentiment.transform((value) => (value === undefined ? undefined : value || null)),
  version: z.coerce.number().int().min(1),
});
export type UpdateInteractionInput = z.infer<typeof UpdateInteractionInput>;

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

/** A contact moment as the API answers it. */
export const InteractionResponse = z.object({
  id: z.uuid(),
  organisationId: z.uuid(),
  organisationName: z.string(),
  kind: z.enum(INTERACTION_KINDS),
  date: CalendarDay,
  userId: z.uuid().nullable(),
  userName: z.string().nullable(),
  personIds: z.array(z.uuid()),
  summary: z.string(),
  nextStep: z.string().nullable(),
  /** How it went as whoever logged it saw it; null when not said (always for captured mail). */
  sentiment: z.enum(INTERACTION_SENTIMENTS).nullable(),
  /** Typed by hand, or logged from a mail or a meeting invitation. */
  source: z.enum(INTERACTION_SOURCES),
  createdAt: Timestamp,
  /** For a correction: send it back with PATCH; a stale one is refused (409). */
  version: z.number().int(),
  updatedAt: Timestamp.nullable(),
  /** Whether the caller may correct or delete it: its own, or any when the caller is an admin. */
  mayChange: z.boolean(),
});

/** A logged contact moment, with the task its dated next step became. */
export const LoggedInteractionResponse = InteractionResponse.extend({ task: TaskResponse.nullable() });

const timelineBase = { date: CalendarDay, at: Timestamp.nullable(), id: z.uuid() };
/** One line of an organisation's timeline. */
export const TimelineItemResponse = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("interaction"), ...timelineBase, kind: z.enum(INTERACTION_KINDS), summary: z.string(), userId: z.uuid().nullable(), userName: z.string().nullable(),
    personNames: z.array(z.string()), source: z.enum(INTERACTION_SOURCES), sentiment: z.enum(INTERACTION_SENTIMENTS).nullable(), mayChange: z.boolean(),
  }),
  z.object({ type: z.literal("affiliation_started"), ...timelineBase, personId: z.uuid(), personName: z.string(), role: z.string().nullable(), byPartner: z.string().nullable() }),
  z.object({ type: z.literal("affiliation_ended"), ...timelineBase, personId: z.uuid(), personName: z.string(), role: z.string().nullable(), endReason: z.enum(END_REASONS).nullable(), byPartner: z.string().nullable() }),
  z.object({ type: z.literal("owner_changed"), ...timelineBase, userId: z.uuid(), userName: z.string() }),
]);
