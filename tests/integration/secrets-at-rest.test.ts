import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { type Kysely, sql } from "kysely";
import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { up as hashSessionsInPlace } from "../../db/migrations/2026_12_07_0400_secrets_at_rest";
import { createSecretBox, loadSecretKey, parseSecretKey } from "../../server/auth/secret-key";
import { addSenderAddress } from "../../server/domains/mail-capture/mail-capture.addresses";
import { rotateInboundSecret } from "../../server/domains/mail-capture/mail-capture.settings";
import { sessionIdOf } from "../../server/auth/sessions";
import { checkSecondFactor, encryptPlaintextTotpSecrets } from "../../server/auth/two-factor";
import { readConfig } from "../../server/config";
import { backupDatabase } from "../../server/domains/backup/backup.service";
import { prepareSetupToken } from "../../server/domains/setup/setup.service";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";
import { saveOidcProvider } from "../../server/auth/oidc-settings";
import { OidcProviderInput } from "../../server/auth/oidc-settings.schemas";
import { parseInput } from "../../server/validation";
import { startTestProvider } from "../support/oidc-provider";
import { startServer } from "../../server/index";
import { CookieJar, createTestApp, TEST_SECRET_KEY, type TestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, makeUserWithToken, TEST_PASSWORD } from "../support/factories";

// Issue 14, item 9: a backup was world-readable and held raw session ids and TOTP secrets; a session
// id from it signed in as the admin past the second factor. Decisions 096 (hashed sessions) and 097
// (encrypted TOTP secrets, SCHAKEL_SECRET_KEY).

