import { randomBytes } from "node:crypto";
import type { Role } from "../../db/schema";
import { createApiToken } from "../../server/auth/api-tokens";
import type { Database } from "../../server/db/database";
import { createRegion } from "../../server/domains/regions/regions.service";
import { createUser } from "../../server/domains/users/users.service";

export const TEST_PASSWORD = "correct horse battery";
export const TEST_NOW = new Date("2026-11-23T10:00:00Z");

const unique = () => randomBytes(4).toString("hex");

/** A region with two subregions; every call makes a new one. */
export async function makeRegion(db: Database, overrides: { name?: string; slug?: string } = {}) {
  const suffix = unique();
  return createRegion(
    db,
    { name: overrides.name ?? `STO Test ${suffix}`, slug: overrides.slug ?? `test-${suffix}`, subregions: ["Noord", "Zuid"] },
    { actorId: null, now: TEST_NOW },
  );
}

/** An active user with TEST_PASSWORD (or an invited one with `invited: true`). */
export async function makeUser(
  db: Database,
  input: { regionId: string; role: Role; email?: string; name?: string; organisationId?: string | null; invited?: boolean },
) {
  return db.transaction().execute((trx) => createUser(
    trx,
    {
      regionId: input.regionId,
      role: input.role,
      email: input.email ?? `${input.role}-${unique()}@example.nl`,
      name: input.name ?? `Test ${input.role}`,
      organisationId: input.organisationId ?? null,
      password: input.invited ? undefined : TEST_PASSWORD,
    },
    { actor: null, now: TEST_NOW, appUrl: "http://schakel.test" },
  ));
}

/** A user together with an API token for them. */
export async function makeUserWithToken(db: Database, input: Parameters<typeof makeUser>[1]) {
  const user = await makeUser(db, input);
  const { token } = await createApiToken(db, { userId: user.id, name: "test", now: TEST_NOW });
  return { user, token };
}
