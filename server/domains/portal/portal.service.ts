import { sql } from "kysely";
import type { Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import type { CreateActivityInput } from "../activities/activities.schemas";
import { type Activity, createActivity, getActivity } from "../activities/activities.service";
import { recordAudit } from "../audit/audit";
import type { AddContactInput } from "../people/people.schemas";
import { addContact, type PersonSummary } from "../people/people.service";
import type { Actor } from "../../auth/current-user";
import { queueOfferEmails, queueOfferWithdrawnEmail } from "./portal.emails";
import { assertOwnOrganisation, ownOrganisationId } from "./portal.rules";
import { assertStillCurrent, updatedOne } from "../../db/versioned";

export { assertOwnOrganisation, assertPartnerOrganisationFields, PARTNER_ORGANISATION_FIELDS } from "./portal.rules";

/**
 * The partner portal: what a partner user (role `partner`, bound to one organisation) may do to its
 * own organisation. Every function here refuses records of any other organisation with 404, so a
 * partner cannot even learn that they exist; refusals of what the role may not do at all are 403.
 */

type Meta = { actor: Actor; now: Date; appUrl?: string | undefined };

/** A person the partner may act on: someone who works or worked at its own organisation. */
export async function assertPersonOfOwnOrganisation(db: Database, scope: Scope, personId: string, options: { current?: boolean } = {}) {
  let query = db
    .selectFrom("affiliations")
    .innerJoin("people", "people.id", "affiliations.person_id")
    .select("affiliations.id")
    .where("affiliations.person_id", "=", personId)
    .where("affiliations.region_id", "=", scope.regionId)
    .where("affiliations.organisation_id", "=", ownOrganisationId(scope))
    .where("people.archived_at", "is", null);
  if (options.current) query = query.where("affiliations.end_date", "is", null);
  return Boolean(await query.executeTakeFirst());
}

/** A job at the partner's own organisation, else 404. */
export async function assertAffiliationOfOwnOrganisation(db: Database, scope: Scope, affiliationId: string) {
  const found = await db
    .selectFrom("affiliations")
    .select("id")
    .where("id", "=", affiliationId)
    .where("region_id", "=", scope.regionId)
    .where("organisation_id", "=", ownOrganisationId(scope))
    .executeTakeFirst();
  if (!found) throw notFound("Affiliation");
}

/**
 * A successor named by a partner must be a current colleague; someone of another organisation is
 * answered exactly as an unknown person is (the same field error), so nothing about them leaks.
 */
export async function assertPartnerSuccessor(db: Database, scope: Scope, successorPersonId: string | null | undefined) {
  if (successorPersonId && !(await assertPersonOfOwnOrganisation(db, scope, successorPersonId, { current: true }))) {
    throw validationFailed({ successorPersonId: "validation.unknownSuccessor" });
  }
}

/** A new colleague at the partner's own organisation: the person and their job, in the caller's transaction. */
export async function addColleague(db: Tx, scope: Scope, input: AddContactInput, meta: Meta): Promise<PersonSummary> {
  const organisationId = ownOrganisationId(scope);
  return addContact(db, scope.regionId, organisationId, input, meta);
}

/**
 * A partner offers an activity: only as an offer (status `offered`, 403 otherwise), only with its own
 * organisation as the single partner (404 for any other), never shared with other regions (403).
 * The school rules stay as they are: a guest lesson names the school it is offered to. The account
 * holder and the partner user get an email, queued in the same transaction.
 */
export async function offerActivity(trx: Tx, scope: Scope, input: CreateActivityInput, meta: Meta & { appUrl: string }): Promise<Activity> {
  if (input.status !== "offered") throw new AppError("FORBIDDEN", "A partner can only offer an activity (status offered)");
  if (input.sharedWithRegionIds.length) throw new AppError("FORBIDDEN", "A partner cannot share an activity with other regions");
  if (input.organisationIds.length !== 1) throw notFound("Organisation");
  assertOwnOrganisation(scope, input.organisationIds[0]!);
  const created = await createActivity(trx, scope, input, meta);
  await queueOfferEmails(trx, scope.regionId, created, meta);
  return created;
}

/**
 * A partner withdraws its own offer while it is still only an offer: it becomes cancelled and the
 * account holder hears so. Another organisation's activity is 404; once the school planned it (or it
 * is done or cancelled already) the partner cannot undo it here (422) and must ask the school.
 */
export async function withdrawOffer(db: Database, scope: Scope, id: string, version: number, meta: Meta & { appUrl: string }): Promise<Activity> {
  const before = await getActivity(db, scope, id);
  if (!before.organisationIds.includes(ownOrganisationId(scope))) throw notFound("Activity");
  if (before.status !== "offered" || before.archivedAt) {
    throw new AppError("RULE_VIOLATION", "Only an offer that has not been planned yet can be withdrawn", { userMessageKey: "portal.notOffered" });
  }
  const result = await db
    .updateTable("activities")
    .set({ status: "cancelled", updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", version)
    .executeTakeFirst();
  assertStillCurrent(updatedOne(result), "activity");
  const after = await getActivity(db, scope, id);
  await recordAudit(db, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "activity.withdraw", entityType: "activity", entityId: id,
    before: { status: before.status, version: before.version }, after: { status: after.status, version: after.version }, now: meta.now,
  });
  await queueOfferWithdrawnEmail(db, scope.regionId, after, meta);
  return after;
}

export type PortalOverview = Awaited<ReturnType<typeof portalActivities>>;

/** The partner's activities for the portal: offered and planned first (soonest first), then done and cancelled (latest first). */
export async function portalActivities(db: Database, scope: Scope) {
  return db
    .selectFrom("activities")
    .innerJoin("activity_organisations as own", "own.activity_id", "activities.id")
    .select(["activities.id", "activities.type", "activities.title", "activities.status", "activities.start_date as startDate", "activities.end_date as endDate", "activities.version"])
    .where("activities.region_id", "=", scope.regionId)
    .where("own.organisation_id", "=", ownOrganisationId(scope))
    .where("activities.archived_at", "is", null)
    .orderBy(sql`case when activities.status in ('offered', 'planned') then 0 else 1 end`)
    .orderBy(sql`case when activities.status in ('offered', 'planned') then activities.start_date end`, "asc")
    .orderBy("activities.start_date", "desc")
    .limit(200)
    .execute();
}

/** What the offer form lets a partner choose: the region's vmbo schools and its own current colleagues (as speaker). */
export async function offerChoices(db: Database, scope: Scope) {
  const [schools, people] = await Promise.all([
    db.selectFrom("organisations").select(["id", "name"]).where("region_id", "=", scope.regionId).where("kind", "=", "vmbo")
      .where("archived_at", "is", null).orderBy(sql`lower(name)`).limit(500).execute(),
    db.selectFrom("affiliations").innerJoin("people", "people.id", "affiliations.person_id").select(["people.id", "people.name"]).distinct()
      .where("affiliations.region_id", "=", scope.regionId).where("affiliations.organisation_id", "=", ownOrganisationId(scope))
      .where("affiliations.end_date", "is", null).where("people.archived_at", "is", null).orderBy("people.name").execute(),
  ]);
  return { schools, people };
}
