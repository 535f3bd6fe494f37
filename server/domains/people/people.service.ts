import { sql } from "kysely";
import type { EndReason, LawfulBasis } from "../../../db/schema";
import type { Database, Tx } from "../../db/database";
import { AppError, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import type { ChangeStamp } from "../../auth/current-user";
import type { CreatePersonInput, UpdatePersonInput } from "./people.schemas";
import { insertFollowUpTasks, recomputeOrganisations } from "../health/health.service";
import { startPlan } from "../plans/plans.service";
import { translator } from "../../../i18n";
import { toLocalDate } from "../../clock";
import { assertStillCurrent } from "../../db/versioned";

/** Who changes something, and when (the clock's now; SCHAKEL_NOW holds). */
export type PeopleChangeMeta = ChangeStamp;

export type PersonSummary = {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  lawfulBasis: LawfulBasis;
  source: string | null;
  optOut: boolean;
  reviewDate: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
};

export type AffiliationSummary = {
  id: string;
  personId: string;
  organisationId: string;
  organisationName: string;
  role: string | null;
  isPrimary: boolean;
  startDate: string;
  endDate: string | null;
  endReason: EndReason | null;
  endedAt: Date | null;
};

export type PersonWithAffiliations = PersonSummary & { affiliations: AffiliationSummary[] };

export const personColumns = [
  "people.id", "people.name", "people.email", "people.phone", "people.lawful_basis as lawfulBasis", "people.source",
  "people.opt_out as optOut", "people.review_date as reviewDate", "people.version", "people.created_at as createdAt",
  "people.updated_at as updatedAt", "people.archived_at as archivedAt",
] as const;

const affiliationColumns = [
  "affiliations.id", "affiliations.person_id as personId", "affiliations.organisation_id as organisationId",
  "organisations.name as organisationName", "affiliations.role", "affiliations.is_primary as isPrimary",
  "affiliations.start_date as startDate", "affiliations.end_date as endDate", "affiliations.end_reason as endReason",
  "affiliations.ended_at as endedAt",
] as const;


/**
 * What the audit log keeps of a person. Name, email and phone are personal data that an erasure
 * must remove; copies in the audit log would survive it, so the log names those fields, not their values.
 */
export function auditView(person: Partial<PersonSummary>) {
  return {
    lawfulBasis: person.lawfulBasis,
    source: person.source,
    optOut: person.optOut,
    reviewDate: person.reviewDate,
  };
}

export async function createPerson(trx: Tx, regionId: string, input: CreatePersonInput, meta: PeopleChangeMeta): Promise<PersonSummary> {
  const inserted = await trx
    .insertInto("people")
    .values({
      region_id: regionId,
      name: input.name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      lawful_basis: input.lawfulBasis,
      source: input.source ?? null,
      opt_out: input.optOut,
      review_date: input.reviewDate ?? null,
      created_at: meta.now,
      updated_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const person = await findPerson(trx, regionId, inserted.id);
  if (!person) throw notFound("Person");
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "person.create", entityType: "person", entityId: person.id,
    after: auditView(person), now: meta.now,
  });
  return person;
}

function findPerson(db: Database, regionId: string, personId: string) {
  return db.selectFrom("people").select(personColumns).where("people.id", "=", personId).where("people.region_id", "=", regionId).executeTakeFirst();
}

export async function requirePerson(db: Database, regionId: string, personId: string, options: { lock?: boolean } = {}): Promise<PersonSummary> {
  let query = db.selectFrom("people").select(personColumns).where("people.id", "=", personId).where("people.region_id", "=", regionId);
  if (options.lock) query = query.forUpdate();
  const person = await query.executeTakeFirst();
  if (!person) throw notFound("Person");
  return person;
}

/** A person of the region with every job they held, newest first, each with the organisation's name. An archived person is still shown, with `archivedAt`. */
export async function getPerson(db: Database, regionId: string, personId: string): Promise<PersonWithAffiliations> {
  const person = await requirePerson(db, regionId, personId);
  const affiliations = await db
    .selectFrom("affiliations")
    .innerJoin("organisations", "organisations.id", "affiliations.organisation_id")
    .select(affiliationColumns)
    .where("affiliations.person_id", "=", personId)
    .where("affiliations.region_id", "=", regionId)
    .orderBy("affiliations.start_date", "desc")
    .orderBy("affiliations.created_at", "desc")
    .orderBy("affiliations.id", "desc")
    .execute();
  return { ...person, affiliations };
}

/** Changes the fields given; a stale `version` is a conflict and changes nothing. */
/** Another person of the region (not erased) who has this address, if any: one address names one person. */
export function emailHolder(db: Database, regionId: string, email: string, exceptPersonId: string) {
  return db.selectFrom("people").select("id").where("region_id", "=", regionId).where("email", "=", email)
    .where("id", "<>", exceptPersonId).where("anonymised_at", "is", null).executeTakeFirst();
}

export async function updatePerson(
  trx: Tx,
  regionId: string,
  personId: string,
  input: UpdatePersonInput,
  meta: PeopleChangeMeta,
): Promise<PersonSummary> {
  const before = await requirePerson(trx, regionId, personId);
  assertStillCurrent(before.version === input.version, "person", "people.conflict");
  // Email capture finds people by address, so one address names one person of the region (as when
  // a mail's sender is added as a contact): an address someone else has is refused.
  if (input.email && input.email !== before.email) {
    const other = await emailHolder(trx, regionId, input.email, personId);
    if (other) throw validationFailed({ email: "people.emailTaken" }, "en", { details: { personId: other.id } });
  }
  const changes = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.email !== undefined ? { email: input.email } : {}),
    ...(input.phone !== undefined ? { phone: input.phone } : {}),
    ...(input.lawfulBasis !== undefined ? { lawful_basis: input.lawfulBasis } : {}),
    ...(input.source !== undefined ? { source: input.source } : {}),
    ...(input.optOut !== undefined ? { opt_out: input.optOut } : {}),
    ...(input.reviewDate !== undefined ? { review_date: input.reviewDate } : {}),
  };
  if (Object.keys(changes).length === 0) return before;
  const updated = await trx
    .updateTable("people")
    .set({ ...changes, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", personId)
    .where("region_id", "=", regionId)
    .where("version", "=", input.version)
    .returning("id")
    .executeTakeFirst();
  // Someone else saved between our read and this write.
  assertStillCurrent(updated, "person", "people.conflict");
  const after = await requirePerson(trx, regionId, personId);
  const changed = (["name", "email", "phone", "lawfulBasis", "source", "optOut", "reviewDate"] as const).filter((field) => before[field] !== after[field]);
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "person.update", entityType: "person", entityId: personId,
    before: { ...auditView(before), version: before.version }, after: { ...auditView(after), version: after.version, changed }, now: meta.now,
  });
  // A reason names the person ("Jan de Vries is vertrokken"); no other field of a person affects health.
  if (changed.includes("name")) await recomputeOrganisations(trx, await organisationsOfPerson(trx, personId), meta.now);
  return after;
}

