import type { Database } from "../db/database";
import { isEncrypted, SECRET_KEY_ENV, type SecretBox, SecretUnreadableError } from "./secret-key";
import { clientSecretContext } from "./oidc-settings";
import { totpSecretContext } from "./two-factor";

/** What the first start seals, and the context it is bound to (decision 152). */
const KNOWN_TEXT = "schakel: this database's secret key";
const CONTEXT = "secret_key_check";

export class SecretKeyMismatchError extends Error {
  constructor() {
    super(
      `${SECRET_KEY_ENV} is not the key this database's secrets were encrypted with: another instance or an earlier start used another key. ` +
        `Give every instance the same ${SECRET_KEY_ENV}; two-factor sign-in would fail with this one. ` +
        `Only if the old key is lost for good: \`npx schakel secret-key adopt\` makes this one the database's key (two-factor users then sign in with a recovery code).`,
    );
    this.name = "SecretKeyMismatchError";
  }
}

/**
 * Refuses to start with a key that is not this database's (decision 152). Instances behind one load
 * balancer must share SCHAKEL_SECRET_KEY: a secret sealed by one must open on every other. The first
 * start seals a known text with its key; every later start (any instance) must open it. A database
 * from before this check gets its verifier from the first start whose key opens the two-factor
 * secrets already stored, so a wrong key is caught there too. Runs after the migrations and before
 * `encryptPlaintextTotpSecrets`, so nothing is ever sealed with a wrong key.
 */
export async function ensureSameSecretKey(db: Database, box: SecretBox): Promise<"recorded" | "matches"> {
  const stored = await db.selectFrom("secret_key_check").select("verifier").executeTakeFirst();
  if (!stored) {
    await assertOpensStoredSecrets(db, box);
    await db.insertInto("secret_key_check").values({ verifier: box.encrypt(KNOWN_TEXT, CONTEXT) }).onConflict((oc) => oc.column("id").doNothing()).execute();
    // Two instances starting at once: whichever row won, ours must open it.
    const winner = await db.selectFrom("secret_key_check").select("verifier").executeTakeFirstOrThrow();
    opens(box, winner.verifier);
    return "recorded";
  }
  opens(box, stored.verifier);
  return "matches";
}

function opens(box: SecretBox, verifier: string) {
  try {
    if (box.decrypt(verifier, CONTEXT) !== KNOWN_TEXT) throw new SecretKeyMismatchError();
  } catch (error) {
    if (error instanceof SecretUnreadableError) throw new SecretKeyMismatchError();
    throw error;
  }
}

/** Before the first verifier: one stored two-factor secret must open with this key (its context is its user's row). */
async function assertOpensStoredSecrets(db: Database, box: SecretBox) {
  const sealed = await db.selectFrom("users").select(["id", "totp_secret"]).where("totp_secret", "like", "v1:%").limit(1).executeTakeFirst();
  if (!sealed?.totp_secret) return;
  try {
    box.decrypt(sealed.totp_secret, totpSecretContext(sealed.id));
  } catch (error) {
    if (error instanceof SecretUnreadableError) throw new SecretKeyMismatchError();
    throw error;
  }
}

/**
 * `schakel secret-key adopt`: after the old key is lost for good, the current one becomes the
 * database's. Nothing sealed with the old key can be read again, and this says how much: two-factor
 * secrets (those users sign in with a recovery code and enrol again) and single-sign-on client
 * secrets (an admin enters them again). Nothing is deleted; a key found later still opens them.
 */
export async function adoptSecretKey(db: Database, box: SecretBox): Promise<{ unreadableTwoFactor: number; unreadableSingleSignOn: number }> {
  const unreadable = (rows: Array<{ stored: string | null; context: string }>) =>
    rows.filter((row) => {
      if (!row.stored || !isEncrypted(row.stored)) return false;
      try {
        box.decrypt(row.stored, row.context);
        return false;
      } catch {
        return true;
      }
    }).length;
  const users = await db.selectFrom("users").select(["id", "totp_secret"]).where("totp_secret", "is not", null).execute();
  const providers = await db.selectFrom("oidc_providers").select(["region_id", "client_secret"]).execute();
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("secret_key_check").execute();
    await trx.insertInto("secret_key_check").values({ verifier: box.encrypt(KNOWN_TEXT, CONTEXT) }).execute();
  });
  return {
    unreadableTwoFactor: unreadable(users.map((row) => ({ stored: row.totp_secret, context: totpSecretContext(row.id) }))),
    unreadableSingleSignOn: unreadable(providers.map((row) => ({ stored: row.client_secret, context: clientSecretContext(row.region_id) }))),
  };
}
