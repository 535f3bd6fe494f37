import { sql } from "kysely";
import type { ChangeStamp, Scope } from "../../auth/current-user";
import { toLocalDate } from "../../clock";
import type { Database } from "../../db/database";
import { AppError } from "../../errors";
import { renderRetentionReportEmail } from "../../../emails/retention-report";
import { recordAudit } from "../audit/audit";
import { queueEmail } from "../email/outbox.service";
import { recomputeOrganisations } from "../health/health.service";
import { getPerson } from "../people/people.service";
import { containsPattern } from "../../db/like";
import { can } from "../../auth/permissions";

/**
 * The AVG (issue 8, item 7): what Schakel holds about one person, for an access request, and erasure.
 *
 * Erasure anonymises rather than deletes: the jobs, contact moments and activities stay, so the
 * counts a region reports and the financial evidence it must keep for seven years stay whole, but
 * the person's name, email address and phone number are gone from the person and from the rows of
 * the person's region linked to them by id (decision 092; decision 019 scrubbed every table).
 */

export const ANONYMOUS_NAME = "Geanonimiseerde persoon";
const REDACTED = "[verwijderd]";
/** Activities (and the realisations resting on them) are subsidy evidence for seven years. */
const EVIDENCE_YEARS = 7;

type Meta = ChangeStamp;

/** Access requests and erasure are the region admin's: the one who answers for the region's data. */
function assertPrivacyOfficer(scope: Scope) {
  if (!can(scope, "region.manage")) throw new AppError("FORBIDDEN", "Only an admin of the region handles access requests and erasure");
}

/** Everything Schakel holds about one person, as one JSON document (GET /people/{id}/export). */
export async function exportPerson(db: Database, scope: Scope, personId: string, meta: Meta) {
  assertPrivacyOfficer(scope);
  const person = await getPerson(db, scope.regionId, personId);
  const [interactions, activities, tasks, region, loggedMail] = await Promise.all([
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
    // Mail logged by email capture (issue 16) that came from, went to or was linked to the person.
    db.selectFrom("inbound_messages")
      .select(["created_at as receivedAt", "date", "kind", "status", "subject", "body as text", "from_name as fromName", "from_address as fromAddress", "participants", "attachment_names as attachmentNames"])
      .where("id", "in", inboundMessagesOfPerson(db, scope.regionId, personId, person.email))
      .orderBy("created_at", "desc")
      .execute(),
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
    loggedMail: loggedMail.map((mail) => ({ ...mail, receivedAt: mail.receivedAt.toISOString(), date: String(mail.date) })),
  };
}

/**
 * Ids of the region's logged mail about a person: linked to a contact moment they took part in, or
 * with their address as sender or participant (a "Te koppelen" item names them only by address).
 */
function inboundMessagesOfPerson(db: Database, regionId: string, personId: string, email: string | null) {
  return db
    .selectFrom("inbound_messages as m")
    .select("m.id")
    .where("m.region_id", "=", regionId)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb.selectFrom("inbound_message_interactions as mi")
            .innerJoin("interaction_people as ip", "ip.interaction_id", "mi.interaction_id")
            .select("mi.interaction_id")
            .whereRef("mi.inbound_message_id", "=", "m.id")
            .where("ip.person_id", "=", personId),
        ),
        ...(email ? [eb(sql`lower(m.from_address)`, "=", email.toLowerCase()), eb(sql`${email.toLowerCase()}`, "=", sql`any(m.participants)`)] : []),
      ]),
    );
}

export type PersonExport = Awaited<ReturnType<typeof exportPerson>>;

/**
 * The texts to remove from the rows linked to the person. A name shorter than four characters is not
 * searched for in free text (it would cut words of other people's notes); it is still removed from
 * the person itself.
 */
function termsOf(person: { name: string; email: string | null; phone: string | null }) {
  return [person.name.length >= 4 ? person.name : null, person.email, person.phone && person.phone.length >= 6 ? person.phone : null]
    .filter((term): term is string => Boolean(term));
}

