import { sql } from "kysely";
import type { Database } from "../../db/database";
import { decodeCursor, encodeCursor } from "../../db/pagination";
import { timestampOf } from "../../db/json";
import { validationFailed } from "../../validation";

/** One field of a change. People's entries carry no values (see `FIELDS_ONLY`), only the field's name. */
export type HistoryChange = { field: string; before?: unknown; after?: unknown };

export type HistoryEntry = {
  id: string;
  at: Date;
  action: string;
  entityType: string;
  entityId: string;
  /** `isPartner`: a partner user made the change through the portal. */
  actor: { id: string; name: string; isPartner: boolean } | null;
  changes: HistoryChange[];
  /** For a job (affiliation): whose job at which organisation, by their current names. */
  affiliation: { personId: string; personName: string; organisationId: string; organisationName: string } | null;
  /** The other record of a merge: the duplicate merged in, or the survivor it was merged into. */
  mergedWith: { id: string; name: string } | null;
};

/** Bookkeeping that changes with every write and says nothing to a reader. */
const IGNORED = new Set([
  "id", "version", "createdAt", "updatedAt", "changed", "mergedFrom", "mergedInto", "movedAffiliations", "foldedAffiliations",
  // A job's person and organisation are shown as `affiliation`, by name.
  "personId", "organisationId", "affiliationId",
]);

/** Fields that hold the id of a user, subregion or person: shown by that record's current name. */
const NAMED = new Set(["accountHolderId", "subregionId", "successorPersonId"]);

/** An empty list and no value read the same to a person, so `[]` → `null` is no change. */
function comparable(value: unknown) {
  return Array.isArray(value) && value.length === 0 ? null : value ?? null;
}

/**
 * A person's audit entries name the fields that changed, never their values: an erasure must remove
 * name, email and phone, and a copy in the audit log would survive it. Their history shows names only.
 */
const FIELDS_ONLY = new Set(["person"]);

/**
 * The audit log of one organisation or person, newest first: the record's own entries and those of
 * its jobs (affiliations), each with who made it and what changed field by field. The caller has
 * already checked that the record is visible to them; everything here is also limited to the region.
 */
export async function listHistory(
  db: Database,
  regionId: string,
  subject: { type: "organisation" | "person"; id: string },
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
  return historyPageOf(db, regionId, await historyQuery(db, regionId, subject, page).execute(), page.limit);
}

/**
 * The audit entries of listHistory's page (one more than the limit, to know there is a next), as a
 * query: the organisation page reads it inside its statement (organisation-page.ts).
 */
export function historyQuery(
  db: Database,
  regionId: string,
  subject: { type: "organisation" | "person"; id: string },
  page: { limit: number; cursor?: string | undefined },
) {
  const affiliationIds = db
    .selectFrom("affiliations")
    .select(sql<string>`affiliations.id::text`.as("id"))
    .where("affiliations.region_id", "=", regionId)
    .where(subject.type === "organisation" ? "affiliations.organisation_id" : "affiliations.person_id", "=", subject.id);
  let query = db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_id")
    .select([
      sql<string>`audit_log.id::text`.as("id"), "audit_log.created_at as at", "audit_log.action", "audit_log.entity_type as entityType",
      "audit_log.entity_id as entityId", "audit_log.actor_id as actorId", "users.name as actorName", "users.role as actorRole", "audit_log.before", "audit_log.after",
    ])
    .where("audit_log.region_id", "=", regionId)
    .where((eb) =>
      eb.or([
        eb.and([eb("audit_log.entity_type", "=", subject.type), eb("audit_log.entity_id", "=", subject.id)]),
        eb.and([eb("audit_log.entity_type", "=", "affiliation"), eb("audit_log.entity_id", "in", affiliationIds)]),
      ]),
    )
    // The identity column orders entries as they were written, also within one transaction (one timestamp).
    .orderBy("audit_log.id", "desc")
    .limit(page.limit + 1);
  if (page.cursor) {
    const [last] = decodeCursor(page.cursor, ["bigint"]);
    if (!/^\d{1,18}$/.test(String(last))) throw validationFailed({ cursor: "validation.invalid" });
    query = query.where(sql<boolean>`audit_log.id < ${String(last)}::bigint`);
  }
  return query;
}

type HistoryRow = {
  id: string; at: Date | string; action: string; entityType: string; entityId: string;
  actorId: string | null; actorName: string | null; actorRole: string | null; before: unknown; after: unknown;
};

