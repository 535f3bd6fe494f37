import { sql } from "kysely";
import type { Database, Tx } from "../../db/database";
import { toLocalDate } from "../../clock";
import { AppError } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { recomputeOrganisations } from "../health/health.service";
import { auditView, getPerson, organisationsOfPerson, type PeopleChangeMeta, type PersonWithAffiliations, requirePerson } from "./people.service";
import { containsPattern } from "../../db/like";
import { currentOrganisationName } from "./people.current-organisation";

const FILLABLE = ["email", "phone", "source", "reviewDate"] as const;
const COLUMN = { email: "email", phone: "phone", source: "source", reviewDate: "review_date" } as const;

/**
 * Merges a duplicate person into the one that stays (`keepId`), in the caller's transaction:
 * - their jobs move over. Where both have a current job at the same organisation it is the same job
 *   twice: the survivor's keeps the earlier start date and takes the role and the primary flag it
 *   lacked, and the duplicate's copy is ended on the merge day (reason "other") and stays with the
 *   archived duplicate, so no job is deleted and no organisation gets two current jobs for one person;
 * - the contact moments they took part in now name the survivor (once, even if both were there);
 * - the survivor's empty email, phone, source and review date are filled from the duplicate, and an
 *   objection (opt-out) of either holds for the survivor;
 * - the duplicate is archived. Both are audited (field names only, see `auditView`).
 * See docs/decisions/015-merging-people.md.
 */
