import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
//
// search_typo_keys (2026_12_07_1500, decision 122) gives the same keys in the same order, computed
// about four times faster (decision 149). Every insert into organisations and people evaluates it
// for the typo index, so a 10,000-row import evaluated it 20,000 times, and an import's ANALYZE
// once per sampled row. As an SQL function with a subquery it is never inlined: each call started
// an executor for unnest, the lateral union and generate_series (about 100 µs a name on the shared
// build machine). Here the loops are PL/pgSQL's simple expressions and one query sorts and removes
// the duplicates, as array_agg(distinct …) did, so the result is identical, order included.
//
// The result does not change, so the indexes over it stay valid: no reindex. The function keeps its
// oid, so the indexes and search's queries (search_typo_keys(name) && search_typo_keys(word)) keep
// using it. Functions in index expressions name their schema: a restore evaluates them with an
// empty search_path.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function public.search_typo_keys(value text) returns text[]
      language plpgsql immutable strict parallel safe
      as $body$
      declare
        word text;
        keys text[] := '{}';
      begin
        foreach word in array regexp_split_to_array(public.immutable_unaccent(lower(value)), '[^[:alnum:]]+') loop
          if length(word) >= 4 then
            keys := keys || word;
            for i in 1 .. length(word) loop
              keys := keys || (left(word, i - 1) || substr(word, i + 1));
            end loop;
          end if;
        end loop;
        return array(select distinct key from unnest(keys) as key order by key);
      end
      $body$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function public.search_typo_keys(value text) returns text[]
      language sql immutable strict parallel safe
      return (
        select coalesce(array_agg(distinct key), '{}')
        from unnest(regexp_split_to_array(public.immutable_unaccent(lower(value)), '[^[:alnum:]]+')) as word,
          lateral (select word as key union all select left(word, i - 1) || substr(word, i + 1) from generate_series(1, length(word)) as i) as keys
        where length(word) >= 4
      )
  `.execute(db);
}
