import { sql } from "kysely";
import { translator } from "../../../i18n";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { assertCan, can } from "../../auth/permissions";
import type { Database, Tx } from "../../db/database";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { assertStillCurrent } from "../../db/versioned";
import { AppError, notFound } from "../../errors";
import { recordAudit } from "../audit/audit";
import { CreateOrganisationInput } from "../organisations/organisations.schemas";
import { createOrganisation, getOrganisation, updateOrganisation } from "../organisations/organisations.service";
import { isPartnerKind, startPlan } from "../plans/plans.service";
import { addAffiliation, type AffiliationSummary } from "../people/people.service";
import type { ConvertLeadInput, DismissLeadInput } from "./leads.schemas";

/**
 * "Kansen" (decision 129). A partner of the region is an organisation in Schakel that is active and
 * not archived; a prospect, a paused or ended one is known but not a partner. When staff record
 * that a known contact starts at another employer:
 * - not in Schakel at all (a name only) or known but not a partner: a lead, until someone turns it
 *   into a partner or puts it away;
 * - a partner: its owner gets a task saying it gained a known contact.
 */
export type Lead = {
  id: string;
  personId: string;
  personName: string;
  fromOrganisationId: string | null;
  fromOrganisationName: string | null;
  fromEndDate: string | null;
  toOrganisationId: string | null;
  toOrganisationName: string;
  since: string;
  version: number;
};

/**
 * After a new job was recorded (people.jobs.ts): a lead, or a task for the partner's owner. `ended`
 * are the jobs the move just ended; without one, the person's latest earlier job is where they came from.
 */
export async function recordJobMove(
  trx: Tx,
  regionId: string,
  move: { personId: string; ended: AffiliationSummary[]; to: { organisationId: string } | { name: string }; since: string },
  meta: ChangeStamp,
): Promise<{ leadId: string | null; taskId: string | null }> {
  const toId = "organisationId" in move.to ? move.to.organisationId : null;
  const endedElsewhere = move.ended.filter((job) => job.organisationId !== toId).sort((a, b) => String(b.endDate).localeCompare(String(a.endDate)));
  const from = endedElsewhere[0]
    ? { id: endedElsewhere[0].organisationId, name: endedElsewhere[0].organisationName, endDate: endedElsewhere[0].endDate }
    : await latestEarlierJob(trx, regionId, move.personId, toId);
  const person = await trx.selectFrom("people").select("name").where("id", "=", move.personId).where("region_id", "=", regionId).executeTakeFirstOrThrow();

  let toName: string;
  if (toId) {
    const to = await trx.selectFrom("organisations").select(["name", "status", "account_holder_id"]).where("id", "=", toId).where("region_id", "=", regionId).executeTakeFirstOrThrow();
    toName = to.name;
    if (to.status === "active") {
      // A partner gained someone who knew the region from elsewhere: its owner hears of it.
      if (!from || !to.account_holder_id) return { leadId: null, taskId: null };
      const owner = await trx.selectFrom("users").select("id").where("id", "=", to.account_holder_id).where("region_id", "=", regionId).where("active", "=", true).executeTakeFirst();
      if (!owner) return { leadId: null, taskId: null };
      const t = translator("nl");
      const title = t("leads.gainedContactTask", { person: person.name, from: from.name, to: to.name });
      const task = await trx.insertInto("tasks").values({
        region_id: regionId, organisation_id: toId, assignee_id: owner.id, title: title.slice(0, 500),
        due_date: sql<string>`${move.since}::date + 14`, status: "open", source: "contact_joined", created_by: meta.actor?.id ?? null, created_at: meta.now,
      }).returning("id").executeTakeFirstOrThrow();
      await recordAudit(trx, {
        regionId, actorId: meta.actor?.id ?? null, action: "task.create", entityType: "task", entityId: task.id,
        after: { title, assigneeId: owner.id, organisationId: toId, source: "contact_joined" }, now: meta.now,
      });
      return { leadId: null, taskId: task.id };
    }
  } else toName = (move.to as { name: string }).name;

  // One open lead per person and employer: recording the same move twice does not make two.
  const open = await trx.selectFrom("leads").select("id").where("region_id", "=", regionId).where("person_id", "=", move.personId).where("closed_at", "is", null)
    .where((eb) => (toId ? eb("to_organisation_id", "=", toId) : eb.and([eb("to_organisation_id", "is", null), eb(sql`lower(to_organisation_name)`, "=", toName.toLowerCase())])))
    .executeTakeFirst();
  if (open) return { leadId: open.id, taskId: null };
  const lead = await trx.insertInto("leads").values({
    region_id: regionId, person_id: move.personId, from_organisation_id: from?.id ?? null, from_end_date: from?.endDate ?? null,
    to_organisation_id: toId, to_organisation_name: toName, since: move.since, created_by: meta.actor?.id ?? null, created_at: meta.now,
  }).returning("id").executeTakeFirstOrThrow();
  await recordAudit(trx, {
    regionId, actorId: meta.actor?.id ?? null, action: "lead.create", entityType: "lead", entityId: lead.id,
    after: { personId: move.personId, fromOrganisationId: from?.id ?? null, toOrganisationId: toId, toOrganisationName: toName, since: move.since }, now: meta.now,
  });
  return { leadId: lead.id, taskId: null };
}

