import { type Insertable, sql } from "kysely";
import type { DB, OrganisationKind, Role, Tier } from "../schema";
import type { Database, Tx } from "../../server/db/database";
import { scopeOf } from "../../server/auth/current-user";
import { hashPassword } from "../../server/auth/passwords";
import { toLocalDate } from "../../server/clock";
import { recordAudit } from "../../server/domains/audit/audit";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { createRegion, findRegionBySlug, listSubregions } from "../../server/domains/regions/regions.service";
import { createUser } from "../../server/domains/users/users.service";
import { loadDemoCofinancing } from "./demo-cofinancing";
import { buildDemoRegion, dateOf, dayOf, DEMO_SEED, historyStart, type NamedOrganisation } from "./demo-region";
import { loadDemoAgreements } from "./demo-agreements";

/**
 * The demo region: STO Twente with its five subregions, one user per role, eleven hand-written
 * organisations and, generated around them from a fixed seed (demo-region.ts), about 400
 * organisations with three school years of history up to the clock's today.
 */
export const DEMO_PASSWORD = "schakel-demo-2026";

const SUBREGIONS = ["Almelo en Tubbergen", "Enschede en Haaksbergen", "Hengelo en Borne", "Noordoost-Twente", "Rijssen-Holten en Hof van Twente"];

const ACCOUNTS: Array<{ role: Role; email: string; name: string }> = [
  { role: "admin", email: "beheer@sto-twente.demo", name: "Marieke Nijhuis" },
  { role: "penvoerder", email: "penvoerder@sto-twente.demo", name: "Gert-Jan Oude Luttikhuis" },
  { role: "accounthouder", email: "accounthouder@sto-twente.demo", name: "Fatima El Amrani" },
  { role: "partner", email: "partner@sto-twente.demo", name: "Henk Wessels" },
  { role: "partner", email: "partner.bouw@sto-twente.demo", name: "Gerrit Te Lintelo" },
];

/**
 * Account holders besides Fatima El Amrani, all with the demo password. Koen Vos joined recently and
 * took over relationships he has not yet contacted; Ingrid Haverkate left a few weeks ago and
 * twelve organisations are still hers (the handover story).
 */
export const DEMO_ACCOUNT_HOLDERS = [
  { email: "sanne.bruggink@sto-twente.demo", name: "Sanne Bruggink", joinedDaysAgo: 1900 },
  { email: "mehmet.yilmaz@sto-twente.demo", name: "Mehmet Yılmaz", joinedDaysAgo: 1400 },
  { email: "anouk.lohuis@sto-twente.demo", name: "Anouk Lohuis", joinedDaysAgo: 1300 },
  { email: "thijs.oudewesselink@sto-twente.demo", name: "Thijs Oude Wesselink", joinedDaysAgo: 900 },
  { email: "koen.vos@sto-twente.demo", name: "Koen Vos", joinedDaysAgo: 110 },
  { email: "ingrid.haverkate@sto-twente.demo", name: "Ingrid Haverkate", joinedDaysAgo: 2400, deactivatedDaysAgo: 23 },
] as const;
const NEWCOMER = "koen.vos@sto-twente.demo";
const DEPARTED = "ingrid.haverkate@sto-twente.demo";

type DemoOrganisation = {
  name: string;
  kind: OrganisationKind;
  city: string;
  subregion: number;
  tier: Tier;
  kvkNumber?: string;
  brinCode?: string;
  contacts: Array<[name: string, role: string]>;
};

