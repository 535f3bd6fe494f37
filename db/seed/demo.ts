import type { OrganisationKind, Role, Tier } from "../schema";
import type { Database } from "../../server/db/database";
import { scopeOf } from "../../server/auth/current-user";
import { toLocalDate } from "../../server/clock";
import { createOrganisation } from "../../server/domains/organisations/organisations.service";
import { addAffiliation, createPerson } from "../../server/domains/people/people.service";
import { createRegion, findRegionBySlug, listSubregions } from "../../server/domains/regions/regions.service";
import { createUser } from "../../server/domains/users/users.service";

/**
 * The demo region: STO Twente with its five subregions and one user per role. Fixed data, so it is
 * the same every time; later areas add their records here.
 */
export const DEMO_PASSWORD = "schakel-demo-2026";

const SUBREGIONS = ["Almelo en Tubbergen", "Enschede en Haaksbergen", "Hengelo en Borne", "Noordoost-Twente", "Rijssen-Holten en Hof van Twente"];

const ACCOUNTS: Array<{ role: Role; email: string; name: string }> = [
  { role: "admin", email: "beheer@sto-twente.demo", name: "Marieke Nijhuis" },
  { role: "penvoerder", email: "penvoerder@sto-twente.demo", name: "Gert-Jan Oude Luttikhuis" },
  { role: "accounthouder", email: "accounthouder@sto-twente.demo", name: "Fatima El Amrani" },
  { role: "partner", email: "partner@sto-twente.demo", name: "Henk Wessels" },
];

/** Creates what is missing of the demo set (the region, each account), so loading twice changes nothing. */
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

export async function loadDemo(db: Database, meta: { now: Date; appUrl: string }) {
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
  const existingOrganisations = await db.selectFrom("organisations").select("id").where("region_id", "=", region.id).limit(1).execute();
  if (existingOrganisations.length === 0) {
    created += await loadDemoOrganisations(db, region.id, meta.now);
  }
  return { alreadyLoaded: created === 0, accounts };
}

async function loadDemoOrganisations(db: Database, regionId: string, now: Date) {
  const admin = await db.selectFrom("users").select(["id", "name", "role", "region_id", "organisation_id", "email", "locale"]).where("email", "=", "beheer@sto-twente.demo").executeTakeFirstOrThrow();
  const holder = await db.selectFrom("users").select(["id", "name"]).where("email", "=", "accounthouder@sto-twente.demo").executeTakeFirstOrThrow();
  const scope = scopeOf({ id: admin.id, regionId, email: admin.email, name: admin.name, role: admin.role, organisationId: admin.organisation_id, locale: admin.locale });
  const meta = { actor: { id: admin.id, name: admin.name }, now };
  const subregions = await listSubregions(db, regionId);
  const today = toLocalDate(now);
  for (const [index, demo] of ORGANISATIONS.entries()) {
    const organisation = await createOrganisation(
      db,
      scope,
      {
        kind: demo.kind, name: demo.name, city: demo.city, subregionId: subregions[demo.subregion]?.id ?? null, tier: demo.tier, status: "active",
        kvkNumber: demo.kvkNumber ?? null, brinCode: demo.brinCode ?? null, tags: [], sector: null, street: null, website: null,
        accountHolderId: index % 2 === 0 ? holder.id : admin.id,
      },
      meta,
    );
    for (const [position, [name, role]] of demo.contacts.entries()) {
      const person = await createPerson(db, regionId, { name, email: null, phone: null, lawfulBasis: "legitimate_interest", source: "demo", optOut: false, reviewDate: null }, meta);
      await addAffiliation(db, regionId, person.id, { organisationId: organisation.id, role, isPrimary: position === 0, startDate: today }, meta);
    }
    if (index === 0) {
      await db.updateTable("users").set({ organisation_id: organisation.id }).where("email", "=", "partner@sto-twente.demo").where("organisation_id", "is", null).execute();
    }
  }
  return ORGANISATIONS.length;
}
