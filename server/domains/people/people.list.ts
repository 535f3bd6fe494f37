import { sql } from "kysely";
import type { Database } from "../../db/database";
import { afterCursor, type ListOrder, noneLastKeys, orderByOf, orderedPage, sortKeysColumn } from "../../db/pagination";
import { containsPattern } from "../../db/like";
import { defaultDirection, type PersonSort, type SortDirection } from "../lists/list-sorts";
import { currentOrganisationName } from "./people.current-organisation";
import type { ListPeopleInput } from "./people.schemas";
import { type PersonSummary, personColumns } from "./people.service";

const byName = { expr: sql`lower(people.name)`, kind: "text" } as const;
const CURRENT_ORGANISATION = sql`(select o.name from affiliations a join organisations o on o.id = a.organisation_id
  where a.person_id = people.id and a.end_date is null order by a.is_primary desc, a.start_date desc, a.id limit 1)`;

/**
 * The orders of the people list: by name, by where they work now (people without a current job
 * after the others, in both directions) or by email address (none last, in both directions); each
 * ends in the id so a keyset page is exact.
 * The organisation is the same one the list shows (`currentOrganisationName`: the primary job first).
 */
const SORT_KEYS: Record<PersonSort, (descending: boolean) => ListOrder["keys"]> = {
  name: () => [byName],
  organisation: (descending) => [...noneLastKeys(sql`lower(${CURRENT_ORGANISATION})`, descending), byName],
  email: (descending) => [...noneLastKeys(sql`people.email`, descending), byName],
};

export function personOrder(sort: PersonSort = "name", dir?: SortDirection): ListOrder {
  const direction = dir ?? defaultDirection(sort);
  return { name: `${sort}.${direction}`, keys: SORT_KEYS[sort](direction === "desc"), id: sql`people.id`, descending: direction === "desc" };
}

export type PersonListItem = PersonSummary & { organisationName: string | null };

/**
 * The region's people who are not archived, in the chosen order (keyset pagination), each with
 * the organisation they work at now; `q` filters on the name, ignoring case and accents,
 * `organisationId` on a current job there, `organisation` on a current job at a name like it, `hasEmail` on an address, `left` on having no current job
 * any more (true) or having one (false).
 */
export async function listPeople(
  db: Database,
  regionId: string,
  options: Omit<ListPeopleInput, "sort" | "dir"> & { sort?: PersonSort; dir?: SortDirection | undefined },
): Promise<{ items: PersonListItem[]; nextCursor: string | null }> {
  const order = personOrder(options.sort, options.dir);
  let query = db
    .selectFrom("people")
    .select(personColumns)
    .select((eb) => currentOrganisationName(eb))
    .select(sortKeysColumn(order))
    .where("people.region_id", "=", regionId)
    .where("people.archived_at", "is", null)
    .orderBy(orderByOf(order))
    .limit(options.limit + 1);
  if (options.q) {
    const pattern = containsPattern(options.q);
    query = query.where(sql<boolean>`immutable_unaccent(lower(people.name)) like immutable_unaccent(lower(${pattern}))`);
  }
  if (options.organisationId) {
    query = query.where(sql<boolean>`exists (select 1 from affiliations a where a.person_id = people.id and a.region_id = ${regionId}
      and a.organisation_id = ${options.organisationId} and a.end_date is null)`);
  }
  if (options.organisation) {
    query = query.where(sql<boolean>`exists (select 1 from affiliations a join organisations o on o.id = a.organisation_id
      where a.person_id = people.id and a.region_id = ${regionId} and a.end_date is null
      and immutable_unaccent(lower(o.name)) like immutable_unaccent(lower(${containsPattern(options.organisation)})))`);
  }
  if (options.hasEmail !== undefined) query = query.where("people.email", options.hasEmail ? "is not" : "is", null);
  if (options.left !== undefined) {
    const current = sql`exists (select 1 from affiliations a where a.person_id = people.id and a.end_date is null)`;
    const ever = sql`exists (select 1 from affiliations a where a.person_id = people.id)`;
    query = query.where(options.left ? sql<boolean>`(${ever} and not ${current})` : sql<boolean>`${current}`);
  }
  if (options.cursor) query = query.where(afterCursor(order, options.cursor));
  const page = orderedPage(await query.execute(), options.limit, order);
  return { items: page.rows, nextCursor: page.nextCursor };
}
