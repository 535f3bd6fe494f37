import { sql } from "kysely";
import { generateSecret, hashSecret } from "../../auth/secrets";
import type { Database, Tx } from "../../db/database";
import { jsonb } from "../../db/json";
import { AppError } from "../../errors";
import { createRegion } from "../regions/regions.service";
import { createUser } from "../users/users.service";

const SETUP_KEY = "setup_token_hash";

async function hasUsers(db: Database) {
  return Boolean(await db.selectFrom("users").select("id").limit(1).executeTakeFirst());
}

/**
 * How long a setup token stays valid beside a newer one. Every instance on the database prints its
 * own setup address when it starts (decision 139); those started together must all work, whichever
 * the operator copies. A start after this long replaces what earlier starts made.
 */
export const SETUP_TOKEN_OVERLAP_MINUTES = 15;

type SetupTokens = Array<{ hash: string; madeAt: string }>;

/** The tokens' hashes as stored: a list now; a single hash as written before there were several. */
function storedSetupTokens(value: unknown): SetupTokens {
  if (typeof value === "string") return [{ hash: value, madeAt: new Date(0).toISOString() }];
  return Array.isArray(value) ? (value as SetupTokens).filter((entry) => typeof entry?.hash === "string" && typeof entry?.madeAt === "string") : [];
}

/**
 * With no users yet, makes a new one-time setup token and returns it, so the start-up can print the
 * setup address; tokens made more than SETUP_TOKEN_OVERLAP_MINUTES ago stop working (a restart prints
 * a new address). Returns undefined once Schakel has users.
 */
export async function prepareSetupToken(db: Database, now: Date): Promise<string | undefined> {
  return db.transaction().execute(async (trx) => {
    // Instances starting together each add theirs: one at a time, so none is lost.
    await sql`select pg_advisory_xact_lock(hashtext('schakel.setup'))`.execute(trx);
    if (await hasUsers(trx)) return undefined;
    const token = generateSecret(24);
    const row = await trx.selectFrom("instance_settings").select("value").where("key", "=", SETUP_KEY).executeTakeFirst();
    const since = now.getTime() - SETUP_TOKEN_OVERLAP_MINUTES * 60_000;
    const tokens = [...storedSetupTokens(row?.value).filter((entry) => new Date(entry.madeAt).getTime() > since), { hash: hashSecret(token), madeAt: now.toISOString() }];
    await trx
      .insertInto("instance_settings")
      .values({ key: SETUP_KEY, value: jsonb(tokens), updated_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: jsonb(tokens), updated_at: now }))
      .execute();
    return token;
  });
}

export async function isSetupTokenValid(db: Database, token: string): Promise<boolean> {
  if (!token || token.length > 200 || (await hasUsers(db))) return false;
  const row = await db.selectFrom("instance_settings").select("value").where("key", "=", SETUP_KEY).executeTakeFirst();
  const hash = hashSecret(token);
  return storedSetupTokens(row?.value).some((entry) => entry.hash === hash);
}

/** Creates the first region, its subregions and its admin in one transaction the caller owns; the token is spent. */
export async function completeSetup(
  trx: Tx,
  input: { token: string; regionName: string; regionSlug: string; adminName: string; adminEmail: string; password: string; subregions: string[] },
  meta: { now: Date; appUrl: string },
) {
  // Serialise concurrent submissions: the second waits here and then finds a user.
  await sql`select pg_advisory_xact_lock(hashtext('schakel.setup'))`.execute(trx);
  if (!(await isSetupTokenValid(trx, input.token))) {
    throw new AppError("FORBIDDEN", "This setup link is no longer valid", { userMessageKey: "setup.invalidToken" });
  }
  const region = await createRegion(trx, { name: input.regionName, slug: input.regionSlug, subregions: input.subregions }, { actorId: null, now: meta.now });
  const user = await createUser(
    trx,
    { regionId: region.id, email: input.adminEmail, name: input.adminName, role: "admin", password: input.password },
    { actor: null, now: meta.now, appUrl: meta.appUrl },
  );
  await trx.deleteFrom("instance_settings").where("key", "=", SETUP_KEY).execute();
  return { region, user };
}
