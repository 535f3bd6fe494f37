import { sql } from "kysely";
import { renderGuestLessonReminderEmail } from "../../../emails/guest-lesson-reminder";
import { toLocalDate } from "../../clock";
import type { Database } from "../../db/database";
import { queueEmail } from "../email/outbox.service";

// "A reminder to a guest-lesson speaker two days before" (issue 5).
const DAYS_BEFORE = 2;

type Due = {
  activityId: string; regionId: string; regionName: string; title: string; date: string; startTime: string | null; endTime: string | null;
  speakerName: string; speakerEmail: string; schoolName: string; street: string | null; postalCode: string | null; city: string | null;
  className: string | null; topic: string | null; contactName: string | null; contactEmail: string | null;
};

/**
 * Queues the reminder for every planned guest lesson two days from today whose speaker has an email
 * address and has not objected to contact. `activity_reminders` is written in the same transaction
 * as the email, so a second run (a retried job, two app processes) queues nothing twice; a lesson
 * that moves gets a reminder for its new date.
 */
export async function queueSpeakerReminders(db: Database, opts: { now: Date }): Promise<{ queued: number }> {
  const target = sql`${toLocalDate(opts.now)}::date + ${DAYS_BEFORE}::int`;
  const due = await sql<Due>`
    select a.id as "activityId", a.region_id as "regionId", r.name as "regionName", a.title, a.start_date as date,
      to_char(a.start_time, 'HH24:MI') as "startTime", to_char(a.end_time, 'HH24:MI') as "endTime",
      p.name as "speakerName", p.email as "speakerEmail",
      school.name as "schoolName", school.street, school.postal_code as "postalCode", school.city,
      a.details->>'className' as "className", a.details->>'topic' as topic,
      holder.name as "contactName", holder.email as "contactEmail"
    from activities a
    join regions r on r.id = a.region_id
    join people p on p.id = a.person_id and p.email is not null and not p.opt_out and p.archived_at is null
    join lateral (
      select o.name, o.street, o.postal_code, o.city, o.account_holder_id from activity_organisations ao
      join organisations o on o.id = ao.organisation_id
      where ao.activity_id = a.id and ao.role = 'school' order by o.name limit 1
    ) school on true
    -- Whom the speaker can ask: the partner's account holder, else whoever entered the lesson.
    left join users holder on holder.id = coalesce((
      select o.account_holder_id from activity_organisations ao join organisations o on o.id = ao.organisation_id
      where ao.activity_id = a.id and ao.role = 'partner' and o.account_holder_id is not null order by o.name limit 1), a.created_by)
    where a.type = 'guest_lesson' and a.status = 'planned' and a.archived_at is null and a.start_date = ${target}
      and not exists (select 1 from activity_reminders ar where ar.activity_id = a.id and ar.kind = 'speaker' and ar.for_date = a.start_date)
    order by a.start_date, a.id`.execute(db);
  let queued = 0;
  for (const lesson of due.rows) {
    const message = await renderGuestLessonReminderEmail({
      locale: "nl", regionName: lesson.regionName, speakerName: lesson.speakerName, title: lesson.title, date: lesson.date,
      startTime: lesson.startTime, endTime: lesson.endTime, schoolName: lesson.schoolName,
      schoolAddress: [lesson.street, [lesson.postalCode, lesson.city].filter(Boolean).join(" ")].filter(Boolean).join(", ") || null,
      className: lesson.className, topic: lesson.topic, contactName: lesson.contactName, contactEmail: lesson.contactEmail,
    });
    const sent = await db.transaction().execute(async (trx) => {
      const claimed = await trx.insertInto("activity_reminders")
        .values({ activity_id: lesson.activityId, kind: "speaker", for_date: lesson.date, created_at: opts.now })
        .onConflict((oc) => oc.doNothing()).returning("activity_id").executeTakeFirst();
      if (!claimed) return false;
      await queueEmail(trx, { regionId: lesson.regionId, template: "speaker_reminder", to: lesson.speakerEmail, toName: lesson.speakerName, message, now: opts.now });
      return true;
    });
    if (sent) queued += 1;
  }
  return { queued };
}
