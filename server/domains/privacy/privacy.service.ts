import { sql } from "kysely";
import type { Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database } from "../../db/database";
import { AppError } from "../../errors";
import { renderRetentionReportEmail } from "../../../emails/retention-report";
import { recordAudit } from "../audit/audit";
import { queueEmail } from "../email/outbox.service";
import { recomputeOrganisations } from "../health/health.service";
import { getPerson } from "../people/people.service";
import type { Actor } from "../users/users.service";
import { containsPattern } from "../../db/like";

/**
 * The AVG (issue 8, item 7): what Schakel holds about one person, for an access request, and erasure.
 *
 * Erasure anonymises rather than deletes: the jobs, contact moments and activities stay, so the
 * counts a region reports and the financial evidence it must keep for seven years stay whole, but
 * the person's name, email address and phone number are gone from every table.
 */

export const ANONYMOUS_NAME = "Geanonimiseerde persoon";
const REDACTED = "[verwijderd]";
/** Activities (and the realisations resting on them) are subsidy evidence for seven years. */
const EVIDENCE_YEARS = 7;

type Meta = { actor: Actor; now: Date };

/** Access requests and erasure are the region admin's: the one who answers for the region's data. */
function assertPrivacyOfficer(scope: Scope) {
  if (scope.role !== "admin") throw new AppError("FORBIDDEN", "Only an admin of the region handles access requests and erasure");
}

/** Everything Schakel holds about one person, as one JSON document (GET /people/{id}/export). */
export async function exportPerson(db: Database, scope: Scope, personId: string, meta: Meta) {
  assertPrivacyOfficer(scope);
  const person = await getPerson(db, scope.regionId, personId);
  const [interactions, activities, tasks, region] = await Promise.all([
    db.selectFrom("interaction_people")
      .innerJoin("interactions", "interactions.id", "interaction_people.interaction_id")
      .innerJoin("organisations", "organisations.id", "interactions.organisation_id")
      .leftJoin("users", "users.id", "interactions.user_id")
      .select(["interactions.id", "interactions.date", "interactions.kind", "organisations.name as organisationName", "interactions.summary", "interactions.next_step as nextStep", "users.name as recordedBy"])
      .where("interaction_people.person_id", "=", personId)
      .where("interactions.region_id", "=", scope.regionId)
      .orderBy("interactions.date", "desc")
      .execute(),
    db.selectFrom("activities")
      .select(["id", "type", "title", "status", "start_date as startDate", "end_date as endDate"])
      .where("person_id", "=", personId)
      .where("region_id", "=", scope.regionId)
      .orderBy("start_date", "desc")
      .execute(),
    db.selectFrom("tasks").select(["id", "title", "due_date as dueDate", "status"])
      .where("region_id", "=", scope.regionId)
      .where("title", "like", containsPattern(person.name))
      .execute(),
    db.selectFrom("regions").select("name").where("id", "=", scope.regionId).executeTakeFirstOrThrow(),
  ]);
  await recordAudit(db, { regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "person.export", entityType: "person", entityId: personId, now: meta.now });
  return {
    exportedAt: meta.now.toISOString(),
    controller: region.name,
    person: {
      id: person.id, name: person.name, email: person.email, phone: person.phone,
      lawfulBasis: person.lawfulBasis, source: person.source, optOut: person.optOut, reviewDate: person.reviewDate,
      createdAt: person.createdAt.toISOString(), updatedAt: person.updatedAt.toISOString(), archivedAt: person.archivedAt?.toISOString() ?? null,
    },
    affiliations: person.affiliations.map((a) => ({
      organisationName: a.organisationName, role: a.role, isPrimary: a.isPrimary, startDate: a.startDate, endDate: a.endDate, endReason: a.endReason,
    })),
    interactions: interactions.map((i) => ({ ...i, date: String(i.date) })),
    activities,
    tasks,
  };
}

export type PersonExport = Awaited<ReturnType<typeof exportPerson>>;

