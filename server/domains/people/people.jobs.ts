import type { Tx } from "../../db/database";
import { validationFailed } from "../../validation";
import { recordJobMove } from "../leads/leads.service";
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