/**
 * Someone left and whoever reported it named where they went (the partner portal, decision 142): a
 * name only. When it is exactly the name of one organisation of the region (not the one they left),
 * the move is followed as one to it — a lead, or news for its owner when it is a partner — without
 * recording a job there; otherwise a lead carrying the name.
 */
export async function recordReportedDestination(trx: Tx, regionId: string, ended: AffiliationSummary, name: string, meta: ChangeStamp) {
  const trimmed = name.trim();
  const known = await trx.selectFrom("organisations").select("id").where("region_id", "=", regionId).where("archived_at", "is", null)
    .where("id", "<>", ended.organisationId).where(sql`lower(btrim(name))`, "=", trimmed.toLowerCase()).limit(2).execute();
  const to = known.length === 1 ? { organisationId: known[0]!.id } : { name: trimmed };
  return recordJobMove(trx, regionId, { personId: ended.personId, ended: [ended], to, since: String(ended.endDate) }, meta);
}

async function latestEarlierJob(db: Database, regionId: string, personId: string, exceptOrganisationId: string | null) {
  let query = db.selectFrom("affiliations").innerJoin("organisations", "organisations.id", "affiliations.organisation_id")
    .select(["organisations.id", "organisations.name", "affiliations.end_date as endDate"])
    .where("affiliations.region_id", "=", regionId).where("affiliations.person_id", "=", personId).where("affiliations.end_date", "is not", null)
    .orderBy("affiliations.end_date", "desc").limit(1);
  if (exceptOrganisationId) query = query.where("affiliations.organisation_id", "<>", exceptOrganisationId);
  return (await query.executeTakeFirst()) ?? null;
}

function leadsOfRegion(db: Database, regionId: string) {
  return db
    .selectFrom("leads")
    .innerJoin("people", "people.id", "leads.person_id")
    .leftJoin("organisations as origin", "origin.id", "leads.from_organisation_id")
    .leftJoin("organisations as target", "target.id", "leads.to_organisation_id")
    .select([
      "leads.id", "leads.person_id as personId", "people.name as personName", "leads.from_organisation_id as fromOrganisationId",
      "origin.name as fromOrganisationName", "leads.from_end_date as fromEndDate", "leads.to_organisation_id as toOrganisationId",
      sql<string>`coalesce(target.name, leads.to_organisation_name)`.as("toOrganisationName"), "leads.since", "leads.version",
    ])
    .where("leads.region_id", "=", regionId)
    .where("people.archived_at", "is", null);
}

function assertStaff(scope: Scope) {
  if (!can(scope, "region.read")) throw new AppError("FORBIDDEN", "Partners cannot see the region's leads");
}

/** The region's open leads, the newest first, a keyset page (since, id): pass `nextCursor` back for the next. */
export async function listLeads(db: Database, scope: Scope, page: { limit: number; cursor?: string | undefined }): Promise<{ items: Lead[]; nextCursor: string | null }> {
  assertStaff(scope);
  let query = leadsOfRegion(db, scope.regionId).where("leads.closed_at", "is", null).orderBy("leads.since", "desc").orderBy("leads.id", "desc").limit(page.limit + 1);
  if (page.cursor) {
    const [since, id] = decodeCursor(page.cursor, ["date", "uuid"]);
    query = query.where(sql<boolean>`(leads.since, leads.id) < (${since}::date, ${id}::uuid)`);
  }
  const { rows: items, nextCursor } = keysetPage(await query.execute(), page.limit, (last) => [last.since, last.id]);
  return { items, nextCursor };
}

