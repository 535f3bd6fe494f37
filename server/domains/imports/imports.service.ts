import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { type Locale, translator } from "../../../i18n";
import type { Organisation } from "../organisations/organisations.service";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database, Tx } from "../../db/database";
import { jsonb } from "../../db/json";
import { AppError, notFound } from "../../errors";
import { parseInput, translateFields } from "../../validation";
import { recordAudit } from "../audit/audit";
import { recomputeOrganisations } from "../health/health.service";
import { withoutRowSecurity } from "../../db/system-query";
import { CreateOrganisationInput } from "../organisations/organisations.schemas";
import { AddContactInput } from "../people/people.schemas";
import { checkMapping, columnLetter, guessMapping, KIND_VALUES, normalise, STATUS_VALUES, TIER_VALUES } from "./imports.mapping";
import type { ImportTable } from "./imports.parse";
import type { ColumnMapping, ImportField, RowOutcome } from "./imports.schemas";

export type ImportMeta = ChangeStamp;
export type ImportCounts = Record<RowOutcome, number> & { contacts: number };

/** Why a row cannot be imported, by column: a translation key (`key|{params}`) until it is shown. */
type Reason = { column: number | null; field: string; key: string };

/** The fields an import row can set: an organisation's own data, not its id, owner or bookkeeping. */
type OrganisationValues = Pick<Organisation, "kind" | "name" | "kvkNumber" | "kvkBranchNumber" | "brinCode" | "sector" | "street" | "postalCode" | "city" | "website" | "subregionId" | "tier" | "status" | "tags">;
type ContactValues = { name: string; email: string | null; phone: string | null; role: string | null };

type AnalysedRow = {
  row: number;
  name: string;
  outcome: RowOutcome;
  reasons: Reason[];
  /** The existing organisation an update changes, or the new one's id once written. */
  organisationId: string | null;
  duplicateOfRow: number | null;
  /** For a new organisation every value; for an update only the cells that were filled in (an empty cell never erases). */
  values: Partial<OrganisationValues>;
  contact: ContactValues | null;
  /** Whether the contact person is added (false: the organisation has them already). */
  addsContact: boolean;
};

export type Analysis = { rows: AnalysedRow[]; counts: ImportCounts };

/** One row as the API and the preview show it: reasons in the reader's language, columns by letter and header. */
export type ImportRowResult = {
  row: number;
  name: string;
  outcome: RowOutcome;
  organisationId: string | null;
  duplicateOfRow: number | null;
  addsContact: boolean;
  reasons: Array<{ column: string | null; columnLetter: string | null; field: string; message: string }>;
};

const ORGANISATION_FIELDS = ["name", "kind", "kvkNumber", "kvkBranchNumber", "brinCode", "sector", "street", "postalCode", "city", "website", "subregion", "tier", "status", "tags"] as const;
const CONTACT_FIELDS = { contactName: "name", contactEmail: "email", contactPhone: "phone", contactRole: "role" } as const;
const EXPIRY_MS = 24 * 60 * 60 * 1000;
/**
 * The advisory lock a commit holds for as long as its transaction runs (two keys: this class and the
 * import's id). PostgreSQL releases it when the transaction ends in any way, also when the process
 * that held it is killed and its connection drops, so "committing and nobody holds the lock" means
 * the commit is dead, whatever the clock says.
 */
const commitLock = (id: string) => sql<boolean>`hashtext('schakel:import-commit'), hashtext(${id}::text)`;
const CHUNK = 1000;
const ANALYZE_AFTER_ROWS = 1000;

/**
 * Every row's outcome against the region's organisations as they are now: new, update (same KvK
 * number, or the same name ignoring case and accents), duplicate (the organisation came earlier in
 * the file; only its contact person is still added), or error with a reason per column. Values are
 * checked with the organisation and contact forms' own schemas, so the messages are the forms'.
 */