// A believable slice of Twente: installers, builders, metal and food companies, the trade schools,
// the mbo college and a few vmbo locations. The first company is the demo partner's organisation.
const ORGANISATIONS: DemoOrganisation[] = [
  { name: "Hulshof Installatietechniek", kind: "company", city: "Hengelo", subregion: 2, tier: "strategic", kvkNumber: "06012345", contacts: [["Henk Wessels", "Bedrijfsleider"], ["Ilse Nijenhuis", "HR-adviseur"]] },
  { name: "Bouwbedrijf Te Lintelo", kind: "company", city: "Almelo", subregion: 0, tier: "strategic", kvkNumber: "08023456", contacts: [["Gerrit Te Lintelo", "Directeur"]] },
  { name: "Twentse Metaalunie", kind: "company", city: "Enschede", subregion: 1, tier: "regular", kvkNumber: "06034567", contacts: [["Ayşe Demir", "Opleidingscoördinator"], ["Bart Oude Vrielink", "Werkplaatschef"]] },
  { name: "Bakkerij Jansen Oldenzaal", kind: "company", city: "Oldenzaal", subregion: 3, tier: "occasional", kvkNumber: "06045678", contacts: [["Mieke Jansen", "Eigenaar"]] },
  { name: "Elektro Kamphuis", kind: "company", city: "Rijssen", subregion: 4, tier: "regular", kvkNumber: "06056789", contacts: [["Joost Kamphuis", "Eigenaar"]] },
  { name: "Bouwmensen Oost", kind: "trade_school", city: "Hengelo", subregion: 2, tier: "strategic", contacts: [["Ruud Brinkman", "Praktijkopleider"]] },
  { name: "Installatiewerk Oost Opleidingen", kind: "trade_school", city: "Enschede", subregion: 1, tier: "regular", contacts: [["Sanne Mulder", "Coördinator"]] },
  { name: "ROC van Twente", kind: "mbo", city: "Hengelo", subregion: 2, tier: "strategic", brinCode: "25LG", contacts: [["Karin Hofstede", "Teamleider techniek"]] },
  { name: "Het Erasmus", kind: "vmbo", city: "Almelo", subregion: 0, tier: "strategic", brinCode: "20DE01", contacts: [["Peter Ter Horst", "Sectievoorzitter techniek"]] },
  { name: "Pius X College", kind: "vmbo", city: "Almelo", subregion: 0, tier: "regular", brinCode: "18XH00", contacts: [] },
  { name: "Technolab Twente", kind: "partner", city: "Enschede", subregion: 1, tier: "regular", contacts: [["Linda Smit", "Programmaleider"]] },
];

/** Creates what is missing of the demo set (the region, each account, the organisations), so loading twice changes nothing. */
export function loadDemo(db: Database, meta: { now: Date; appUrl: string; seed?: number }) {
  // One transaction for the whole set: a failed load leaves nothing half-written. The CLI already
  // passes a transaction, and Kysely does not nest them.
  return db.isTransaction ? loadDemoInTransaction(db as Tx, meta) : db.transaction().execute((trx) => loadDemoInTransaction(trx, meta));
}

async function loadDemoInTransaction(db: Tx, meta: { now: Date; appUrl: string; seed?: number }) {
  const accounts = ACCOUNTS.map((account) => ({ ...account, password: DEMO_PASSWORD }));
  let created = 0;
  let region = await findRegionBySlug(db, "twente");
  if (!region) {
    region = await createRegion(db, { name: "STO Twente", slug: "twente", subregions: SUBREGIONS }, { actorId: null, now: meta.now });
    created += 1;
  }
  for (const account of ACCOUNTS) {
    const existing = await db.selectFrom("users").select("region_id").where("email", "=", account.email).executeTakeFirst();
    if (existing) continue;
    await createUser(db, { regionId: region.id, email: account.email, name: account.name, role: account.role, password: DEMO_PASSWORD }, { actor: null, now: meta.now, appUrl: meta.appUrl });
    created += 1;
  }
  created += await addAccountHolders(db, region.id, meta.now);
  const existingOrganisations = await db.selectFrom("organisations").select("id").where("region_id", "=", region.id).limit(1).execute();
  if (existingOrganisations.length === 0) {
    created += await loadDemoOrganisations(db, region.id, meta.now, meta.seed ?? DEMO_SEED);
  }
  return { alreadyLoaded: created === 0, accounts, accountHolders: DEMO_ACCOUNT_HOLDERS.filter((holder) => !("deactivatedDaysAgo" in holder)).map((holder) => holder.email) };
}