/** Archives a person (a soft delete): they leave the lists but keep their history. Archiving twice changes nothing. */
export async function archivePerson(trx: Tx, regionId: string, personId: string, meta: PeopleChangeMeta): Promise<PersonSummary> {
  const before = await requirePerson(trx, regionId, personId, { lock: true });
  if (before.archivedAt) return before;
  await trx
    .updateTable("people")
    .set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", personId)
    .where("region_id", "=", regionId)
    .execute();
  const after = await requirePerson(trx, regionId, personId);
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "person.archive", entityType: "person", entityId: personId,
    before: { archivedAt: null }, after: { archivedAt: after.archivedAt }, now: meta.now,
  });
  await recomputeOrganisations(trx, await organisationsOfPerson(trx, personId), meta.now);
  return after;
}

/** Undoes an archive: the person is back in the lists. Restoring someone who is not archived changes nothing. */
export async function restorePerson(trx: Tx, regionId: string, personId: string, meta: PeopleChangeMeta): Promise<PersonSummary> {
  const before = await requirePerson(trx, regionId, personId, { lock: true });
  if (!before.archivedAt) return before;
  await trx
    .updateTable("people")
    .set({ archived_at: null, updated_at: meta.now, version: sql`version + 1` })
    .where("id", "=", personId)
    .where("region_id", "=", regionId)
    .execute();
  const after = await requirePerson(trx, regionId, personId);
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "person.restore", entityType: "person", entityId: personId,
    before: { archivedAt: before.archivedAt }, after: { archivedAt: null }, now: meta.now,
  });
  await recomputeOrganisations(trx, await organisationsOfPerson(trx, personId), meta.now);
  return after;
}

