import { createHash, randomBytes } from "node:crypto";

/** A random, URL-safe secret for links and tokens (256 bits). */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Secrets sent by email or shown once are stored only as their SHA-256: they are long and random,
 * so a fast hash suffices, and a database leak does not hand out working links or tokens.
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
