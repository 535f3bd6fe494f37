import { sql } from "kysely";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { assertCan } from "../../auth/permissions";
import type { Database, Tx } from "../../db/database";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { assertStillCurrent } from "../../db/versioned";
import { notFound } from "../../errors";
import { recordAudit } from "../audit/audit";
import { startNewJob } from "../people/people.jobs";
import { emailHolder, requirePerson, updatePerson } from "../people/people.service";
import type { MailAddress } from "./mail-capture.forwards";
import type { ConfirmJobChangeInput, DismissJobChangeInput } from "./mail-capture.schemas";

/**
 * "Mogelijk van baan gewisseld" (decision 142): a known contact who appears in captured mail with an
 * address at another company's domain may have changed jobs. Staff confirm it (the normal new-job
 * flow: a lead when the new employer is not a partner) or dismiss it. Only headers are read: the
 * person, the new address and its domain, the mail's day; nothing of the mail's text is kept.
 */

/** Mail providers anyone may use: their domain says nothing about the organisation someone works for. */
export const PUBLIC_MAIL_DOMAINS = new Set([
  "gmail.com", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com", "outlook.nl", "live.com", "live.nl", "msn.com", "icloud.com", "me.com",
  "yahoo.com", "yahoo.nl", "ziggo.nl", "kpnmail.nl", "kpnplanet.nl", "planet.nl", "home.nl", "xs4all.nl", "hetnet.nl", "casema.nl", "upcmail.nl",
  "chello.nl", "quicknet.nl", "tele2.nl", "online.nl", "telfort.nl", "zeelandnet.nl", "gmx.net", "gmx.com", "proton.me", "protonmail.com",
]);

const domainOf = (address: string) => address.split("@")[1]?.trim().toLowerCase() ?? "";
/** "  Jan  de Vries " and "jan de vries" are the same name; one word alone identifies no one. */
const normalName = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * Records a suggestion for each party of a captured message that is, by its display name, exactly
 * one known person of the region who has a current job and another address, when the party's
 * domain is a company's (no public mail provider) and none of the person's current organisations
 * uses it (their own address, a colleague's there, the organisation's website). Once per person and
 * address, whatever staff decided.
 */
export async function suggestJobChanges(trx: Tx, owner: { regionId: string; userId: string }, parties: MailAddress[], options: { day: string; today: string; now: Date }): Promise<number> {
  const candidates = parties
    .map((party) => ({ address: party.address.trim().toLowerCase(), name: normalName(party.name ?? ""), domain: domainOf(party.address) }))
    .filter((party) => party.name.includes(" ") && party.domain.includes(".") && !PUBLIC_MAIL_DOMAINS.has(party.domain));
  let made = 0;
  for (const party of candidates) {
    const { rows } = await sql<{ id: string; email: string | null }>`
      select p.id, p.email from people p
      where p.region_id = ${owner.regionId} and p.anonymised_at is null and p.archived_at is null
        and lower(regexp_replace(btrim(p.name), '\\s+', ' ', 'g')) = ${party.name}
      limit 2`.execute(trx);
    // Two people of that name: no guessing. The address already theirs: nothing new.
    if (rows.length !== 1 || !rows[0]!.email || rows[0]!.email.toLowerCase() === party.address) continue;
    const person = rows[0]!;
    const { rows: known } = await sql<{ domain: string }>`
      with current_jobs as (
        select a.organisation_id from affiliations a join organisations o on o.id = a.organisation_id
        where a.person_id = ${person.id} and a.region_id = ${owner.regionId} and o.archived_at is null
          and (a.end_date is null or a.end_date > ${options.today}::date)
      )
      select lower(split_part(${person.email}, '@', 2)) as domain
      union
      select lower(split_part(p.email, '@', 2)) from affiliations a join people p on p.id = a.person_id
      where a.region_id = ${owner.regionId} and a.organisation_id in (select organisation_id from current_jobs) and p.email is not null
        and (a.end_date is null or a.end_date > ${options.today}::date)
      union
      select substring(lower(o.website) from '^(?:[a-z]+://)?(?:www[.])?([^/:?#]+)') from organisations o
      where o.region_id = ${owner.regionId} and o.id in (select organisation_id from current_jobs) and o.website is not null
      union
      select 'has-current-job' where exists (select 1 from current_jobs)`.execute(trx);
    const domains = new Set(known.map((row) => row.domain));
    // Without a current job there is no employer to have left: a new job is recorded on the person's page.
    if (!domains.has("has-current-job") || domains.has(party.domain)) continue;
    const inserted = await trx.insertInto("job_change_suggestions")
      .values({ region_id: owner.regionId, user_id: owner.userId, person_id: person.id, email: party.address, domain: party.domain, seen_on: options.day, created_at: options.now })
      .onConflict((oc) => oc.columns(["region_id", "person_id", "email"]).doNothing())
      .returning("id").executeTakeFirst();
    if (inserted) made++;
  }
  return made;
}

export type JobChangeSuggestion = {
  id: string;
  personId: string;
  personName: string;
  email: string;
  domain: string;
  seenOn: string;
  /** Where the person works now, by Schakel. */
  organisationNames: string[];
  /** An organisation of the region whose website is on the new domain, the likely new employer. */
  likelyEmployer: string | null;
  version: number;
};

/**
 * The open suggestions from the user's own captured mail, newest first, a keyset page: the cursor is
 * the last id shown, its (created_at, id) read in SQL so no microseconds are lost.
 */