export async function organisationsOfPerson(db: Database, personId: string) {
  const rows = await db.selectFrom("affiliations").select("organisation_id").distinct().where("person_id", "=", personId).execute();
  return rows.map((row) => row.organisation_id);
}

async function requireAffiliation(db: Database, regionId: string, affiliationId: string): Promise<AffiliationSummary> {
  const affiliation = await db
    .selectFrom("affiliations")
    .innerJoin("organisations", "organisations.id", "affiliations.organisation_id")
    .select(affiliationColumns)
    .where("affiliations.id", "=", affiliationId)
    .where("affiliations.region_id", "=", regionId)
    .executeTakeFirst();
  if (!affiliation) throw notFound("Affiliation");
  return affiliation;
}

/**
 * Starts a job for a person at an organisation of the same region that is not archived. Making it
 * primary takes the flag from the organisation's current primary contact, in the same transaction.
 */
export async function addAffiliation(
  trx: Tx,
  regionId: string,
  personId: string,
  input: { organisationId: string; role?: string | null | undefined; isPrimary: boolean; startDate: string },
  meta: PeopleChangeMeta,
): Promise<AffiliationSummary> {
  const person = await requirePerson(trx, regionId, personId);
  if (person.archivedAt) throw new AppError("RULE_VIOLATION", "An archived person cannot start a new job; restore them first");
  // The lock serialises primary changes per organisation, so two at once cannot both win.
  const organisation = await trx
    .selectFrom("organisations")
    .select("id")
    .where("id", "=", input.organisationId)
    .where("region_id", "=", regionId)
    .where("archived_at", "is", null)
    .forUpdate()
    .executeTakeFirst();
  if (!organisation) throw notFound("Organisation");
  if (input.isPrimary) {
    const previous = await trx
      .updateTable("affiliations")
      .set({ is_primary: false })
      .where("organisation_id", "=", input.organisationId)
      .where("region_id", "=", regionId)
      .where("is_primary", "=", true)
      .where("end_date", "is", null)
      .returning("id")
      .execute();
    for (const { id } of previous) {
      await recordAudit(trx, {
        regionId, actorId: meta.actor?.id ?? null, action: "affiliation.unset_primary", entityType: "affiliation", entityId: id,
        before: { isPrimary: true }, after: { isPrimary: false }, now: meta.now,
      });
    }
  }
  const inserted = await trx
    .insertInto("affiliations")
    .values({
      region_id: regionId,
      person_id: personId,
      organisation_id: input.organisationId,
      role: input.role ?? null,
      is_primary: input.isPrimary,
      start_date: input.startDate,
      created_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const affiliation = await requireAffiliation(trx, regionId, inserted.id);
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "affiliation.start", entityType: "affiliation", entityId: affiliation.id,
    after: {
      personId, organisationId: affiliation.organisationId, role: affiliation.role, isPrimary: affiliation.isPrimary, startDate: affiliation.startDate,
    },
    now: meta.now,
  });
  await recomputeOrganisations(trx, [affiliation.organisationId], meta.now);
  return affiliation;
}

/**
 * Ends a job with a date and a reason; the job stays in the person's history. Ending it twice is
 * refused. A successor (known or new) takes over the job's place at the organisation, including the
 * primary flag; without one, when the primary or last contact leaves, the region's "Contactpersoon
 * vertrokken" plan starts (its steps are the owner's follow-up; decision 135).
 */
