import { sql } from "kysely";
import type { AgreementKind } from "../../../db/schema";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import type { Database, Tx } from "../../db/database";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { timestampOf } from "../../db/json";
import { AppError, forbidden, notFound } from "../../errors";
import { validationFailed } from "../../validation";
import { recordAudit } from "../audit/audit";
import { readDocument, storeDocument } from "../documents/documents.service";
import type { Actor } from "../../auth/current-user";
import type { CreateAgreementInput, ListAgreementsInput, UpdateAgreementInput } from "./agreements.schemas";
import { can } from "../../auth/permissions";
import { assertStillCurrent, updatedOne } from "../../db/versioned";

/**
 * Agreements (intentieverklaring, samenwerkingsovereenkomst, convenant; issue 6, item 3): who the
 * parties are, when signed, when it expires, the signed document, and who keeps an eye on it.
 * The penvoerder and admins write; account holders read; a partner user reads those its own
 * organisation is a party to.
 */

export type ChangeMeta = ChangeStamp;
export type AgreementFile = { fileName: string; bytes: Uint8Array };

export type Agreement = {
  id: string;
  kind: AgreementKind;
  title: string;
  organisationIds: string[];
  organisations: { id: string; name: string }[];
  signedOn: string;
  expiresOn: string | null;
  documentId: string | null;
  document: { id: string; fileName: string; contentType: string; sizeBytes: number } | null;
  ownerId: string | null;
  ownerName: string | null;
  notes: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
};

const NO_ORGANISATION = "00000000-0000-0000-0000-000000000000";

function assertWriter(scope: Scope) {
  if (!can(scope, "money.write")) throw forbidden();
}

