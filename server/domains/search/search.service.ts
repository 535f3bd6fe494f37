import { type RawBuilder, sql } from "kysely";
import type { Scope } from "../../auth/current-user";
import type { Database } from "../../db/database";
import { containsPattern } from "../../db/like";
import { decodeCursor, keysetPage } from "../../db/pagination";
import { withoutRowSecurity } from "../../db/system-query";
import { currentOrganisationName } from "../people/people.current-organisation";

export type SearchResults = {
  organisations: Array<{ id: string; name: string; kind: string; city: string | null }>;
  people: Array<{ id: string; name: string; organisationName: string | null }>;
  /** The next page of each kind, null when there is none. */
  organisationsNextCursor: string | null;
  peopleNextCursor: string | null;
};

export type SearchOptions = {
  limit?: number;
  /** A cursor asks for the next page of its own kind only; the other kind then comes back empty. */
  organisationsCursor?: string | undefined;
  peopleCursor?: string | undefined;
};

/** A search of at least six digits made of phone characters only is a phone number. */
const PHONE = /^[\d\s+()\-./]+$/;
const NONE = "00000000-0000-0000-0000-000000000000";
const CURSOR_KINDS = ["int", "text", "uuid"] as const;

/**
 * One search over organisations and people, blind to case and accents and tolerant of typos, best
 * matches first, a page of each kind with its own cursor. A name matches when it contains the text,
 * when its words are similar (pg_trgm's word similarity, the trigram indexes), or when every longer
 * word of the text is one letter away from a word of the name: missing, extra, wrong or two swapped
 * (the typo-key indexes, decision 122). A person is also found by their email address or a part of
 * it with its @ or a dot (the local part, the domain), and by their phone number however it is
 * written; an organisation by its website's domain when the text is an email address or a domain.
 */
export function searchEverything(db: Database, scope: Scope, text: string, options: SearchOptions = {}): Promise<SearchResults> {
  // Both queries name the region (and a partner's organisation) themselves. Under row-level
  // security PostgreSQL will not use the trigram indexes (their operators are not leakproof), which
  // doubled the API search's p95 on the national set; so search runs as the login role.
  return withoutRowSecurity(db, (system) => search(system, scope, text, options));
}

const empty: SearchResults = { organisations: [], people: [], organisationsNextCursor: null, peopleNextCursor: null };

/** What the text asks for, worked out once for both queries. */
type Needle = {
  term: RawBuilder<unknown>;
  contains: string;
  /** The words of four letters or more, each of which must be at most one letter off. */
  typoWords: string[];
  /** The digits of a phone number, national form (search_phone_digits), or null. */
  phone: string | null;
  /** One word with an @ or a dot in it: an email address or part of one (local part, domain), or null. */
  email: string | null;
  /** A domain to look for in websites: after the @ of an email address, or a text that looks like one. */
  domain: string | null;
};

function needleOf(text: string): Needle | null {
  const needle = text.trim().toLowerCase();
  if (needle.length < 2) return null;
  const digits = needle.replace(/\D/g, "");
  const isPhone = PHONE.test(needle) && digits.length >= 6;
  const isOneToken = !/\s/.test(needle);
  const domain = needle.includes("@") ? needle.slice(needle.lastIndexOf("@") + 1) : /^[\p{L}\d-]+(\.[\p{L}\d-]+)+$/u.test(needle) ? needle : "";
  return {
    term: sql`immutable_unaccent(${needle}::text)`,
    contains: containsPattern(needle),
    typoWords: isPhone || needle.includes("@") ? [] : needle.split(/[^\p{L}\d]+/u).filter((word) => word.length >= 4),
    phone: isPhone ? needle : null,
    email: isOneToken && needle.length >= 3 && /[@.]/.test(needle) && !isPhone ? needle : null,
    domain: domain.length >= 4 && domain.includes(".") ? domain : null,
  };
}

/** The name conditions; `typo` is the index-backed any-word overlap, then each word on its own. */
function nameMatches(column: RawBuilder<unknown>, needle: Needle): RawBuilder<boolean> {
  const alternatives = [
    sql`immutable_unaccent(lower(${column})) like immutable_unaccent(${needle.contains}::text)`,
    sql`${needle.term} <% immutable_unaccent(lower(${column}))`,
  ];
  // The overlap with all the words' keys is what the index answers; with more than one word, each
  // must then match on its own.
  const [only, ...more] = needle.typoWords;
  if (only !== undefined && more.length === 0) alternatives.push(sql`search_typo_keys(${column}) && search_typo_keys(${only}::text)`);
  if (more.length) {
    const eachWord = sql.join(needle.typoWords.map((word) => sql`search_typo_keys(${column}) && search_typo_keys(${word}::text)`), sql` and `);
    alternatives.push(sql`(search_typo_keys(${column}) && search_typo_keys(${needle.typoWords.join(" ")}::text) and ${eachWord})`);
  }
  return sql<boolean>`(${sql.join(alternatives, sql` or `)})`;
}

