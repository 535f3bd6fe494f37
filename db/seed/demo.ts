import type { Role } from "../schema";
import type { Database } from "../../server/db/database";
import { createRegion, findRegionBySlug } from "../../server/domains/regions/regions.service";
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
  return { alreadyLoaded: created === 0, accounts };
}