/** What one erasure changed, table by table: the API answers it and the page shows it (decision 092). */
export const ERASURE_CHANGE_KINDS = [
  "person_anonymised", "texts_redacted", "emails_redacted", "emails_cancelled", "audit_entries_removed", "audit_entries_redacted", "health_recomputed",
  "rows_deleted",
] as const;
export type ErasureChangeKind = (typeof ERASURE_CHANGE_KINDS)[number];
export type ErasureChange = { table: string; kind: ErasureChangeKind; count: number };

/** How a column stores text: the replacement differs for plain text, a JSON document and a text array. */
type TextColumnKind = "text" | "jsonb" | "text[]";

/**
 * A pattern for the terms as whole words, in any letter case (PostgreSQL's regular expressions):
 * "Anna" must not cut "Annabel". In jsonb the terms are matched JSON-escaped, as they are stored.
 */
function patternOf(terms: string[], kind: TextColumnKind) {
  const escaped = kind === "jsonb" ? terms.map((term) => JSON.stringify(term).slice(1, -1)) : terms;
  return `(?<![[:alnum:]_])(${escaped.map(escapeRegExp).join("|")})(?![[:alnum:]_])`;
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}

/**
 * Replaces the terms by `[verwijderd]` in the named columns of the named rows only: rows picked by id
 * (linked to the person), of the person's region. Never a pattern over a whole table: that renamed
 * other regions' organisations and same-named people (issue 14). Returns how many rows changed.
 */
