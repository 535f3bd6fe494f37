import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeColumns } from "../../server/domains/imports/imports.service";
import { createTestDatabase, type TestDatabase } from "../support/database";
import { makeRegion } from "../support/factories";

/**
 * What an import pays per organisation beyond its own rows (decision 149): the ANALYZE before the
 * health recompute gathers the tables' column statistics but not those of search's expression
 * indexes, and search's typo keys are computed by a function as fast as the index needs it.
 */
describe("the import's work per row", () => {
  let t: TestDatabase;
  let regionId: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    regionId = (await makeRegion(t.db)).id;
  });
  afterAll(async () => {
    await t.drop();
  });

  it("its ANALYZE refreshes every column's statistics and the row count, not the expression indexes' statistics", async () => {
    const rolledBack = new Error("rolled back");
    await t.db
      .transaction()
      .execute(async (trx) => {
        await sql`
          insert into organisations (region_id, kind, name, kvk_number, city, status)
          select ${regionId}::uuid, 'company', 'Analyse Bedrijf ' || i, (20000000 + i)::text, 'Enschede', case when i % 3 = 0 then 'prospect' else 'active' end
          from generate_series(1, 1000) as i`.execute(trx);
        // Whatever an earlier analyze (or autovacuum) left is gone, inside this transaction only.
        await sql`delete from pg_statistic where starelid in ('organisations'::regclass, 'organisations_name_typo_idx'::regclass, 'organisations_name_trgm_idx'::regclass)`.execute(trx);

        await analyzeColumns(trx, ["organisations"]);

        const stats = await sql<{ tablename: string; attname: string }>`
          select tablename, attname from pg_stats
          where tablename in ('organisations', 'organisations_name_typo_idx', 'organisations_name_trgm_idx')`.execute(trx);
        const columns = stats.rows.filter((row) => row.tablename === "organisations").map((row) => row.attname);
        expect(columns).toEqual(expect.arrayContaining(["id", "region_id", "status", "archived_at", "tier", "account_holder_id", "created_at", "name"]));
        expect(stats.rows.filter((row) => row.tablename !== "organisations")).toEqual([]);
        const { rows: [counted] } = await sql<{ reltuples: number }>`select reltuples from pg_class where oid = 'organisations'::regclass`.execute(trx);
        expect(counted!.reltuples).toBeGreaterThanOrEqual(1000);
        throw rolledBack;
      })
      .catch((error: unknown) => {
        if (error !== rolledBack) throw error;
      });
  });

  it("search's typo keys are the ones the first definition gave, in the same order", async () => {
    // The definition of 2026_12_07_1500 (decision 122), as it was.
    const original = sql`
      (select coalesce(array_agg(distinct key), '{}')
       from unnest(regexp_split_to_array(public.immutable_unaccent(lower(n.name)), '[^[:alnum:]]+')) as word,
         lateral (select word as key union all select left(word, i - 1) || substr(word, i + 1) from generate_series(1, length(word)) as i) as keys
       where length(word) >= 4)`;
    const names = [
      "", " ", "a b c", "abc", "abcd", "aaaa aaaa", "AAAA aaaa AaAa", "Hulshof Installatietechniek", "huslhof", "Één-Twee drie/vier",
      "Ğülşen Ünal-Çelik", "  leading  and   trailing  ", "ÆØÅ straße", "12345 6789", "Bakkerij 't Hoekje B.V.", "O'Brien & Zn.",
      "naïve café", "日本語 テスト", "Contact Persoon 123", "Organisatie 000042", "x".repeat(200), "lang ".repeat(40),
      ...Array.from({ length: 200 }, (_, i) => `Bedrijf ${i} ${String.fromCharCode(97 + (i % 26)).repeat(1 + (i % 7))}-${i * 37}`),
    ];
    const { rows } = await sql<{ name: string; now: string[]; before: string[] }>`
      select n.name, public.search_typo_keys(n.name) as now, ${original} as before
      from unnest(${names}::text[]) as n(name)`.execute(t.db);
    expect(rows).toHaveLength(names.length);
    for (const row of rows) expect(row.now, row.name).toEqual(row.before);
    const { rows: [none] } = await sql<{ keys: string[] | null }>`select public.search_typo_keys(null) as keys`.execute(t.db);
    expect(none!.keys).toBeNull();
  });
});
