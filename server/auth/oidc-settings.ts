import { sql } from "kysely";
import type { OidcProviderKind, OidcProvision } from "../../db/schema";
import type { Database } from "../db/database";
import { recordAudit } from "../domains/audit/audit";
import { validationFailed } from "../validation";
import type { OidcProviderValues } from "./oidc-settings.schemas";
import type { SecretBox } from "./secret-key";

/**
 * A region's identity provider for staff sign-in (decision 127): which issuer, which client, which
 * email domains it answers for, and who may come in through it. Kept by the command line
 * (`schakel sso`) and the admin page "Inloggen met schoolaccount".
 */

/** A region's provider as it is shown: never the secret, only that there is one. */
export type OidcProviderSummary = {
  regionId: string;
  kind: OidcProviderKind;
  issuer: string;
  clientId: string;
  secretSet: true;
  label: string;
  domains: string[];
  provision: OidcProvision;
  role: "accounthouder" | "penvoerder";
  schoolAccountOnly: boolean;
  version: number;
  updatedAt: Date;
};

/** The client secret is bound to its region's row: ciphertext copied to another region does not open there. */
export const clientSecretContext = (regionId: string) => `oidc_providers.client_secret:${regionId}`;

export async function findOidcProvider(db: Database, regionId: string): Promise<OidcProviderSummary | null> {
  const row = await db
    .selectFrom("oidc_providers as p")
    .select([
      "p.region_id", "p.kind", "p.issuer", "p.client_id", "p.label", "p.provision", "p.provision_role", "p.school_account_only", "p.version", "p.updated_at",
      sql<string[]>`coalesce((select array_agg(d.domain::text order by d.domain) from oidc_domains d where d.region_id = p.region_id), '{}')`.as("domains"),
    ])
    .where("p.region_id", "=", regionId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    regionId: row.region_id, kind: row.kind, issuer: row.issuer, clientId: row.client_id, secretSet: true, label: row.label, domains: row.domains,
    provision: row.provision, role: row.provision_role, schoolAccountOnly: row.school_account_only, version: row.version, updatedAt: new Date(row.updated_at),
  };
}

/**
 * Sets the region's provider (replacing what was there). The secret is encrypted before it is
 * written; left empty, the stored one is kept. A domain another region claims is refused by name.
 */
export async function saveOidcProvider(
  db: Database,
  box: SecretBox,
  regionId: string,
  values: OidcProviderValues,
  meta: { actorId: string | null; now: Date },
): Promise<OidcProviderSummary> {
  const before = await findOidcProvider(db, regionId);
  const secret = values.clientSecret?.trim();
  if (!secret && !before) throw validationFailed({ clientSecret: "schoolSignIn.validation.secretRequired" });
  const sealed = secret ? box.encrypt(secret, clientSecretContext(regionId)) : undefined;
  const columns = {
    kind: values.kind, issuer: values.issuer, client_id: values.clientId, label: values.label, provision: values.provision,
    provision_role: values.role, school_account_only: values.schoolAccountOnly, updated_at: meta.now,
  };
  if (before) {
    await db
      .updateTable("oidc_providers")
      .set({ ...columns, ...(sealed && { client_secret: sealed }), version: sql`version + 1` })
      .where("region_id", "=", regionId)
      .execute();
  } else {
    await db.insertInto("oidc_providers").values({ ...columns, region_id: regionId, client_secret: sealed!, created_at: meta.now }).execute();
  }
  await db.deleteFrom("oidc_domains").where("region_id", "=", regionId).execute();
  if (values.domains.length) {
    // A domain another region holds is skipped here and named below: under row-level security the
    // database does not say which key clashed, and the other region's rows stay unseen.
    const inserted = await db
      .insertInto("oidc_domains")
      .values(values.domains.map((domain) => ({ domain, region_id: regionId })))
      .onConflict((oc) => oc.column("domain").doNothing())
      .returning("domain")
      .execute();
    const taken = values.domains.find((domain) => !inserted.some((row) => row.domain.toLowerCase() === domain));
    if (taken) throw validationFailed({ domains: `schoolSignIn.validation.domainTaken|${JSON.stringify({ domain: taken })}` }, "en", { details: { domain: taken } });
  }
  const after = (await findOidcProvider(db, regionId))!;
  await recordAudit(db, {
    regionId, actorId: meta.actorId, action: before ? "region.sign_in_provider_change" : "region.sign_in_provider_set", entityType: "region", entityId: regionId,
    before: before ? auditView(before) : undefined, after: { ...auditView(after), secretChanged: Boolean(sealed) }, now: meta.now,
  });
  return after;
}

export async function removeOidcProvider(db: Database, regionId: string, meta: { actorId: string | null; now: Date }): Promise<boolean> {
  const before = await findOidcProvider(db, regionId);
  if (!before) return false;
  await db.deleteFrom("oidc_sign_in_states").where("region_id", "=", regionId).execute();
  await db.deleteFrom("oidc_domains").where("region_id", "=", regionId).execute();
  await db.deleteFrom("oidc_providers").where("region_id", "=", regionId).execute();
  await recordAudit(db, { regionId, actorId: meta.actorId, action: "region.sign_in_provider_remove", entityType: "region", entityId: regionId, before: auditView(before), now: meta.now });
  return true;
}

const auditView = (p: OidcProviderSummary) => ({
  issuer: p.issuer, clientId: p.clientId, label: p.label, domains: p.domains, provision: p.provision, role: p.role, schoolAccountOnly: p.schoolAccountOnly,
});

/** The "Inloggen met …" choices of the sign-in page: every region with a provider, and its domains. */
export type SignInChoice = { regionSlug: string; regionName: string; label: string; domains: string[] };

export async function listSignInChoices(db: Database): Promise<SignInChoice[]> {
  const rows = await db
    .selectFrom("oidc_providers as p")
    .innerJoin("regions as r", "r.id", "p.region_id")
    .select([
      "r.slug", "r.name", "p.label",
      sql<string[]>`coalesce((select array_agg(d.domain::text order by d.domain) from oidc_domains d where d.region_id = p.region_id), '{}')`.as("domains"),
    ])
    .orderBy("r.name")
    .execute();
  return rows.map((r) => ({ regionSlug: r.slug, regionName: r.name, label: r.label, domains: r.domains }));
}

/** Whether the region's staff must sign in with the school account (a password is refused them). */
export async function schoolAccountOnly(db: Database, regionId: string): Promise<boolean> {
  const row = await db.selectFrom("oidc_providers").select("school_account_only").where("region_id", "=", regionId).executeTakeFirst();
  return row?.school_account_only ?? false;
}

/** The profile's "Schoolaccount": the region's provider and whether this user's account is linked to it; null where there is none or for a partner. */
export async function schoolAccountOf(db: Database, user: { id: string; regionId: string; role: string }) {
  if (user.role === "partner") return null;
  const row = await db
    .selectFrom("oidc_providers as p")
    .innerJoin("regions as r", "r.id", "p.region_id")
    .leftJoin("user_identities as i", (join) => join.onRef("i.issuer", "=", "p.issuer").on("i.user_id", "=", user.id))
    .select(["r.slug", "p.label", "i.created_at as linkedAt"])
    .where("p.region_id", "=", user.regionId)
    .executeTakeFirst();
  return row ? { regionSlug: row.slug, label: row.label, linkedAt: row.linkedAt ? new Date(row.linkedAt).toISOString() : null } : null;
}
