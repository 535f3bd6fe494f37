import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadNational } from "../../db/seed/national";
import type { Database } from "../../server/db/database";
import { withoutRowSecurity } from "../../server/db/system-query";
import { currentRegionScope, inThisRegionScope, runInRegionScope, runOutsideRegionScope } from "../../server/db/region-scope";
import { CookieJar, createTestApp } from "../support/app";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { sendRequestedPasswordResets } from "../../server/domains/users/users.service";
import { addSenderAddress } from "../../server/domains/mail-capture/mail-capture.addresses";
import { makeRegion, makeUser, makeUserWithToken, TEST_NOW, TEST_PASSWORD } from "../support/factories";

// Two regions of the national generator at a tiny size: every core table has rows of both.
const SIZE = { regions: 2, organisations: 40, people: 80, interactions: 200, activities: 40, commitments: 30 };

/** Tables the data set above fills for both regions: their checks below cannot pass by being empty. */
const FILLED = ["organisations", "people", "affiliations", "interactions", "activities", "commitments", "commitment_realisations", "users", "subregions", "school_year_budgets", "account_holder_periods"];

/** Every table with a region_id column, read from the catalogue so a new table is covered too. */
async function regionScopedTables(t: TestDatabase): Promise<string[]> {
  const result = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attname = 'region_id' and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p')
    order by c.relname`.execute(t.db);
  return result.rows.map((row) => row.name);
}

/** Rows per region of a table, as the unrestricted login role sees them. */
async function rowsByRegion(t: TestDatabase, table: string) {
  const result = await sql<{ region_id: string | null; n: string }>`select region_id, count(*) as n from ${sql.table(table)} group by region_id`.execute(t.db);
  return new Map(result.rows.map((row) => [row.region_id, Number(row.n)]));
}

describe("row-level security: a query that forgets its region still sees only its own", () => {
  let t: TestDatabase;
  let tables: string[];
  let regionA: string;
  let regionB: string;
  let sharedActivityId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    await loadNational(t.db, t.url, { now: TEST_NOW, size: SIZE, health: false });
    const regions = await t.db.selectFrom("regions").select("id").orderBy("slug").execute();
    [regionA, regionB] = regions.map((r) => r.id) as [string, string];
    // An activity of region B opened to region A (a teacher training both regions may join).
    const shared = await t.db.selectFrom("activities").select("id").where("region_id", "=", regionB).orderBy("id").limit(1).executeTakeFirstOrThrow();
    sharedActivityId = shared.id;
    await t.db.updateTable("activities").set({ shared_with_region_ids: sql`array[${regionA}::uuid]` as never }).where("id", "=", sharedActivityId).execute();
    tables = await regionScopedTables(t);
  }, 120_000);
  afterAll(() => t.drop());

  it("has row-level security with the region policy on every table that has a region_id", async () => {
    expect(tables).toEqual(expect.arrayContaining(["organisations", "people", "interactions", "activities", "commitments", "audit_log"]));
    const result = await sql<{ name: string; enabled: boolean; policy: boolean }>`
      select c.relname as name, c.relrowsecurity as enabled,
        exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'region_scope'
          and p.polroles = array[(select oid from pg_roles where rolname = 'schakel_request')]) as policy
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relname = any(${tables})`.execute(t.db);
    const unprotected = result.rows.filter((row) => !row.enabled || !row.policy).map((row) => row.name);
    // A new table with a region_id must call enable_region_row_security('<table>') in its migration.
    expect(unprotected).toEqual([]);
  });

  it("the request role may read and write every table, including tables of later migrations", async () => {
    const result = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname not like 'kysely_%'
        and not (has_table_privilege('schakel_request', c.oid, 'select')
          and has_table_privilege('schakel_request', c.oid, 'insert')
          and has_table_privilege('schakel_request', c.oid, 'update')
          and has_table_privilege('schakel_request', c.oid, 'delete'))`.execute(t.db);
    expect(result.rows.map((row) => row.name)).toEqual([]);
  });

  it("inside region A's scope, unscoped selects of organisations, people, contact moments, activities and commitments return only region A's rows", async () => {
    const inA = await runInRegionScope(regionA, async () => ({
      organisations: await t.db.selectFrom("organisations").selectAll().execute(),
      people: await t.db.selectFrom("people").selectAll().execute(),
      interactions: await t.db.selectFrom("interactions").selectAll().execute(),
      activities: await t.db.selectFrom("activities").selectAll().execute(),
      commitments: await t.db.selectFrom("commitments").selectAll().execute(),
    }));
    for (const [table, rows] of Object.entries(inA)) {
      const counts = await rowsByRegion(t, table);
      expect(counts.get(regionB), `${table} has rows of region B`).toBeGreaterThan(0);
      const own = rows.filter((row) => row.region_id === regionA);
      expect(own.length, `${table}: all of region A's rows`).toBe(counts.get(regionA));
      const foreign = rows.filter((row) => row.region_id !== regionA).map((row) => row.id);
      expect(foreign, `${table}: nothing of region B`).toEqual(table === "activities" ? [sharedActivityId] : []);
    }
  });

  it("inside region A's scope, every region-scoped table shows all of region A's rows and none of another region", async () => {
    for (const table of tables) {
      const counts = await rowsByRegion(t, table);
      if (FILLED.includes(table)) expect(counts.get(regionB), `${table} has rows of region B`).toBeGreaterThan(0);
      const seen = await runInRegionScope(regionA, () => rowsByRegion(t, table));
      const expected = new Map<string | null, number>();
      if (counts.get(regionA)) expected.set(regionA, counts.get(regionA)!);
      if (table === "activities") expected.set(regionB, 1);
      expect(seen, table).toEqual(expected);
    }
  });

  it("a raw SQL query inside the scope is limited the same way", async () => {
    const names = await runInRegionScope(regionA, () =>
      sql<{ region_id: string }>`select distinct region_id from organisations`.execute(t.db));
    expect(names.rows).toEqual([{ region_id: regionA }]);
  });

  it("inside region A's scope, a row of region B cannot be inserted, updated, moved or deleted", async () => {
    const orgOfB = await t.db.selectFrom("organisations").select(["id", "name"]).where("region_id", "=", regionB).limit(1).executeTakeFirstOrThrow();
    const orgOfA = await t.db.selectFrom("organisations").select(["id", "name"]).where("region_id", "=", regionA).limit(1).executeTakeFirstOrThrow();
    await runInRegionScope(regionA, async () => {
      await expect(t.db.insertInto("organisations").values({ region_id: regionB, kind: "company", name: "Inbreker BV", tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).execute())
        .rejects.toThrow(/row-level security/);
      const updated = await t.db.updateTable("organisations").set({ name: "Overgenomen" }).where("id", "=", orgOfB.id).executeTakeFirst();
      expect(updated.numUpdatedRows).toBe(0n);
      await expect(t.db.updateTable("organisations").set({ region_id: regionB }).where("id", "=", orgOfA.id).execute()).rejects.toThrow(/row-level security/);
      const deleted = await t.db.deleteFrom("audit_log").where("region_id", "=", regionB).executeTakeFirst();
      expect(deleted.numDeletedRows).toBe(0n);
      // The activity shared with A is A's to read, not to change.
      const sharedUpdate = await t.db.updateTable("activities").set({ title: "Gekaapt" }).where("id", "=", sharedActivityId).executeTakeFirst();
      expect(sharedUpdate.numUpdatedRows).toBe(0n);
    });
    const after = await t.db.selectFrom("organisations").select("name").where("id", "in", [orgOfA.id, orgOfB.id]).orderBy("id").execute();
    expect(after.map((o) => o.name).sort()).toEqual([orgOfA.name, orgOfB.name].sort());
    const shared = await t.db.selectFrom("activities").select("title").where("id", "=", sharedActivityId).executeTakeFirstOrThrow();
    expect(shared.title).not.toBe("Gekaapt");
  });

  it("a transaction inside the scope is limited too, and a failed write in it leaves nothing", async () => {
    const before = await rowsByRegion(t, "organisations");
    await runInRegionScope(regionA, async () => {
      const attempt = t.db.transaction().execute(async (trx) => {
        await trx.insertInto("organisations").values({ region_id: regionA, kind: "company", name: "Eigen BV", tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).execute();
        const visible = await trx.selectFrom("organisations").select("region_id").distinct().execute();
        expect(visible).toEqual([{ region_id: regionA }]);
        await trx.insertInto("organisations").values({ region_id: regionB, kind: "company", name: "Inbreker BV", tags: [], vmbo_profiles: [], learning_paths: [], crebo_numbers: [] }).execute();
      });
      await expect(attempt).rejects.toThrow(/row-level security/);
    });
    expect(await rowsByRegion(t, "organisations")).toEqual(before);
  });

  it("outside any scope, and when stepping out of one deliberately, everything is visible", async () => {
    const all = await t.db.selectFrom("organisations").select("region_id").distinct().execute();
    expect(new Set(all.map((o) => o.region_id))).toEqual(new Set([regionA, regionB]));
    // Connections the scope used go back to the login role: the pool is small, so they are reused here.
    await runInRegionScope(regionA, () => Promise.all([1, 2, 3, 4, 5].map(() => t.db.selectFrom("organisations").select("id").execute())));
    for (let i = 0; i < 8; i++) {
      const who = await sql<{ role: string; region: string | null }>`select current_user as role, nullif(current_setting('schakel.region_id', true), '') as region`.execute(t.db);
      expect(who.rows[0]).toEqual({ role: expect.not.stringMatching(/^schakel_request$/), region: null });
    }
    const outside = await runInRegionScope(regionA, () =>
      runOutsideRegionScope(async () => {
        expect(currentRegionScope()).toBeNull();
        return t.db.selectFrom("organisations").select("region_id").distinct().execute();
      }));
    expect(outside).toHaveLength(2);
  });

  it("search and the import's ANALYZE step out of the limit for their own statements only, also inside a request's transaction", async () => {
    const regions = (db: Database) => db.selectFrom("organisations").select("region_id").distinct().execute();
    await runInRegionScope(regionA, async () => {
      expect(await withoutRowSecurity(t.db, regions)).toHaveLength(2);
      await t.db.transaction().execute(async (trx) => {
        expect(await regions(trx)).toEqual([{ region_id: regionA }]);
        expect(await withoutRowSecurity(trx, regions)).toHaveLength(2);
        // The rest of the transaction is limited again.
        expect(await regions(trx)).toEqual([{ region_id: regionA }]);
      });
      expect(await regions(t.db)).toEqual([{ region_id: regionA }]);
    });
  });

  it("a region id that is not a uuid is refused before it reaches the database", () => {
    expect(() => runInRegionScope("x'); drop table organisations; --", () => 1)).toThrow(/Not a region id/);
  });

  it("a signed-in request (API and page) runs as the restricted role in the user's region; signing in runs before anyone is known", async () => {
    // A temporary probe: triggers that write down who ran the statement that fired them.
    await sql`create table rls_probe (tbl text, who text, region text)`.execute(t.db);
    await sql`
      create function rls_probe() returns trigger language plpgsql as $$
      begin
        insert into rls_probe values (tg_table_name, current_user, nullif(current_setting('schakel.region_id', true), ''));
        return null;
      end $$`.execute(t.db);
    await sql`create trigger rls_probe after insert on organisations for each row execute function rls_probe()`.execute(t.db);
    await sql`create trigger rls_probe after insert on sessions for each row execute function rls_probe()`.execute(t.db);
    const login = (await sql<{ who: string }>`select current_user as who`.execute(t.db)).rows[0]!.who;

    const app = createTestApp(t.db, { remix: true, now: TEST_NOW });
    const { user, token } = await makeUserWithToken(t.db, { regionId: regionA, role: "accounthouder" });
    const created = await app.request("/api/v1/organisations", { method: "POST", token, body: JSON.stringify({ kind: "company", name: "Via de API BV" }) });
    expect(created.status).toBe(201);

    const jar = new CookieJar();
    const signedIn = await app.postForm("/sign-in", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar });
    expect(signedIn.status).toBe(302);
    const page = await app.postForm("/organisations/new", { intent: "save", kind: "company", tier: "regular", status: "active", tags: "", name: "Via de pagina BV", accountHolderId: "" }, { jar });
    expect(page.status).toBe(302);

    const probes = await sql<{ tbl: string; who: string; region: string | null }>`select * from rls_probe`.execute(t.db);
    expect(probes.rows).toEqual([
      { tbl: "organisations", who: "schakel_request", region: regionA },
      { tbl: "sessions", who: login, region: null },
      { tbl: "organisations", who: "schakel_request", region: regionA },
    ]);
    await sql`drop trigger rls_probe on organisations`.execute(t.db);
    await sql`drop trigger rls_probe on sessions`.execute(t.db);
  });
});