export async function analyseImport(db: Database, regionId: string, table: ImportTable, mapping: ColumnMapping): Promise<Analysis> {
  const columnOf = new Map<ImportField, number>();
  mapping.forEach((field, index) => field && columnOf.set(field, index));
  const cell = (cells: string[], field: ImportField) => {
    const index = columnOf.get(field);
    return index === undefined ? "" : (cells[index] ?? "").trim();
  };

  const subregions = await db.selectFrom("subregions").select(["id", "name"]).where("region_id", "=", regionId).where("archived_at", "is", null).execute();
  const subregionByName = new Map(subregions.map((s) => [normalise(s.name), s.id]));

  // Names compared as PostgreSQL compares them (immutable_unaccent(lower(...))), so the file and the database agree.
  const names = [...new Set(table.rows.map(([, cells]) => cell(cells, "name")).filter(Boolean))];
  const keyRows = names.length
    ? await sql<{ raw: string; key: string }>`select raw, immutable_unaccent(lower(raw)) as key from jsonb_array_elements_text(${jsonb(names)}) as raw`.execute(db)
    : { rows: [] };
  const nameKey = new Map(keyRows.rows.map((r) => [r.raw, r.key]));
  const kvks = [...new Set(table.rows.map(([, cells]) => cell(cells, "kvkNumber")).filter((kvk) => /^[0-9]{8}$/.test(kvk)))];

  const existing = await sql<{ id: string; kvk: string | null; key: string; hasPrimary: boolean }>`
    select o.id, o.kvk_number as kvk, immutable_unaccent(lower(o.name)) as key,
           exists (select 1 from affiliations a where a.organisation_id = o.id and a.is_primary and a.end_date is null) as "hasPrimary"
    from organisations o
    where o.region_id = ${regionId} and o.archived_at is null
      and (o.kvk_number in (select jsonb_array_elements_text(${jsonb(kvks)}))
           or immutable_unaccent(lower(o.name)) in (select jsonb_array_elements_text(${jsonb([...new Set(nameKey.values())])})))`.execute(db);
  const byKvk = new Map<string, (typeof existing.rows)[number]>();
  const byName = new Map<string, Array<(typeof existing.rows)[number]>>();
  for (const organisation of existing.rows) {
    if (organisation.kvk) byKvk.set(organisation.kvk, organisation);
    byName.set(organisation.key, [...(byName.get(organisation.key) ?? []), organisation]);
  }
  const matchedIds = existing.rows.map((o) => o.id);
  const contactRows = matchedIds.length
    ? await db
        .selectFrom("affiliations")
        .innerJoin("people", "people.id", "affiliations.person_id")
        .select(["affiliations.organisation_id as organisationId", "people.name", "people.email"])
        .where("affiliations.organisation_id", "in", matchedIds)
        .where("affiliations.end_date", "is", null)
        .where("people.archived_at", "is", null)
        .execute()
    : [];
  const knownContacts = new Set<string>();
  for (const c of contactRows) {
    knownContacts.add(`${c.organisationId}|n:${c.name.toLowerCase()}`);
    if (c.email) knownContacts.add(`${c.organisationId}|e:${c.email.toLowerCase()}`);
  }

  const firstByKvk = new Map<string, number>();
  const firstByName = new Map<string, number>();
  const firstByOrganisation = new Map<string, number>();
  const rows: AnalysedRow[] = [];
  for (const [rowNumber, cells] of table.rows) {
    const reasons: Reason[] = [];
    const problem = (field: ImportField, key: string) => reasons.push({ column: columnOf.get(field) ?? null, field, key });
    const filled: Partial<Record<ImportField, string>> = {};
    for (const field of columnOf.keys()) {
      const value = cell(cells, field);
      if (value) filled[field] = value;
    }

    // Choices by code or label; the schema below then checks them like the form does.
    const raw: Record<string, unknown> = {};
    for (const field of ORGANISATION_FIELDS) {
      const value = filled[field];
      if (value === undefined) continue;
      if (field === "kind" || field === "tier" || field === "status") {
        const values = field === "kind" ? KIND_VALUES : field === "tier" ? TIER_VALUES : STATUS_VALUES;
        const code = values.get(normalise(value));
        if (code) raw[field] = code;
        else problem(field, `validation.choice|${JSON.stringify({ options: choiceLabels(field) })}`);
      } else if (field === "subregion") {
        const id = subregionByName.get(normalise(value));
        if (id) raw.subregionId = id;
        else problem(field, "imports.reasons.unknownSubregion");
      } else if (field === "tags") {
        raw.tags = [...new Set(value.split(/[,;|]/).map((tag) => tag.trim()).filter(Boolean))];
      } else if (field === "website") {
        raw.website = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
      } else {
        raw[field] = value;
      }
    }
    const checked = CreateOrganisationInput.safeParse({ kind: "company", ...raw });
    let values: Partial<OrganisationValues> = {};
    if (checked.success) {
      const { accountHolderId: _accountHolderId, ...organisation } = checked.data;
      values = { ...organisation, kvkNumber: organisation.kvkNumber ?? null, kvkBranchNumber: organisation.kvkBranchNumber ?? null, brinCode: organisation.brinCode ?? null, postalCode: organisation.postalCode ?? null, website: organisation.website ?? null, subregionId: organisation.subregionId ?? null } as OrganisationValues;
    } else {
      for (const [field, key] of Object.entries(schemaProblems(CreateOrganisationInput, { kind: "company", ...raw }))) {
        const importField = (field === "subregionId" ? "subregion" : field) as ImportField;
        problem(importField, field === "name" && !filled.name ? "validation.required" : key);
      }
    }

    let contact: ContactValues | null = null;
    const contactCells = Object.fromEntries(Object.entries(CONTACT_FIELDS).flatMap(([field, key]) => (filled[field as ImportField] ? [[key, filled[field as ImportField]]] : [])));
    if (Object.keys(contactCells).length) {
      const checkedContact = AddContactInput.safeParse(contactCells);
      if (checkedContact.success) contact = { name: checkedContact.data.name, email: checkedContact.data.email ?? null, phone: checkedContact.data.phone ?? null, role: checkedContact.data.role ?? null };
      else {
        const contactField = Object.fromEntries(Object.entries(CONTACT_FIELDS).map(([field, key]) => [key, field])) as Record<string, ImportField>;
        for (const [field, key] of Object.entries(schemaProblems(AddContactInput, contactCells))) problem(contactField[field] ?? "contactName", key);
      }
    }

    const name = filled.name ?? "";
    const key = name ? nameKey.get(name) ?? normalise(name) : "";
    const kvk = values.kvkNumber ?? null;
    const analysed: AnalysedRow = { row: rowNumber, name, outcome: "new", reasons, organisationId: null, duplicateOfRow: null, values, contact, addsContact: false };
    rows.push(analysed);
    if (reasons.length) {
      analysed.outcome = "error";
      continue;
    }

    // The same organisation earlier in the file: by KvK number, or by name when this row has none.
    const earlier = kvk ? firstByKvk.get(kvk) : firstByName.get(key);
    let match = kvk ? byKvk.get(kvk) : undefined;
    if (!match) {
      // By name: any organisation of that name when the row has no KvK number; one without a KvK number when it has.
      const candidates = (byName.get(key) ?? []).filter((o) => !kvk || !o.kvk);
      if (candidates.length > 1) {
        problem("name", `imports.reasons.ambiguousName|${JSON.stringify({ count: candidates.length })}`);
        analysed.outcome = "error";
        continue;
      }
      match = candidates[0];
    }
    const earlierForMatch = match ? firstByOrganisation.get(match.id) : undefined;
    const duplicateOf = earlier ?? earlierForMatch;
    if (duplicateOf !== undefined) {
      const first = rows.find((r) => r.row === duplicateOf)!;
      analysed.outcome = "duplicate";
      analysed.duplicateOfRow = duplicateOf;
      analysed.organisationId = first.organisationId;
      analysed.values = {};
      analysed.addsContact = addContact(analysed, first.organisationId ?? `row:${duplicateOf}`, knownContacts);
      continue;
    }
    if (match) {
      analysed.outcome = "update";
      analysed.organisationId = match.id;
      // Only what the file fills in changes; defaults of the form (kind, tier, status) are not forced on an existing organisation.
      analysed.values = Object.fromEntries(
        Object.entries(values).filter(([field]) => (field === "subregionId" ? filled.subregion !== undefined : filled[field as ImportField] !== undefined)),
      );
      firstByOrganisation.set(match.id, rowNumber);
    }
    if (kvk) firstByKvk.set(kvk, rowNumber);
    if (key && !firstByName.has(key)) firstByName.set(key, rowNumber);
    analysed.addsContact = addContact(analysed, match?.id ?? `row:${rowNumber}`, knownContacts);
  }

  const counts: ImportCounts = { new: 0, update: 0, duplicate: 0, error: 0, contacts: 0 };
  for (const row of rows) {
    counts[row.outcome]++;
    if (row.addsContact && row.outcome !== "error") counts.contacts++;
  }
  return { rows, counts };
}