export async function endAffiliation(
  trx: Tx,
  regionId: string,
  affiliationId: string,
  input: { endDate: string; endReason: EndReason; successorPersonId?: string | null | undefined; successorName?: string | null | undefined },
  meta: PeopleChangeMeta,
): Promise<AffiliationSummary> {
  const current = await trx
    .selectFrom("affiliations")
    .select(["id", "start_date", "end_date", "organisation_id", "person_id", "is_primary", "role"])
    .where("id", "=", affiliationId)
    .where("region_id", "=", regionId)
    .forUpdate()
    .executeTakeFirst();
  if (!current) throw notFound("Affiliation");
  if (current.end_date !== null) throw new AppError("RULE_VIOLATION", "This job has already ended");
  // Calendar days as YYYY-MM-DD compare correctly as strings.
  if (input.endDate < current.start_date) throw validationFailed({ endDate: "validation.endBeforeStart" });
  let successorId = input.successorPersonId ?? null;
  if (successorId) {
    const successor = await requirePerson(trx, regionId, successorId).catch(() => null);
    if (!successor || successor.archivedAt || successorId === current.person_id) throw validationFailed({ successorPersonId: "validation.unknownSuccessor" });
  } else if (input.successorName) {
    successorId = (await createPerson(trx, regionId, { name: input.successorName, lawfulBasis: "legitimate_interest", optOut: false }, meta)).id;
  }
  await trx
    .updateTable("affiliations")
    .set({ end_date: input.endDate, end_reason: input.endReason, ended_at: meta.now, successor_person_id: successorId })
    .where("id", "=", affiliationId)
    .where("region_id", "=", regionId)
    .execute();
  const affiliation = await requireAffiliation(trx, regionId, affiliationId);
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "affiliation.end", entityType: "affiliation", entityId: affiliationId,
    before: { endDate: null, endReason: null }, after: { endDate: affiliation.endDate, endReason: affiliation.endReason, successorPersonId: successorId }, now: meta.now,
  });
  if (successorId) {
    await takeOverJob(trx, regionId, current, successorId, input.endDate, meta);
  } else {
    const remaining = await trx.selectFrom("affiliations").select("id").where("organisation_id", "=", current.organisation_id)
      .where((eb) => eb.or([eb("end_date", "is", null), eb("end_date", ">", input.endDate)])).executeTakeFirst();
    // The region's "Contactpersoon vertrokken" plan is the follow-up; the single task only where no
    // plan could start (a plan already runs, or the region's template has no steps).
    if ((current.is_primary || !remaining) && !(await startPlan(trx, regionId, current.organisation_id, "contact_left", meta))) {
      const [person, organisation] = await Promise.all([
        requirePerson(trx, regionId, current.person_id),
        trx.selectFrom("organisations").select("name").where("id", "=", current.organisation_id).executeTakeFirstOrThrow(),
      ]);
      const title = translator("nl")("health.successorTaskTitle", { person: person.name, organisation: organisation.name });
      await insertFollowUpTasks(trx, [current.organisation_id], sql<string>`${title}`, toLocalDate(meta.now), meta.now);
    }
  }
  await recomputeOrganisations(trx, [current.organisation_id], meta.now);
  return affiliation;
}

/** The successor holds a job at the organisation from the leaving day on, primary if the leaver was. */
async function takeOverJob(
  trx: Tx,
  regionId: string,
  leaving: { organisation_id: string; is_primary: boolean; role: string | null },
  successorId: string,
  startDate: string,
  meta: PeopleChangeMeta,
) {
  const existing = await trx.selectFrom("affiliations").select("id").where("person_id", "=", successorId)
    .where("organisation_id", "=", leaving.organisation_id).where("end_date", "is", null).executeTakeFirst();
  if (!existing) {
    await addAffiliation(trx, regionId, successorId, { organisationId: leaving.organisation_id, role: leaving.role, isPrimary: leaving.is_primary, startDate }, meta);
  } else if (leaving.is_primary) {
    const previous = await trx.updateTable("affiliations").set({ is_primary: false }).where("organisation_id", "=", leaving.organisation_id).where("is_primary", "=", true).where("end_date", "is", null).returning("id").execute();
    await trx.updateTable("affiliations").set({ is_primary: true }).where("id", "=", existing.id).execute();
    // Every change is in the audit log, also a primary flag passed on.
    for (const { id } of previous) {
      await recordAudit(trx, {
        regionId, actorId: meta.actor?.id ?? null, action: "affiliation.unset_primary", entityType: "affiliation", entityId: id,
        before: { isPrimary: true }, after: { isPrimary: false }, now: meta.now,
      });
    }
    await recordAudit(trx, {
      regionId, actorId: meta.actor?.id ?? null, action: "affiliation.set_primary", entityType: "affiliation", entityId: existing.id,
      before: { isPrimary: false }, after: { isPrimary: true }, now: meta.now,
    });
  }
}

