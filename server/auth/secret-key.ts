import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { mkdirSync, openSync, readFileSync, writeSync, closeSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config";

/**
 * Secrets Schakel must read back (the TOTP secret of two-factor sign-in) are encrypted at rest with
 * AES-256-GCM under SCHAKEL_SECRET_KEY (decision 097). A database dump or backup then holds only
 * ciphertext; the key lives in the environment (or, on a laptop, in a file next to the data) and is
 * never written into the database.
 */

export const SECRET_KEY_ENV = "SCHAKEL_SECRET_KEY";
export const SECRET_KEY_FILE = "secret-key";
const GENERATE_HINT = "generate one with: openssl rand -base64 32";
/** Marks a stored value as ciphertext of this scheme; anything else is a plaintext left from before. */
const PREFIX = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** 32 bytes given as 64 hex digits or as base64 (standard or URL-safe); null when it is neither. */
export function parseSecretKey(value: string): Buffer | null {
  const text = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(text)) return null;
  const key = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return key.length === 32 ? key : null;
}

/**
 * The key of this process. With APP_URL set Schakel is a deployment, and the key must come from
 * SCHAKEL_SECRET_KEY: a missing or malformed one stops the start with a message saying how to make
 * one. Without APP_URL (`npm start` on a laptop, tests) a key is made once and kept in
 * DATA_DIR/secret-key (mode 0600), so a first start needs no configuration.
 */
export function loadSecretKey(config: Pick<Config, "secretKey" | "isDeployment" | "dataDir">): Buffer {
  if (config.secretKey !== undefined && config.secretKey !== "") {
    const key = parseSecretKey(config.secretKey);
    if (!key) throw new Error(`${SECRET_KEY_ENV} must be 32 bytes written as base64 or hex; ${GENERATE_HINT}`);
    return key;
  }
  // Not `config.appUrl`: that names http://localhost:<port> on a laptop too.
  if (config.isDeployment) {
    throw new Error(`${SECRET_KEY_ENV} is required when APP_URL is set: it encrypts two-factor secrets at rest; ${GENERATE_HINT}, and keep it apart from the backups`);
  }
  return localKey(path.join(config.dataDir, SECRET_KEY_FILE));
}

function localKey(file: string): Buffer {
  try {
    return readKeyFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  let fd: number;
  try {
    // Created with its final mode and "wx": never readable by others, never over an existing file.
    fd = openSync(file, "wx", 0o600);
  } catch (error) {
    // Another process (the CLI next to the server) made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(file);
    throw error;
  }
  const key = randomBytes(32);
  try {
    writeSync(fd, `${key.toString("base64")}\n`);
  } finally {
    closeSync(fd);
  }
  return key;
}

function readKeyFile(file: string): Buffer {
  const key = parseSecretKey(readFileSync(file, "utf8"));
  if (!key) throw new Error(`${file} does not hold a 32-byte key (base64 or hex); remove it only if nothing was encrypted with it, or set ${SECRET_KEY_ENV}`);
  return key;
}

export type SecretBox = {
  /** Ciphertext for `plaintext`, bound to `context` (the row it belongs in), so it cannot be moved to another row. */
  encrypt(plaintext: string, context: string): string;
  /** The plaintext; throws when the value was not encrypted with this key for this context. */
  decrypt(stored: string, context: string): string;
};

export const isEncrypted = (stored: string) => stored.startsWith(PREFIX);

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error("The secret key must be 32 bytes");
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url")}`;
    },
    decrypt(stored, context) {
      if (!isEncrypted(stored)) throw new SecretUnreadableError();
      const raw = Buffer.from(stored.slice(PREFIX.length), "base64url");
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretUnreadableError();
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretUnreadableError();
      }
    },
  };
}

/** A stored secret that this key cannot open: another key, another row, or tampered with. */
export class SecretUnreadableError extends Error {
  constructor() {
    super(`A stored secret cannot be decrypted with this ${SECRET_KEY_ENV} (another key, or the value was altered)`);
    this.name = "SecretUnreadableError";
  }
}