/** One open lead of the region, or null when it is closed or unknown (the Kansen page's messages name it). */
export async function findOpenLead(db: Database, scope: Scope, id: string): Promise<Lead | null> {
  assertStaff(scope);
  return (await leadsOfRegion(db, scope.regionId).where("leads.id", "=", id).where("leads.closed_at", "is", null).executeTakeFirst()) ?? null;
}

async function requireOpenLead(trx: Tx, scope: Scope, id: string): Promise<Lead> {
  const lead = await leadsOfRegion(trx, scope.regionId).where("leads.id", "=", id).where("leads.closed_at", "is", null).forUpdate("leads").executeTakeFirst();
  if (!lead) throw notFound("Lead");
  return lead;
}

async function close(trx: Tx, scope: Scope, lead: Lead, version: number, reason: "converted" | "dismissed", organisationId: string | null, meta: ChangeStamp) {
  const closed = await trx.updateTable("leads")
    .set({ closed_at: meta.now, closed_by: meta.actor?.id ?? null, close_reason: reason, converted_organisation_id: organisationId, version: sql`version + 1` })
    .where("id", "=", lead.id).where("region_id", "=", scope.regionId).where("version", "=", version)
    .returning("id").executeTakeFirst();
  assertStillCurrent(closed, "lead");
  await recordAudit(trx, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: `lead.${reason === "converted" ? "convert" : "dismiss"}`, entityType: "lead", entityId: lead.id,
    before: { open: true }, after: { closeReason: reason, organisationId }, now: meta.now,
  });
}

/**
 * Turns a lead into a partner in one step: the organisation is created (or, when it was known but
 * not a partner, made active) with the person as its contact from the day they started there.
 */
export async function convertLead(trx: Tx, scope: Scope, id: string, input: ConvertLeadInput, meta: ChangeStamp & { appUrl: string }) {
  assertCan(scope, "lead.work");
  const lead = await requireOpenLead(trx, scope, id);
  let organisationId: string;
  if (lead.toOrganisationId) {
    const organisation = await getOrganisation(trx, scope, lead.toOrganisationId);
    await updateOrganisation(trx, scope, organisation.id, {
      version: organisation.version, status: "active", tier: input.tier,
      ...(input.name ? { name: input.name } : {}), ...(input.accountHolderId !== undefined ? { accountHolderId: input.accountHolderId } : {}),
    }, meta);
    organisationId = organisation.id;
  } else {
    const created = await createOrganisation(trx, scope, CreateOrganisationInput.parse({
      kind: input.kind, name: input.name ?? lead.toOrganisationName, tier: input.tier, status: "active", accountHolderId: input.accountHolderId ?? null,
    }), meta);
    organisationId = created.id;
    // A new partner from a lead starts the region's "Nieuwe partner" plan (a known one made active
    // starts it in updateOrganisation).
    if (isPartnerKind(created.kind)) await startPlan(trx, scope.regionId, organisationId, "new_partner", meta);
  }
  // The person works there: a job from the day the lead began, unless they already hold one there.
  const working = await trx.selectFrom("affiliations").select("id").where("region_id", "=", scope.regionId).where("person_id", "=", lead.personId)
    .where("organisation_id", "=", organisationId).where("end_date", "is", null).executeTakeFirst();
  if (!working) await addAffiliation(trx, scope.regionId, lead.personId, { organisationId, role: null, isPrimary: true, startDate: lead.since }, meta);
  await close(trx, scope, lead, input.version, "converted", organisationId, meta);
  return { organisationId, personId: lead.personId };
}

/** Puts a lead away: archived with who and when, gone from "Kansen". */
export async function dismissLead(trx: Tx, scope: Scope, id: string, input: DismissLeadInput, meta: ChangeStamp) {
  assertCan(scope, "lead.work");
  const lead = await requireOpenLead(trx, scope, id);
  await close(trx, scope, lead, input.version, "dismissed", null, meta);
}