export async function mergePeople(
  trx: Tx,
  regionId: string,
  input: { keepId: string; duplicateId: string },
  meta: PeopleChangeMeta,
): Promise<PersonWithAffiliations> {
  if (input.keepId === input.duplicateId) {
    throw validationFailed({ duplicateId: "personMerge.samePerson" }, "en", { code: "RULE_VIOLATION", message: "A person cannot be merged with themselves" });
  }
  // Locked in a fixed order, so two merges of the same pair the other way round cannot deadlock.
  const [first, second] = [input.keepId, input.duplicateId].sort();
  const locked = new Map<string, Awaited<ReturnType<typeof requirePerson>>>();
  for (const id of [first!, second!]) locked.set(id, await requirePerson(trx, regionId, id, { lock: true }));
  const keep = locked.get(input.keepId)!;
  const duplicate = locked.get(input.duplicateId)!;
  if (keep.archivedAt || duplicate.archivedAt) {
    throw new AppError("RULE_VIOLATION", "An archived person cannot be merged; restore them first", { userMessageKey: "personMerge.archived" });
  }
  const today = toLocalDate(meta.now);

  const keepOpen = await trx
    .selectFrom("affiliations")
    .select(["id", "organisation_id", "role", "is_primary", "start_date"])
    .where("person_id", "=", input.keepId)
    .where("region_id", "=", regionId)
    .where("end_date", "is", null)
    .execute();
  const keepOpenAt = new Map(keepOpen.map((a) => [a.organisation_id, a]));
  const duplicateJobs = await trx
    .selectFrom("affiliations")
    .select(["id", "organisation_id", "role", "is_primary", "start_date", "end_date"])
    .where("person_id", "=", input.duplicateId)
    .where("region_id", "=", regionId)
    .orderBy("start_date")
    .execute();

  const moved: string[] = [];
  const folded: Array<{ duplicateAffiliationId: string; intoAffiliationId: string }> = [];
  for (const job of duplicateJobs) {
    const survivor = job.end_date === null ? keepOpenAt.get(job.organisation_id) : undefined;
    if (!survivor) {
      moved.push(job.id);
      continue;
    }
    // End the copy first: it may hold the organisation's one primary flag, which the survivor's job takes next.
    const endDate = job.start_date > today ? job.start_date : today;
    await trx.updateTable("affiliations").set({ end_date: endDate, end_reason: "other", ended_at: meta.now, is_primary: false }).where("id", "=", job.id).execute();
    const takeStart = job.start_date < survivor.start_date;
    const takeRole = !survivor.role && Boolean(job.role);
    const takePrimary = job.is_primary && !survivor.is_primary;
    if (takeStart || takeRole || takePrimary) {
      await trx
        .updateTable("affiliations")
        .set({
          ...(takeStart && { start_date: job.start_date }),
          ...(takeRole && { role: job.role }),
          ...(takePrimary && { is_primary: true }),
        })
        .where("id", "=", survivor.id)
        .execute();
      survivor.start_date = takeStart ? job.start_date : survivor.start_date;
      survivor.role = takeRole ? job.role : survivor.role;
      survivor.is_primary = survivor.is_primary || takePrimary;
    }
    folded.push({ duplicateAffiliationId: job.id, intoAffiliationId: survivor.id });
    await recordAudit(trx, {
      regionId, actorId: meta.actor?.id ?? null, action: "affiliation.fold", entityType: "affiliation", entityId: survivor.id,
      before: { personId: input.duplicateId, affiliationId: job.id }, after: { personId: input.keepId, affiliationId: survivor.id }, now: meta.now,
    });
  }
  if (moved.length) await trx.updateTable("affiliations").set({ person_id: input.keepId }).where("id", "in", moved).execute();

  // A contact moment both took part in keeps one link (the primary key forbids two).
  await sql`
    insert into interaction_people (interaction_id, person_id)
    select interaction_id, ${input.keepId}::uuid from interaction_people where person_id = ${input.duplicateId}::uuid
    on conflict do nothing`.execute(trx);
  await trx.deleteFrom("interaction_people").where("person_id", "=", input.duplicateId).execute();

  const filled = FILLABLE.filter((field) => keep[field] === null && duplicate[field] !== null);
  const optOut = keep.optOut || duplicate.optOut;
  await trx
    .updateTable("people")
    .set({
      ...Object.fromEntries(filled.map((field) => [COLUMN[field], duplicate[field]])),
      opt_out: optOut,
      updated_at: meta.now,
      version: sql`version + 1`,
    })
    .where("id", "=", input.keepId)
    .execute();
  await trx.updateTable("people").set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` }).where("id", "=", input.duplicateId).execute();

  const after = await requirePerson(trx, regionId, input.keepId);
  const changed = [...filled, ...(optOut !== keep.optOut ? ["optOut" as const] : [])];
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "person.merge", entityType: "person", entityId: input.keepId,
    before: { ...auditView(keep), version: keep.version },
    after: { ...auditView(after), version: after.version, changed, mergedFrom: input.duplicateId, movedAffiliations: moved, foldedAffiliations: folded },
    now: meta.now,
  });
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "person.merged_into", entityType: "person", entityId: input.duplicateId,
    before: { archivedAt: null }, after: { archivedAt: meta.now, mergedInto: input.keepId }, now: meta.now,
  });
  // Contacts moved between people, so the health of every organisation either worked at is recomputed.
  const organisations = [...new Set([...(await organisationsOfPerson(trx, input.keepId)), ...(await organisationsOfPerson(trx, input.duplicateId))])];
  await recomputeOrganisations(trx, organisations, meta.now);
  return getPerson(trx, regionId, input.keepId);
}

/**
 * Who might be the same person: the region's other people whose names are alike (pg_trgm word
 * similarity on the unaccented name, as search does, or one name containing the other), best first.
 */
export async function findMergeCandidates(db: Database, regionId: string, personId: string, options: { q?: string | undefined; limit?: number } = {}) {
  const limit = options.limit ?? 10;
  const person = await requirePerson(db, regionId, personId);
  const needle = (options.q?.trim() || person.name).toLowerCase();
  const term = sql`immutable_unaccent(${needle}::text)`;
  const contains = containsPattern(needle);
  return db
    .selectFrom("people")
    .select([
      "people.id",
      "people.name",
      "people.email",
      currentOrganisationName,
    ])
    .where("people.region_id", "=", regionId)
    .where("people.archived_at", "is", null)
    .where("people.id", "<>", personId)
    .where(
      sql<boolean>`(immutable_unaccent(lower(people.name)) like immutable_unaccent(${contains}::text)
        or ${term} <% immutable_unaccent(lower(people.name))
        or immutable_unaccent(lower(people.name)) <% ${term})`,
    )
    .orderBy(sql`greatest(word_similarity(${term}, immutable_unaccent(lower(people.name))), word_similarity(immutable_unaccent(lower(people.name)), ${term}))`, "desc")
    .orderBy("people.name")
    .limit(limit)
    .execute();
}