/** The extra account holders in one insert; argon2 is slow on purpose, so they share one hash of the demo password. */
async function addAccountHolders(db: Database, regionId: string, now: Date) {
  const existing = await db.selectFrom("users").select("email").where("email", "in", DEMO_ACCOUNT_HOLDERS.map((holder) => holder.email)).execute();
  const missing = DEMO_ACCOUNT_HOLDERS.filter((holder) => !existing.some((user) => user.email === holder.email));
  if (missing.length === 0) return 0;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
  await db
    .insertInto("users")
    .values(
      missing.map((holder) => {
        const deactivatedAt = "deactivatedDaysAgo" in holder ? daysAgo(holder.deactivatedDaysAgo) : null;
        return {
          region_id: regionId, email: holder.email, name: holder.name, role: "accounthouder" as const, password_hash: passwordHash,
          active: deactivatedAt === null, deactivated_at: deactivatedAt, created_at: daysAgo(holder.joinedDaysAgo), updated_at: deactivatedAt ?? daysAgo(holder.joinedDaysAgo),
        };
      }),
    )
    .execute();
  return missing.length;
}

/** The command loads the demo in one transaction; a test may hand the pool, and then each write gets its own. */
function inTransaction<T>(db: Database, write: (trx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? write(db as Tx) : db.transaction().execute(write);
}

async function loadDemoOrganisations(db: Database, regionId: string, now: Date, seed: number) {
  const started = performance.now();
  const admin = await db.selectFrom("users").select(["id", "name", "role", "region_id", "organisation_id", "email", "locale"]).where("email", "=", "beheer@sto-twente.demo").executeTakeFirstOrThrow();
  const userId = async (email: string) => (await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
  const holder = { id: await userId("accounthouder@sto-twente.demo") };
  const scope = scopeOf({ id: admin.id, regionId, email: admin.email, name: admin.name, role: admin.role, organisationId: admin.organisation_id, locale: admin.locale });
  const subregions = await listSubregions(db, regionId);
  const today = toLocalDate(now);
  // The eleven were recorded when the region started using Schakel, before the history begins.
  const recordedDay = dayOf(historyStart(today)) - 400;
  const meta = { actor: { id: admin.id, name: admin.name }, now: new Date(recordedDay * 86_400_000 + 8 * 3_600_000) };
  const named: NamedOrganisation[] = [];
  for (const [index, demo] of ORGANISATIONS.entries()) {
    const accountHolderId = index % 2 === 0 ? holder.id : admin.id;
    const contacts: NamedOrganisation["contacts"] = [];
    // Write services take a transaction (server/change.ts): the command's own, or one per organisation with its contacts.
    const organisation = await inTransaction(db, async (trx) => {
      const created = await createOrganisation(
        trx,
        scope,
        {
          kind: demo.kind, name: demo.name, city: demo.city, subregionId: subregions[demo.subregion]?.id ?? null, tier: demo.tier, status: "active",
          kvkNumber: demo.kvkNumber ?? null, brinCode: demo.brinCode ?? null, tags: [], sector: null, street: null, website: null,
          accountHolderId,
        },
        meta,
      );
      for (const [position, [name, role]] of demo.contacts.entries()) {
        const person = await createPerson(trx, regionId, { name, email: null, phone: null, lawfulBasis: "legitimate_interest", source: "demo", optOut: false, reviewDate: null }, meta);
        const startDay = recordedDay - 150 - index * 97 - position * 53;
        await addAffiliation(trx, regionId, person.id, { organisationId: created.id, role, isPrimary: position === 0, startDate: dateOf(startDay) }, meta);
        contacts.push({ personId: person.id, name, startDay, isPrimary: position === 0 });
      }
      return created;
    });
    named.push({ id: organisation.id, name: demo.name, kind: demo.kind, tier: demo.tier, city: demo.city, holderId: accountHolderId, createdDay: recordedDay, contacts });
    // The two demo partners belong to the first two companies: Hulshof and Te Lintelo.
    const partnerEmail = ["partner@sto-twente.demo", "partner.bouw@sto-twente.demo"][index];
    if (partnerEmail) {
      await db.updateTable("users").set({ organisation_id: organisation.id }).where("email", "=", partnerEmail).where("organisation_id", "is", null).execute();
    }
  }

  const departed = await db.selectFrom("users").select(["id", "deactivated_at"]).where("email", "=", DEPARTED).executeTakeFirstOrThrow();
  const newcomer = await db.selectFrom("users").select(["id", "created_at"]).where("email", "=", NEWCOMER).executeTakeFirstOrThrow();
  const holders = [holder.id];
  for (const account of DEMO_ACCOUNT_HOLDERS) if (account.email !== NEWCOMER && account.email !== DEPARTED) holders.push(await userId(account.email));
  const rows = buildDemoRegion({
    today,
    regionId,
    subregionIds: subregions.map((subregion) => subregion.id),
    seed,
    users: {
      admin: admin.id,
      penvoerder: await userId("penvoerder@sto-twente.demo"),
      holders,
      newcomer: { id: newcomer.id, joinedDay: dayOf(toLocalDate(newcomer.created_at)) },
      departed: { id: departed.id, deactivatedDay: dayOf(toLocalDate(departed.deactivated_at ?? now)) },
    },
    named,
    takenKvk: ORGANISATIONS.flatMap((o) => (o.kvkNumber ? [o.kvkNumber] : [])),
    takenBrin: ORGANISATIONS.flatMap((o) => (o.brinCode ? [o.brinCode] : [])),
    takenPersonNames: ORGANISATIONS.flatMap((o) => o.contacts.map(([name]) => name)),
  });
  await insertInChunks(db, "organisations", rows.organisations);
  await insertInChunks(db, "people", rows.people);
  await insertInChunks(db, "affiliations", rows.affiliations);
  await insertInChunks(db, "account_holder_periods", rows.accountHolderPeriods);
  await insertInChunks(db, "interactions", rows.interactions);
  await insertInChunks(db, "interaction_people", rows.interactionPeople);
  await insertInChunks(db, "tasks", rows.tasks);
  await insertInChunks(db, "activities", rows.activities);
  await insertInChunks(db, "activity_organisations", rows.activityOrganisations);
  await loadDemoAgreements(db, scope, named, { actor: meta.actor, now });
  await loadDemoCofinancing(db, { regionId, today, seed, penvoerderId: await userId("penvoerder@sto-twente.demo") });
  // Fresh tables have no statistics yet; without them the planner picks nested loops over
  // thousands of rows for the health computation that follows the load.
  // interaction_people too: the timeline names each moment's people by it.
  for (const table of ["organisations", "people", "affiliations", "account_holder_periods", "interactions", "interaction_people", "tasks", "activities", "activity_organisations", "organisation_last_contact", "organisation_activity_years"]) {
    await sql.raw(`analyze ${table}`).execute(db);
  }
  const counts = {
    organisations: ORGANISATIONS.length + rows.organisations.length,
    people: named.reduce((sum, o) => sum + o.contacts.length, 0) + rows.people.length,
    affiliations: rows.affiliations.length,
    interactions: rows.interactions.length,
    tasks: rows.tasks.length,
    activities: rows.activities.length,
    seed,
    milliseconds: Math.round(performance.now() - started),
  };
  // One audit entry for the whole generated set instead of thousands of row entries.
  await recordAudit(db, { regionId, actorId: null, action: "demo.load", entityType: "region", entityId: regionId, after: counts, now });
  return counts.organisations;
}

/** Multi-row inserts of at most a thousand rows, well under PostgreSQL's 65,535 parameters per statement. */
async function insertInChunks<T extends keyof DB & string>(db: Database, table: T, rows: Array<Insertable<DB[T]>>) {
  for (let offset = 0; offset < rows.length; offset += 1000) {
    // Kysely cannot relate a generic table name to its row type; the rows are typed per table above.
    await db.insertInto(table).values(rows.slice(offset, offset + 1000) as never).execute();
  }
}