/** The page of entries from historyQuery's rows (read on their own or from JSON), with the names they point to, read now. */
export async function historyPageOf(db: Database, regionId: string, rows: HistoryRow[], limit: number): Promise<{ items: HistoryEntry[]; nextCursor: string | null }> {
  const pageRows = rows.slice(0, limit);

  const affiliations = await describeAffiliations(db, regionId, pageRows.filter((r) => r.entityType === "affiliation").map((r) => r.entityId));
  const names = await namesOf(db, regionId, pageRows);
  const items = pageRows.map((row): HistoryEntry => {
    const mergedWithId = mergePartner(row.after);
    return {
      id: row.id,
      at: timestampOf(row.at),
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      actor: row.actorId ? { id: row.actorId, name: row.actorName ?? "", isPartner: row.actorRole === "partner" } : null,
      // A new person's entry would only name the fields they were created with: nothing a reader needs.
      changes: row.action === "person.create" ? [] : changesOf(row.entityType, row.before, row.after, names),
      affiliation: row.entityType === "affiliation" ? affiliations.get(row.entityId) ?? null : null,
      mergedWith: mergedWithId ? { id: mergedWithId, name: names.get(mergedWithId) ?? "" } : null,
    };
  });
  const last = pageRows[pageRows.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function mergePartner(after: unknown): string | null {
  const record = asRecord(after);
  const id = record.mergedFrom ?? record.mergedInto;
  return typeof id === "string" ? id : null;
}

/** What changed between the before and after of an entry. An organisation merge keeps both records in `before`; the survivor's side counts. */
function changesOf(entityType: string, beforeValue: unknown, afterValue: unknown, names: Map<string, string>): HistoryChange[] {
  let before = asRecord(beforeValue);
  const after = asRecord(afterValue);
  if ("keep" in before && "duplicate" in before) before = asRecord(before.keep);
  const explicit = Array.isArray(after.changed) ? after.changed.filter((f): f is string => typeof f === "string") : null;
  const fields = explicit ?? [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((field) => !IGNORED.has(field) && JSON.stringify(comparable(before[field])) !== JSON.stringify(comparable(after[field])));
  if (FIELDS_ONLY.has(entityType)) return fields.map((field) => ({ field }));
  const readable = (field: string, value: unknown) => (NAMED.has(field) && typeof value === "string" ? names.get(value) ?? value : comparable(value));
  return fields.map((field) => ({ field, before: readable(field, before[field]), after: readable(field, after[field]) }));
}

/** Names of the users, subregions, organisations and people an entry points to, read now. */
async function namesOf(db: Database, regionId: string, rows: Array<{ before: unknown; after: unknown }>) {
  const ids = new Set<string>();
  for (const row of rows) {
    for (const side of [asRecord(row.before), asRecord(row.before).keep, row.after]) {
      const record = asRecord(side);
      for (const field of [...NAMED, "mergedFrom", "mergedInto"]) {
        if (typeof record[field] === "string") ids.add(record[field] as string);
      }
    }
  }
  const names = new Map<string, string>();
  const list = [...ids].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (!list.length) return names;
  const found = await db
    .selectFrom("users").select(["id", "name"]).where("region_id", "=", regionId).where("id", "in", list)
    .unionAll(db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", regionId).where("id", "in", list))
    .unionAll(db.selectFrom("organisations").select(["id", "name"]).where("region_id", "=", regionId).where("id", "in", list))
    .unionAll(db.selectFrom("people").select(["id", "name"]).where("region_id", "=", regionId).where("id", "in", list))
    .execute();
  for (const { id, name } of found) names.set(id, name);
  return names;
}

async function describeAffiliations(db: Database, regionId: string, ids: string[]) {
  const result = new Map<string, NonNullable<HistoryEntry["affiliation"]>>();
  if (!ids.length) return result;
  const rows = await db
    .selectFrom("affiliations")
    .innerJoin("people", "people.id", "affiliations.person_id")
    .innerJoin("organisations", "organisations.id", "affiliations.organisation_id")
    .select(["affiliations.id", "people.id as personId", "people.name as personName", "organisations.id as organisationId", "organisations.name as organisationName"])
    .where("affiliations.region_id", "=", regionId)
    .where("affiliations.id", "in", [...new Set(ids)])
    .execute();
  for (const { id, ...rest } of rows) result.set(id, rest);
  return result;
}