/** A contact person is added once per organisation: not when it has someone of that name or email already. */
function addContact(row: AnalysedRow, organisationKey: string, known: Set<string>): boolean {
  if (!row.contact) return false;
  const keys = [`${organisationKey}|n:${row.contact.name.toLowerCase()}`, ...(row.contact.email ? [`${organisationKey}|e:${row.contact.email.toLowerCase()}`] : [])];
  if (keys.some((key) => known.has(key))) return false;
  for (const key of keys) known.add(key);
  return true;
}

function choiceLabels(field: "kind" | "tier" | "status") {
  const t = translator("nl");
  const codes = field === "kind" ? KIND_VALUES : field === "tier" ? TIER_VALUES : STATUS_VALUES;
  return [...new Set(codes.values())].map((code) => t(`organisations.${field === "kind" ? "kinds" : field === "tier" ? "tiers" : "statuses"}.${code}`)).join(", ");
}

/** The schema's message keys per field, as parseInput makes them for the forms. */
function schemaProblems(schema: Parameters<typeof parseInput>[0], data: unknown): Record<string, string> {
  try {
    parseInput(schema, data);
    return {};
  } catch (error) {
    if (error instanceof AppError && error.fieldKeys) return error.fieldKeys;
    throw error;
  }
}

/** The rows for a reader: every reason as a message in their language, naming the column by letter and header. */
export function describeRows(rows: AnalysedRow[], headers: string[], locale: Locale): ImportRowResult[] {
  return rows.map((row) => ({
    row: row.row,
    name: row.name,
    outcome: row.outcome,
    organisationId: row.organisationId?.startsWith("row:") ? null : row.organisationId,
    duplicateOfRow: row.duplicateOfRow,
    addsContact: row.addsContact,
    reasons: row.reasons.map((reason) => ({
      column: reason.column === null ? null : headers[reason.column] ?? null,
      columnLetter: reason.column === null ? null : columnLetter(reason.column),
      field: reason.field,
      message: translateFields({ [reason.field]: reason.key }, locale)[reason.field] ?? reason.key,
    })),
  }));
}

