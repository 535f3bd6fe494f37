import type { Locale, Role } from "../../db/schema";

/** Who is asking: the signed-in user (by session or API token), as loaders, actions and services see them. */
export type CurrentUser = {
  id: string;
  regionId: string;
  email: string;
  name: string;
  role: Role;
  organisationId: string | null;
  locale: Locale;
};

/** The region scope every region-data query takes; a partner is further bound to its organisation. */
export type Scope = { regionId: string; userId: string; role: Role; organisationId: string | null };

export function scopeOf(user: CurrentUser): Scope {
  return { regionId: user.regionId, userId: user.id, role: user.role, organisationId: user.organisationId };
}

/** Who made a change, as audit entries and emails name them; null for Schakel itself (jobs, the command line). */
export type Actor = { id: string; name: string } | null;
/** What a service needs to write links into emails and stamp the records. */
export type ChangeMeta = { actor: Actor; now: Date; appUrl: string };
/** Who and when, for a change that writes no links: what most write services need of the ChangeMeta. */
export type ChangeStamp = Pick<ChangeMeta, "actor" | "now">;
