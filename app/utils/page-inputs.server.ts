import { z } from "zod";
import { AppError } from "../../server/errors";
import { ACTIVITY_TYPES } from "../../db/schema";
import { VMBO_PROFILES } from "../../server/domains/activities/activities.fields";
import { NeverLogInput } from "../../server/domains/mail-capture/mail-capture.schemas";
import { DRILL_DOWNS } from "../../server/domains/reports/reports.schemas";

/*
 * The pages' own small inputs: an id in the address, a one-button form, a page's query string.
 * They live in a .server module, not at a route module's top level: a schema built there stays in
 * the page's browser bundle, and zod (450 KB) with it, though only the loader or action reads it.
 */

/** A record's page, `/<records>/:id`. */
export const IdParams = z.object({ id: z.uuid() });

/**
 * The id a record page's address names (`params.id`, or another segment). Anything that is not an
 * id names nothing here: NOT_FOUND, which the page wrapper answers with the 404 page, as it answers a
 * record of another region (server/http/page-errors.ts).
 */
export function recordIdOf(params: Record<string, string | undefined>, name = "id"): string {
  const parsed = z.uuid().safeParse(params[name]);
  if (!parsed.success) throw new AppError("NOT_FOUND", "Not found");
  return parsed.data;
}

/** Snel vastleggen: the organisation name typed to find one. */
export const QuickLogSearch = z.object({ q: z.string().trim().max(100).optional() });

/** Activities, Kalender: month or week around a day, optionally one type. */
export const CalendarInput = z.object({
  view: z.enum(["month", "week"]).default("month"),
  date: z.iso.date().optional(),
  type: z.enum(ACTIVITY_TYPES).optional(),
});

/** A new activity started from an organisation's page. */
export const ActivityPrefill = z.object({ organisationId: z.uuid().optional() });

/** Relatiesignalen: the holiday a button removes. */
export const HolidayTarget = z.object({ holidayId: z.uuid() });

/** E-mailregistratie: the never-log entry a button removes. */
export const NeverLogEntryTarget = z.object({ entryId: z.uuid() });

/** Gebruikers: the user a button acts on. */
export const UserTarget = z.object({ userId: z.uuid() });

/** Aandacht nodig: the organisation a one-click action is for, and a new owner. */
export const AttentionTarget = z.object({ organisationId: z.uuid() });
export const AssignOwner = z.object({ accountHolderId: z.uuid(), version: z.coerce.number().int().min(1) });

/** Inbreng in natura: the activity a proposal comes from. */
export const ActivityId = z.uuid();

/** Te koppelen: the item open, the organisation chosen, the search, the page. */
export const InboxQuery = z.object({
  item: z.uuid().optional(),
  organisation: z.uuid().optional(),
  q: z.string().trim().max(100).optional(),
  cursor: z.uuid().optional(),
});
export const InboxTarget = z.object({ itemId: z.uuid() });

/** Profiel: minting asks for the password again, and the code when two-factor sign-in is on (mintApiToken checks them). */
export const CreateTokenInput = z.object({ name: z.string().trim().min(1).max(100), password: z.string().min(1).max(200), code: z.string().trim().max(40).default("") });
export const RevokeTokenInput = z.object({ tokenId: z.uuid() });
export const FeedInput = z.object({ owner: z.enum(["user", "region"]) });
export const EndSessionInput = z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/) });
/** On the profile a user keeps their own never-log list; the region's is the admin's settings page. */
export const OwnNeverLogInput = NeverLogInput.pick({ pattern: true });
export const RemoveSenderAddressInput = z.object({ senderAddressId: z.uuid() });
export const RemoveNeverLogInput = z.object({ neverLogId: z.uuid() });

/** A sender address's confirmation link: the button that confirms it. */
export const ConfirmSenderAddressInput = z.object({ intent: z.literal("confirm") });

/** Turning two-factor sign-in off asks for the password. */
export const DisableTwoFactorInput = z.object({ password: z.string().min(1).max(200) });

/** A figure's records: one subregion, activity type or vmbo profile. */
export const FigureQuery = z.object({ subregionId: z.uuid().optional(), type: z.enum(ACTIVITY_TYPES).optional(), profile: z.enum(VMBO_PROFILES).optional() });

/** Mijn acties: the task a click marks done. */
export const CompleteTaskForm = z.object({ taskId: z.uuid(), version: z.coerce.number().int().min(1) });

/** One record's id, from the address or a form's hidden field. */
export const RecordId = z.uuid();

/** The figure a report's drill-down lists, the address segment after the school year. */
export const DrillDownParam = z.enum(DRILL_DOWNS);

/** Inloggen met schoolaccount: the admin page's form, the same rules as `schakel sso set`. */
export { OidcProviderInput as OidcProviderForm } from "../../server/auth/oidc-settings.schemas";
/** A list page's "Weergave opslaan" form: the view's name, whether it is shared, and the list's current query. */
export { CreateSavedViewInput as SaveViewForm } from "../../server/domains/saved-views/saved-views.schemas";

/** Weergaven beheren: rename or (un)share a view (`intent=update`), or archive it (`intent=archive`). */
export const ManageViewForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("update"), viewId: z.uuid(), name: z.string().trim().min(1).max(80), shared: z.preprocess((value) => value === "on" || value === "true", z.boolean()), version: z.coerce.number().int().min(1) }),
  z.object({ intent: z.literal("archive"), viewId: z.uuid() }),
]);

/** The plan template a settings form saves. */
export const PlanTemplateTarget = z.object({ templateId: z.uuid() });
