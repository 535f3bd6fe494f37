import { createApiToken } from "../../server/auth/api-tokens";
import type { Database } from "../../server/db/database";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { makeRegion, makeUser, TEST_NOW } from "./factories";

const base = { tier: "regular" as const, status: "active" as const, tags: [], sector: null, street: null, city: null };

/**
 * The world of the portal tests: a region with the partner's own company (owned by an account
 * holder, one primary contact), another company of the same region with its own person, job and
 * activity, a vmbo school, and a second region with a company and a school of its own.
 */
export async function makePortalWorld(db: Database) {
  const region = await makeRegion(db, { name: `STO Twente ${Math.random().toString(36).slice(2, 6)}` });
  const holder = await makeUser(db, { regionId: region.id, role: "accounthouder", name: "Fatima El Amrani" });
  const staffScope = { regionId: region.id, userId: holder.id, role: holder.role, organisationId: null };
  const meta = { actor: { id: holder.id, name: holder.name }, now: TEST_NOW };
  const own = await db.transaction().execute((trx) => createOrganisation(trx, staffScope, { kind: "company", name: "Hulshof Installatietechniek", ...base, accountHolderId: holder.id }, meta));
  const foreign = await db.transaction().execute((trx) => createOrganisation(trx, staffScope, { kind: "company", name: "Bouwbedrijf Wessels", ...base, accountHolderId: holder.id }, meta));
  const school = await db.transaction().execute((trx) => createOrganisation(trx, staffScope, { kind: "vmbo", name: "Het Assink Lyceum vmbo", ...base }, meta));
  const person = (name: string) => db.transaction().execute((trx) => createPerson(trx, region.id, { name, email: null, phone: null, lawfulBasis: "legitimate_interest", optOut: false, source: null, reviewDate: null }, meta));
  const anouk = await person("Anouk Jansen");
  const anoukJob = await db.transaction().execute((trx) => addAffiliation(trx, region.id, anouk.id, { organisationId: own.id, role: "Monteur", isPrimary: true, startDate: "2024-01-01" }, meta));
  const kees = await person("Kees Wessels");
  const keesJob = await db.transaction().execute((trx) => addAffiliation(trx, region.id, kees.id, { organisationId: foreign.id, role: "Directeur", isPrimary: true, startDate: "2020-01-01" }, meta));
  const partner = await makeUser(db, { regionId: region.id, role: "partner", name: "Paula Partner", organisationId: own.id });
  const { token: partnerToken } = await createApiToken(db, { userId: partner.id, name: "portal", now: TEST_NOW });
  const { token: holderToken } = await createApiToken(db, { userId: holder.id, name: "holder", now: TEST_NOW });

  const otherRegion = await makeRegion(db);
  const otherAdmin = await makeUser(db, { regionId: otherRegion.id, role: "admin" });
  const otherScope = { regionId: otherRegion.id, userId: otherAdmin.id, role: otherAdmin.role, organisationId: null };
  const elsewhere = await db.transaction().execute((trx) => createOrganisation(trx, otherScope, { kind: "company", name: "Elders B.V.", ...base }, { actor: null, now: TEST_NOW }));
  const elsewhereSchool = await db.transaction().execute((trx) => createOrganisation(trx, otherScope, { kind: "vmbo", name: "Elders College", ...base }, { actor: null, now: TEST_NOW }));

  return { region, holder, holderToken, own, foreign, school, anouk, anoukJob, kees, keesJob, partner, partnerToken, otherRegion, elsewhere, elsewhereSchool, staffScope, meta };
}

/** A snapshot of everything a partner could try to change, to compare after refused attempts. */
export async function snapshot(db: Database) {
  const [organisations, people, affiliations, activities, links, emails, tasks] = await Promise.all([
    db.selectFrom("organisations").select(["id", "name", "city", "tier", "status", "account_holder_id", "version"]).orderBy("id").execute(),
    db.selectFrom("people").select(["id", "name", "version"]).orderBy("id").execute(),
    db.selectFrom("affiliations").select(["id", "organisation_id", "end_date", "is_primary"]).orderBy("id").execute(),
    db.selectFrom("activities").select(["id", "status", "version"]).orderBy("id").execute(),
    db.selectFrom("activity_organisations").select(["activity_id", "organisation_id"]).orderBy("activity_id").orderBy("organisation_id").execute(),
    db.selectFrom("email_outbox").select("id").orderBy("id").execute(),
    db.selectFrom("tasks").select("id").orderBy("id").execute(),
  ]);
  return { organisations, people, affiliations, activities, links, emails, tasks };
}