/**
 * The texts to remove from everywhere. A name shorter than four characters is not searched for in
 * free text (it would cut words of other people's notes); it is still removed from the person itself.
 */
function termsOf(person: { name: string; email: string | null; phone: string | null }) {
  return [person.name.length >= 4 ? person.name : null, person.email, person.phone && person.phone.length >= 6 ? person.phone : null]
    .filter((term): term is string => Boolean(term));
}

/**
 * Every text and JSON column of the application's tables outside `people` itself: where copies of a
 * name can hide (a contact moment's summary, a task's title, an email in the outbox, a health
 * reason's facts, a staged import, the audit log). Read from the catalogue, so a new table is
 * covered without anyone remembering it.
 */
async function textColumns(db: Database) {
  const { rows } = await sql<{ table: string; column: string; type: string }>`
    select c.relname as table, a.attname as column, t.typname as type
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      and t.typname in ('text', 'varchar', 'citext', 'jsonb')
      -- users: an account is not a contact; a partner user who is also the person is deactivated apart.
      and c.relname not in ('people', 'users', 'kysely_migration', 'kysely_migration_lock')
    order by c.relname, a.attname`.execute(db);
  return rows;
}

/**
 * Replaces every occurrence of the terms, in any letter case, in every text column (JSON-escaped in
 * jsonb): one statement per column, which only rewrites the rows that hold a term.
 */
async function scrub(db: Database, terms: string[]) {
  if (!terms.length) return 0;
  let changed = 0;
  for (const { table, column, type } of await textColumns(db)) {
    const escaped = type === "jsonb" ? terms.map((term) => JSON.stringify(term).slice(1, -1)) : terms;
    const pattern = escaped.map(escapeRegExp).join("|");
    const target = sql.ref(column);
    const replaced = sql`regexp_replace(${target}::text, ${pattern}, ${REDACTED}, 'gi')`;
    const result = await sql`
      update ${sql.table(table)} set ${target} = ${type === "jsonb" ? sql`${replaced}::jsonb` : replaced}
      where ${target}::text ~* ${pattern}`.execute(db);
    changed += Number(result.numAffectedRows ?? 0);
  }
  return changed;
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Erases a person (POST /people/{id}/erase): name, email and phone are removed from the person and
 * from every other table; jobs, contact moments and activities stay as anonymous counts; the audit
 * log's entries about the person are replaced by one entry saying that an erasure happened and who
 * did it. Run inside the caller's transaction: all of it happens, or none.
 */
export async function erasePerson(db: Database, scope: Scope, personId: string, meta: Meta & { reason?: "request" | "retention" }) {
  if (meta.reason !== "retention") assertPrivacyOfficer(scope);
  const person = await db
    .selectFrom("people")
    .select(["id", "name", "email", "phone", "anonymised_at"])
    .where("id", "=", personId)
    .where("region_id", "=", scope.regionId)
    .forUpdate()
    .executeTakeFirst();
  if (!person) throw new AppError("NOT_FOUND", "Person not found");
  if (person.anonymised_at) throw new AppError("RULE_VIOLATION", "This person has been erased already", { userMessageKey: "privacy.alreadyErased" });

  await db
    .updateTable("people")
    .set({
      name: ANONYMOUS_NAME, email: null, phone: null, source: null, review_date: null, opt_out: true,
      anonymised_at: meta.now, archived_at: sql`coalesce(archived_at, ${meta.now})`, updated_at: meta.now, version: sql`version + 1`,
    })
    .where("id", "=", personId)
    .execute();
  // Mail still waiting for the person would go nowhere once the address is gone: it is dropped.
  if (person.email) await db.updateTable("email_outbox").set({ status: "failed", last_error: "recipient erased (AVG)" }).where("to_address", "=", person.email).where("status", "=", "pending").execute();
  const scrubbed = await scrub(db, termsOf(person));
  // The log keeps that an erasure happened, by whom and when, and who viewed exports (no personal
  // data in either); the person's other entries go.
  await db.deleteFrom("audit_log").where("entity_type", "=", "person").where("entity_id", "=", personId).where("action", "<>", "person.export").execute();
  await recordAudit(db, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: meta.reason === "retention" ? "person.erase_retention" : "person.erase",
    entityType: "person", entityId: personId, now: meta.now,
  });
  const organisations = await db.selectFrom("affiliations").select("organisation_id").where("person_id", "=", personId).execute();
  await recomputeOrganisations(db, organisations.map((o) => o.organisation_id), meta.now);
  return { id: personId, anonymisedAt: meta.now.toISOString(), textsScrubbed: scrubbed };
}