/** All-or-nothing: one failing row refuses the whole import, naming every rejected row with its column and reason. */
export function rejectedImport(analysis: Analysis, headers: string[]): AppError {
  const rejected = describeRows(analysis.rows.filter((row) => row.outcome === "error"), headers, "en");
  const first = rejected
    .slice(0, 5)
    .map((row) => `row ${row.row}: ${row.reasons.map((r) => `${r.columnLetter ? `column ${r.columnLetter} (${r.column})` : r.field}: ${r.message}`).join(", ")}`)
    .join("; ");
  return new AppError("VALIDATION_FAILED", `${rejected.length} row(s) cannot be imported, so nothing was imported: ${first}${rejected.length > 5 ? "; …" : ""}`, {
    userMessageKey: "imports.errors.rowsRejected",
    details: { counts: analysis.counts, rejectedRows: rejected },
  });
}

// ————— Writing —————

type WriteContext = { regionId: string; importId: string; fileName: string; meta: ImportMeta; onProgress?: ((done: number) => Promise<void>) | undefined };

/**
 * Writes an analysed import set-based: the new organisations, the updates, the people and their
 * jobs, each a few multi-row statements (jsonb_to_recordset), plus their audit entries. The caller
 * holds the transaction, so a failure anywhere writes nothing.
 */
