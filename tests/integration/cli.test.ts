import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../server/auth/secrets";
import { regionOfInboundSecret } from "../../server/domains/mail-capture/mail-capture.settings";
import { createTestApp, TEST_APP_URL, TEST_SECRET_KEY } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion, makeUser, TEST_NOW } from "../support/factories";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BIN = path.resolve("bin/schakel.js");

type Run = { code: number; stdout: string; stderr: string };

/** Lines of output without the empty one a final newline leaves. */
const linesOf = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

// Each test starts one to three CLI processes; with another test file running beside this one on two
// cores, one can take 20 s (the TypeScript loader compiles the command line first): 2 minutes a test.
describe("the command line", { timeout: 120_000 }, () => {
  let t: TestDatabase;
  let regionSlug: string;
  let adminEmail: string;

  /** `npx schakel ...` against the test database (DATABASE_URL set, so no embedded server starts). */
  const schakel = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        {
          cwd: path.resolve("."),
          env: { ...process.env, DATABASE_URL: t.url, APP_URL: TEST_APP_URL, SCHAKEL_SECRET_KEY: TEST_SECRET_KEY, SCHAKEL_NOW: TEST_NOW.toISOString(), LOG_LEVEL: "silent" },
          // A safety net against a hung process, not a speed check: on a loaded two-core machine four
          // CLI processes started side by side took longer than 20 s each.
          timeout: 55_000,
        },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
      );
    });

  const counts = async () => {
    const count = async (table: "regions" | "users" | "email_outbox" | "api_tokens" | "audit_log") =>
      Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    return { regions: await count("regions"), users: await count("users"), emails: await count("email_outbox"), tokens: await count("api_tokens"), audit: await count("audit_log") };
  };

  // The refused commands run side by side (each process costs about a second); each test reads its own.
  let refused: { unknownRole: Run; unknownRegion: Run; malformedEmail: Run; unknownTokenOwner: Run };
  let countsBeforeRefused: Awaited<ReturnType<typeof counts>>;
  let countsAfterRefused: Awaited<ReturnType<typeof counts>>;

  beforeAll(async () => {
    t = await createTestDatabase();
    const region = await makeRegion(t.db);
    regionSlug = region.slug;
    adminEmail = (await makeUser(t.db, { regionId: region.id, role: "admin" })).email;

    countsBeforeRefused = await counts();
    const [unknownRole, unknownRegion, malformedEmail, unknownTokenOwner] = await Promise.all([
      schakel("user", "create", "--email", "rol@example.nl", "--name", "Rol", "--role", "beheerder", "--region", regionSlug),
      schakel("user", "create", "--email", "regio@example.nl", "--name", "Regio", "--role", "accounthouder", "--region", "atlantis"),
      schakel("user", "create", "--email", "not-an-address", "--name", "Mail", "--role", "accounthouder", "--region", regionSlug),
      schakel("token", "create", "--email", "nobody@example.nl"),
    ]);
    refused = { unknownRole, unknownRegion, malformedEmail, unknownTokenOwner };
    countsAfterRefused = await counts();
  });
  afterAll(() => t.drop());

  it("creates a region and prints its id", async () => {
    const run = await schakel("region", "create", "--name", "STO Achterhoek", "--slug", "achterhoek");

    expect(run.code).toBe(0);
    const id = linesOf(run.stdout).at(-1);
    expect(id).toMatch(UUID);
    const region = await t.db.selectFrom("regions").select(["name", "slug"]).where("id", "=", id!).executeTakeFirst();
    expect(region).toEqual({ name: "STO Achterhoek", slug: "achterhoek" });
  });

  it("refuses an unknown role with one line on stderr that names the allowed roles, and writes nothing", () => {
    const run = refused.unknownRole;

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/role/i);
    expect(run.stderr).toMatch(/admin.*penvoerder.*accounthouder.*partner/);
    expect(run.stdout).toBe("");
    expect(countsAfterRefused).toEqual(countsBeforeRefused);
  });

  it("refuses an unknown region with one line on stderr naming it, and writes nothing", () => {
    const run = refused.unknownRegion;

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('Unknown region "atlantis"');
    expect(run.stdout).toBe("");
    expect(countsAfterRefused).toEqual(countsBeforeRefused);
  });

  it("refuses a malformed email address with one line on stderr, and writes nothing", () => {
    const run = refused.malformedEmail;

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/email/i);
    expect(run.stdout).toBe("");
    expect(countsAfterRefused).toEqual(countsBeforeRefused);
  });

  it("refuses a token for an unknown email with one line on stderr, and writes nothing", () => {
    const run = refused.unknownTokenOwner;

    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain("nobody@example.nl");
    expect(run.stdout).toBe("");
    expect(countsAfterRefused).toEqual(countsBeforeRefused);
  });

  it("creates a user without --password as invited and queues the invitation email", async () => {
    const run = await schakel("user", "create", "--email", "Nieuw@Example.nl", "--name", "Nina Nieuw", "--role", "penvoerder", "--region", regionSlug);

    expect(run.code).toBe(0);
    const id = linesOf(run.stdout).at(-1);
    expect(id).toMatch(UUID);
    const user = await t.db.selectFrom("users").select(["email", "name", "role", "password_hash", "active"]).where("id", "=", id!).executeTakeFirstOrThrow();
    expect(user).toEqual({ email: "nieuw@example.nl", name: "Nina Nieuw", role: "penvoerder", password_hash: null, active: true });
    const emails = await t.db.selectFrom("email_outbox").select(["template", "text"]).where("to_address", "=", "nieuw@example.nl").execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.template).toBe("invitation");
    expect(emails[0]!.text).toMatch(/http:\/\/schakel\.test\/invitation\/[\w-]{40,}/);
  });

  it("recomputes relationship health for one region and says how many organisations it saw; an unknown region is one line on stderr", async () => {
    const region = await t.db.selectFrom("regions").select("id").where("slug", "=", regionSlug).executeTakeFirstOrThrow();
    await t.db.insertInto("organisations").values({ region_id: region.id, kind: "company", name: "Stille Partner BV", created_at: new Date("2025-01-01T10:00:00Z"), updated_at: TEST_NOW }).execute();
    const run = await schakel("health", "recompute", "--region", regionSlug);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Recomputed 1 organisations in \d+ ms: 1 changed state, 0 follow-up tasks created\.\n$/);
    const health = await t.db.selectFrom("organisation_health").select("state").where("region_id", "=", region.id).execute();
    expect(health).toEqual([{ state: "cold" }]);

    const unknown = await schakel("health", "recompute", "--region", "atlantis");
    expect(unknown.code).not.toBe(0);
    expect(linesOf(unknown.stderr)).toHaveLength(1);
    expect(unknown.stderr).toContain("atlantis");
  });

  it("runs the nightly incremental recompute by hand: the organisations due, none the day after a full run", async () => {
    // The full run above set every organisation's recheck day after today: nothing is due.
    const run = await schakel("health", "recompute", "--incremental");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Recomputed 0 organisations in \d+ ms: 0 changed state, 0 follow-up tasks created\.\n$/);

    const both = await schakel("health", "recompute", "--incremental", "--region", regionSlug);
    expect(both.code).not.toBe(0);
    expect(linesOf(both.stderr)).toHaveLength(1);
    expect(both.stderr).toContain("--incremental");
  });

  it("prints a new API token on the last line, stores only its hash, and the token works against the API", async () => {
    const run = await schakel("token", "create", "--email", adminEmail, "--name", "reporting script");

    expect(run.code).toBe(0);
    const token = linesOf(run.stdout).at(-1) ?? "";
    expect(token).toMatch(/^skl_\S{20,}$/);
    const stored = await t.db.selectFrom("api_tokens").select(["name", "token_hash"]).where("name", "=", "reporting script").executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashSecret(token));
    expect(stored.token_hash).not.toContain(token);

    const api = createTestApp(t.db, { now: TEST_NOW });
    const response = await api.request("/api/v1/users", { token });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { items: Array<{ email: string }> }).items.map((user) => user.email)).toContain(adminEmail);
  });

  it("prints a new inbound mail secret on the last line with the webhook address; only its hash is kept, the previous one stops working; an unknown region is one line on stderr", async () => {
    const [first, unknown] = await Promise.all([schakel("mail", "secret", "--region", regionSlug), schakel("mail", "secret", "--region", "atlantis")]);
    expect(first.code).toBe(0);
    const secret = linesOf(first.stdout).at(-1) ?? "";
    expect(secret).toMatch(/^inb_\S{20,}$/);
    expect(first.stderr).toContain(`POST ${TEST_APP_URL}/api/v1/inbound/mail`);
    expect(first.stderr).toContain("Authorization: Bearer <secret>");
    const region = await t.db.selectFrom("regions").select("id").where("slug", "=", regionSlug).executeTakeFirstOrThrow();
    expect(await regionOfInboundSecret(t.db, secret)).toBe(region.id);

    const second = await schakel("mail", "secret", "--region", regionSlug);
    const replacement = linesOf(second.stdout).at(-1) ?? "";
    expect(replacement).not.toBe(secret);
    const stored = await t.db.selectFrom("mail_capture_settings").select("inbound_secret_hash").where("region_id", "=", region.id).executeTakeFirstOrThrow();
    expect(stored.inbound_secret_hash).toBe(hashSecret(replacement));
    expect(await regionOfInboundSecret(t.db, secret)).toBeNull();
    const audited = await t.db.selectFrom("audit_log").select("actor_id").where("action", "=", "mail.inbound_secret.rotate").where("region_id", "=", region.id).execute();
    expect(audited).toEqual([{ actor_id: null }, { actor_id: null }]);

    expect(unknown.code).not.toBe(0);
    expect(linesOf(unknown.stderr)).toHaveLength(1);
    expect(unknown.stderr).toContain("atlantis");
  });

  it("configures a region's school-account sign-in with sso set, stores the secret encrypted, and never prints it again", async () => {
    const secret = "super-geheim-client-secret-1234";
    const set = await schakel("sso", "set", "--region", regionSlug, "--issuer", "https://login.microsoftonline.com/0a1b2c3d-0000-4000-8000-123456789abc/v2.0",
      "--client-id", "app-123", "--client-secret", secret, "--domains", "School.nl, college.nl", "--label", "Microsoft");
    expect(set.code).toBe(0);
    expect(set.stdout + set.stderr).not.toContain(secret);
    expect(set.stderr).toContain(`${TEST_APP_URL}/auth/oidc/callback`);
    const row = await t.db.selectFrom("oidc_providers").select(["client_secret", "kind", "client_id"]).executeTakeFirstOrThrow();
    expect(row.client_secret).toMatch(/^v1:/);
    expect(row.client_secret).not.toContain(secret);
    expect(row.kind).toBe("entra");

    const show = await schakel("sso", "show", "--region", regionSlug);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("client id:           app-123");
    expect(show.stdout).toContain("domains:             college.nl, school.nl");
    expect(show.stdout).toContain("(stored encrypted; not shown)");
    expect(show.stdout).not.toContain(secret);
  }, 120_000);

  it("refuses Entra's shared tenants, a domain another region claims, and an http issuer, each with one line on stderr", async () => {
    const otherRegion = await makeRegion(t.db);
    const [shared, taken, plain] = await Promise.all([
      schakel("sso", "set", "--region", otherRegion.slug, "--issuer", "https://login.microsoftonline.com/common/v2.0", "--client-id", "x", "--client-secret", "y"),
      schakel("sso", "set", "--region", otherRegion.slug, "--issuer", "https://idp.example.org", "--client-id", "x", "--client-secret", "y", "--domains", "school.nl"),
      schakel("sso", "set", "--region", otherRegion.slug, "--issuer", "http://idp.example.org", "--client-id", "x", "--client-secret", "y"),
    ]);
    for (const run of [shared, taken, plain]) {
      expect(run.code).not.toBe(0);
      expect(linesOf(run.stderr).filter((line) => line.startsWith("schakel:"))).toHaveLength(1);
    }
    expect(shared.stderr).toContain("not common, organizations or consumers");
    expect(taken.stderr).toContain("The domain school.nl already belongs to another region");
    expect(await t.db.selectFrom("oidc_providers").select("region_id").where("region_id", "=", otherRegion.id).execute()).toEqual([]);
  }, 120_000);

  it("removes a region's school-account sign-in with sso remove", async () => {
    const removed = await schakel("sso", "remove", "--region", regionSlug);
    expect(removed.code).toBe(0);
    expect(await t.db.selectFrom("oidc_providers").select("region_id").execute()).toEqual([]);
    const again = await schakel("sso", "show", "--region", regionSlug);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("has no identity provider");
  }, 120_000);
});