export type OrganisationContact = {
  affiliationId: string;
  personId: string;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
  isPrimary: boolean;
  startDate: string;
  endDate: string | null;
  endReason: EndReason | null;
};

/** The people of an organisation: current contacts first (primary on top), then those who left, latest first. */
export async function listOrganisationContacts(db: Database, regionId: string, organisationId: string): Promise<OrganisationContact[]> {
  return organisationContactsQuery(db, regionId, organisationId).execute();
}

/** The query of listOrganisationContacts, also read inside the organisation page's statement (organisation-page.ts). */
export function organisationContactsQuery(db: Database, regionId: string, organisationId: string) {
  return db
    .selectFrom("affiliations")
    .innerJoin("people", "people.id", "affiliations.person_id")
    .select([
      "affiliations.id as affiliationId", "people.id as personId", "people.name", "people.email", "people.phone",
      "affiliations.role", "affiliations.is_primary as isPrimary", "affiliations.start_date as startDate",
      "affiliations.end_date as endDate", "affiliations.end_reason as endReason",
    ])
    .where("affiliations.organisation_id", "=", organisationId)
    .where("affiliations.region_id", "=", regionId)
    .where("people.archived_at", "is", null)
    .orderBy(sql`affiliations.end_date is not null`)
    .orderBy("affiliations.is_primary", "desc")
    .orderBy("affiliations.end_date", (ob) => ob.desc().nullsFirst())
    .orderBy("people.name");
}

/**
 * The current contact persons of the region's organisations, one row per job, for pickers that offer
 * the people of the organisations chosen in the same form (the speaker of an activity).
 */
export async function listCurrentContacts(db: Database, regionId: string): Promise<Array<{ personId: string; name: string; organisationId: string }>> {
  return db
    .selectFrom("affiliations")
    .innerJoin("people", "people.id", "affiliations.person_id")
    .innerJoin("organisations", "organisations.id", "affiliations.organisation_id")
    .select(["people.id as personId", "people.name", "affiliations.organisation_id as organisationId"])
    .where("affiliations.region_id", "=", regionId)
    .where("affiliations.end_date", "is", null)
    .where("people.archived_at", "is", null)
    .where("organisations.archived_at", "is", null)
    .orderBy("affiliations.is_primary", "desc")
    .orderBy("people.name")
    .execute();
}

/**
 * Adds a contact person to an organisation: a new person (lawful basis legitimate interest) with a
 * job there that starts today. The one way a page, the portal and email capture add a contact, so
 * the same defaults, audit entries and health recompute follow everywhere.
 */
export async function addContact(
  trx: Tx,
  regionId: string,
  organisationId: string,
  input: { name: string; email?: string | null; phone?: string | null; role?: string | null; isPrimary?: boolean; source?: string | null },
  meta: PeopleChangeMeta,
): Promise<PersonSummary> {
  const person = await createPerson(trx, regionId, { name: input.name, email: input.email ?? null, phone: input.phone ?? null, lawfulBasis: "legitimate_interest", optOut: false, source: input.source ?? null, reviewDate: null }, meta);
  await addAffiliation(trx, regionId, person.id, { organisationId, role: input.role ?? null, isPrimary: input.isPrimary ?? false, startDate: toLocalDate(meta.now) }, meta);
  return person;
}
