import { type Kysely, sql } from "kysely";

// Frozen in time: a migration never imports application code.
//
// Search's typo tolerance, phone numbers and email addresses (decision 122).
//
// Trigram word similarity alone forgave a wrong letter late in a word ("hulshf") but not a missing
// one in the middle ("hulsof": 0.57 against the 0.6 threshold) nor two swapped letters ("huslhof":
// 0.33): one edit in a short word breaks up to four of its seven or eight trigrams. A word's typo
// keys are the word and each form of it with one letter left out; two words of four letters or more
// are one letter apart (missing, extra, wrong or two swapped) exactly when their keys share one, so
// a GIN index over the keys finds every such name, and only those (the "symmetric delete" of
// spelling correctors).
//
// Functions in index expressions name their schema: a restore evaluates them with an empty search_path.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function search_typo_keys(value text) returns text[]
      language sql immutable strict parallel safe
      return (
        select coalesce(array_agg(distinct key), '{}')
        from unnest(regexp_split_to_array(public.immutable_unaccent(lower(value)), '[^[:alnum:]]+')) as word,
          lateral (select word as key union all select left(word, i - 1) || substr(word, i + 1) from generate_series(1, length(word)) as i) as keys
        where length(word) >= 4
      )
  `.execute(db);
  // A phone number's digits, Dutch numbers in their national form: "06 1234 5678", "0612345678",
  // "+31 6 12345678", "0031 (0)6-12345678" all become 0612345678.
  await sql`
    create function search_phone_digits(value text) returns text
      language sql immutable strict parallel safe
      return case
        when value ~ '^\\s*(\\+|00)\\s*31' then '0' || regexp_replace(regexp_replace(value, '\\D', '', 'g'), '^(00)?310?', '')
        else regexp_replace(value, '\\D', '', 'g')
      end
  `.execute(db);

  await sql`create index organisations_name_typo_idx on organisations using gin (public.search_typo_keys(name))`.execute(db);
  await sql`create index people_name_typo_idx on people using gin (public.search_typo_keys(name))`.execute(db);
  await sql`create index people_phone_trgm_idx on people using gin (public.search_phone_digits(phone) gin_trgm_ops) where phone is not null`.execute(db);
  await sql`create index people_email_trgm_idx on people using gin (lower(email) gin_trgm_ops) where email is not null`.execute(db);
  // Without it the website condition alone turned the organisation search into a scan of the region's
  // names, computing every name's typo keys: 150 ms instead of a few on the national set.
  await sql`create index organisations_website_trgm_idx on organisations using gin (lower(website) gin_trgm_ops) where website is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists organisations_website_trgm_idx`.execute(db);
  await sql`drop index if exists people_email_trgm_idx`.execute(db);
  await sql`drop index if exists people_phone_trgm_idx`.execute(db);
  await sql`drop index if exists people_name_typo_idx`.execute(db);
  await sql`drop index if exists organisations_name_typo_idx`.execute(db);
  await sql`drop function if exists search_phone_digits(text)`.execute(db);
  await sql`drop function if exists search_typo_keys(text)`.execute(db);
}
