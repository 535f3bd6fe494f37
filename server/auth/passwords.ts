import type { Algorithm } from "@node-rs/argon2";

/**
 * argon2, a native module, is loaded with the first password hashed or checked: a cluster's
 * primary, which runs the jobs, never needs it (decision 147).
 */
const argon2 = () => import("@node-rs/argon2");

// Algorithm is an ambient const enum, unusable under isolatedModules: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

// OWASP's recommended argon2id parameters (19 MiB, 2 iterations, 1 lane).
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  const { hash } = await argon2();
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  const { hash, verify } = await argon2();
  // Without a hash (an invitation not yet accepted) we still spend the time, so timing does not
  // reveal which addresses have an account.
  if (!passwordHash) {
    await hash(password, OPTIONS);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