/** Best first: word similarity in thousandths (an exact email address counts as a perfect match), then name, then id. */
function keysetAfter(score: RawBuilder<number>, name: RawBuilder<unknown>, id: RawBuilder<unknown>, cursor: string): RawBuilder<boolean> {
  const [s, n, i] = decodeCursor(cursor, CURSOR_KINDS);
  return sql<boolean>`(${score} < ${s} or (${score} = ${s} and (${name}, ${id}) > (${n}, ${i}::uuid)))`;
}

async function search(db: Database, scope: Scope, text: string, options: SearchOptions): Promise<SearchResults> {
  const needle = needleOf(text);
  if (!needle) return empty;
  const limit = options.limit ?? 8;
  const paging = Boolean(options.organisationsCursor || options.peopleCursor);
  const wantOrganisations = !paging || Boolean(options.organisationsCursor);
  // A partner user searches only its own organisation; people are for the region's staff.
  const wantPeople = scope.role !== "partner" && (!paging || Boolean(options.peopleCursor));

  const organisations = wantOrganisations ? await searchOrganisations(db, scope, needle, limit, options.organisationsCursor) : { items: [], nextCursor: null };
  const people = wantPeople ? await searchPeople(db, scope, needle, limit, options.peopleCursor) : { items: [], nextCursor: null };
  return { organisations: organisations.items, people: people.items, organisationsNextCursor: organisations.nextCursor, peopleNextCursor: people.nextCursor };
}

type Page<T> = { items: T[]; nextCursor: string | null };

function pageOf<T extends { id: string; name: string; score: number }>(rows: T[], limit: number): Page<Omit<T, "score">> {
  const page = keysetPage(rows, limit, (last) => [last.score, last.name, last.id]);
  return { items: page.rows.map(({ score: _, ...row }) => row), nextCursor: page.nextCursor };
}

async function searchOrganisations(db: Database, scope: Scope, needle: Needle, limit: number, cursor: string | undefined) {
  const score = sql<number>`floor(word_similarity(${needle.term}, immutable_unaccent(lower(organisations.name))) * 1000)::int`;
  const byWebsite = needle.domain ? sql`(organisations.website is not null and lower(organisations.website) like ${containsPattern(needle.domain)})` : sql`false`;
  let query = db
    .selectFrom("organisations")
    .select(["id", "name", "kind", "city", score.as("score")])
    .where("region_id", "=", scope.regionId)
    .where("archived_at", "is", null)
    .where(sql<boolean>`(${byWebsite} or ${nameMatches(sql`organisations.name`, needle)})`)
    .orderBy(score, "desc")
    .orderBy("name")
    .orderBy("id")
    .limit(limit + 1);
  if (scope.role === "partner") query = query.where("id", "=", scope.organisationId ?? NONE);
  if (cursor) query = query.where(keysetAfter(score, sql`organisations.name`, sql`organisations.id`, cursor));
  return pageOf(await query.execute(), limit);
}

async function searchPeople(db: Database, scope: Scope, needle: Needle, limit: number, cursor: string | undefined) {
  const conditions: Array<RawBuilder<unknown>> = [];
  if (needle.phone) conditions.push(sql`(people.phone is not null and search_phone_digits(people.phone) like '%' || search_phone_digits(${needle.phone}::text) || '%')`);
  if (needle.email) conditions.push(sql`(people.email is not null and lower(people.email) like ${containsPattern(needle.email)})`);
  conditions.push(nameMatches(sql`people.name`, needle));
  const exactEmail = needle.email ? sql`lower(people.email) = ${needle.email}` : sql`false`;
  const score = sql<number>`(case when ${exactEmail} then 1000 else floor(word_similarity(${needle.term}, immutable_unaccent(lower(people.name))) * 1000)::int end)`;
  let query = db
    .selectFrom("people")
    .select([
      "people.id",
      "people.name",
      currentOrganisationName,
      score.as("score"),
    ])
    .where("people.region_id", "=", scope.regionId)
    .where("people.archived_at", "is", null)
    .where(sql<boolean>`(${sql.join(conditions, sql` or `)})`)
    .orderBy(score, "desc")
    .orderBy("people.name")
    .orderBy("people.id")
    .limit(limit + 1);
  if (cursor) query = query.where(keysetAfter(score, sql`people.name`, sql`people.id`, cursor));
  return pageOf(await query.execute(), limit);
}
