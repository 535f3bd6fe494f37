import { sql } from "kysely";
import { renderAgreementExpiryEmail } from "../../../emails/agreement-expiry";
import type { EmailMessage } from "../../../emails/render";
import type { AgreementKind, Locale } from "../../../db/schema";
import { toLocalDate } from "../../clock";
import type { Database } from "../../db/database";
import { queueEmail } from "../email/outbox.service";
import { AGREEMENT_REMINDER_DAYS } from "./agreements.schemas";

type Due = {
  agreementId: string; regionId: string; regionName: string; kind: AgreementKind; title: string; expiresOn: string; daysLeft: number;
  ownerId: string | null; ownerName: string | null; parties: string[];
};

/**
 * Queues the expiry reminder for every live agreement that expires within 60 days and was not
 * reminded for that expiry date yet: to its owner and the region's penvoerder(s), each address once.
 * A window rather than "exactly 60 days" so a day the job did not run, or an agreement entered with
 * less than 60 days left, still gets its reminder. `agreement_reminders` is claimed in the same
 * transaction as the emails, so a retried run queues nothing twice; a renewed expiry date is reminded again.
 */
export async function queueAgreementReminders(db: Database, opts: { now: Date; appUrl: string }): Promise<{ queued: number }> {
  const today = toLocalDate(opts.now);
  const due = await sql<Due>`
    select a.id as "agreementId", a.region_id as "regionId", r.name as "regionName", a.kind, a.title, a.expires_on as "expiresOn",
      (a.expires_on - ${today}::date) as "daysLeft", a.owner_id as "ownerId", owner.name as "ownerName",
      coalesce((select array_agg(o.name order by lower(o.name)) from agreement_parties ap join organisations o on o.id = ap.organisation_id where ap.agreement_id = a.id), '{}') as parties
    from agreements a
    join regions r on r.id = a.region_id
    left join users owner on owner.id = a.owner_id
    where a.archived_at is null and a.expires_on is not null
      and a.expires_on >= ${today}::date and a.expires_on <= ${today}::date + ${AGREEMENT_REMINDER_DAYS}::int
      and not exists (select 1 from agreement_reminders ar where ar.agreement_id = a.id and ar.for_date = a.expires_on)
    order by a.expires_on, a.id`.execute(db);
  let queued = 0;
  for (const agreement of due.rows) {
    const recipients = await db
      .selectFrom("users")
      .select(["id", "name", "email", "locale"])
      .where("region_id", "=", agreement.regionId)
      .where("active", "=", true)
      .where((eb) => eb.or([eb("id", "=", agreement.ownerId ?? "00000000-0000-0000-0000-000000000000"), eb("role", "=", "penvoerder")]))
      .orderBy("name")
      .execute();
    const messages: { recipient: (typeof recipients)[number]; message: EmailMessage }[] = [];
    const seen = new Set<string>();
    for (const recipient of recipients) {
      if (seen.has(recipient.email.toLowerCase())) continue;
      seen.add(recipient.email.toLowerCase());
      const message = await renderAgreementExpiryEmail({
        locale: recipient.locale as Locale, regionName: agreement.regionName, recipientName: recipient.name, kind: agreement.kind, title: agreement.title,
        parties: agreement.parties, expiresOn: agreement.expiresOn, daysLeft: Number(agreement.daysLeft), ownerName: agreement.ownerName,
        agreementUrl: `${opts.appUrl.replace(/\/$/, "")}/agreements/${agreement.agreementId}`,
      });
      messages.push({ recipient, message });
    }
    const sent = await db.transaction().execute(async (trx) => {
      const claimed = await trx.insertInto("agreement_reminders")
        .values({ agreement_id: agreement.agreementId, for_date: agreement.expiresOn, created_at: opts.now })
        .onConflict((oc) => oc.doNothing()).returning("agreement_id").executeTakeFirst();
      if (!claimed) return 0;
      for (const { recipient, message } of messages) {
        await queueEmail(trx, { regionId: agreement.regionId, template: "agreement_expiry", to: recipient.email, toName: recipient.name, message, now: opts.now });
      }
      return messages.length;
    });
    queued += sent;
  }
  return { queued };
}
