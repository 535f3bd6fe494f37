import type { Locale } from "../../../i18n";
import { translator } from "../../../i18n";
import type { ActivityStatus, ActivityType } from "../../../db/schema";
import { renderPartnerOfferDecisionEmail, renderPartnerOfferEmail } from "../../../emails/partner-offer";
import type { Database } from "../../db/database";
import { queueEmail } from "../email/outbox.service";
import type { Actor } from "../../auth/current-user";

type OfferedActivity = { id: string; title: string; type: ActivityType; startDate: string; organisations: Array<{ id: string; name: string; role: string }> };

async function regionName(db: Database, regionId: string) {
  return (await db.selectFrom("regions").select("name").where("id", "=", regionId).executeTakeFirstOrThrow()).name;
}

/** The partner organisation's account holder, when there is an active one. */
function accountHolderOf(db: Database, organisationId: string) {
  return db.selectFrom("organisations").innerJoin("users", "users.id", "organisations.account_holder_id")
    .select(["users.name", "users.email", "users.locale"]).where("organisations.id", "=", organisationId).where("users.active", "=", true).executeTakeFirst();
}

function activityFor(activity: OfferedActivity, locale: Locale) {
  const partner = activity.organisations.find((o) => o.role === "partner");
  return { title: activity.title, typeLabel: translator(locale)(`activities.types.${activity.type}`), startDate: activity.startDate, organisationName: partner?.name ?? "" };
}

/**
 * A new offer from the portal: the organisation's account holder is asked to plan or decline it, and
 * the partner user gets a confirmation. Queued in the caller's transaction, so no offer goes unmentioned.
 */
export async function queueOfferEmails(db: Database, regionId: string, activity: OfferedActivity, meta: { actor: Actor; now: Date; appUrl: string }) {
  const partner = activity.organisations.find((o) => o.role === "partner");
  if (!partner || !meta.actor) return;
  const [region, holder, offeredBy] = await Promise.all([
    regionName(db, regionId),
    accountHolderOf(db, partner.id),
    db.selectFrom("users").select(["name", "email", "locale"]).where("id", "=", meta.actor.id).executeTakeFirstOrThrow(),
  ]);
  if (holder) {
    const message = await renderPartnerOfferEmail({
      locale: holder.locale, audience: "holder", name: holder.name, offeredBy: offeredBy.name, regionName: region,
      activity: activityFor(activity, holder.locale), url: `${meta.appUrl}/activities/${activity.id}`,
    });
    await queueEmail(db, { regionId, template: "partner_offer", to: holder.email, toName: holder.name, message, now: meta.now });
  }
  const confirmation = await renderPartnerOfferEmail({
    locale: offeredBy.locale, audience: "partner", name: offeredBy.name, offeredBy: offeredBy.name, regionName: region,
    activity: activityFor(activity, offeredBy.locale), url: `${meta.appUrl}/portal`,
  });
  await queueEmail(db, { regionId, template: "partner_offer_confirmation", to: offeredBy.email, toName: offeredBy.name, message: confirmation, now: meta.now });
}

/**
 * An offer made through the portal was planned or declined (cancelled): the partner user who made it
 * hears so. Offers made by staff, or by a user who is no longer an active partner user, send nothing.
 */
export async function queueOfferDecisionEmail(
  db: Database,
  regionId: string,
  activity: OfferedActivity & { createdBy: string | null },
  decision: ActivityStatus,
  meta: { now: Date; appUrl?: string | undefined },
) {
  if (!activity.createdBy || (decision !== "planned" && decision !== "cancelled")) return;
  const offeredBy = await db.selectFrom("users").select(["name", "email", "locale"])
    .where("id", "=", activity.createdBy).where("role", "=", "partner").where("active", "=", true).executeTakeFirst();
  if (!offeredBy) return;
  const message = await renderPartnerOfferDecisionEmail({
    locale: offeredBy.locale, decision, name: offeredBy.name, regionName: await regionName(db, regionId),
    activity: activityFor(activity, offeredBy.locale), url: meta.appUrl ? `${meta.appUrl}/portal` : null,
  });
  await queueEmail(db, { regionId, template: decision === "planned" ? "partner_offer_planned" : "partner_offer_declined", to: offeredBy.email, toName: offeredBy.name, message, now: meta.now });
}

/**
 * The partner withdrew its own offer before it was planned: the account holder, who was asked to plan
 * it, hears that it is off. Queued in the caller's transaction.
 */
export async function queueOfferWithdrawnEmail(db: Database, regionId: string, activity: OfferedActivity, meta: { actor: Actor; now: Date; appUrl: string }) {
  const partner = activity.organisations.find((o) => o.role === "partner");
  if (!partner || !meta.actor) return;
  const holder = await accountHolderOf(db, partner.id);
  if (!holder) return;
  const message = await renderPartnerOfferEmail({
    locale: holder.locale, audience: "withdrawn", name: holder.name, offeredBy: meta.actor.name, regionName: await regionName(db, regionId),
    activity: activityFor(activity, holder.locale), url: `${meta.appUrl}/activities/${activity.id}`,
  });
  await queueEmail(db, { regionId, template: "partner_offer_withdrawn", to: holder.email, toName: holder.name, message, now: meta.now });
}