/**
 * The people the retention job would anonymise in a region now: not yet anonymised, no current job,
 * their last job ended more than the region's retention period ago, and not the speaker or
 * supervisor of an activity in the last seven years (that activity is subsidy evidence).
 */
export async function peopleDueForRetention(db: Database, regionId: string, now: Date) {
  const region = await db.selectFrom("regions").select("retention_months").where("id", "=", regionId).executeTakeFirstOrThrow();
  if (region.retention_months === null) return [];
  const today = toLocalDate(now);
  const evidenceSince = `${Number(today.slice(0, 4)) - EVIDENCE_YEARS}${today.slice(4)}`;
  const rows = await db
    .selectFrom("people")
    .innerJoin("affiliations", "affiliations.person_id", "people.id")
    .select("people.id")
    .where("people.region_id", "=", regionId)
    .where("people.anonymised_at", "is", null)
    .groupBy("people.id")
    .having(sql<boolean>`bool_and(affiliations.end_date is not null)`)
    .having(sql<boolean>`max(affiliations.end_date) < (${today}::date - make_interval(months => ${region.retention_months}))`)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("activities").select("activities.id").whereRef("activities.person_id", "=", "people.id").where("activities.end_date", ">=", evidenceSince))))
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The nightly retention run: for each region with a retention period, anonymises the people due,
 * each in its own transaction (one failure stops no other), and tells the region's admins what it
 * did through the outbox.
 */
export async function applyRetention(db: Database, meta: { now: Date; appUrl: string }) {
  const regions = await db.selectFrom("regions").select(["id", "name", "retention_months"]).where("retention_months", "is not", null).execute();
  let erased = 0;
  for (const region of regions) {
    const due = await peopleDueForRetention(db, region.id, meta.now);
    const scope: Scope = { regionId: region.id, userId: "", role: "admin", organisationId: null };
    for (const personId of due) {
      await db.transaction().execute((trx) => erasePerson(trx, scope, personId, { actor: null, now: meta.now, reason: "retention" }));
    }
    erased += due.length;
    if (!due.length) continue;
    const admins = await db.selectFrom("users").select(["name", "email", "locale"]).where("region_id", "=", region.id).where("role", "=", "admin").where("active", "=", true).execute();
    for (const admin of admins) {
      const message = await renderRetentionReportEmail({
        locale: admin.locale, name: admin.name, regionName: region.name, count: due.length, retentionMonths: region.retention_months!, url: `${meta.appUrl}/admin/users`,
      });
      await queueEmail(db, { regionId: region.id, template: "retention_report", to: admin.email, toName: admin.name, message, now: meta.now });
    }
  }
  return { erased };
}

export async function regionRetention(db: Database, regionId: string) {
  const row = await db.selectFrom("regions").select("retention_months").where("id", "=", regionId).executeTakeFirstOrThrow();
  return { retentionMonths: row.retention_months };
}

export async function setRegionRetention(db: Database, scope: Scope, retentionMonths: number | null, meta: Meta) {
  assertPrivacyOfficer(scope);
  const before = await regionRetention(db, scope.regionId);
  await db.updateTable("regions").set({ retention_months: retentionMonths }).where("id", "=", scope.regionId).execute();
  await recordAudit(db, {
    regionId: scope.regionId, actorId: meta.actor?.id ?? null, action: "region.retention", entityType: "region", entityId: scope.regionId,
    before, after: { retentionMonths }, now: meta.now,
  });
  return { retentionMonths };
}