export async function listJobChangeSuggestions(db: Database, scope: Scope, options: { today: string; limit: number; cursor?: string | undefined }): Promise<{ items: JobChangeSuggestion[]; nextCursor: string | null }> {
  const after = options.cursor ? decodeCursor(options.cursor, ["uuid"])[0] : null;
  const { rows } = await sql<JobChangeSuggestion>`
    select s.id, s.person_id as "personId", p.name as "personName", s.email::text as email, s.domain, to_char(s.seen_on, 'YYYY-MM-DD') as "seenOn", s.version,
      coalesce((select array_agg(distinct o.name order by o.name) from affiliations a join organisations o on o.id = a.organisation_id
        where a.person_id = s.person_id and a.region_id = s.region_id and o.archived_at is null
          and (a.end_date is null or a.end_date > ${options.today}::date)), '{}') as "organisationNames",
      (select o.name from organisations o where o.region_id = s.region_id and o.archived_at is null
        and substring(lower(o.website) from '^(?:[a-z]+://)?(?:www[.])?([^/:?#]+)') = s.domain order by o.name limit 1) as "likelyEmployer"
    from job_change_suggestions s join people p on p.id = s.person_id
    where s.region_id = ${scope.regionId} and s.user_id = ${scope.userId} and s.decided_at is null and p.archived_at is null and p.anonymised_at is null
      and (${after}::uuid is null or (s.created_at, s.id) < (select c.created_at, c.id from job_change_suggestions c where c.id = ${after}::uuid and c.region_id = ${scope.regionId}))
    order by s.created_at desc, s.id desc limit ${options.limit + 1}`.execute(db);
  const { rows: items, nextCursor } = keysetPage(rows, options.limit, (last) => [last.id]);
  return { items, nextCursor };
}

async function requireOpenSuggestion(trx: Tx, scope: Scope, id: string) {
  const suggestion = await trx.selectFrom("job_change_suggestions").select(["id", "person_id", "email", "seen_on"])
    .where("id", "=", id).where("region_id", "=", scope.regionId).where("user_id", "=", scope.userId).where("decided_at", "is", null)
    .forUpdate().executeTakeFirst();
  if (!suggestion) throw notFound("Job change suggestion");
  return suggestion;
}

async function decide(trx: Tx, scope: Scope, id: string, version: number, decision: "confirmed" | "dismissed", meta: ChangeStamp, after: Record<string, unknown> = {}) {
  const decided = await trx.updateTable("job_change_suggestions")
    .set({ decided_at: meta.now, decided_by: meta.actor?.id ?? null, decision, version: sql`version + 1` })
    .where("id", "=", id).where("region_id", "=", scope.regionId).where("version", "=", version)
    .returning("id").executeTakeFirst();
  assertStillCurrent(decided, "job change suggestion");
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: `job_change_suggestion.${decision === "confirmed" ? "confirm" : "dismiss"}`,
    entityType: "job_change_suggestion", entityId: id, after: { decision, ...after }, now: meta.now,
  });
}

/**
 * Confirms a possible job change through the normal new-job flow (people.jobs.ts): the person's open
 * jobs end and, at an organisation of the region with exactly this name, the new one starts — else
 * the name is a new employer and the move a lead. Without a start day: the day of the mail.
 *
 * The address the mail came from becomes the person's email address: the old one was their previous
 * employer's, and email capture finds people by address, so the next mail from the new address is
 * logged with them at once. When another person of the region already has that address it is left
 * as it is (one address names one person); `email` then says null.
 */
export async function confirmJobChange(trx: Tx, scope: Scope, id: string, input: ConfirmJobChangeInput, meta: ChangeStamp) {
  assertCan(scope, "person.write");
  const suggestion = await requireOpenSuggestion(trx, scope, id);
  const known = await trx.selectFrom("organisations").select("id").where("region_id", "=", scope.regionId).where("archived_at", "is", null)
    .where(sql`lower(btrim(name))`, "=", input.employerName.toLowerCase()).limit(2).execute();
  const where = known.length === 1 ? { organisationId: known[0]!.id } : { organisationName: input.employerName };
  const moved = await startNewJob(trx, scope.regionId, suggestion.person_id, { ...where, isPrimary: true, startDate: input.startDate ?? suggestion.seen_on }, meta);
  const email = await takeOverAddress(trx, scope.regionId, suggestion.person_id, suggestion.email, meta);
  await decide(trx, scope, id, input.version, "confirmed", meta, { personId: suggestion.person_id, leadId: moved.leadId, emailChanged: email !== null });
  return { personId: suggestion.person_id, leadId: moved.leadId, organisationId: moved.started?.organisationId ?? null, email };
}

/** The person's address becomes the one seen in the mail, unless someone else of the region has it. */
async function takeOverAddress(trx: Tx, regionId: string, personId: string, address: string, meta: ChangeStamp): Promise<string | null> {
  if (await emailHolder(trx, regionId, address, personId)) return null;
  const person = await requirePerson(trx, regionId, personId, { lock: true });
  if (person.email !== address) await updatePerson(trx, regionId, personId, { version: person.version, email: address }, meta);
  return address;
}

/** Dismisses a possible job change: it is kept with who and when, and this address never suggests one again. */
export async function dismissJobChange(trx: Tx, scope: Scope, id: string, input: DismissJobChangeInput, meta: ChangeStamp) {
  assertCan(scope, "person.write");
  await requireOpenSuggestion(trx, scope, id);
  await decide(trx, scope, id, input.version, "dismissed", meta);
}