async function writeImport(trx: Tx, analysis: Analysis, ctx: WriteContext): Promise<ImportCounts> {
  const { regionId, importId, meta } = ctx;
  const actorId = meta.actor?.id ?? null;
  let done = 0;
  const progress = async (n: number) => {
    done += n;
    await ctx.onProgress?.(done);
  };

  const created = analysis.rows.filter((row) => row.outcome === "new");
  for (const row of created) row.organisationId = randomUUID();
  for (const row of analysis.rows) {
    if (row.outcome === "duplicate" && row.duplicateOfRow !== null && !row.organisationId) {
      row.organisationId = analysis.rows.find((r) => r.row === row.duplicateOfRow)?.organisationId ?? null;
    }
  }
  for (const chunk of chunks(created)) {
    const data = chunk.map((row) => ({ id: row.organisationId, ...toColumns(row.values as OrganisationValues) }));
    await sql`
      insert into organisations (id, region_id, kind, name, kvk_number, kvk_branch_number, brin_code, sector, street, postal_code, city, website, subregion_id, tier, status, tags, created_at, updated_at)
      select x.id, ${regionId}::uuid, x.kind, x.name, x.kvk_number, x.kvk_branch_number, x.brin_code, x.sector, x.street, x.postal_code, x.city, x.website, x.subregion_id, x.tier, x.status, coalesce(x.tags, '{}'), ${meta.now}::timestamptz, ${meta.now}::timestamptz
      from jsonb_to_recordset(${jsonb(data)}) as x(${ORGANISATION_RECORD})`.execute(trx);
    await auditMany(trx, regionId, actorId, meta.now, chunk.map((row) => ({ action: "organisation.create", entity_type: "organisation", entity_id: row.organisationId!, before: null, after: { ...row.values, importId } })));
    await progress(chunk.length);
  }

  const updated = analysis.rows.filter((row) => row.outcome === "update");
  for (const chunk of chunks(updated)) {
    const ids = chunk.map((row) => row.organisationId!);
    const before = await trx.selectFrom("organisations").selectAll().where("id", "in", ids).where("region_id", "=", regionId).forUpdate().execute();
    const beforeById = new Map(before.map((o) => [o.id, o]));
    const data = chunk.map((row) => {
      const old = beforeById.get(row.organisationId!)!;
      const current: OrganisationValues = {
        kind: old.kind, name: old.name, kvkNumber: old.kvk_number, kvkBranchNumber: old.kvk_branch_number, brinCode: old.brin_code, sector: old.sector,
        street: old.street, postalCode: old.postal_code, city: old.city, website: old.website, subregionId: old.subregion_id, tier: old.tier, status: old.status, tags: old.tags,
      };
      // Labels are added to the ones the organisation has, as merging does; other filled-in cells overwrite.
      const next: OrganisationValues = { ...current, ...row.values, tags: row.values.tags ? [...new Set([...old.tags, ...row.values.tags])] : old.tags };
      return { id: old.id, current, next };
    });
    await sql`
      update organisations o set kind = x.kind, name = x.name, kvk_number = x.kvk_number, kvk_branch_number = x.kvk_branch_number, brin_code = x.brin_code,
        sector = x.sector, street = x.street, postal_code = x.postal_code, city = x.city, website = x.website, subregion_id = x.subregion_id,
        tier = x.tier, status = x.status, tags = coalesce(x.tags, '{}'), version = o.version + 1, updated_at = ${meta.now}::timestamptz
      from jsonb_to_recordset(${jsonb(data.map((d) => ({ id: d.id, ...toColumns(d.next) })))}) as x(${ORGANISATION_RECORD})
      where o.id = x.id and o.region_id = ${regionId}::uuid`.execute(trx);
    await auditMany(
      trx, regionId, actorId, meta.now,
      data.map((d) => {
        const changed = (Object.keys(d.next) as Array<keyof OrganisationValues>).filter((field) => JSON.stringify(d.current[field]) !== JSON.stringify(d.next[field]));
        return {
          action: "organisation.update", entity_type: "organisation", entity_id: d.id,
          before: Object.fromEntries(changed.map((field) => [field, d.current[field]])),
          after: { ...Object.fromEntries(changed.map((field) => [field, d.next[field]])), importId },
        };
      }),
    );
    await progress(chunk.length);
  }

  // Contact people: a new person and a job at the organisation, primary when it has no primary contact yet.
  const existingPrimary = new Set(
    (
      await trx
        .selectFrom("affiliations")
        .select("organisation_id")
        .where("organisation_id", "in", updated.length ? updated.map((r) => r.organisationId!) : ["00000000-0000-0000-0000-000000000000"])
        .where("is_primary", "=", true)
        .where("end_date", "is", null)
        .execute()
    ).map((a) => a.organisation_id),
  );
  const contacts = analysis.rows.filter((row) => row.addsContact && row.outcome !== "error" && row.organisationId && row.contact);
  const today = toLocalDate(meta.now);
  const source = `Import: ${ctx.fileName}`.slice(0, 200);
  for (const chunk of chunks(contacts)) {
    const people = chunk.map((row) => {
      const isPrimary = !existingPrimary.has(row.organisationId!);
      existingPrimary.add(row.organisationId!);
      return { id: randomUUID(), affiliation_id: randomUUID(), organisation_id: row.organisationId!, is_primary: isPrimary, ...row.contact! };
    });
    const data = jsonb(people);
    await sql`
      insert into people (id, region_id, name, email, phone, source, created_at, updated_at)
      select x.id, ${regionId}::uuid, x.name, x.email, x.phone, ${source}, ${meta.now}::timestamptz, ${meta.now}::timestamptz
      from jsonb_to_recordset(${data}) as x(id uuid, name text, email text, phone text)`.execute(trx);
    await sql`
      insert into affiliations (id, region_id, person_id, organisation_id, role, is_primary, start_date, created_at)
      select x.affiliation_id, ${regionId}::uuid, x.id, x.organisation_id, x.role, x.is_primary, ${today}::date, ${meta.now}::timestamptz
      from jsonb_to_recordset(${data}) as x(id uuid, affiliation_id uuid, organisation_id uuid, role text, is_primary boolean)`.execute(trx);
    // Personal data stays out of the audit log (an erasure must be able to remove it), as for people created by hand.
    await auditMany(trx, regionId, actorId, meta.now, [
      ...people.map((p) => ({ action: "person.create", entity_type: "person", entity_id: p.id, before: null, after: { lawfulBasis: "legitimate_interest", source, optOut: false, reviewDate: null, importId } })),
      ...people.map((p) => ({
        action: "affiliation.start", entity_type: "affiliation", entity_id: p.affiliation_id, before: null,
        after: { personId: p.id, organisationId: p.organisation_id, role: p.role, isPrimary: p.is_primary, startDate: today, importId },
      })),
    ]);
    await progress(chunk.length);
  }
  // Health is derived from organisations and their contacts; it is recomputed set-based, as after any other change.
  // After thousands of new rows the planner's statistics describe the tables as they were, and it
  // picks nested loops for the health computation (50 s instead of a few); fresh ones first.
  // Only the tables' owner may analyze them: a request's role (row-level security, decision 073) would be skipped with a warning.
  if (done >= ANALYZE_AFTER_ROWS) await withoutRowSecurity(trx, (owner) => analyzeColumns(owner, ANALYZED_TABLES));
  await recomputeOrganisations(trx, [...created, ...updated].map((row) => row.organisationId), meta.now);
  return analysis.counts;
}

