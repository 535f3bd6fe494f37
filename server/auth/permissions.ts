import type { Role } from "../../db/schema";
import { AppError } from "../errors";
import type { Scope } from "./current-user";

/**
 * Who may do what, in one table. The API guards (`requireApiPermission`), the page guards
 * (`requirePermission`) and the services (`assertCan`) all ask `can`, so a rule is changed here once
 * and the three layers cannot disagree.
 *
 * An action names what the user does, not the screen it is done on. A role listed here may *attempt*
 * the action; for actions on one record (an organisation worked by its owner, a contact moment changed
 * by whoever logged it) `can` also takes the record, and the service that loads the record asks again
 * with it. Region and organisation boundaries are not here: every query is bound to the caller's
 * region by row-level security and the Scope, and a partner to its own organisation.
 */
export const STAFF_ROLES = ["admin", "penvoerder", "accounthouder"] as const satisfies readonly Role[];
const STAFF = STAFF_ROLES;
const STAFF_AND_PARTNER = [...STAFF_ROLES, "partner"] as const satisfies readonly Role[];
const ADMIN = ["admin"] as const satisfies readonly Role[];
const MONEY_KEEPERS = ["admin", "penvoerder"] as const satisfies readonly Role[];
const PARTNER = ["partner"] as const satisfies readonly Role[];

export const PERMISSIONS = {
  /** The region's organisations, people, contact moments, health, tasks and activities. */
  "region.read": STAFF,
  /** Reading an organisation, its agreements, commitments and reports: a partner only its own. */
  "organisation.read": STAFF_AND_PARTNER,
  /** Register a new organisation: account holders and admins; every staff member where the region decides so. */
  "organisation.create": STAFF,
  /**
   * Change an organisation's details, archive, restore or merge it (record rule below). Snoozing its
   * health alert is asked by role only: whoever had the contact may say the relationship can wait.
   */
  "organisation.work": STAFF,
  /** A partner changes its own organisation's public details from the portal. */
  "organisation.editOwn": PARTNER,
  /** Invite the organisation's people to the partner portal: its owner or an admin (record rule below). */
  "organisation.invitePartner": STAFF,
  /** Import organisations from a spreadsheet. */
  "organisation.import": ["admin", "accounthouder"],
  /** Add and change people, record and end their jobs. */
  "person.write": STAFF,
  /** A partner adds its own colleagues and reports who left (bound to its organisation by the portal rules). */
  "person.writeOwn": PARTNER,
  /**
   * "Kansen": turn a lead (a known contact now at an organisation that is not a partner yet) into a
   * partner, or put it away. Creating or activating the organisation asks its own actions too.
   */
  "lead.work": STAFF,
  /** Contact moments are logged by whoever had the contact: every staff member. */
  "interaction.log": STAFF,
  /** Change or delete a logged contact moment: the one who logged it, or an admin (record rule below). */
  "interaction.change": STAFF,
  /** Tasks: every staff member has and gives them. */
  "task.write": STAFF,
  /**
   * Start a plan of follow-up tasks on an organisation by hand: every staff member, as they give
   * tasks. Its template's steps are the admins' (region.manage); partners never see plans.
   */
  "plan.start": STAFF,
  /** Plan and change activities (record rule below); a partner offers one from the portal. */
  "activity.write": STAFF,
  "activity.offer": PARTNER,
  /** Agreements, commitments, in-kind contributions and budgets: read by staff, kept by the money keepers. */
  "money.read": STAFF,
  "money.write": MONEY_KEEPERS,
  /** A partner confirms its own commitments. */
  "money.confirmOwn": PARTNER,
  /** The partner portal: a partner user's own organisation, people, offers and commitments. */
  "portal.use": PARTNER,
  /**
   * Save a list's filters and sort as a view, for oneself or shared with the region; rename or
   * archive it: whoever saved it, or an admin (record rule below).
   */
  "view.save": STAFF,
  /**
   * Relationship health rolled up by school, subregion and account holder over the school year: the
   * region's overview for the penvoerder and the coordinator (the admin), not an account holder's work.
   */
  "health.rollups": MONEY_KEEPERS,
  /** Users, handovers, the region's settings (health, holidays, email capture, security, privacy), the outbox, access requests and erasure. */
  "region.manage": ADMIN,
  /** How the region's staff sign in: its school-account provider (client secret, domains, who gets an account) and "school account only". */
  "region.signIn": ADMIN,
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** The region's own choice (regions.staff_work_every_partner): may any staff member work every partner, or only account holders and owners? */
export type PartnerWorkRule = { everyStaffMember: boolean };

/** The record an action is asked about, for the actions whose answer depends on it. */
export type PermissionRecord =
  | { kind: "organisation"; accountHolderIds: readonly (string | null)[]; rule: PartnerWorkRule }
  | { kind: "interaction"; loggedBy: string | null }
  | { kind: "savedView"; createdBy: string };

type Actor = Pick<Scope, "role" | "userId">;

/** Whether the actor may do the action; with a record, whether they may do it to that record. */
export function can(actor: Actor, action: Action, record?: PermissionRecord): boolean {
  if (!(PERMISSIONS[action] as readonly Role[]).includes(actor.role)) return false;
  if (!record) return true;
  switch (action) {
    case "organisation.create":
    case "organisation.work":
    case "activity.write":
      if (record.kind !== "organisation") return false;
      // Account holders work every partner of the region, as they always have; any other staff member
      // works the organisations they own (the penvoerder owns some), or all where the region decides so.
      return actor.role === "admin" || actor.role === "accounthouder" || record.rule.everyStaffMember || record.accountHolderIds.includes(actor.userId);
    case "organisation.invitePartner":
      if (record.kind !== "organisation") return false;
      return actor.role === "admin" || record.accountHolderIds.includes(actor.userId);
    case "interaction.change":
      if (record.kind !== "interaction") return false;
      return actor.role === "admin" || record.loggedBy === actor.userId;
    case "view.save":
      if (record.kind !== "savedView") return false;
      return actor.role === "admin" || record.createdBy === actor.userId;
    default:
      return true;
  }
}

/** `can` for a signed-in user as the pages hold them. */
export function userCan(user: { id: string; role: Role }, action: Action, record?: PermissionRecord): boolean {
  return can({ role: user.role, userId: user.id }, action, record);
}

/** `can`, or a 403 that says so; services call this before they write. */
export function assertCan(actor: Actor, action: Action, record?: PermissionRecord): void {
  if (!can(actor, action, record)) {
    const [message, userMessageKey] = refusal(action);
    throw new AppError("FORBIDDEN", message, { userMessageKey });
  }
}

/** What a refusal says: in English for the API, by key in the user's language for the pages. */
function refusal(action: Action): [string, string] {
  switch (action) {
    case "organisation.work":
    case "organisation.create":
    case "activity.write":
      return ["Only the organisation's owner, an account holder or an admin of the region may do this", "permissions.organisationWork"];
    case "organisation.invitePartner":
      return ["Only the organisation's account holder or an admin may invite its people", "permissions.invitePartner"];
    case "interaction.change":
      return ["Only whoever logged this contact moment, or an admin, may change it", "permissions.interactionChange"];
    case "view.save":
      return ["Only whoever saved this view, or an admin, may change it", "permissions.viewChange"];
    case "region.manage":
      return ["Only an admin of the region may do this", "permissions.regionManage"];
    default:
      return ["Your role may not do this", "permissions.role"];
  }
}

/** The roles that may attempt an action: for the few places that filter by role in SQL or list roles to the user. */
export function rolesFor(action: Action): readonly Role[] {
  return PERMISSIONS[action];
}