describe("a streamed download", () => {
  it("reads its rows in the region scope it was made in, even when the response writer reads outside it", async () => {
    async function* scopes() {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        yield currentRegionScope();
      }
    }
    const region = "5d0f6f4e-7c59-4c1a-9a3e-0c6c2f7f1a11";
    const stream = runInRegionScope(region, () => inThisRegionScope(scopes()));
    const seen: Array<string | null> = [];
    for await (const scope of stream) seen.push(scope);
    expect(seen).toEqual([region, region, region]);
  });
});

describe("account pages about someone else's account, opened in a browser signed in to another region", () => {
  let t: TestDatabase;
  let app: ReturnType<typeof createTestApp>;
  const jarOfA = new CookieJar();
  let regionOfA: string;
  let regionB: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    app = createTestApp(t.db, { remix: true, now: TEST_NOW });
    regionOfA = (await makeRegion(t.db)).id;
    regionB = (await makeRegion(t.db)).id;
    const userOfA = await makeUser(t.db, { regionId: regionOfA, role: "accounthouder" });
    const signedIn = await app.postForm("/sign-in", { email: userOfA.email, password: TEST_PASSWORD, redirectTo: "/" }, { jar: jarOfA });
    expect(signedIn.status).toBe(302);
  });
  afterAll(() => t.drop());

  const linkIn = async (address: string, template: string) => {
    const email = await t.db.selectFrom("email_outbox").select("text").where("to_address", "=", address).where("template", "=", template).orderBy("created_at", "desc").executeTakeFirstOrThrow();
    return /http:\/\/schakel\.test(\/[\w-]+\/[\w-]+)/.exec(email.text)![1]!;
  };

  it("accepts an invitation to another region (the invitation finds its user by the token, not by who is signed in)", async () => {
    const invited = await makeUser(t.db, { regionId: regionB, role: "accounthouder", invited: true });
    const link = await linkIn(invited.email, "invitation");
    const form = await app.get(link, { jar: jarOfA });
    expect(await form.text()).toContain('name="password"');
    const accepted = await app.postForm(link, { password: "a brand new passphrase", confirm: "a brand new passphrase" }, { jar: jarOfA });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("location")).toBe("/");
    const user = await t.db.selectFrom("users").select("password_hash").where("id", "=", invited.id).executeTakeFirstOrThrow();
    expect(user.password_hash).not.toBeNull();
  });

  it("sends a password reset link to a user of another region, who can then choose a password", async () => {
    const userOfB = await makeUser(t.db, { regionId: regionB, role: "accounthouder" });
    const requested = await app.postForm("/forgot-password", { email: userOfB.email }, { jar: jarOfA });
    expect(requested.status).toBe(200);
    await sendRequestedPasswordResets(t.db, { now: TEST_NOW, appUrl: app.appUrl });
    const link = await linkIn(userOfB.email, "password_reset");
    const chosen = await app.postForm(link, { password: "another fine passphrase", confirm: "another fine passphrase" }, { jar: jarOfA });
    expect(chosen.status).toBe(302);
    expect(chosen.headers.get("location")).toBe("/sign-in?passwordSet=1");
  });

  it("confirms a sender address of a user of another region (the link finds its address by the token, not by who is signed in)", async () => {
    const userOfB = await makeUser(t.db, { regionId: regionB, role: "accounthouder" });
    await addSenderAddress(t.db, { regionId: regionB, userId: userOfB.id, role: "accounthouder", organisationId: null }, "b.prive@thuis.example", { actor: null, now: TEST_NOW, appUrl: app.appUrl });
    const link = /http:\/\/schakel\.test(\/profile\/mail-addresses\/confirm\/[\w-]+)/.exec(
      (await t.db.selectFrom("email_outbox").select("text").where("to_address", "=", "b.prive@thuis.example").executeTakeFirstOrThrow()).text,
    )![1]!;
    expect(await (await app.get(link, { jar: jarOfA })).text()).toContain("Bevestig dat b.prive@thuis.example uw adres is.");
    expect((await app.postForm(link, { intent: "confirm" }, { jar: jarOfA })).status).toBe(200);
    const row = await t.db.selectFrom("mail_sender_addresses").select(["confirmed_at", "user_id"]).where("email", "=", "b.prive@thuis.example").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: userOfB.id, confirmed_at: expect.any(Date) });
  });

  it("refuses to invite an email address a user of another region already has, with the same field error as before", async () => {
    const userOfB = await makeUser(t.db, { regionId: regionB, role: "accounthouder" });
    const { token } = await makeUserWithToken(t.db, { regionId: regionOfA, role: "admin" });
    const response = await app.request("/api/v1/users", { method: "POST", token, body: JSON.stringify({ email: userOfB.email, name: "Dubbel", role: "accounthouder" }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; fields?: Record<string, string> } };
    expect(body.error.code).toBe("VALIDATION_FAILED");
    expect(body.error.fields?.email).toBeDefined();
  });
});