function visibleAgreements(db: Database, scope: Scope) {
  let query = db
    .selectFrom("agreements")
    .leftJoin("users as owner", "owner.id", "agreements.owner_id")
    .leftJoin("documents as d", "d.id", "agreements.document_id")
    .where("agreements.region_id", "=", scope.regionId);
  if (scope.role === "partner") {
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom("agreement_parties as own").select("own.agreement_id").whereRef("own.agreement_id", "=", "agreements.id").where("own.organisation_id", "=", scope.organisationId ?? NO_ORGANISATION)),
    );
  }
  return query.select([
    "agreements.id", "agreements.kind", "agreements.title", "agreements.signed_on as signedOn", "agreements.expires_on as expiresOn",
    "agreements.document_id as documentId", "d.file_name as fileName", "d.content_type as contentType", "d.size_bytes as sizeBytes",
    "agreements.owner_id as ownerId", "owner.name as ownerName", "agreements.notes", "agreements.version",
    "agreements.created_at as createdAt", "agreements.updated_at as updatedAt", "agreements.archived_at as archivedAt",
    sql<{ id: string; name: string }[]>`coalesce((
      select json_agg(json_build_object('id', o.id, 'name', o.name) order by lower(o.name))
        from agreement_parties ap join organisations o on o.id = ap.organisation_id
       where ap.agreement_id = agreements.id), '[]'::json)`.as("organisations"),
  ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof visibleAgreements>["executeTakeFirstOrThrow"]>>;

type JsonRow = Omit<Row, "createdAt" | "updatedAt" | "archivedAt"> & { createdAt: string; updatedAt: string; archivedAt: string | null };

function toAgreement(row: Row | JsonRow): Agreement {
  const { fileName, contentType, sizeBytes, ...rest } = row;
  return {
    ...rest,
    createdAt: timestampOf(row.createdAt),
    updatedAt: timestampOf(row.updatedAt),
    archivedAt: timestampOf(row.archivedAt),
    organisationIds: row.organisations.map((o) => o.id),
    document: row.documentId ? { id: row.documentId, fileName: fileName!, contentType: contentType!, sizeBytes: sizeBytes! } : null,
  };
}

export async function getAgreement(db: Database, scope: Scope, id: string): Promise<Agreement> {
  const row = await visibleAgreements(db, scope).where("agreements.id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Agreement");
  return toAgreement(row);
}

/** Newest signed first; `expiringWithinDays` keeps those expiring from `today` up to that many days ahead, soonest first. */
export async function listAgreements(db: Database, scope: Scope, filters: ListAgreementsInput, today: string) {
  return agreementsPageOf(await agreementsQuery(db, scope, filters, today).execute(), filters);
}

/** The page of agreements from agreementsQuery's rows, read on their own or from JSON. */
export function agreementsPageOf(rows: Array<Row | JsonRow>, filters: Pick<ListAgreementsInput, "limit" | "expiringWithinDays">) {
  const expiring = filters.expiringWithinDays !== undefined;
  const { rows: items, nextCursor } = keysetPage(rows.map(toAgreement), filters.limit, (last) => [expiring ? last.expiresOn! : last.signedOn, last.id]);
  return { items, nextCursor };
}

/** The query of listAgreements (one row more than the limit), also read inside the organisation page's statement. */
export function agreementsQuery(db: Database, scope: Scope, filters: ListAgreementsInput, today: string) {
  const expiring = filters.expiringWithinDays !== undefined;
  let query = visibleAgreements(db, scope).where("agreements.archived_at", "is", null).limit(filters.limit + 1);
  if (filters.organisationId) {
    const organisationId = filters.organisationId;
    query = query.where(({ exists, selectFrom }) =>
      exists(selectFrom("agreement_parties as ap").select("ap.agreement_id").whereRef("ap.agreement_id", "=", "agreements.id").where("ap.organisation_id", "=", organisationId)),
    );
  }
  if (filters.kind) query = query.where("agreements.kind", "=", filters.kind);
  if (expiring) {
    query = query
      .where("agreements.expires_on", ">=", today)
      .where(sql<boolean>`agreements.expires_on <= ${today}::date + ${filters.expiringWithinDays!}::int`)
      .orderBy("agreements.expires_on", "asc")
      .orderBy("agreements.id", "asc");
  } else {
    query = query.orderBy("agreements.signed_on", "desc").orderBy("agreements.id", "desc");
  }
  if (filters.cursor) {
    const [day, id] = decodeCursor(filters.cursor, ["date", "uuid"]);
    query = expiring
      ? query.where(sql<boolean>`(agreements.expires_on, agreements.id) > (${day}::date, ${id}::uuid)`)
      : query.where(sql<boolean>`(agreements.signed_on, agreements.id) < (${day}::date, ${id}::uuid)`);
  }
  return query;
}

/** The live agreements an organisation is a party to, for its page and the commitment form. */
export async function listOrganisationAgreements(db: Database, scope: Scope, organisationId: string) {
  return organisationAgreementsOf(await organisationAgreementsQuery(db, scope, organisationId).execute());
}

const ORGANISATION_AGREEMENTS = { limit: 200 };

/** The query of listOrganisationAgreements (no expiry asked, so the day does not matter), also read inside the organisation page's statement. */
export function organisationAgreementsQuery(db: Database, scope: Scope, organisationId: string) {
  return agreementsQuery(db, scope, { ...ORGANISATION_AGREEMENTS, organisationId }, "1900-01-01");
}

export function organisationAgreementsOf(rows: Array<Row | JsonRow>): Agreement[] {
  return agreementsPageOf(rows, ORGANISATION_AGREEMENTS).items;
}

/**
 * The rules that need the database: parties are live organisations of the region; the owner is an
 * active staff user of the region (by default the first party's account holder, else the author);
 * an expiry before the signing date is refused naming expiresOn.
 */
async function checkAgreement(db: Database, scope: Scope, draft: { organisationIds: string[]; signedOn: string; expiresOn: string | null; ownerId: string | null | undefined }, actor: Actor) {
  const parties = [...new Set(draft.organisationIds)];
  const found = await db.selectFrom("organisations").select(["id", "account_holder_id"]).where("region_id", "=", scope.regionId).where("archived_at", "is", null).where("id", "in", parties).execute();
  if (found.length !== parties.length) throw validationFailed({ organisationIds: "agreements.validation.parties" });
  if (draft.expiresOn && draft.expiresOn < draft.signedOn) {
    throw validationFailed({ expiresOn: "agreements.validation.expiresBeforeSigned" }, "en", { code: "RULE_VIOLATION", message: `expiresOn (${draft.expiresOn}) lies before signedOn (${draft.signedOn})` });
  }
  let ownerId = draft.ownerId;
  if (ownerId === undefined) {
    const holders = new Map(found.map((o) => [o.id, o.account_holder_id]));
    ownerId = holders.get(parties[0]!) ?? actor?.id ?? null;
  }
  if (ownerId) {
    const owner = await db.selectFrom("users").select("id").where("id", "=", ownerId).where("region_id", "=", scope.regionId).where("active", "=", true).where("role", "<>", "partner").executeTakeFirst();
    if (!owner) throw validationFailed({ ownerId: "agreements.validation.owner" });
  }
  return { parties, ownerId: ownerId ?? null };
}

/**
 * Records an agreement with its parties and signed document. Still typed `Database`: the demo loader
 * (db/seed/demo-agreements.ts) hands it the connection its whole load runs in, typed as the pool;
 * every adapter passes the transaction of runChange.
 */
export async function createAgreement(db: Database, scope: Scope, input: CreateAgreementInput, file: AgreementFile | null, meta: ChangeMeta): Promise<Agreement> {
  assertWriter(scope);
  const { parties, ownerId } = await checkAgreement(db, scope, { organisationIds: input.organisationIds, signedOn: input.signedOn, expiresOn: input.expiresOn ?? null, ownerId: input.ownerId }, meta.actor);
  const document = file ? await storeAgreementDocument(db, scope, file, meta) : null;
  const { id } = await db
    .insertInto("agreements")
    .values({
      region_id: scope.regionId, kind: input.kind, title: input.title, signed_on: input.signedOn, expires_on: input.expiresOn ?? null,
      document_id: document?.id ?? null, owner_id: ownerId, notes: input.notes, created_by: meta.actor?.id ?? null, created_at: meta.now, updated_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("agreement_parties").values(parties.map((organisationId) => ({ agreement_id: id, organisation_id: organisationId }))).execute();
  const created = await getAgreement(db, scope, id);
  await recordAudit(db, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "agreement.create", entityType: "agreement", entityId: id, after: created, now: meta.now });
  return created;
}

/** Changes the fields given (a new document replaces the old one); a stale `version` answers 409 and changes nothing. */
export async function updateAgreement(trx: Tx, scope: Scope, id: string, input: UpdateAgreementInput, file: AgreementFile | null, meta: ChangeMeta): Promise<Agreement> {
  assertWriter(scope);
  const before = await getAgreement(trx, scope, id);
  if (before.archivedAt) throw notFound("Agreement");
  assertStillCurrent(before.version === input.version, "agreement");
  const organisationIds = input.organisationIds ?? before.organisationIds;
  const signedOn = input.signedOn ?? before.signedOn;
  const expiresOn = input.expiresOn !== undefined ? input.expiresOn : before.expiresOn;
  const { parties, ownerId } = await checkAgreement(trx, scope, { organisationIds, signedOn, expiresOn, ownerId: input.ownerId !== undefined ? input.ownerId : before.ownerId }, meta.actor);
  const document = file ? await storeAgreementDocument(trx, scope, file, meta) : null;
  const result = await trx
    .updateTable("agreements")
    .set({
      kind: input.kind ?? before.kind,
      title: input.title ?? before.title,
      signed_on: signedOn,
      expires_on: expiresOn,
      owner_id: ownerId,
      notes: input.notes !== undefined ? input.notes : before.notes,
      ...(document && { document_id: document.id }),
      updated_at: meta.now,
      version: sql`version + 1`,
    })
    .where("id", "=", id)
    .where("region_id", "=", scope.regionId)
    .where("version", "=", input.version)
    .executeTakeFirst();
  assertStillCurrent(updatedOne(result), "agreement");
  if (input.organisationIds) {
    await trx.deleteFrom("agreement_parties").where("agreement_id", "=", id).where("organisation_id", "not in", parties).execute();
    await trx.insertInto("agreement_parties").values(parties.map((organisationId) => ({ agreement_id: id, organisation_id: organisationId }))).onConflict((oc) => oc.doNothing()).execute();
  }
  const after = await getAgreement(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "agreement.update", entityType: "agreement", entityId: id, before, after, now: meta.now });
  return after;
}

/** Deletes archive: the agreement leaves the lists and reminders; commitments resting on it keep the reference. */
export async function archiveAgreement(trx: Tx, scope: Scope, id: string, meta: ChangeMeta): Promise<Agreement> {
  assertWriter(scope);
  const before = await getAgreement(trx, scope, id);
  if (before.archivedAt) return before;
  await trx.updateTable("agreements").set({ archived_at: meta.now, updated_at: meta.now, version: sql`version + 1` }).where("id", "=", id).where("region_id", "=", scope.regionId).execute();
  const after = await getAgreement(trx, scope, id);
  await recordAudit(trx, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "agreement.archive", entityType: "agreement", entityId: id, before: { archivedAt: null }, after: { archivedAt: after.archivedAt }, now: meta.now });
  return after;
}

/** The signed document, for whoever may read one of the agreements it belongs to; null when it belongs to none. */
export async function findAgreementDocument(db: Database, scope: Scope, documentId: string) {
  const visible = await visibleAgreements(db, scope).where("agreements.document_id", "=", documentId).executeTakeFirst();
  if (!visible) return null;
  return readDocument(db, scope.regionId, documentId);
}

/** Users who can own an agreement: the region's active staff, by name. */
export async function listAgreementOwners(db: Database, scope: Scope) {
  return db.selectFrom("users").select(["id", "name"]).where("region_id", "=", scope.regionId).where("active", "=", true).where("role", "<>", "partner").orderBy(sql`lower(name)`).execute();
}

/** Stores the signed document (PDF or image, at most 10 MB); a refused file is reported on the field `document`. */
async function storeAgreementDocument(db: Database, scope: Scope, file: AgreementFile, meta: ChangeMeta) {
  try {
    return await storeDocument(db, scope.regionId, file, { actorId: meta.actor?.id ?? null, now: meta.now });
  } catch (error) {
    if (error instanceof AppError && error.fieldKeys?.evidence) throw validationFailed({ document: error.fieldKeys.evidence });
    throw error;
  }
}