const ANALYZED_TABLES = ["organisations", "people", "affiliations"];

/**
 * ANALYZE of the tables' own columns, named: with a column list PostgreSQL skips the statistics of
 * the expression indexes (decision 149). Those are search's (typo keys, trigrams, lower(name)); the
 * health recompute reads none of them, and gathering them cost 90 % of the analyze (1.5–3 s after a
 * 10,000-row import, evaluating every sampled name's typo keys). Autovacuum's analyze gathers them
 * after the commit, as after any other large change. The row counts are updated either way.
 */
export async function analyzeColumns(owner: Database, tables: string[]) {
  const { rows } = await sql<{ target: string }>`
    select format('%I (%s)', c.relname, string_agg(quote_ident(a.attname), ', ' order by a.attnum)) as target
    from pg_class c
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where c.oid = any(${tables}::text[]::regclass[])
    group by c.relname
    order by c.relname`.execute(owner);
  await sql.raw(`analyze ${rows.map((row) => row.target).join(", ")}`).execute(owner);
}

const ORGANISATION_RECORD = sql.raw(
  "id uuid, kind text, name text, kvk_number text, kvk_branch_number text, brin_code text, sector text, street text, postal_code text, city text, website text, subregion_id uuid, tier text, status text, tags text[]",
);

function toColumns(v: OrganisationValues) {
  return {
    kind: v.kind, name: v.name, kvk_number: v.kvkNumber, kvk_branch_number: v.kvkBranchNumber, brin_code: v.brinCode, sector: v.sector, street: v.street,
    postal_code: v.postalCode, city: v.city, website: v.website, subregion_id: v.subregionId, tier: v.tier, status: v.status, tags: v.tags,
  };
}