async function redactRows(
  db: Database,
  target: { table: string; regionId: string; idColumn?: string; ids: string[]; columns: Record<string, TextColumnKind> },
  terms: string[],
) {
  if (!terms.length || !target.ids.length) return 0;
  const sets = [];
  const matches = [];
  for (const [column, kind] of Object.entries(target.columns)) {
    const ref = sql.ref(column);
    const pattern = patternOf(terms, kind);
    if (kind === "text[]") {
      sets.push(sql`${ref} = array(select regexp_replace(e, ${pattern}, ${REDACTED}, 'gi') from unnest(${ref}) with ordinality u(e, n) order by n)`);
      matches.push(sql`exists (select 1 from unnest(${ref}) e where e ~* ${pattern})`);
    } else if (kind === "jsonb") {
      sets.push(sql`${ref} = regexp_replace(${ref}::text, ${pattern}, ${REDACTED}, 'gi')::jsonb`);
      matches.push(sql`${ref}::text ~* ${pattern}`);
    } else {
      sets.push(sql`${ref} = regexp_replace(${ref}, ${pattern}, ${REDACTED}, 'gi')`);
      matches.push(sql`${ref} ~* ${pattern}`);
    }
  }
  const result = await sql`
    update ${sql.table(target.table)} set ${sql.join(sets)}
    where ${sql.ref(target.idColumn ?? "id")}::text = any(${target.ids}::text[]) and region_id = ${target.regionId}
      and (${sql.join(matches, sql` or `)})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Erases a person (POST /people/{id}/erase): the person's own row is anonymised; the person's name,
 * email and phone are redacted from the rows of the person's region that are linked to the person by
 * id (the contact moments they took part in and the tasks following them, the activities they spoke
 * at or supervised, the emails addressed to them, the audit entries about those rows); jobs, contact
 * moments and activities stay as anonymous counts; the audit log's entries about the person are
 * replaced by one saying that an erasure happened and who did it. Nothing outside the person's region
 * and nothing not linked to the person is touched (decision 092). Run inside the caller's
 * transaction: all of it happens, or none. Returns what changed, table by table.
 */
export async function erasePerson(db: Database, scope: Scope, personId: string, meta: Meta & { reason?: "request" | "retention" }) {
  if (meta.reason !== "retention") assertPrivacyOfficer(scope);
  const regionId = scope.regionId;
  const person = await db
    .selectFrom("people")
    .select(["id", "name", "email", "phone", "anonymised_at"])
    .where("id", "=", personId)
    .where("region_id", "=", regionId)
    .forUpdate()
    .executeTakeFirst();
  if (!person) throw new AppError("NOT_FOUND", "Person not found");
  if (person.anonymised_at) throw new AppError("RULE_VIOLATION", "This person has been erased already", { userMessageKey: "privacy.alreadyErased" });
  const terms = termsOf(person);
  const changes: ErasureChange[] = [];
  const note = (table: string, kind: ErasureChangeKind, count: number) => {
    if (count > 0) changes.push({ table, kind, count });
  };

  // The rows linked to the person by id, in the person's region: only these are ever rewritten.
  const [interactions, affiliations, activities] = await Promise.all([
    db.selectFrom("interaction_people").innerJoin("interactions", "interactions.id", "interaction_people.interaction_id")
      .select("interactions.id").where("interaction_people.person_id", "=", personId).where("interactions.region_id", "=", regionId).execute(),
    db.selectFrom("affiliations").select(["id", "organisation_id"])
      .where("region_id", "=", regionId).where((eb) => eb.or([eb("person_id", "=", personId), eb("successor_person_id", "=", personId)])).execute(),
    db.selectFrom("activities").select("id").where("person_id", "=", personId).where("region_id", "=", regionId).execute(),
  ]);
  const interactionIds = interactions.map((row) => row.id);
  const tasks = interactionIds.length
    ? await db.selectFrom("tasks").select("id").where("region_id", "=", regionId).where("interaction_id", "in", interactionIds).execute()
    : [];
  const taskIds = tasks.map((row) => row.id);
  const activityIds = activities.map((row) => row.id);
  // Read before the person's email is gone: the mail that names them by address.
  const inboundMessageIds = (await inboundMessagesOfPerson(db, regionId, personId, person.email).execute()).map((row) => row.id);

  const anonymised = await db
    .updateTable("people")
    .set({
      name: ANONYMOUS_NAME, email: null, phone: null, source: null, review_date: null, opt_out: true,
      anonymised_at: meta.now, archived_at: sql`coalesce(archived_at, ${meta.now})`, updated_at: meta.now, version: sql`version + 1`,
    })
    .where("id", "=", personId)
    .where("region_id", "=", regionId)
    .executeTakeFirst();
  note("people", "person_anonymised", Number(anonymised.numUpdatedRows));

  note("interactions", "texts_redacted", await redactRows(db, { table: "interactions", regionId, ids: interactionIds, columns: { summary: "text", next_step: "text" } }, terms));
  note("tasks", "texts_redacted", await redactRows(db, { table: "tasks", regionId, ids: taskIds, columns: { title: "text" } }, terms));
  note("inbound_messages", "texts_redacted", await redactRows(db, {
    table: "inbound_messages", regionId, ids: inboundMessageIds, columns: { subject: "text", body: "text", from_name: "text", from_address: "text", participants: "text[]" },
  }, terms));
  note("activities", "texts_redacted", await redactRows(db, {
    table: "activities", regionId, ids: activityIds, columns: { title: "text", description: "text", details: "jsonb", profiles: "text[]", learning_paths: "text[]" },
  }, terms));

  // A possible job change names the person's new address: it goes with them.
  const suggestions = await db.deleteFrom("job_change_suggestions").where("person_id", "=", personId).where("region_id", "=", regionId).executeTakeFirst();
  note("job_change_suggestions", "rows_deleted", Number(suggestions.numDeletedRows));

  if (person.email) {
    // Mail still waiting for the person would go nowhere once the address is gone: it is dropped. A
    // letter to the person is the person's data: its address, greeting and body go; that it was sent stays.
    const toThem = sql<boolean>`region_id = ${regionId} and lower(to_address) = lower(${person.email})`;
    const cancelled = await db.updateTable("email_outbox").set({ status: "failed", last_error: "recipient erased (AVG)" })
      .where(toThem).where("status", "=", "pending").executeTakeFirst();
    note("email_outbox", "emails_cancelled", Number(cancelled.numUpdatedRows));
    const redacted = await db.updateTable("email_outbox").set({
      to_address: REDACTED, to_name: null, html: REDACTED, text: REDACTED,
      subject: terms.length ? sql<string>`regexp_replace(subject, ${patternOf(terms, "text")}, ${REDACTED}, 'gi')` : sql<string>`subject`,
    }).where(toThem).executeTakeFirst();
    note("email_outbox", "emails_redacted", Number(redacted.numUpdatedRows));
  }

  // The log keeps that an erasure happened, by whom and when, and who viewed exports (no personal
  // data in either); the person's other entries go. Entries about the linked rows keep their place
  // in the history, with the person's name and addresses redacted from what they recorded.
  const removed = await db.deleteFrom("audit_log")
    .where("region_id", "=", regionId).where("entity_type", "=", "person").where("entity_id", "=", personId).where("action", "<>", "person.export")
    .executeTakeFirst();
  note("audit_log", "audit_entries_removed", Number(removed.numDeletedRows));
  const linked: Array<[string, string[]]> = [
    ["interaction", interactionIds], ["task", taskIds], ["activity", activityIds], ["affiliation", affiliations.map((a) => a.id)],
  ];
  const linkedEntries = await db.selectFrom("audit_log").select("id").where("region_id", "=", regionId)
    .where((eb) => eb.or(linked.filter(([, ids]) => ids.length).map(([type, ids]) => eb.and([eb("entity_type", "=", type), eb("entity_id", "in", ids)]))))
    .execute();
  note("audit_log", "audit_entries_redacted", await redactRows(db, {
    table: "audit_log", regionId, ids: linkedEntries.map((row) => row.id), columns: { before: "jsonb", after: "jsonb" },
  }, terms));

  await recordAudit(db, {
    regionId, actorId: meta.actor?.id ?? null, action: meta.reason === "retention" ? "person.erase_retention" : "person.erase",
    entityType: "person", entityId: personId, now: meta.now,
  });
  // Health reasons name a departed contact or successor: recomputed, they carry the anonymous name.
  const organisationIds = [...new Set(affiliations.map((a) => a.organisation_id))];
  await recomputeOrganisations(db, organisationIds, meta.now);
  note("organisation_health", "health_recomputed", organisationIds.length);
  return { id: personId, anonymisedAt: meta.now.toISOString(), changes };
}

export type ErasureResult = Awaited<ReturnType<typeof erasePerson>>;

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
  const regions = await db.selectFrom("regions").select("id").where("retention_months", "is not", null).execute();
  let erased = 0;
  for (const region of regions) erased += (await applyRegionRetention(db, region.id, meta)).erased;
  return { erased };
}

/**
 * One region's retention run. The job runs as the owner role, past row-level security, so every
 * write here goes through `erasePerson` with the region's scope: only the region's own due people,
 * and only rows of that region linked to them (issue 14: a run once renamed another region's company).
 */
export async function applyRegionRetention(db: Database, regionId: string, meta: { now: Date; appUrl: string }) {
  const region = await db.selectFrom("regions").select(["id", "name", "retention_months"]).where("id", "=", regionId).executeTakeFirstOrThrow();
  if (region.retention_months === null) return { erased: 0 };
  const due = await peopleDueForRetention(db, region.id, meta.now);
  const scope: Scope = { regionId: region.id, userId: "", role: "admin", organisationId: null };
  for (const personId of due) {
    await db.transaction().execute((trx) => erasePerson(trx, scope, personId, { actor: null, now: meta.now, reason: "retention" }));
  }
  if (!due.length) return { erased: 0 };
  const admins = await db.selectFrom("users").select(["name", "email", "locale"]).where("region_id", "=", region.id).where("role", "=", "admin").where("active", "=", true).execute();
  for (const admin of admins) {
    const message = await renderRetentionReportEmail({
      locale: admin.locale, name: admin.name, regionName: region.name, count: due.length, retentionMonths: region.retention_months, url: `${meta.appUrl}/admin/users`,
    });
    await queueEmail(db, { regionId: region.id, template: "retention_report", to: admin.email, toName: admin.name, message, now: meta.now });
  }
  return { erased: due.length };
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
