import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureSameSecretKey, SecretKeyMismatchError } from "../../server/auth/secret-key-check";
import { TEST_APP_URL } from "../support/app";
import { createSecretBox } from "../../server/auth/secret-key";
import { totpSecretContext } from "../../server/auth/two-factor";
import { readConfig } from "../../server/config";
import { startServer } from "../../server/index";
import { TEST_SECRET_KEY } from "../support/secret-key";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW } from "../support/factories";

// Decision 152: instances behind one load balancer share SCHAKEL_SECRET_KEY. One started with another
// key would seal secrets the others cannot open (and fail every two-factor sign-in it did not seal),
// so it refuses to start, saying why.

const keyA = Buffer.from(TEST_SECRET_KEY, "base64");
const keyB = randomBytes(32);
const boxA = createSecretBox(keyA);
const boxB = createSecretBox(keyB);

describe("an instance with another SCHAKEL_SECRET_KEY than the database's", () => {
  let t: TestDatabase;
  let dir: string;
  let userId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), "schakel-key-check-"));
    userId = (await makeUser(t.db, { regionId: (await makeRegion(t.db)).id, role: "admin" })).id;
  });
  afterAll(async () => {
    await t?.drop();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await t.db.deleteFrom("secret_key_check").execute();
    await t.db.updateTable("users").set({ totp_secret: null }).execute();
  });

  it("is recorded by the first start and recognised by every later one with the same key", async () => {
    expect(await ensureSameSecretKey(t.db, boxA)).toBe("recorded");
    expect(await ensureSameSecretKey(t.db, boxA)).toBe("matches");
    await expect(ensureSameSecretKey(t.db, boxB)).rejects.toThrow(SecretKeyMismatchError);
    // The verifier holds no key and no readable secret.
    const { verifier } = await t.db.selectFrom("secret_key_check").select("verifier").executeTakeFirstOrThrow();
    expect(verifier).toMatch(/^v1:/);
    expect(verifier).not.toContain(TEST_SECRET_KEY);
  });

  it("stops the start with a message naming the variable, before anything is sealed with the wrong key", async () => {
    await ensureSameSecretKey(t.db, boxA);
    // A two-factor secret still in plaintext (restored from an old backup) would be sealed at start.
    await t.db.updateTable("users").set({ totp_secret: "JBSWY3DPEHPK3PXP" }).where("id", "=", userId).execute();
    const config = readConfig({
      DATABASE_URL: t.url, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", NODE_ENV: "production", INBOUND_SMTP_PORT: "off",
      APP_URL: "https://crm.example.nl", DATA_DIR: dir, SCHAKEL_SECRET_KEY: keyB.toString("base64"),
    });
    await expect(startServer(config)).rejects.toThrow(/SCHAKEL_SECRET_KEY is not the key this database's secrets were encrypted with.*same SCHAKEL_SECRET_KEY/);
    expect(await t.db.selectFrom("users").select("totp_secret").where("id", "=", userId).executeTakeFirstOrThrow()).toEqual({ totp_secret: "JBSWY3DPEHPK3PXP" });
  });

  it("on a database from before the check, is caught by the two-factor secrets already sealed", async () => {
    await t.db.updateTable("users").set({ totp_secret: boxA.encrypt("JBSWY3DPEHPK3PXP", totpSecretContext(userId)) }).where("id", "=", userId).execute();
    await expect(ensureSameSecretKey(t.db, boxB)).rejects.toThrow(SecretKeyMismatchError);
    expect(await t.db.selectFrom("secret_key_check").selectAll().execute()).toEqual([]);
    expect(await ensureSameSecretKey(t.db, boxA)).toBe("recorded");
  });

  it("when the old key is lost for good, `schakel secret-key adopt` makes the current one the database's, saying what stays unreadable", async () => {
    await ensureSameSecretKey(t.db, boxA);
    await t.db.updateTable("users").set({ totp_secret: boxA.encrypt("JBSWY3DPEHPK3PXP", totpSecretContext(userId)) }).where("id", "=", userId).execute();
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.resolve("bin/schakel.js"), "secret-key", "adopt"], {
        env: { ...process.env, DATABASE_URL: t.url, APP_URL: TEST_APP_URL, SCHAKEL_SECRET_KEY: keyB.toString("base64"), SCHAKEL_NOW: TEST_NOW.toISOString(), LOG_LEVEL: "silent" },
        timeout: 55_000,
      }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }));
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("SCHAKEL_SECRET_KEY is now the database's key. Unreadable with it: 1 two-factor secret(s)");
    expect(await ensureSameSecretKey(t.db, boxB)).toBe("matches");
    await expect(ensureSameSecretKey(t.db, boxA)).rejects.toThrow(SecretKeyMismatchError);
    // Nothing was deleted: the old ciphertext is still there for a key found later.
    expect((await t.db.selectFrom("users").select("totp_secret").where("id", "=", userId).executeTakeFirstOrThrow()).totp_secret).toMatch(/^v1:/);
  });

  it("lets exactly one of two first starts with different keys through", async () => {
    const outcomes = await Promise.allSettled([ensureSameSecretKey(t.db, boxA), ensureSameSecretKey(t.db, boxB)]);
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "rejected").map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([expect.any(SecretKeyMismatchError)]);
  });
});