type AuditRow = { action: string; entity_type: string; entity_id: string; before: unknown; after: unknown };
async function auditMany(trx: Tx, regionId: string, actorId: string | null, now: Date, entries: AuditRow[]) {
  if (!entries.length) return;
  await sql`
    insert into audit_log (region_id, actor_id, action, entity_type, entity_id, before, after, created_at)
    select ${regionId}::uuid, ${actorId}::uuid, x.action, x.entity_type, x.entity_id, x.before, x.after, ${now}::timestamptz
    from jsonb_to_recordset(${jsonb(entries)}) as x(action text, entity_type text, entity_id text, before jsonb, after jsonb)`.execute(trx);
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

// ————— Staged imports —————

export type ImportRecord = {
  id: string;
  fileName: string;
  status: "staged" | "committing" | "committed";
  headers: string[];
  rowCount: number;
  mapping: ColumnMapping | null;
  mappingConfirmed: boolean;
  progressDone: number;
  progressTotal: number;
  counts: ImportCounts | null;
  createdAt: Date;
  committedAt: Date | null;
  /** Set when a commit was cut off (its process died) and the import went back to 'staged'; nothing of that commit was stored. */
  interruptedAt: Date | null;
};

const recordColumns = [
  "id", "file_name as fileName", "status", "headers", "row_count as rowCount", "mapping", "mapping_confirmed as mappingConfirmed",
  "progress_done as progressDone", "progress_total as progressTotal", "counts", "created_at as createdAt", "committed_at as committedAt",
  "interrupted_at as interruptedAt",
] as const;

/**
 * Keeps an uploaded file's rows for the next steps (mapping, preview, commit), in the caller's
 * region. The region's staged imports older than 24 hours are removed here, so no job is needed to expire them.
 */
export async function stageImport(trx: Tx, regionId: string, input: { fileName: string; table: ImportTable; mapping?: ReadonlyArray<ImportField | "" | null> }, meta: ImportMeta): Promise<ImportRecord> {
  // Only the region's own: run as the owner role (past row-level security) it removed every region's (issue 14).
  await trx.deleteFrom("imports").where("region_id", "=", regionId).where("status", "=", "staged").where("created_at", "<", new Date(meta.now.getTime() - EXPIRY_MS)).execute();
  const mapping = input.mapping ?? guessMapping(input.table.headers);
  const { id } = await trx
    .insertInto("imports")
    .values({
      region_id: regionId,
      user_id: meta.actor?.id ?? null,
      file_name: input.fileName,
      headers: jsonb(input.table.headers),
      rows: jsonb(input.table.rows),
      mapping: jsonb(mapping),
      row_count: input.table.rows.length,
      created_at: meta.now,
      updated_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return getImport(trx, regionId, id, meta.now);
}

/** A staged or committed import of the region; another region's, or an expired staged one, is not found. */
export async function getImport(db: Database, regionId: string, id: string, now: Date): Promise<ImportRecord> {
  const found = await db.selectFrom("imports").select(recordColumns).where("id", "=", id).where("region_id", "=", regionId).executeTakeFirst();
  if (!found || (found.status === "staged" && found.createdAt.getTime() < now.getTime() - EXPIRY_MS)) throw notFound("Import");
  if (found.status === "committing") return (await recoverInterruptedCommit(db, regionId, id, now)) ?? (found as ImportRecord);
  return found as ImportRecord;
}

/**
 * A commit whose transaction no longer holds the lock was cut off: its process died and PostgreSQL
 * rolled its writes back, so the import is staged again, marked as interrupted for the page. One
 * statement: the lock is tried (and let go at once) only for a row that is still 'committing', and a
 * commit that finishes meanwhile has made it 'committed', which the update then no longer matches.
 * Undefined while the commit is alive.
 */
async function recoverInterruptedCommit(db: Database, regionId: string, id: string, now: Date): Promise<ImportRecord | undefined> {
  const recovered = await db
    .updateTable("imports")
    .set({ status: "staged", progress_done: 0, interrupted_at: now, updated_at: now })
    .where("id", "=", id)
    .where("region_id", "=", regionId)
    .where("status", "=", "committing")
    .where(sql<boolean>`pg_try_advisory_xact_lock(${commitLock(id)})`)
    .returning(recordColumns)
    .executeTakeFirst();
  return recovered as ImportRecord | undefined;
}

async function stagedTable(db: Database, regionId: string, id: string): Promise<ImportTable> {
  const found = await db.selectFrom("imports").select(["headers", "rows"]).where("id", "=", id).where("region_id", "=", regionId).executeTakeFirst();
  if (!found?.rows) throw notFound("Import");
  return { headers: found.headers as string[], rows: found.rows as ImportTable["rows"] };
}

/** The mapping a person chose; checked at once, so a column left open is named before the preview. */
export async function setImportMapping(trx: Tx, regionId: string, id: string, proposed: ReadonlyArray<ImportField | "" | null>, now: Date): Promise<ImportRecord> {
  const record = await getImport(trx, regionId, id, now);
  if (record.status !== "staged") throw new AppError("CONFLICT", "This import has been committed already", { userMessageKey: "imports.errors.alreadyCommitted" });
  const mapping = checkMapping(record.headers, proposed);
  await trx.updateTable("imports").set({ mapping: jsonb(mapping), mapping_confirmed: true, updated_at: now }).where("id", "=", id).where("region_id", "=", regionId).execute();
  return getImport(trx, regionId, id, now);
}

/** The preview: every row's outcome with the mapping as it stands. */
export async function previewImport(db: Database, regionId: string, id: string, now: Date) {
  const record = await getImport(db, regionId, id, now);
  // Until someone has confirmed the columns there is nothing to preview: an undecided column would only be refused.
  if (record.status === "committed" || !record.mappingConfirmed) return { record, analysis: null };
  const mapping = checkMapping(record.headers, record.mapping ?? guessMapping(record.headers));
  const analysis = await analyseImport(db, regionId, await stagedTable(db, regionId, id), mapping);
  return { record, analysis };
}

/**
 * Commits a staged import, all or nothing, in one transaction. The rows are analysed again inside
 * it (the region may have changed since the preview); any error refuses the lot. Progress is
 * written to the import record on a separate connection as each batch is written, so a page can
 * poll it while the transaction runs. The transaction takes the import's commit lock before the
 * import is marked 'committing', so a 'committing' import without the lock held is a dead commit
 * (see recoverInterruptedCommit) and can be claimed again at once.
 */
export async function commitImport(db: Database, regionId: string, id: string, meta: ImportMeta): Promise<ImportRecord> {
  const record = await getImport(db, regionId, id, meta.now);
  if (record.status === "committed") return record;
  const busy = () => new AppError("CONFLICT", "This import is being committed already", { userMessageKey: "imports.errors.committing" });
  let claimed = false;
  try {
    await db.transaction().execute(async (trx) => {
      const { rows: [lock] } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${commitLock(id)}) as locked`.execute(trx);
      if (!lock?.locked) throw busy();
      // Holding the lock, a 'committing' import is one whose commit died; it is claimed like a staged one.
      claimed = Boolean(
        await db
          .updateTable("imports")
          .set({ status: "committing", progress_done: 0, progress_total: record.rowCount, interrupted_at: null, updated_at: meta.now })
          .where("id", "=", id)
          .where("region_id", "=", regionId)
          .where("status", "in", ["staged", "committing"])
          .returning("id")
          .executeTakeFirst(),
      );
      if (!claimed) throw busy();
      const table = await stagedTable(db, regionId, id);
      const mapping = checkMapping(record.headers, record.mapping ?? guessMapping(record.headers));
      const analysis = await analyseImport(trx, regionId, table, mapping);
      if (analysis.counts.error) throw rejectedImport(analysis, record.headers);
      const total = analysis.counts.new + analysis.counts.update + analysis.counts.contacts;
      await db.updateTable("imports").set({ progress_total: total }).where("id", "=", id).execute();
      const counts = await writeImport(trx, analysis, {
        regionId, importId: id, fileName: record.fileName, meta,
        onProgress: async (done) => {
          await db.updateTable("imports").set({ progress_done: done }).where("id", "=", id).execute();
        },
      });
      await finishImport(trx, regionId, id, record.fileName, counts, meta);
    });
  } catch (error) {
    if (claimed) await db.updateTable("imports").set({ status: "staged", progress_done: 0 }).where("id", "=", id).where("status", "=", "committing").execute();
    throw error;
  }
  return getImport(db, regionId, id, meta.now);
}

/** The import's own record and its one audit entry; the file's rows are dropped, the counts kept. */
async function finishImport(trx: Tx, regionId: string, id: string, fileName: string, counts: ImportCounts, meta: ImportMeta) {
  const written = counts.new + counts.update + counts.contacts;
  await trx
    .updateTable("imports")
    .set({ status: "committed", rows: null, counts: jsonb(counts), progress_done: written, progress_total: written, committed_at: meta.now, updated_at: meta.now })
    .where("id", "=", id)
    .execute();
  await recordAudit(trx, { regionId, actorId: meta.actor?.id ?? null, action: "import.commit", entityType: "import", entityId: id, after: { fileName, counts }, now: meta.now });
}

/**
 * The API's one-step import: analysed and, unless it is a dry run, written, in the caller's
 * transaction together with its import record, so a refused import leaves nothing behind. A dry run
 * is kept as a staged import, which `commitImport` can commit later without sending the file again.
 */
export async function importOrganisations(
  trx: Tx,
  regionId: string,
  input: { fileName: string; table: ImportTable; mapping: ColumnMapping; dryRun: boolean },
  meta: ImportMeta,
): Promise<{ record: ImportRecord; analysis: Analysis }> {
  if (input.dryRun) {
    const record = await stageImport(trx, regionId, { fileName: input.fileName, table: input.table, mapping: input.mapping }, meta);
    await trx.updateTable("imports").set({ mapping_confirmed: true }).where("id", "=", record.id).execute();
    return { record: { ...record, mappingConfirmed: true }, analysis: await analyseImport(trx, regionId, input.table, input.mapping) };
  }
  const analysis = await analyseImport(trx, regionId, input.table, input.mapping);
  if (analysis.counts.error) throw rejectedImport(analysis, input.table.headers);
  const { id } = await trx
    .insertInto("imports")
    .values({
      region_id: regionId, user_id: meta.actor?.id ?? null, file_name: input.fileName, status: "committing", headers: jsonb(input.table.headers),
      mapping: jsonb(input.mapping), mapping_confirmed: true, row_count: input.table.rows.length, created_at: meta.now, updated_at: meta.now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const counts = await writeImport(trx, analysis, { regionId, importId: id, fileName: input.fileName, meta });
  await finishImport(trx, regionId, id, input.fileName, counts, meta);
  return { record: await getImport(trx, regionId, id, meta.now), analysis };
}

/** How far a commit is, for the page's progress bar. */
export async function importProgress(db: Database, scope: Scope, id: string, now: Date) {
  const record = await getImport(db, scope.regionId, id, now);
  return { status: record.status, done: record.progressDone, total: record.progressTotal };
}

/** The first rows of a staged file, so the mapping step can show an example value per column. */
export async function getImportSample(db: Database, regionId: string, id: string, count = 5): Promise<string[][]> {
  const found = await sql<{ sample: Array<[number, string[]]> | null }>`
    select (select jsonb_agg(r order by n) from jsonb_array_elements(rows) with ordinality as e(r, n) where n <= ${count}) as sample
    from imports where id = ${id} and region_id = ${regionId}`.execute(db);
  return (found.rows[0]?.sample ?? []).map(([, cells]) => cells);
}