const NOW = new Date("2026-11-23T10:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const text = async (response: Response) => (await response.text()).replace(/<!-- -->/g, "");
const codeAt = (secret: string, moment: Date) => generate({ secret, epoch: Math.floor(moment.getTime() / 1000) });
const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64"));

describe("secrets at rest", () => {
  let t: TestDatabase;
  let regionId: string;
  let dir: string;
  const apps = new Map<number, TestApp>();
  const web = (minutes = 0) => {
    if (!apps.has(minutes)) apps.set(minutes, createTestApp(t.db, { remix: true, now: at(minutes) }));
    return apps.get(minutes)!;
  };
  const signIn = async (email: string, jar = new CookieJar()) => {
    await web().postForm("/sign-in", { email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    return jar;
  };
  const isSignedIn = async (jar: CookieJar) => (await web().request("/api/v1/me", { jar })).status === 200;

  /** Two-factor sign-in turned on through the page: the secret and the recovery codes it showed. */
  async function enrol(jar: CookieJar, minutes = 0) {
    const page = await text(await web(minutes).get("/profile/two-factor", { jar }));
    const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page)![1]!;
    const confirmed = await text(await web(minutes).postForm("/profile/two-factor", { intent: "confirm", code: await codeAt(secret, at(minutes)) }, { jar }));
    const recoveryCodes = [...confirmed.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    return { secret, recoveryCodes };
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    regionId = (await makeRegion(t.db)).id;
    dir = await mkdtemp(path.join(tmpdir(), "schakel-secrets-"));
  });
  afterAll(async () => {
    await t?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  describe("the replayed attack: an admin with two-factor sign-in, and a backup of the database", () => {
    let admin: Awaited<ReturnType<typeof makeUserWithToken>>;
    let jar: CookieJar;
    let totpSecret: string;
    let backup: string;
    let file: string;

    beforeAll(async () => {
      admin = await makeUserWithToken(t.db, { regionId, role: "admin" });
      jar = await signIn(admin.user.email);
      totpSecret = (await enrol(jar)).secret;
      file = path.join(dir, "schakel.backup.gz");
      // A permissive umask shows that the file's mode is chosen, not inherited.
      const umask = process.umask(0);
      try {
        await backupDatabase(t.url, file, NOW);
      } finally {
        process.umask(umask);
      }
      backup = gunzipSync(await readFile(file)).toString("utf8");
    });

    it("writes the backup file readable by its owner only (0600), also over an old partial file", async () => {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const again = path.join(dir, "again.backup.gz");
      await writeFile(`${again}.partial`, "left by someone else", { mode: 0o666 });
      await backupDatabase(t.url, again, NOW);
      expect((await stat(again)).mode & 0o777).toBe(0o600);
    });

    it("finds no live session token, API token or TOTP secret in the backup", () => {
      expect(backup).toContain(admin.user.email);
      expect(backup).not.toContain(jar.sessionId!);
      expect(backup).not.toContain(admin.token);
      expect(backup).not.toContain(admin.token.slice(10));
      expect(backup).not.toContain(totpSecret);
      expect(backup.toLowerCase()).not.toContain(totpSecret.toLowerCase());
    });

    it("does not sign in with a session id taken from the database (or the backup)", async () => {
      expect(await isSignedIn(jar)).toBe(true);
      const stored = await t.db.selectFrom("sessions").select("id").where("user_id", "=", admin.user.id).execute();
      expect(stored.length).toBeGreaterThan(0);
      for (const { id } of stored) {
        expect(backup).toContain(id);
        const thief = new CookieJar();
        thief.set("schakel_session", id);
        expect(await isSignedIn(thief)).toBe(false);
        expect((await web().get("/", { jar: thief })).headers.get("location")).toMatch(/^\/sign-in/);
      }
    });

    it("keeps the TOTP secret as ciphertext that opens only with the key, and only for its own row", async () => {
      const { totp_secret: stored } = await t.db.selectFrom("users").select("totp_secret").where("id", "=", admin.user.id).executeTakeFirstOrThrow();
      expect(stored).toMatch(/^v1:[\w-]+$/);
      expect(stored).not.toContain(totpSecret);
      expect(box.decrypt(stored!, `users.totp_secret:${admin.user.id}`)).toBe(totpSecret);
      const otherKey = createSecretBox(Buffer.alloc(32, 9));
      expect(() => otherKey.decrypt(stored!, `users.totp_secret:${admin.user.id}`)).toThrow(/cannot be decrypted/);
      // Copied onto another account (an attacker with write access who knows their own secret), it does not open.
      expect(() => box.decrypt(stored!, `users.totp_secret:${admin.token}`)).toThrow(/cannot be decrypted/);
    });
  });

  it("encrypts TOTP secrets stored in plaintext before the upgrade, and their codes keep working", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const plaintext = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    await t.db.updateTable("users").set({ totp_secret: plaintext, totp_enabled_at: NOW }).where("id", "=", user.id).execute();

    expect(await encryptPlaintextTotpSecrets(t.db, box)).toBeGreaterThanOrEqual(1);
    expect(await encryptPlaintextTotpSecrets(t.db, box)).toBe(0);

    const { totp_secret: stored } = await t.db.selectFrom("users").select("totp_secret").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(stored).toMatch(/^v1:/);
    expect(await checkSecondFactor(t.db, box, user.id, await codeAt(plaintext, at(5)), at(5))).toBe("totp");
  });

  it("keeps people signed in across the upgrade: an old session id, hashed in place by the migration, still signs in", async () => {
    const user = await makeUser(t.db, { regionId, role: "accounthouder" });
    const oldId = "abcdefghijklmnopqrstuvwxyz234567abcdefgh"; // lucia's shape: 40 base32 characters
    const constraints = [["sessions", "id"], ["user_tokens", "token_hash"], ["api_tokens", "token_hash"], ["two_factor_challenges", "token_hash"], ["calendar_feeds", "token_hash"], ["user_recovery_codes", "code_hash"]];
    for (const [table, column] of constraints) await sql`alter table ${sql.table(table!)} drop constraint ${sql.id(`${table}_${column}_is_sha256`)}`.execute(t.db);
    await t.db.insertInto("sessions").values({ id: oldId, user_id: user.id, expires_at: at(60 * 24), created_at: NOW }).execute();

    await hashSessionsInPlace(t.db as unknown as Kysely<unknown>);

    const { id } = await t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(id).toBe(sessionIdOf(oldId));
    const browser = new CookieJar();
    browser.set("schakel_session", oldId);
    expect(await isSignedIn(browser)).toBe(true);
    // And a raw token can no longer be stored where a hash belongs.
    await expect(t.db.insertInto("sessions").values({ id: "raw-token", user_id: user.id, expires_at: at(60), created_at: NOW }).execute()).rejects.toThrow(/sessions_id_is_sha256/);
  });

  describe("SCHAKEL_SECRET_KEY", () => {
    const generated = Buffer.alloc(32, 3);

    it("accepts 32 bytes as base64 (what openssl rand -base64 32 prints) or as hex", () => {
      expect(parseSecretKey(generated.toString("base64"))).toEqual(generated);
      expect(parseSecretKey(generated.toString("hex"))).toEqual(generated);
      expect(parseSecretKey(generated.toString("base64url"))).toEqual(generated);
      expect(parseSecretKey(Buffer.alloc(16).toString("base64"))).toBeNull();
      expect(parseSecretKey("correct horse battery staple")).toBeNull();
    });

    it("is required with APP_URL (a deployment): the start stops with a clear error when it is missing or malformed", async () => {
      const base = { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", LOG_LEVEL: "silent", APP_URL: "https://crm.example.nl", DATA_DIR: dir };
      await expect(startServer(readConfig(base))).rejects.toThrow(/SCHAKEL_SECRET_KEY is required when APP_URL is set.*openssl rand -base64 32/);
      await expect(startServer(readConfig({ ...base, SCHAKEL_SECRET_KEY: "too-short" }))).rejects.toThrow(/SCHAKEL_SECRET_KEY must be 32 bytes.*openssl rand -base64 32/);
    });

    it("on a laptop (no APP_URL) is made once in DATA_DIR/secret-key, mode 0600, and the same key is used afterwards", async () => {
      const dataDir = path.join(dir, "laptop");
      // The configuration `npm start` reads with no variables set: a localhost run, not a deployment.
      const laptop = readConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" });
      expect(laptop.isDeployment).toBe(false);
      const umask = process.umask(0);
      let first: Buffer;
      try {
        first = loadSecretKey(laptop);
      } finally {
        process.umask(umask);
      }
      expect((await stat(path.join(dataDir, "secret-key"))).mode & 0o777).toBe(0o600);
      expect(loadSecretKey(laptop)).toEqual(first);
      expect(first).toHaveLength(32);
    });
  });

  /**
   * The class: every column that holds a token or a secret (found in the schema by its name), and
   * every instance setting named like one, must be declared here as hashed, encrypted or not secret
   * with the reason. A new one that is not fails this test. Each declared secret is then made for
   * real through the product, and what is stored must not be what the person received.
   */
  describe("every token and secret the database holds", () => {
    type Made = { received: string; stored: string };
    type Declaration = { kind: "hashed" | "encrypted"; make: () => Promise<Made> } | { kind: "not secret"; because: string };

    const storedOf = async (query: Promise<Array<Record<string, unknown>>>) => {
      const rows = await query;
      expect(rows).toHaveLength(1);
      return String(Object.values(rows[0]!)[0]);
    };
    const latestOutbox = async (email: string, template: string) =>
      (await t.db.selectFrom("email_outbox").select("text").where("to_address", "=", email).where("template", "=", template).orderBy("created_at", "desc").executeTakeFirstOrThrow()).text;

    const DECLARED: Record<string, Declaration> = {
      "sessions.id": {
        kind: "hashed",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          const jar = await signIn(user.email);
          return { received: jar.sessionId!, stored: await storedOf(t.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()) };
        },
      },
      "api_tokens.token_hash": {
        kind: "hashed",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          const page = await text(await web().postForm("/profile", { intent: "create-token", name: "script", password: TEST_PASSWORD }, { jar: await signIn(user.email) }));
          const received = /data-testid="new-token">([^<]+)</.exec(page)![1]!;
          return { received, stored: await storedOf(t.db.selectFrom("api_tokens").select("token_hash").where("user_id", "=", user.id).execute()) };
        },
      },
      "rate_limit_buckets.tokens": { kind: "not secret", because: "how many requests a rate-limit bucket has left: a number (the bucket's key is itself a hash)" },
      "api_tokens.token_prefix": { kind: "not secret", because: "its first 10 characters (skl_ and 6 more) name a token in the list; the other 34 characters (about 200 bits) stay secret" },
      "user_tokens.token_hash": {
        kind: "hashed",
        make: async () => {
          // An invitation (by an admin, through the API) and a password reset (through the page).
          const admin = await makeUserWithToken(t.db, { regionId, role: "admin" });
          const email = `invited-${Date.now()}@example.nl`;
          const invited = await web().request("/api/v1/users", { token: admin.token, method: "POST", body: JSON.stringify({ email, name: "Invited", role: "accounthouder" }) });
          expect(invited.status).toBe(201);
          const invitation = /\/invitation\/([\w-]+)/.exec(await latestOutbox(email, "invitation"))![1]!;
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          await web().postForm("/forgot-password", { email: user.email });
          await sendRequestedPasswordResets(t.db, { now: new Date(), appUrl: "http://localhost" });
          const reset = /\/reset-password\/([\w-]+)/.exec(await latestOutbox(user.email, "password_reset"))![1]!;
          const stored = await t.db.selectFrom("user_tokens").innerJoin("users", "users.id", "user_tokens.user_id").select(["token_hash", "users.email"]).where("users.email", "in", [email, user.email]).execute();
          expect(stored).toHaveLength(2);
          for (const row of stored) expect([invitation, reset].some((token) => row.token_hash.includes(token))).toBe(false);
          return { received: `${invitation} ${reset}`, stored: stored.map((row) => row.token_hash).join(" ") };
        },
      },
      "two_factor_challenges.token_hash": {
        kind: "hashed",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          await enrol(await signIn(user.email));
          const jar = await signIn(user.email);
          return { received: jar.get("schakel_2fa")!, stored: await storedOf(t.db.selectFrom("two_factor_challenges").select("token_hash").where("user_id", "=", user.id).execute()) };
        },
      },
      "calendar_feeds.token_hash": {
        kind: "hashed",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          const page = await text(await web().postForm("/profile", { intent: "create-feed", owner: "user" }, { jar: await signIn(user.email) }));
          const received = /\/feeds\/([^.<]+)\.ics/.exec(page)![1]!;
          return { received, stored: await storedOf(t.db.selectFrom("calendar_feeds").select("token_hash").where("user_id", "=", user.id).execute()) };
        },
      },
      "user_recovery_codes.code_hash": {
        kind: "hashed",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          const { recoveryCodes } = await enrol(await signIn(user.email));
          expect(recoveryCodes).toHaveLength(10);
          const stored = await t.db.selectFrom("user_recovery_codes").select("code_hash").where("user_id", "=", user.id).execute();
          return { received: recoveryCodes.join(" "), stored: stored.map((row) => row.code_hash).join(" ") };
        },
      },
      "users.totp_secret": {
        kind: "encrypted",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          const { secret } = await enrol(await signIn(user.email));
          return { received: secret, stored: await storedOf(t.db.selectFrom("users").select("totp_secret").where("id", "=", user.id).execute()) };
        },
      },
      "mail_logging_addresses.token": { kind: "not secret", because: "a logging address's local part: shown to its owner at any time and written into every mail they log; mail to it is accepted only from its owner's own addresses (decision 111)" },
      "mail_capture_settings.inbound_secret_created_at": { kind: "not secret", because: "when the region's inbound secret was made: a moment" },
      "mail_capture_settings.inbound_secret_hash": {
        kind: "hashed",
        make: async () => {
          const admin = await makeUser(t.db, { regionId, role: "admin" });
          const { secret } = await rotateInboundSecret(t.db, { regionId, userId: admin.id, role: "admin", organisationId: null }, { actor: null, now: NOW });
          return { received: secret, stored: await storedOf(t.db.selectFrom("mail_capture_settings").select("inbound_secret_hash").where("region_id", "=", regionId).execute()) };
        },
      },
      "mail_sender_addresses.confirmation_hash": {
        kind: "hashed",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          const email = `tweede-${Date.now()}@prive.example`;
          await addSenderAddress(t.db, { regionId, userId: user.id, role: "accounthouder", organisationId: null }, email, { actor: null, now: NOW, appUrl: "http://localhost" });
          const received = /\/profile\/mail-addresses\/confirm\/([\w-]+)/.exec(await latestOutbox(email, "mail_sender_confirmation"))![1]!;
          return { received, stored: await storedOf(t.db.selectFrom("mail_sender_addresses").select("confirmation_hash").where("user_id", "=", user.id).execute()) };
        },
      },
      "oidc_providers.client_secret": {
        kind: "encrypted",
        make: async () => {
          const region = await makeRegion(t.db);
          const received = "the-client-secret-of-the-school";
          await saveOidcProvider(t.db, createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64")), region.id,
            parseInput(OidcProviderInput, { issuer: "https://idp.example.org", clientId: "schakel", clientSecret: received }), { actorId: null, now: NOW });
          return { received, stored: await storedOf(t.db.selectFrom("oidc_providers").select("client_secret").where("region_id", "=", region.id).execute()) };
        },
      },
      "oidc_sign_in_states.state_hash": {
        kind: "hashed",
        make: async () => {
          const provider = await startTestProvider();
          try {
            const region = await makeRegion(t.db);
            await saveOidcProvider(t.db, createSecretBox(Buffer.from(TEST_SECRET_KEY, "base64")), region.id,
              parseInput(OidcProviderInput, { issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret }), { actorId: null, now: NOW });
            const jar = new CookieJar();
            await web().get(`/auth/oidc/${region.slug}`, { jar });
            return { received: jar.get("schakel_oidc")!, stored: await storedOf(t.db.selectFrom("oidc_sign_in_states").select("state_hash").where("region_id", "=", region.id).execute()) };
          } finally {
            await provider.stop();
          }
        },
      },
      "users.totp_enabled_at": { kind: "not secret", because: "when two-factor sign-in was turned on: a moment, shown to its owner" },
      "users.totp_last_step": { kind: "not secret", because: "the time step of the last accepted code (a number derived from the clock), kept so a code is not accepted twice" },
      "users.password_hash": {
        kind: "hashed",
        make: async () => {
          const user = await makeUser(t.db, { regionId, role: "accounthouder" });
          return { received: TEST_PASSWORD, stored: await storedOf(t.db.selectFrom("users").select("password_hash").where("id", "=", user.id).execute()) };
        },
      },
      "instance_settings[setup_token_hash]": {
        kind: "hashed",
        make: async () => {
          // The setup token exists only while there are no users: a database of its own.
          const empty = await createTestDatabase();
          try {
            const received = (await prepareSetupToken(empty.db, NOW))!;
            return { received, stored: await storedOf(empty.db.selectFrom("instance_settings").select(sql<string>`value -> 0 ->> 'hash'`.as("value")).where("key", "=", "setup_token_hash").execute()) };
          } finally {
            await empty.drop();
          }
        },
      },
    };

    it("declares every column (and instance setting) named like a token or a secret", async () => {
      const { rows: columns } = await sql<{ name: string }>`
        select table_name || '.' || column_name as name from information_schema.columns
        where table_schema = 'public' and table_name not like 'kysely_%'
          and (column_name ~ '(token|secret|_hash$|password|otp|api_key|session_id)' or (table_name ~ 'session' and column_name = 'id'))
        order by 1`.execute(t.db);
      const { rows: settings } = await sql<{ name: string }>`
        select 'instance_settings[' || key || ']' as name from instance_settings where key ~ '(token|secret|key|hash)'`.execute(t.db);
      // The setup token's setting exists only before the first user; it is declared all the same.
      const found = [...columns, ...settings].map((row) => row.name);
      expect(found.filter((name) => !(name in DECLARED))).toEqual([]);
      expect(Object.keys(DECLARED).filter((name) => !name.startsWith("instance_settings[") && !found.includes(name))).toEqual([]);
    });

    for (const [name, declaration] of Object.entries(DECLARED)) {
      if (declaration.kind === "not secret") continue;
      it(`${name} is ${declaration.kind}: what is stored is not what the person received`, async () => {
        const { received, stored } = await declaration.make();
        expect(received.length).toBeGreaterThan(0);
        expect(stored).not.toBe(received);
        for (const part of received.split(" ")) expect(stored).not.toContain(part);
        if (declaration.kind === "encrypted") expect(stored).toMatch(/^v1:/);
        else for (const part of stored.split(" ")) expect(part).toMatch(/^([0-9a-f]{64}|\$argon2id\$.+)$/);
      });
    }
  });
});
