import { sql } from "kysely";
import type { EndReason } from "../../../db/schema";
import type { Tx } from "../../db/database";
import { AppError } from "../../errors";
import { validationFailed } from "../../validation";
import { recordJobMove, recordReportedDestination } from "../leads/leads.service";
import { type AffiliationSummary, addAffiliation, endAffiliation, type PeopleChangeMeta, requirePerson } from "./people.service";

/**
 * Someone's new job, whether they still hold a job or left one earlier: every job of theirs still
 * open ends on `endDate` (without it the day the new job starts, as a move does; never before that
 * job's own start) with reason 'left_organisation' ('other_role' at the same organisation), and the job at `organisationId` starts on `startDate`.
 * Built from endAffiliation and addAffiliation, so their rules, audit entries, follow-up tasks and
 * health recomputes hold here too. Without `organisationId`, `organisationName` names a new employer
 * that is not in Schakel yet: the open jobs end and the move is recorded as a lead only.
 */
export async function startNewJob(
  trx: Tx,
  regionId: string,
  personId: string,
  input: { organisationId?: string | undefined; organisationName?: string | null | undefined; role?: string | null | undefined; isPrimary: boolean; startDate: string; endDate?: string | null | undefined },
  meta: PeopleChangeMeta,
): Promise<{ ended: AffiliationSummary[]; started: AffiliationSummary | null; leadId: string | null }> {
  await requirePerson(trx, regionId, personId, { lock: true });
  const open = await trx
    .selectFrom("affiliations")
    .select(["id", "start_date", "organisation_id"])
    .where("person_id", "=", personId)
    .where("region_id", "=", regionId)
    .where("end_date", "is", null)
    .orderBy("start_date")
    .execute();
  await lockMoveOrganisations(trx, regionId, [...open.map((job) => job.organisation_id), input.organisationId]);
  const endDate = input.endDate ?? input.startDate;
  // Calendar days as YYYY-MM-DD compare correctly as strings.
  if (input.endDate && input.endDate > input.startDate) throw validationFailed({ endDate: "validation.endAfterNewStart" });
  if (open.some((job) => endDate < job.start_date)) throw validationFailed({ [input.endDate ? "endDate" : "startDate"]: "validation.endBeforeStart" });
  const ended: AffiliationSummary[] = [];
  for (const job of open) {
    // A new job at the same organisation is another role there, not leaving it.
    const endReason = job.organisation_id === input.organisationId ? "other_role" : "left_organisation";
    ended.push(await endAffiliation(trx, regionId, job.id, { endDate, endReason }, meta));
  }
  const started = input.organisationId
    ? await addAffiliation(
      trx, regionId, personId,
      { organisationId: input.organisationId, role: input.role ?? null, isPrimary: input.isPrimary, startDate: input.startDate },
      meta,
    )
    : null;
  // A move to an organisation that is not a partner yet is a lead; to a partner, news for its owner.
  const to = input.organisationId ? { organisationId: input.organisationId } : { name: String(input.organisationName) };
  const { leadId } = await recordJobMove(trx, regionId, { personId, ended, to, since: input.startDate }, meta);
  return { ended, started, leadId };
}


/**
 * One step for a change of employer: every open job of the person at `fromOrganisationId` ends on
 * `date` with reason 'left_organisation', and a job at `toOrganisationId` starts that same day. Like
 * a new job, the move is a lead when the new employer is not a partner, news for its owner when it is.
 */
export async function moveToOrganisation(
  trx: Tx,
  regionId: string,
  personId: string,
  input: { fromOrganisationId: string; toOrganisationId: string; date: string; role?: string | null | undefined; isPrimary: boolean },
  meta: PeopleChangeMeta,
): Promise<{ ended: AffiliationSummary[]; started: AffiliationSummary; leadId: string | null }> {
  await requirePerson(trx, regionId, personId);
  await lockMoveOrganisations(trx, regionId, [input.fromOrganisationId, input.toOrganisationId]);
  const open = await trx
    .selectFrom("affiliations")
    .select(["id", "start_date"])
    .where("person_id", "=", personId)
    .where("organisation_id", "=", input.fromOrganisationId)
    .where("region_id", "=", regionId)
    .where("end_date", "is", null)
    .orderBy("start_date")
    .execute();
  if (open.length === 0) throw new AppError("RULE_VIOLATION", "This person has no current job at that organisation");
  if (open.some((job) => input.date < job.start_date)) throw validationFailed({ date: "validation.endBeforeStart" });
  const ended: AffiliationSummary[] = [];
  for (const { id } of open) {
    ended.push(await endAffiliation(trx, regionId, id, { endDate: input.date, endReason: "left_organisation" }, meta));
  }
  const started = await addAffiliation(
    trx, regionId, personId,
    { organisationId: input.toOrganisationId, role: input.role ?? null, isPrimary: input.isPrimary, startDate: input.date },
    meta,
  );
  const { leadId } = await recordJobMove(trx, regionId, { personId, ended, to: { organisationId: input.toOrganisationId }, since: input.date }, meta);
  return { ended, started, leadId };
}

/**
 * Ends a job (endAffiliation, with all its rules). When someone left the organisation and whoever
 * reports it names where they went (`newEmployerName`, the partner portal's "Nieuwe werkgever (als
 * bekend)"), that name is followed like a new job recorded by staff: a lead, or news for the owner
 * of the partner of that name. No job and no organisation is made from a name: it is second-hand.
 */
export async function leaveJob(
  trx: Tx,
  regionId: string,
  affiliationId: string,
  input: { endDate: string; endReason: EndReason; successorPersonId?: string | null | undefined; successorName?: string | null | undefined; newEmployerName?: string | null | undefined },
  meta: PeopleChangeMeta,
): Promise<AffiliationSummary> {
  const { newEmployerName, ...end } = input;
  if (newEmployerName) {
    const job = await trx.selectFrom("affiliations").select("organisation_id").where("id", "=", affiliationId).where("region_id", "=", regionId).executeTakeFirst();
    const named = await trx.selectFrom("organisations").select("id").where("region_id", "=", regionId).where(sql`lower(btrim(name))`, "=", newEmployerName.trim().toLowerCase()).execute();
    await lockMoveOrganisations(trx, regionId, [job?.organisation_id, ...named.map((organisation) => organisation.id)]);
  }
  const ended = await endAffiliation(trx, regionId, affiliationId, end, meta);
  if (newEmployerName && ended.endReason === "left_organisation") await recordReportedDestination(trx, regionId, ended, newEmployerName, meta);
  return ended;
}

/**
 * A move writes rows that point at the organisations it leaves and joins (the lead, the owner's
 * task) after ending a job has recomputed health, which holds the health lock (health.compute.ts).
 * Other writes lock an organisation's row first and take the health lock after; taking these rows'
 * key-share locks here, before the health lock, keeps that one order, so two moves and an edit of
 * the same organisation wait for each other instead of deadlocking.
 */
async function lockMoveOrganisations(trx: Tx, regionId: string, ids: Array<string | null | undefined>) {
  const unique = [...new Set(ids.filter((id): id is string => Boolean(id)))].sort();
  if (unique.length === 0) return;
  await trx.selectFrom("organisations").select("id").where("region_id", "=", regionId).where("id", "in", unique).orderBy("id").forKeyShare().execute();
}
